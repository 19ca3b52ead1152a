"""Lay a `hotline check` report out as a table for people, or as JSON for machines."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from hotline.cli.check import rules
from hotline.cli.check.report_types import Report, Row
from hotline.cli.check.scoring import format_scores


def render_table(report: Report) -> str:
    """Lay the report out for a terminal: a table per language, then problems and a summary."""
    header = ("topic", "message", "chars", "encoding", "seg", "cost", "score", "non-GSM", "status")
    lines = []
    for lang, title in report.language_names.items():
        rows = [table_cells(row) for row in report.rows if row.lang == lang]
        if rows:
            lines += ["", title, *align_columns([header, *rows])]
    if report.reviewed:
        lines += ["", "Last reviewed: " + ", ".join(f"{t} {d}" for t, d in report.reviewed.items())]
    if report.samples:
        lines += ["Measured with sample values for empty settings: "
                  + ", ".join(f"{{{name}}} = {value!r}" for name, value in report.samples.items())]
    lines += [""] + [f"{p.level} {p.where}: {p.reason}" for p in report.problems] + [summarise(report)]
    return "\n".join(lines)


def table_cells(row: Row) -> tuple[str, ...]:
    """Turn one row into the table's cells."""
    return (row.topic, row.message, "" if row.chars is None else str(row.chars), row.encoding or "",
            "" if row.segments is None else str(row.segments),
            "" if row.cost is None else f"${row.cost:.4f}", format_scores(row.scores),
            " ".join(c if c.isalpha() else f"U+{ord(c):04X}" for c in row.non_gsm), row.status)


def align_columns(rows: list[tuple[str, ...]]) -> list[str]:
    """Pad cells into columns, numbers to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = {2, 4, 5}
    return ["  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                      for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]


def summarise(report: Report) -> str:
    """Say in one line whether the content passes, and what a whole topic costs."""
    failures = sum(p.level == "FAIL" for p in report.problems)
    warnings = len(report.problems) - failures
    sms = sum(row.kind == "sms" for row in report.rows)
    reads = [row.cost for row in report.rows if row.kind == "read"]
    cost = f"; reading a whole topic costs ${min(reads):.4f} to ${max(reads):.4f}" if reads else ""
    return (f"{'PASS' if report.ok else 'FAIL'}: {sms} SMS checked, {failures} failed, "
            f"{warnings} warning{'s' * (warnings != 1)}{cost} (estimate at ${report.limits.price} a segment)")


def report_json(report: Report) -> str:
    """Give the whole report as JSON for machines."""
    def plain(value: object) -> object:
        return float(value) if isinstance(value, Decimal) else str(value)
    data = {"ok": report.ok, "summary": summarise(report), "currency": "USD", "cost_is_estimate": True,
            "price_per_segment": report.limits.price, "budget": dict(report.limits.budget),
            "samples": report.samples, "reviewed": report.reviewed,
            "rows": [dataclasses.asdict(row) | {"non_gsm": [rules.describe(c) for c in row.non_gsm]}
                     for row in report.rows],
            "problems": [dataclasses.asdict(problem) for problem in report.problems]}
    return json.dumps(data, default=plain, ensure_ascii=False, indent=2)
