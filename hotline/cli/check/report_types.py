"""What `hotline check` measures: the limits it measures against, a row per text, and the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from hotline.cli.check.problems import Problem
from hotline.edges.settings import SettingsError


@dataclass(frozen=True)
class Limits:
    budget: Mapping[str, int]  # encoding -> most segments one SMS may take
    price: Decimal  # per segment, USD
    max_grade: float
    min_fernandez_huerta: float
    min_szigriszt_pazos: float
    max_age_days: int


@dataclass
class Row:
    kind: str  # "sms" (one message), "read" (a topic's SMS texts in a row), "voice" or "web"
    lang: str  # a language code, or the codes joined with "+" for the first-contact menu
    topic: str  # topic id, or "hotline" for hotline.toml
    message: str
    where: str  # file:key
    chars: int | None = None
    encoding: str | None = None
    segments: int | None = None
    cost: Decimal | None = None
    non_gsm: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    status: str = "ok"


@dataclass
class Report:
    limits: Limits
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)  # placeholder -> stand-in used
    reviewed: dict[str, dt.date] = field(default_factory=dict)
    language_names: dict[str, str] = field(default_factory=dict)  # row language -> its table's title

    @property
    def ok(self) -> bool:
        """Tell whether nothing failed (warnings allowed)."""
        return not any(p.level == "FAIL" for p in self.problems)


def read_limits(config: Mapping[str, str]) -> Limits:
    """Read the check's budgets, price and targets from settings; SettingsError names a bad one."""
    def number(name: str, kind: type = float):
        try:
            return kind(str(config[name]).strip())
        except (ValueError, InvalidOperation):
            raise SettingsError(f"{name} must be a number, not {config[name]!r}") from None
    return Limits({"GSM-7": number("HOTLINE_BUDGET_SEGMENTS_GSM", int),
                   "UCS-2": number("HOTLINE_BUDGET_SEGMENTS_UCS2", int)},
                  number("HOTLINE_PRICE_PER_SEGMENT", Decimal), number("HOTLINE_MAX_ENGLISH_GRADE"),
                  number("HOTLINE_MIN_FERNANDEZ_HUERTA"), number("HOTLINE_MIN_SZIGRISZT_PAZOS"),
                  number("HOTLINE_REVIEW_MAX_AGE_DAYS", int))
