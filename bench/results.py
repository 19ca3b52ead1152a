"""Turn what was measured into the table's rows, with ratios and targets, and notes on how."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field

from .openloop import OpenLoopResult
from .report import Row
from .wrk import WrkResult

SCENARIOS = ("sms", "mixed")


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


def build_rows(bare: Measured, hotline: Measured, rate: float, connections: int, seconds: int) -> list[Row]:
    """Turn the measurements into the table's rows."""
    each = f"wrk, {connections} connections, {seconds} s, median of {len(bare.closed['sms'])}"
    rows = [Row(f"SMS throughput, {each}", bare.median("sms", "rate"), hotline.median("sms", "rate"),
                "req/s", ">= 0.85", 0)]
    rows += [Row(f"SMS latency {p} at full load", bare.median("sms", f"{p}_ms"), hotline.median("sms", f"{p}_ms"),
                 "ms", digits=2) for p in ("p50", "p90", "p99")]
    rows.append(Row("Mixed throughput, 3 texts : 1 voice step", bare.median("mixed", "rate"),
                    hotline.median("mixed", "rate"), "req/s", digits=0))
    rows.append(Row("Worker CPU per SMS", statistics.median(bare.cpu_ms_per_sms),
                    statistics.median(hotline.cpu_ms_per_sms), "ms", digits=3))
    for p, target in ((50, ""), (90, ""), (99, "<= 2")):
        rows.append(Row(f"SMS latency p{p} at a fixed {rate:.0f} req/s, from the schedule, median of "
                        f"{len(bare.open_loop)}", bare.fixed_rate(p), hotline.fixed_rate(p), "ms", target, 2))
    rows.append(Row("Errors: socket, non-200, wrong or lost answers, all phases", bare.errors(), hotline.errors(),
                    "count", "none", 0))
    rows.append(Row("Worker memory, largest RSS after load", max(bare.rss_mib), max(hotline.rss_mib), "MiB",
                    "<= 1.5", 1))
    rows.append(Row(f"Start-up until /healthz answers, median of {len(bare.startup_s)}",
                    statistics.median(bare.startup_s), statistics.median(hotline.startup_s), "s", "<= 2", 2))
    return rows


def list_notes(bare: Measured, hotline: Measured, rate: float) -> list[str]:
    """Say how each figure was taken and anything that makes it less trustworthy."""
    notes = [f"Closed-loop SMS rounds, req/s — bare: {', '.join(f'{r.rate:.0f}' for r in bare.closed['sms'])}; "
             f"hotline: {', '.join(f'{r.rate:.0f}' for r in hotline.closed['sms'])}.",
             f"Fixed rate {rate:.0f} req/s, p99 by round, ms — bare: "
             f"{', '.join(f'{r.percentile(r.latencies_ms, 99):.2f}' for r in bare.open_loop)}; hotline: "
             f"{', '.join(f'{r.percentile(r.latencies_ms, 99):.2f}' for r in hotline.open_loop)}; "
             f"{sum(len(r.latencies_ms) for r in hotline.open_loop)} hotline answers measured; the driver's own "
             f"send lag p99 {bare.fixed_rate(99, lag=True):.2f} ms (bare), {hotline.fixed_rate(99, lag=True):.2f} ms "
             "(hotline).",
             f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
             f"(anything well above 0 at the start means other work shared the {os.cpu_count()} cores).",
             "Targets are the issue's, as ratios hotline / bare; errors must be none for either app."]
    errors = {f"{name} round {i + 1}": r.errors for name, m in (("bare", bare), ("hotline", hotline))
              for i, r in enumerate(m.open_loop) if r.errors}
    if errors:
        notes.append(f"Open-loop errors by kind: {errors}.")
    return notes
