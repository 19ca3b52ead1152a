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
PACKAGES = ("flask", "werkzeug", "gunicorn", "sqlalchemy", "twilio", "rapidfuzz")


@dataclass(frozen=True)
class Row:
    metric: str
    bare: float
    hotline: float
    unit: str
    target: str = ""  # e.g. ">= 0.85"; empty for figures shown for information
    digits: int = 1

    @property
    def ratio(self) -> float:
        """Return hotline / bare."""
        return self.hotline / self.bare if self.bare else math.inf if self.hotline else 1.0

    @property
    def met(self) -> str:
        """Say whether the ratio meets the target."""
        if not self.target:
            return ""
        if self.target == "none":  # a count that must be zero for both apps
            return "yes" if self.bare == self.hotline == 0 else "NO"
        sign, limit = self.target.split()
        ok = self.ratio >= float(limit) if sign == ">=" else self.ratio <= float(limit)
        return "yes" if ok else "NO"


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
            "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def format_value(value: float, digits: int) -> str:
    """Format a figure, or a dash when there is none."""
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def render_table(rows: list[Row]) -> str:
    """Render the rows as a Markdown table (it reads as plain text in a terminal too)."""
    lines = ["| Measure | Bare Flask | Hotline | Hotline / bare | Target | Met |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = "–" if row.unit == "count" or not math.isfinite(row.ratio) else f"{row.ratio:.2f}"
        lines.append(f"| {row.metric} ({row.unit}) | {format_value(row.bare, row.digits)} | "
                     f"{format_value(row.hotline, row.digits)} | {ratio} | {row.target or 'for information'} | "
                     f"{row.met} |")
    return "\n".join(lines)


def render_results(machine: dict[str, str], table: str, notes: list[str]) -> str:
    """Render the generated part of docs/benchmarks.md."""
    lines = [START_MARK, "", "## Latest results (written by the benchmark)", ""]
    lines += [f"- **{key}:** {value}" for key, value in machine.items()]
    lines += ["", table, ""]
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
