"""Describe the machine, lay the results out as a table with ratios and targets, and write docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import math
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"
PACKAGES = ("flask", "werkzeug", "gunicorn", "sqlalchemy", "twilio", "rapidfuzz", "psycopg")


@dataclass(frozen=True)
class Row:
    metric: str
    bare: float
    peer: float  # the app Twilio's tutorials build (bench/tutorial_app.py)
    hotline: float
    unit: str
    target: str = ""  # hotline / peer, e.g. ">= 1.0"; empty for figures shown for information
    digits: int = 1

    @property
    def ratio(self) -> float:
        """Return hotline / peer."""
        return divide(self.hotline, self.peer)

    @property
    def bare_ratio(self) -> float:
        """Return hotline / bare (for information)."""
        return divide(self.hotline, self.bare)

    @property
    def met(self) -> str:
        """Say whether the ratio meets the target."""
        if not self.target:
            return ""
        if self.target == "none":  # a count that must be zero for every app
            return "yes" if self.bare == self.peer == self.hotline == 0 else "NO"
        sign, limit = self.target.split()
        ok = self.ratio >= float(limit) if sign == ">=" else self.ratio <= float(limit)
        return "yes" if ok else "NO"


def divide(a: float, b: float) -> float:
    """Return a / b, NaN when either is missing, infinity over zero."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b if b else math.inf if a else 1.0


def describe_machine() -> dict[str, str]:
    """Name the CPU, cores, memory, OS, Python and the versions that matter here."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))
    os_name = next((line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.system())
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in PACKAGES)
    return {"Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "CPU": cpu,
            "Cores": str(os.cpu_count()), "Memory": f"{memory_kib / 1024 / 1024:.1f} GiB",
            "OS": f"{os_name}, Linux {platform.release()}", "Python": platform.python_version(),
            "Packages": versions,
            "Load generators": f"{' '.join(wrk[0].split()[:3]) if wrk else 'wrk'} (fixed concurrency); "
                               "bench/openloop.py (fixed rate)",
            "Servers": "each app under the Procfile's gunicorn -c gunicorn.conf.py: gthread, 2 workers x 4 threads",
            "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def format_value(value: float, digits: int) -> str:
    """Format a figure, or a dash when there is none."""
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def render_table(rows: list[Row]) -> str:
    """Render the rows as a Markdown table (it reads as plain text in a terminal too)."""
    lines = ["| Measure | Bare Flask | Tutorial peer | Hotline | Hotline / peer | Hotline / bare | Target | Met |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        ratios = ["–" if row.unit == "count" or not math.isfinite(r) else f"{r:.2f}"
                  for r in (row.ratio, row.bare_ratio)]
        lines.append(f"| {row.metric} ({row.unit}) | {format_value(row.bare, row.digits)} | "
                     f"{format_value(row.peer, row.digits)} | {format_value(row.hotline, row.digits)} | "
                     f"{ratios[0]} | {ratios[1]} | {row.target or 'for information'} | {row.met} |")
    return "\n".join(lines)


def render_results(machine: dict[str, str], table: str, verdict: str, notes: list[str]) -> str:
    """Render the generated part of docs/benchmarks.md."""
    lines = [START_MARK, "", "## Latest results (written by the benchmark)", ""]
    lines += [f"- **{key}:** {value}" for key, value in machine.items()]
    lines += ["", table, "", f"**{verdict}**", ""]
    lines += [f"- {note}" for note in notes]
    return "\n".join([*lines, "", END_MARK])


def write_results(path: Path, results: str) -> None:
    """Replace the generated part of the document, keeping the written parts around it."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n" + START_MARK + "\n" + END_MARK + "\n"
    if START_MARK not in text or END_MARK not in text:
        text = text.rstrip("\n") + "\n\n" + START_MARK + "\n" + END_MARK + "\n"
    before, _, rest = text.partition(START_MARK)
    _, _, after = rest.partition(END_MARK)
    path.write_text(before + results + after)
