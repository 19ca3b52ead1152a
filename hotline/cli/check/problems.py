"""One thing `hotline check` found: how bad, where (file:key), and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    level: str  # "FAIL" or "warn"
    where: str  # file:key
    reason: str
