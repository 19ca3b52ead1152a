"""Talk to a person: the volunteers' settings read and checked, who is rung, and the words PERSON answers with.

Pure: the voice channel (channels/volunteer_calls.py) rings the numbers this chooses; nothing
here knows Twilio. Docs: docs/volunteers.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline.core.catalog import Catalog
from hotline.core.phone_numbers import is_e164, normalise_number
from hotline.core.placeholders import fill
from hotline.core.toml_files import ContentError
from hotline.core.volunteer_hours import HoursError, Schedule, describe_hours, is_open, parse_hours

ACCEPT_KEY = "1"  # what a volunteer presses to take a call; a voicemail never does
MOST_RUNG = 10  # Twilio rings at most ten <Number>s of one <Dial> at once
RING_SECONDS = (5, 60)  # allowed HOTLINE_VOLUNTEER_RING_SECONDS; voicemail often answers after about 20-25


@dataclass(frozen=True)
class Volunteer:
    number: str  # E.164; only ever sent to Twilio inside <Dial>, never logged or stored
    languages: tuple[str, ...]  # the line's language codes this volunteer speaks


@dataclass(frozen=True)
class Volunteers:
    people: tuple[Volunteer, ...]
    schedule: Schedule
    zone: str  # HOTLINE_TIMEZONE, e.g. America/Denver
    ring_seconds: int
    caller_id: str  # the hotline's own number: what volunteers see, never the caller's

    def open_at(self, moment: dt.datetime) -> bool:
        """Tell whether volunteers are on shift at this moment."""
        return is_open(self.schedule, moment, self.zone)

    def to_ring(self, lang: str) -> tuple[str, ...]:
        """Choose the numbers to ring at once: those who speak the caller's language, or everyone if none do."""
        speakers = [v.number for v in self.people if lang in v.languages]
        return tuple(speakers or [v.number for v in self.people])[:MOST_RUNG]


def read_volunteers(config: Mapping[str, object], codes: tuple[str, ...], default_lang: str,
                    ) -> tuple[Volunteers | None, list[str]]:
    """Read the HOTLINE_VOLUNTEER_* settings: (volunteers, problems); (None, []) while no number is set."""
    typed = [n for n in str(config.get("HOTLINE_VOLUNTEER_NUMBERS") or "").replace(";", ",").split(",") if n.strip()]
    if not typed:
        return None, []
    numbers = list(dict.fromkeys(normalise_number(n) for n in typed))
    problems = [f"HOTLINE_VOLUNTEER_NUMBERS: {n!r} is not a phone number in E.164 form like +13075550111"
                for n in numbers if not is_e164(n)]
    own = normalise_number(str(config.get("HOTLINE_NUMBER") or ""))
    if not is_e164(own):
        problems.append("HOTLINE_NUMBER must be set: volunteers see it as caller ID, never the caller's number")
    if own in numbers:
        problems.append("HOTLINE_VOLUNTEER_NUMBERS must not list the hotline's own number")
    if len(numbers) > MOST_RUNG:
        problems.append(f"HOTLINE_VOLUNTEER_NUMBERS lists {len(numbers)} numbers; Twilio rings at most {MOST_RUNG}")
    languages, more = _read_languages(str(config.get("HOTLINE_VOLUNTEER_LANGUAGES") or ""), numbers, codes)
    zone, schedule = str(config.get("HOTLINE_TIMEZONE") or ""), ()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        more.append(f"HOTLINE_TIMEZONE: {zone!r} is not a time zone like America/Denver")
    try:
        schedule = parse_hours(str(config.get("HOTLINE_VOLUNTEER_HOURS") or ""))
    except HoursError as error:
        more.append(f"HOTLINE_VOLUNTEER_HOURS: {error}")
    ring = str(config.get("HOTLINE_VOLUNTEER_RING_SECONDS") or "")
    if not (ring.isdigit() and RING_SECONDS[0] <= int(ring) <= RING_SECONDS[1]):
        more.append(f"HOTLINE_VOLUNTEER_RING_SECONDS must be {RING_SECONDS[0]} to {RING_SECONDS[1]}, not {ring!r}")
    problems += more
    if problems:
        return None, problems
    people = tuple(Volunteer(n, languages.get(n, (default_lang,))) for n in numbers)
    return Volunteers(people, schedule, zone, int(ring), own), []


def _read_languages(text: str, numbers: list[str], codes: tuple[str, ...]) -> tuple[dict[str, tuple], list[str]]:
    """Read "+13075550111=es/en, +13075550112=es"; a number not listed speaks the line's default language."""
    found, problems = {}, []
    for entry in filter(None, (e.strip() for e in text.replace(";", ",").split(","))):
        number, _, langs = (part.strip() for part in entry.partition("="))
        number, spoken = normalise_number(number), tuple(c.strip() for c in langs.split("/") if c.strip())
        if number not in numbers:
            problems.append(f"HOTLINE_VOLUNTEER_LANGUAGES: {masked(entry)!r} names a number not in "
                            "HOTLINE_VOLUNTEER_NUMBERS")
        elif not spoken or any(c not in codes for c in spoken):
            problems.append(f"HOTLINE_VOLUNTEER_LANGUAGES: {masked(entry)!r}: write number=codes with codes from "
                            f"{', '.join(codes)} separated by /, e.g. +13075550111=es/en")
        else:
            found[number] = spoken
    return found, problems


def person_texts(catalog: Catalog, values: Mapping[str, str], schedule: Schedule) -> dict[tuple[str, str], str]:
    """Fill PERSON's answers once: by text the number to call and the hours; on a call the hours, referral."""
    texts = {}
    for lang in catalog.languages.codes:
        hours = {**values, "hours": describe_hours(schedule, hour_words(catalog, lang))}
        texts[lang, "sms"] = fill(catalog.texts[lang]["person"], hours)
        spoken = (fill(str(catalog.voice[lang][name]), hours) for name in ("volunteer_closed", "referral"))
        texts[lang, "voice"] = "\n\n".join(filter(None, spoken))
    return texts


class PersonAnswer:
    """The live answer of PERSON (core/live.py): the same words whatever the hour, filled once."""

    def __init__(self, texts: Mapping[tuple[str, str], str]):
        self.texts = dict(texts)

    def __call__(self, lang: str, channel: str) -> str | None:
        return self.texts.get((lang, channel))


SAMPLE_HOURS = "Mon-Fri 09:00-21:00; Sat 10:00-16:00"  # measures PERSON's text while no hours are set


def hours_in_words(config: Mapping[str, object], catalog: Catalog, lang: str) -> str:
    """Say HOTLINE_VOLUNTEER_HOURS (or, unset or wrong, a sample week) in one language's words."""
    try:
        schedule = parse_hours(str(config.get("HOTLINE_VOLUNTEER_HOURS") or ""))
    except HoursError:
        schedule = parse_hours(SAMPLE_HOURS)
    return describe_hours(schedule, hour_words(catalog, lang))


def hour_words(catalog: Catalog, lang: str) -> Mapping[str, object]:
    """Return voice.toml [<lang>.hours], checked: seven day names and the patterns that join them."""
    words = catalog.voice[lang].get("hours")
    names = words.get("days") if isinstance(words, Mapping) else None
    if not (isinstance(names, list) and len(names) == 7 and all(isinstance(n, str) and n for n in names)
            and all(isinstance(words.get(k), str) for k in ("days_range", "span", "join", "am", "pm"))
            and words.get("clock") in (12, 24)):
        raise ContentError(f"voice.toml:{lang}.hours needs days (seven names, Monday first), days_range, span, "
                           "join, clock (12 or 24), am and pm")
    return words


def masked(text: str) -> str:
    """Hide all but the last four digits of a volunteer's number in a message that start-up logs print."""
    return re.sub(r"\d(?=\d{4})", "*", text)
