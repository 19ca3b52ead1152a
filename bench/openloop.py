"""An open-loop driver: send requests at a fixed rate, whatever the server does, and time each from its schedule.

wrk keeps a fixed number of connections busy, so a slow answer delays the requests behind it and
hides the wait (coordinated omission); wrk2 fixes that but is in neither Debian nor PyPI or npm
as a maintained package (see docs/benchmarks.md). This driver schedules request k at start + k/rate
on a new connection (gunicorn's sync workers close each one anyway), never waits for an answer
before sending the next, and measures latency from the scheduled time, so any queueing counts.
"""

from __future__ import annotations

import asyncio
import math
import resource
import time
from dataclasses import dataclass, field

from .mix import Sample

TIMEOUT_S = 15.0  # Twilio's whole budget: an answer later than this is lost anyway
# Beyond this many open requests the server is hopelessly behind: count a failure, don't pile on
# (and stay below the open-file limit, or the driver's own errors would count against the server).
MAX_IN_FLIGHT = min(2000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 64)


@dataclass
class OpenLoopResult:
    rate: float  # scheduled requests per second
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)  # completed and correct, from the schedule
    send_lag_ms: list[float] = field(default_factory=list)  # how late the driver itself was to send
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        """Return all failures: sockets, timeouts, statuses, wrong answers, overload."""
        return sum(self.errors.values())

    def percentile(self, values: list[float], p: float) -> float:
        """Return the p-th percentile (nearest rank) of values, or NaN for none."""
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def send_one(port: int, sample: Sample, request: bytes, scheduled: float, result: OpenLoopResult) -> None:
    """Send one request on its own connection; record its latency from the schedule, or what went wrong."""
    started = time.perf_counter()
    result.send_lag_ms.append((started - scheduled) * 1000)
    try:
        async with asyncio.timeout(TIMEOUT_S - (started - scheduled)):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status, length = parse_head(head)
                body = await reader.readexactly(length)
            finally:
                writer.close()
    except TimeoutError:
        count_failure(result, "timeout")
        return
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        count_failure(result, type(error).__name__)
        return
    finished = time.perf_counter()
    if status != 200:
        count_failure(result, f"status {status}")
    elif body != sample.expected.encode():
        count_failure(result, "wrong answer")
    else:
        result.latencies_ms.append((finished - scheduled) * 1000)


def parse_head(head: bytes) -> tuple[int, int]:
    """Read the status code and Content-Length of a response head."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    lengths = [int(li.split(":", 1)[1]) for li in lines[1:] if li.lower().startswith("content-length:")]
    if not lengths:
        raise ValueError("no Content-Length")
    return status, lengths[0]


def count_failure(result: OpenLoopResult, kind: str) -> None:
    """Count one failure of this kind."""
    result.errors[kind] = result.errors.get(kind, 0) + 1


async def send_at_rate(port: int, samples: list[Sample], encoded: list[bytes], rate: float, seconds: float,
                       first: int, result: OpenLoopResult) -> None:
    """Send rate*seconds requests on schedule, from sample `first` on, then wait for every answer."""
    tasks: set[asyncio.Task] = set()
    start = time.perf_counter() + 0.05
    for k in range(int(rate * seconds)):  # bounded: rate * seconds requests
        scheduled = start + k / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= MAX_IN_FLIGHT:
            count_failure(result, "overload (driver stopped piling on)")
            continue
        i = (first + k) % len(samples)
        task = asyncio.create_task(send_one(port, samples[i], encoded[i], scheduled, result))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)


async def drive(port: int, samples: list[Sample], rate: float, seconds: float, warmup_s: float) -> OpenLoopResult:
    """Warm up unmeasured, then send for `seconds` and measure; each phase waits for its last answer."""
    encoded = [s.encode() for s in samples]
    await send_at_rate(port, samples, encoded, rate, warmup_s, 0, OpenLoopResult(rate, warmup_s))
    result = OpenLoopResult(rate, seconds)
    await send_at_rate(port, samples, encoded, rate, seconds, int(rate * warmup_s), result)
    return result


def run_open_loop(port: int, samples: list[Sample], rate: float, seconds: float,
                  warmup_s: float = 2.0) -> OpenLoopResult:
    """Drive a server at a fixed rate for a fixed time and return what happened."""
    return asyncio.run(drive(port, samples, rate, seconds, warmup_s))
