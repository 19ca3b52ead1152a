"""Whether a new verified notice may be published: every language given, within the SMS budget, plain to
read, plain characters, a label that is no phone number, and an expiry no later than the line allows."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotline.core.alerts import AlertWords, Notice, compose, longest_time
from hotline.core.languages import Languages
from hotline.core.placeholders import fill
from hotline.core.readability import scores
from hotline.core.segments import SegmentCount, count_segments
from hotline.core.sms_flow import preview_then

MAX_CHARACTERS = 500  # far more than a budget allows: a bound on what is stored, whatever the budget
MAX_LABEL = 40
MIN_WORDS_TO_SCORE = 4  # as `hotline check`: reading-ease formulas mean nothing for three words
CAPACITY = {"GSM-7": (160, 153), "UCS-2": (70, 67)}  # one segment alone, and each of several
DURATION = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    budget: Mapping[str, int]  # encoding -> most segments one SMS may take
    max_grade: float  # English, Flesch-Kincaid
    min_fernandez_huerta: float  # Spanish
    min_szigriszt_pazos: float


def limits_from(config: Mapping[str, object]) -> Limits:
    """Read the same budgets and reading targets as `hotline check` (checked at start)."""
    return Limits({"GSM-7": int(str(config["HOTLINE_BUDGET_SEGMENTS_GSM"])),
                   "UCS-2": int(str(config["HOTLINE_BUDGET_SEGMENTS_UCS2"]))},
                  float(str(config["HOTLINE_MAX_ENGLISH_GRADE"])), float(str(config["HOTLINE_MIN_FERNANDEZ_HUERTA"])),
                  float(str(config["HOTLINE_MIN_SZIGRISZT_PAZOS"])))


def tidy(text: str) -> str:
    """Write a notice as one line, as it will be sent: spaces and line breaks folded into single spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def worst_answer(text: str, lang: str, words: AlertWords, preview: str = "") -> str:
    """Put a notice into the answer as it can be longest (times said at their longest)."""
    when = longest_time(lang, words)
    answer = fill(words.texts[lang]["active"], {"text": text, "verified": when, "until": when})
    return preview_then(preview, answer)


@dataclass(frozen=True)
class Draft:
    """A notice an organiser wants to publish, tidied, with what keeps it from being published."""

    texts: Mapping[str, str]  # language code -> the verified words, one line each
    holds_for: dt.timedelta | None
    by: str
    problems: Mapping[str, list[str]]  # a language code, "expires" or "by" -> reasons

    @property
    def ok(self) -> bool:
        """Tell whether it may be published."""
        return not self.problems


def review(texts: Mapping[str, str], expires: str, by: str, languages: Languages, words: AlertWords,
           limits: Limits, max_hours: float, previews: Mapping[str, str] | None = None) -> Draft:
    """Check everything about a notice before it is published."""
    problems: dict[str, list[str]] = dict(check_notice(texts, languages, words, limits, previews))
    holds_for = label = None
    try:
        holds_for = parse_expiry(expires, max_hours)
    except ValueError as error:
        problems["expires"] = [str(error)]
    try:
        label = clean_label(by)
    except ValueError as error:
        problems["by"] = [str(error)]
    return Draft({code: tidy(texts.get(code, "")) for code in languages.codes}, holds_for, label or "", problems)


def preview(draft: Draft, now: dt.datetime, zone: ZoneInfo, words: AlertWords,
            previews: Mapping[str, str] | None = None) -> dict[str, tuple[str, SegmentCount]]:
    """Show exactly what a texter would get in each language if the draft were published now, and its cost."""
    notice = Notice(draft.texts, now, now + (draft.holds_for or dt.timedelta(hours=1)), draft.by)
    found = {}
    for code in draft.texts:
        text = preview_then((previews or {}).get(code, ""), compose(notice, code, words, now, zone, ""))
        found[code] = (text, count_segments(text))
    return found


def check_notice(texts: Mapping[str, str], languages: Languages, words: AlertWords, limits: Limits,
                 previews: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Check a notice in every language of the line: language code -> what is wrong (only those with problems)."""
    found = {language.code: check_text(tidy(texts.get(language.code, "")), language.code, language.readability,
                                       words, limits, (previews or {}).get(language.code, ""))
             for language in languages.all}
    return {code: problems for code, problems in found.items() if problems}


def check_text(text: str, lang: str, formulas: str, words: AlertWords, limits: Limits, preview: str = "") -> list[str]:
    """Say what keeps one language's words from being published (nothing: they may be)."""
    if not text:
        return ["is missing"]
    if len(text) > MAX_CHARACTERS:
        return [f"is {len(text)} characters long; keep it under {MAX_CHARACTERS}"]
    problems = [f"has {describe(c)}, which is not text" for c in dict.fromkeys(text)
                if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")]
    count = count_segments(worst_answer(text, lang, words, preview))
    problems += [f"has {describe(c)}, which makes the text cost more (UCS-2): write {twin(c)} instead"
                 for c in count.non_gsm if not unicodedata.category(c).startswith("L") and c not in preview]
    budget = limits.budget[count.encoding]
    if count.segments > budget:
        single, split = CAPACITY[count.encoding]
        over = count.units - (single if budget == 1 else split * budget)
        problems.append(f"makes the answer {count.segments} {count.encoding} segments ({count.characters} "
                        f"characters with the time and the words around it), over the budget of {budget}: "
                        f"cut {over} characters")
    if len(text.split()) >= MIN_WORDS_TO_SCORE:
        problems += hard_to_read(scores(text, formulas), limits)
    return problems


def hard_to_read(found: Mapping[str, float], limits: Limits) -> list[str]:
    """Say which plain-language targets the scores miss, as `hotline check` does."""
    if "fk_grade" in found:
        grade = found["fk_grade"]
        return [f"is hard to read: Flesch-Kincaid grade {grade:.1f} is above {limits.max_grade:g} "
                "(shorter sentences, common words)"] * (grade > limits.max_grade)
    targets = (("fernandez_huerta", "Fernández-Huerta", limits.min_fernandez_huerta),
               ("szigriszt_pazos", "Szigriszt-Pazos", limits.min_szigriszt_pazos))
    return [f"is hard to read: {label} {found[key]:.1f} is below {low:g} (shorter sentences, common words)"
            for key, label, low in targets if found[key] < low]


def describe(char: str) -> str:
    """Name a character: U+2019 RIGHT SINGLE QUOTATION MARK."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def twin(char: str) -> str:
    """Say which plain character to write instead of a typographic one."""
    if char in "‘’‚‛′`´":
        return "a straight '"
    if char in "“”„‟″«»":
        return 'a straight "'
    if char == "…":
        return '"..."'
    return '"-"' if unicodedata.category(char) == "Pd" or char == "−" else "plain text"


def parse_expiry(given: str, max_hours: float) -> dt.timedelta:
    """Read how long a notice holds: "6h", "90m", "1d", "2h30m" or a number of hours; ValueError says why not."""
    given = (given or "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", given):
        span = dt.timedelta(hours=float(given))
    else:
        found = DURATION.fullmatch(given)
        if not given or not found or not any(found.groups()):
            raise ValueError(f"{given!r} is not a time span: write e.g. 6h, 90m or 1d")
        days, hours, minutes = (int(part or 0) for part in found.groups())
        span = dt.timedelta(days=days, hours=hours, minutes=minutes)
    if span <= dt.timedelta(0):
        raise ValueError("a notice must hold for some time: write e.g. 6h")
    if span > dt.timedelta(hours=max_hours):
        raise ValueError(f"{given} is longer than HOTLINE_ALERT_MAX_HOURS ({max_hours:g} hours): a stale alert "
                         "is worse than none; publish it again later if it still holds")
    return span


def clean_label(label: str) -> str:
    """Return who published as a short label; ValueError for one that looks like a phone number or an address."""
    label = " ".join((label or "").split())[:MAX_LABEL]
    if not label:
        raise ValueError("say who publishes it, e.g. --by \"rapid response team\"")
    if sum(c.isdigit() for c in label) >= 5 or "@" in label:
        raise ValueError("who published is kept for the organisation's review: give a name or a role, "
                         "never a phone number or an email address")
    return label
