"""Turn what was measured into the table's rows, with ratios, targets and a verdict, and notes on how."""

from __future__ import annotations

import math
import os
import statistics
from dataclasses import dataclass, field

from .openloop import OpenLoopResult
from .report import Row
from .wrk import WrkResult

SCENARIOS = ("sms", "mixed")
APPS = ("bare", "tutorial", "hotline")  # the upper bound, the peer, and the hotline


@dataclass
class Measured:
    """Everything measured for one app across the run."""

    closed: dict[str, list[WrkResult]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})
    startup_s: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    cpu_ms_per_sms: list[float] = field(default_factory=list)
    open_loop: list[OpenLoopResult] = field(default_factory=list)

    def errors(self) -> int:
        """Count every failed or wrong answer in every phase."""
        closed = sum(r.errors for results in self.closed.values() for r in results)
        return closed + sum(r.error_count for r in self.open_loop)

    def median(self, scenario: str, name: str) -> float:
        """Return the median over rounds of one closed-loop figure (rate, p50_ms, ...)."""
        return statistics.median(getattr(r, name) for r in self.closed[scenario])

    def fixed_rate(self, p: float, lag: bool = False) -> float:
        """Return the median over rounds of a fixed-rate latency percentile (or of the driver's send lag)."""
        return statistics.median(r.percentile(r.send_lag_ms if lag else r.latencies_ms, p) for r in self.open_loop)


@dataclass
class ScaleOut:
    """Two hotline instances (two gunicorn masters) on one PostgreSQL, driven at once."""

    results: list[WrkResult]  # one per instance
    counted: int  # texts in the shared usage counters after SIGTERM to both
    cpu_ms_per_sms: float
    server: str  # the PostgreSQL version

    @property
    def answered(self) -> int:
        """Return the texts answered right, both instances together."""
        return sum(r.detail["right"] for r in self.results)

    @property
    def rate(self) -> float:
        """Return both instances' throughput together."""
        return sum(r.rate for r in self.results)

    def errors(self, connections: int) -> int:
        """Count wrong answers, plus a count that misses an answer or exceeds what was in flight at the end."""
        in_flight = connections  # wrk stops with at most one request per connection unanswered
        miscounted = not self.answered <= self.counted <= self.answered + in_flight
        return sum(r.errors for r in self.results) + int(miscounted)


NAN = math.nan


def build_rows(m: dict[str, Measured], rate: float, connections: int, seconds: int,
               scale: ScaleOut | None) -> list[Row]:
    """Turn the measurements into the table's rows; the targets compare the hotline with the peer."""
    bare, peer, hotline = (m[name] for name in APPS)
    each = f"wrk, {connections} connections, {seconds} s, median of {len(hotline.closed['sms'])}"

    def closed(metric: str, scenario: str, name: str, unit: str, target: str = "", digits: int = 2) -> Row:
        return Row(metric, bare.median(scenario, name), peer.median(scenario, name), hotline.median(scenario, name),
                   unit, target, digits)

    rows = [closed(f"SMS throughput, {each}", "sms", "rate", "req/s", ">= 1.0", 0)]
    rows += [closed(f"SMS latency {p} at full load", "sms", f"{p}_ms", "ms") for p in ("p50", "p90")]
    rows.append(closed("SMS latency p99 at full load", "sms", "p99_ms", "ms", "<= 1.0"))
    rows.append(closed("Mixed throughput, 3 texts : 1 voice step", "mixed", "rate", "req/s", digits=0))
    rows.append(Row("Worker CPU per SMS", *(statistics.median(x.cpu_ms_per_sms) for x in (bare, peer, hotline)),
                    "ms", digits=3))
    for p in (50, 90, 99):
        rows.append(Row(f"SMS latency p{p} at a fixed {rate:.0f} req/s, from the schedule, median of "
                        f"{len(hotline.open_loop)}", *(x.fixed_rate(p) for x in (bare, peer, hotline)), "ms",
                        digits=2))
    if scale is not None:
        rows.append(Row(f"Two hotline instances on one PostgreSQL, SMS throughput, both together, {seconds} s",
                        NAN, NAN, scale.rate, "req/s", digits=0))
        rows.append(Row("Two instances: worker CPU per SMS", NAN, NAN, scale.cpu_ms_per_sms, "ms", digits=3))
    errors = [x.errors() for x in (bare, peer, hotline)]
    if scale is not None:
        errors[2] += scale.errors(connections)
    rows.append(Row("Errors: socket, non-200, wrong or lost answers, miscounts, all phases", *errors, "count",
                    "none", 0))
    rows.append(Row("Worker memory, largest RSS after load", *(max(x.rss_mib) for x in (bare, peer, hotline)),
                    "MiB", digits=1))
    rows.append(Row(f"Start-up until /healthz answers, median of {len(hotline.startup_s)}",
                    *(statistics.median(x.startup_s) for x in (bare, peer, hotline)), "s", digits=2))
    return rows


def verdict(rows: list[Row]) -> str:
    """Say in one line whether the hotline met its targets against the peer."""
    targets = [row for row in rows if row.target]
    missed = [row for row in targets if row.met == "NO"]
    parts = [f"{row.metric.split(',')[0]} {row.ratio:.2f}x the peer" for row in targets if row.unit != "count"]
    if missed:
        return f"Verdict: NOT MET ({len(missed)} of {len(targets)} missed: " + "; ".join(
            row.metric.split(",")[0] for row in missed) + "). " + "; ".join(parts) + "."
    return f"Verdict: MET, every target in this run ({'; '.join(parts)}; no errors)."


def list_notes(m: dict[str, Measured], rate: float, scale: ScaleOut | None, connections: int) -> list[str]:
    """Say how each figure was taken and anything that makes it less trustworthy."""
    rounds = "; ".join(f"{name}: {', '.join(f'{r.rate:.0f}' for r in m[name].closed['sms'])}" for name in APPS)
    p99s = "; ".join(f"{name}: {', '.join(f'{r.p99_ms:.2f}' for r in m[name].closed['sms'])}" for name in APPS)
    fixed = "; ".join(f"{name}: {', '.join(f'{r.percentile(r.latencies_ms, 99):.2f}' for r in m[name].open_loop)}"
                      for name in APPS)
    notes = [f"Closed-loop SMS rounds, req/s — {rounds}.",
             f"Closed-loop SMS p99 by round, ms — {p99s}.",
             f"Fixed rate {rate:.0f} req/s (half the peer's throughput, the same for all three), p99 by round, ms — "
             f"{fixed}; {sum(len(r.latencies_ms) for r in m['hotline'].open_loop)} hotline answers measured; the "
             f"driver's own send lag p99 {m['hotline'].fixed_rate(99, lag=True):.2f} ms.",
             f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
             f"(anything well above 0 at the start means other work shared the {os.cpu_count()} cores).",
             "Targets are the issue's: the hotline against the peer (Twilio's tutorial app), in the same run; "
             "the bare app's ratios are for information. Errors must be none for every app."]
    if scale is None:
        notes.append("Two instances on PostgreSQL: not run (no HOTLINE_TEST_POSTGRES_URL; bench/run starts a "
                     "server when it can).")
    else:
        notes.append(f"Two instances on one {scale.server}: {scale.rate:.0f} req/s together "
                     f"({', '.join(f'{r.rate:.0f}' for r in scale.results)}), p99 "
                     f"{', '.join(f'{r.p99_ms:.2f}' for r in scale.results)} ms; after SIGTERM to both the shared "
                     f"counters hold {scale.counted} texts for {scale.answered} answered "
                     f"(up to {connections} more may have been in flight when wrk stopped).")
    errors = {f"{name} round {i + 1}": r.errors for name in APPS for i, r in enumerate(m[name].open_loop) if r.errors}
    if errors:
        notes.append(f"Open-loop errors by kind: {errors}.")
    return notes
