"""`hotline check`: measure every text as Twilio bills it and as people read it, and say what fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from dotenv import find_dotenv, load_dotenv

from . import check_rules as rules
from .check_counties import measure_county_answers
from .check_rules import Problem
from .check_translations import check_translations
from .check_translations import confirm_translations as record_translations
from .content import (
    PLACEHOLDERS,
    Catalog,
    ContentError,
    default_messages_dir,
    fill,
    load_catalog,
    placeholder_values,
    read_toml,
    require_texts,
    review_dates,
)
from .readability import scores as readability_scores
from .segments import count_segments
from .settings import LANGUAGES, SettingsError, is_on, read_settings

# Stand-ins for placeholders whose setting is still empty. Live replies drop such lines,
# but an organisation that fills the setting in later must not find its answers over
# budget, so the budget is measured with values of realistic length (fictional 555 number).
SAMPLES = {"org": "Example Community Legal Project", "number": "+13075550100",
           "referral": "Example Legal Aid, 307-555-0199, Mon-Fri"}
LANGUAGE_NAMES = {"en": "English (en)", "es": "Spanish (es)", "en+es": "Both languages (first contact)"}


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
    lang: str  # "en", "es", or "en+es" for the bilingual menu
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


def run_check(directory: Path | str | None = None, config: Mapping[str, str] | None = None,
              today: dt.date | None = None) -> Report:
    """Check every text in messages/ with these settings and return what was found."""
    config = read_settings() if config is None else config
    report = Report(read_limits(config))
    try:
        catalog = load_catalog(directory)
    except ContentError as error:  # the loader stops at the first gap: report it, not a traceback
        where, _, reason = str(error).partition(" ")
        report.problems.append(Problem("FAIL", where.rstrip(":"), reason))
        return report
    values = placeholder_values(config)
    report.samples = {name: SAMPLES[name] for name in PLACEHOLDERS if not values[name]}
    preview = is_on(config, "HOTLINE_DISCREET_PREVIEW")  # then every reply starts with a neutral line
    for lang, topic, message, where, template in rules.list_sms(catalog):
        first_line = catalog.texts[LANGUAGES[0] if "+" in lang else lang]["discreet_preview"] if preview else ""
        measure_sms(Row("sms", lang, topic, message, where), "\n".join(filter(None, (first_line, template))),
                    {**values, **report.samples, "reviewed": review_dates(catalog, lang.split("+")[0])}, report)

    def measure_county(lang: str, key: str, where: str, text: str) -> None:
        first_line = catalog.texts[lang]["discreet_preview"] + "\n" if preview else ""
        measure_sms(Row("sms", lang, "hotline", f"287G {key}", where),
                    first_line + text.replace("{", "{{").replace("}", "}}"), {}, report)
        report.problems += [Problem("FAIL", where, reason) for reason in hard_to_read(
            score_text(text, lang), lang, report.limits)]
    report.problems += measure_county_answers(directory, measure_county)
    score_topics(catalog, report)
    report.problems += score_other_texts(catalog, Path(directory or default_messages_dir()), report.limits)
    report.problems += check_translations(Path(directory or default_messages_dir()))
    report.problems += rules.check_content(catalog, values, report.limits.max_age_days,
                                           today or dt.date.today())
    report.reviewed = {topic.id: topic.reviewed for topic in catalog.topics.values()}
    order = [*report.reviewed, "hotline"]
    report.rows.sort(key=lambda row: order.index(row.topic))  # each topic's rows together
    for row in report.rows:
        levels = {p.level for p in report.problems if p.where == row.where}
        row.status = "FAIL" if "FAIL" in levels else "warn" if levels else "ok"
    return report


def measure_sms(row: Row, template: str, values: Mapping[str, str], report: Report) -> None:
    """Count one SMS exactly as Twilio bills it, and report it over budget or needlessly UCS-2."""
    count = count_segments(fill(template, values))
    row.chars, row.encoding, row.segments, row.non_gsm = (count.characters, count.encoding,
                                                          count.segments, count.non_gsm)
    row.cost = report.limits.price * count.segments
    report.rows.append(row)
    if row.message != rules.TEXT_ME:  # the same words as the SMS answer: report their typography once
        report.problems += rules.check_typography(row.where, template, count.non_gsm)
    budget = report.limits.budget[count.encoding]
    if count.segments > budget:
        report.problems.append(Problem("FAIL", row.where, f"{count.segments} {count.encoding} segments "
                                       f"({count.characters} characters) is over the budget of {budget}: "
                                       + how_much_to_cut(count, report.limits.budget, template)))


CAPACITY = {"GSM-7": (160, 153), "UCS-2": (70, 67)}  # characters in one segment, and per segment when split


def how_much_to_cut(count, budget: Mapping[str, int], template: str) -> str:
    """Say how many characters to cut in this encoding, and in GSM-7 if the text lost what forces UCS-2."""
    def over(encoding: str, units: int) -> int:
        single, split = CAPACITY[encoding]
        return units - (single if budget[encoding] == 1 else split * budget[encoding])
    advice = f"cut {over(count.encoding, count.units)} characters"
    if count.encoding == "UCS-2":
        chars = " ".join(count.non_gsm)
        from_settings = [c for c in count.non_gsm if c not in template]
        advice += (f" (or, without {chars}, which make it UCS-2, cut {max(over('GSM-7', count.characters), 0)} "
                   "in GSM-7)")
        if from_settings:
            advice += (f"; {' '.join(from_settings)} come from a setting or a filled-in placeholder "
                       "(HOTLINE_REFERRAL, {reviewed}...)")
    return advice


def score_topics(catalog: Catalog, report: Report) -> None:
    """Score each topic's SMS texts as one read, and its voice and web texts, against the targets."""
    for topic in catalog.topics.values():
        for lang, text in topic.texts.items():
            # A whole read is the SMS answer and its follow-ups; "text me this" is measured on its own.
            rows = [r for r in report.rows if r.topic == topic.id and r.lang == lang and r.message != rules.TEXT_ME]
            for row, template in zip(rows, (text.sms, *text.more), strict=True):
                row.scores = score_text(template, lang)
            where = f"{topic.file}:{lang}.sms+more"
            read = Row("read", lang, topic.id, "whole topic", where, sum(r.chars for r in rows), None,
                       sum(r.segments for r in rows), sum((r.cost for r in rows), Decimal(0)),
                       scores=score_text("\n".join((text.sms, *text.more)), lang))
            hardest = min(rows, key=lambda r: ease(r.scores, lang))
            report.rows.append(read)
            report.problems += [Problem("FAIL", where, f"{reason} (hardest: {hardest.where}, "
                                        f"{format_scores(hardest.scores)})")
                                for reason in hard_to_read(read.scores, lang, report.limits)]
            # Callers cannot reread a spoken answer, so voice must be as plain as SMS; a web
            # page may define legal terms at more length, so it only warns.
            for name, level in (("voice", "FAIL"), ("web", "warn")):
                row = Row(name, lang, topic.id, name, f"{topic.file}:{lang}.{name}",
                          scores=score_text(getattr(text, name), lang))
                report.rows.append(row)
                report.problems += [Problem(level, row.where, reason)
                                    for reason in hard_to_read(row.scores, lang, report.limits)]


MIN_WORDS_TO_SCORE = 4  # reading-ease formulas mean nothing for a label like "US Letter"


def score_other_texts(catalog: Catalog, directory: Path, limits: Limits) -> list[Problem]:
    """Score every other text a person reads or hears (HELP, menus, prompts, page words) against the targets."""
    web = read_toml(directory / "web.toml")
    texts = [(f"hotline.toml:{lang}.{name}", lang, text) for lang in LANGUAGES
             for name, text in catalog.texts[lang].items()]
    texts += [(f"voice.toml:{lang}.{key}", lang, value) for lang in LANGUAGES
              for key, value in rules.leaves(catalog.voice[lang]) if isinstance(value, str)]
    texts += [(f"web.toml:{lang}.{name}", lang, text) for lang in LANGUAGES
              for name, text in require_texts(web, lang, (), "web.toml").items()]
    return [Problem("FAIL", where, reason) for where, lang, text in texts
            if len(fill(text, {}).split()) >= MIN_WORDS_TO_SCORE
            for reason in hard_to_read(score_text(text, lang), lang, limits)]


def score_text(template: str, lang: str) -> dict[str, float]:
    """Score the editor's own words: lines with a placeholder are left out, as when unset."""
    try:
        return readability_scores(fill(template, {}), lang)
    except ValueError:  # no words left to score
        return {}


def ease(scores: Mapping[str, float], lang: str) -> float:
    """Rank scores so that the lowest is the hardest to read."""
    if not scores:
        return float("inf")
    return -scores["fk_grade"] if lang == "en" else scores["fernandez_huerta"]


def hard_to_read(scores: Mapping[str, float], lang: str, limits: Limits) -> list[str]:
    """Say which plain-language targets the scores miss."""
    if not scores:
        return []
    if lang == "en":
        grade = scores["fk_grade"]
        return [f"Flesch-Kincaid grade {grade:.1f} is above {limits.max_grade:g}"] * (grade > limits.max_grade)
    targets = (("fernandez_huerta", "Fernández-Huerta", limits.min_fernandez_huerta),
               ("szigriszt_pazos", "Szigriszt-Pazos", limits.min_szigriszt_pazos))
    return [f"{label} {scores[key]:.1f} is below {low:g}" for key, label, low in targets if scores[key] < low]


def format_scores(scores: Mapping[str, float]) -> str:
    """Write scores briefly: "grade 5.2" or "FH 80.1 SP 76.0"."""
    if "fk_grade" in scores:
        return f"grade {scores['fk_grade']:.1f}"
    if scores:
        return f"FH {scores['fernandez_huerta']:.1f} SP {scores['szigriszt_pazos']:.1f}"
    return ""


def render_table(report: Report) -> str:
    """Lay the report out for a terminal: a table per language, then problems and a summary."""
    header = ("topic", "message", "chars", "encoding", "seg", "cost", "score", "non-GSM", "status")
    lines = []
    for lang, title in LANGUAGE_NAMES.items():
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for machines.")
@click.option("--confirm-translations", is_flag=True,
              help="Record that every language of every text is in step now (messages/translations.lock).")
@click.option("--messages", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check this messages/ folder instead of the configured one.")
@click.pass_context
def check(ctx: click.Context, as_json: bool, confirm_translations: bool, directory: Path | None) -> None:
    """Check the words in messages/: complete, within SMS budget, plain, fresh, safe and translated."""
    load_dotenv(find_dotenv(usecwd=True))
    config = read_settings()
    if confirm_translations:
        path = record_translations(Path(directory or config["HOTLINE_MESSAGES_DIR"] or default_messages_dir()))
        click.echo(f"Recorded every text's fingerprint in {path}: the languages are in step now.")
    try:
        report = run_check(directory or config["HOTLINE_MESSAGES_DIR"] or None, config)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report_json(report) if as_json else render_table(report))
    ctx.exit(0 if report.ok else 1)
