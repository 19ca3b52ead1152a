"""Drive a server with wrk at fixed concurrency for a fixed time, through bench/mix.lua."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .mix import Sample

SCRIPT = Path(__file__).with_name("mix.lua")


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int  # socket errors, non-2xx, wrong answers and lost requests together
    detail: dict

    @property
    def rate(self) -> float:
        """Return completed requests per second."""
        return self.requests / self.seconds


def find_wrk() -> str:
    """Return wrk's path, or stop with how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: run bench/run (it installs it), or apt-get install -y wrk")
    return path


def lua_string(data: bytes) -> str:
    """Quote bytes as a Lua string literal, escaping everything but plain printable ASCII."""
    # Decimal escapes are three digits, so a digit that follows cannot be read as part of one.
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in data) + '"'


def write_data(samples: list[Sample], path: Path) -> Path:
    """Write the requests and the answers they must get as a Lua table for mix.lua."""
    bodies: dict[str, int] = {}
    expect = [bodies.setdefault(s.expected, len(bodies) + 1) for s in samples]
    lines = ["return {", "requests = {"]
    lines += [lua_string(s.encode()) + "," for s in samples]
    lines += ["},", "expect = {" + ",".join(map(str, expect)) + "},", "bodies = {"]
    lines += [lua_string(body.encode()) + "," for body in bodies]
    lines += ["},", "}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(url: str, data: Path, connections: int, seconds: int) -> WrkResult:
    """Run wrk with one connection per thread and parse the summary mix.lua prints."""
    command = [find_wrk(), "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "15s", "-s", str(SCRIPT), url, "--", str(data)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next((li for li in output.splitlines() if li.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    d = json.loads(line.removeprefix("BENCH "))
    errors = (d["connect_errors"] + d["read_errors"] + d["write_errors"] + d["timeouts"] + d["bad_status"]
              + d["wrong"] + d["lost"] + d["unasked"])
    return WrkResult(d["requests"], d["duration_us"] / 1e6, d["p50_us"] / 1000, d["p90_us"] / 1000,
                     d["p99_us"] / 1000, errors, d)
