"""The organisers' verified notice (ALERTA): the notice as data, when it holds, and what a person is told.

Pull only: a person asks and is answered; no list of who asked is ever kept. The words around the
notice are in messages/alerts.toml; hotline/core/alert_checks.py says whether a new one may be published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from hotline.core.placeholders import fill, placeholder_problem, placeholders_in
from hotline.core.toml_files import ContentError, read_toml, require_texts

FILE = "alerts.toml"
# Each text and the placeholders it may use; languages must agree on them (except for the clock).
PLACES = {"active": {"verified", "text", "until"}, "none": {"checked", "report_line"},
          "voice_active": {"verified", "text", "until"}, "voice_none": {"report_line"},
          "clock": {"hour12", "hour24", "minute", "ampm"}, "am": set(), "pm": set(),
          "today": {"clock"}, "yesterday": {"clock"}, "tomorrow": {"clock"},
          "other_day": {"clock", "day", "month"}, "sample": set()}
WEB_PLACES = {"title": set(), "intro": set(), "active_heading": set(), "verified": {"verified"},
              "until": {"until"}, "none": {"checked"}, "ask_first": {"number"}, "report": {"report_line"},
              "rights": set()}
DAYS = {0: "today", -1: "yesterday", 1: "tomorrow"}


@dataclass(frozen=True)
class Notice:
    """What the organisers verified, in each of the line's languages, and for how long it holds."""

    texts: Mapping[str, str]  # language code -> the verified words
    published_at: dt.datetime  # aware (UTC)
    expires_at: dt.datetime
    published_by: str  # the organiser's label, never a phone number
    cleared_at: dt.datetime | None = None  # cleared by hand, or replaced by a newer notice
    id: int | None = None
    cleared_by: str = ""

    def holds(self, now: dt.datetime) -> bool:
        """Tell whether the notice still holds: not cleared, not expired."""
        return self.cleared_at is None and now < self.expires_at

    def text_in(self, lang: str) -> str:
        """Return the verified words in a language (a language added since: the first one published)."""
        return self.texts.get(lang) or next(iter(self.texts.values()), "")


@dataclass(frozen=True)
class AlertWords:
    texts: Mapping[str, Mapping[str, str]]  # lang -> name -> template (PLACES)
    months: Mapping[str, tuple[str, ...]]
    web: Mapping[str, Mapping[str, str]]  # lang -> name -> template (WEB_PLACES)


def load_alert_words(directory: Path, codes: tuple[str, ...]) -> AlertWords:
    """Read messages/alerts.toml; raise ContentError naming the language and key that is wrong."""
    data = read_toml(directory / FILE)
    texts = {lang: require_texts(data, lang, tuple(PLACES), FILE) for lang in codes}
    web = {lang: require_texts(data[lang], "web", tuple(WEB_PLACES), f"{FILE}:{lang}") for lang in codes}
    months = {}
    for lang in codes:
        found = data[lang].get("months")
        if not isinstance(found, list) or len(found) != 12 or not all(isinstance(m, str) and m for m in found):
            raise ContentError(f"{FILE}:{lang}.months must list the twelve months' names")
        months[lang] = tuple(found)
    for section, places in (("", PLACES), ("web.", WEB_PLACES)):
        for name, allowed in places.items():
            by_lang = {lang: (web if section else texts)[lang][name] for lang in codes}
            problem = placeholder_problem(by_lang, allowed) if name != "clock" else next(
                ((lang, f"unknown placeholder in {text!r}") for lang, text in by_lang.items()
                 if not placeholders_in(text) <= allowed), None)
            if problem:
                raise ContentError(f"{FILE}:{problem[0]}.{section}{name}: {problem[1]}")
    return AlertWords(texts, months, web)


def say_time(moment: dt.datetime, now: dt.datetime, zone: ZoneInfo, lang: str, words: AlertWords) -> str:
    """Say a moment as people of this language do, in local time: "2:40 PM today", "ayer, 9:05 p. m."."""
    local, texts = moment.astimezone(zone), words.texts[lang]
    clock = texts["clock"].format(hour12=local.hour % 12 or 12, hour24=local.hour, minute=f"{local.minute:02d}",
                                  ampm=texts["am" if local.hour < 12 else "pm"])
    day = DAYS.get((local.date() - now.astimezone(zone).date()).days, "other_day")
    return texts[day].format(clock=clock, day=local.day, month=words.months[lang][local.month - 1])


def compose(notice: Notice | None, lang: str, words: AlertWords, now: dt.datetime, zone: ZoneInfo,
            report_line: str, spoken: bool = False) -> str:
    """Answer someone who asked: the notice that holds now, or that none does (and where to report)."""
    texts = words.texts[lang]
    prefix = "voice_" if spoken else ""
    if notice is not None and notice.holds(now):
        return fill(texts[prefix + "active"], {"text": notice.text_in(lang),
                                               "verified": say_time(notice.published_at, now, zone, lang, words),
                                               "until": say_time(notice.expires_at, now, zone, lang, words)})
    return fill(texts[prefix + "none"], {"checked": say_time(now, now, zone, lang, words), "report_line": report_line})


def page_words(notice: Notice | None, lang: str, words: AlertWords, now: dt.datetime, zone: ZoneInfo,
               values: Mapping[str, str]) -> dict[str, str]:
    """Fill the web page's words for the notice that holds now (or none); empty where a setting is unset."""
    times = {"checked": say_time(now, now, zone, lang, words)}
    if notice is not None and notice.holds(now):
        times |= {"verified": say_time(notice.published_at, now, zone, lang, words),
                  "until": say_time(notice.expires_at, now, zone, lang, words)}
    return {name: fill(text, {**values, **times}) for name, text in words.web[lang].items()}


def longest_time(lang: str, words: AlertWords) -> str:
    """Return the longest a time can be said in this language, to measure a notice against its budget."""
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    zone = ZoneInfo("UTC")
    moments = [base.replace(month=m, day=28, hour=h, minute=59) for m in range(1, 13) for h in (10, 22)]
    return max((say_time(moment, now, zone, lang, words) for moment in moments
                for now in (moment, moment - dt.timedelta(days=1), moment + dt.timedelta(days=1),
                            moment - dt.timedelta(days=5))), key=len)
