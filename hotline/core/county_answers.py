"""Answer "287G <county>" from the loaded copy of ICE's list, in the asker's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import us

from hotline.core.agreements import Agreement, is_statewide, state_code
from hotline.core.counties import counties_by_state, find_county
from hotline.core.languages import load_languages
from hotline.core.matcher import normalise
from hotline.core.placeholders import check_languages_match, fill
from hotline.core.toml_files import ContentError, read_toml

TEXTS = ("county_listed", "county_not_listed", "county_unknown", "state_ask", "statewide", "statewide_none",
         "statewide_long", "stale", "agency_line", "signed", "date", "statewide_agency", "no_county_agency",
         "others_many", "elsewhere")
# What the answers may say, filled from the loaded list (and the date's parts).
ANSWER_PLACEHOLDERS = frozenset({"county", "state", "state_name", "list_date", "agencies", "count", "counties",
                                 "web_page", "stale", "agency", "models", "model", "date", "month", "day", "year",
                                 "others", "elsewhere", "checked_date"})
STATEWIDE_SUMMARY_MAX = 200  # characters of county names before pointing to the web page instead
OTHERS_MAX = 90  # characters of state and city agency names in a county's answer before counting them instead
# Tables of names per language (not texts, so a language may leave them out).
NAME_TABLES = ("state_names",)


@dataclass(frozen=True)
class AgreementList:
    """One loaded copy of ICE's list: plain data, no database."""

    as_of: dt.date
    rows: tuple[Agreement, ...]
    confirmed: dt.date | None = None  # the last day a check found this still ICE's current list


def is_stale(agreements: AgreementList, today: dt.date, max_age_days: int) -> bool:
    """Tell whether the list may be out of date: neither its date nor its last check is recent."""
    return (today - max(agreements.as_of, agreements.confirmed or agreements.as_of)).days > max_age_days


@dataclass(frozen=True)
class CountyWords:
    """The words of messages/agreements.toml, per language, validated at start-up."""

    texts: Mapping[tuple[str, str], Mapping[str, object]]  # (channel "sms" or "voice", language) -> words
    ignore: frozenset[str]
    statewide: frozenset[str]
    county: frozenset[str]  # the word "county" in each language


def load_county_words(messages_dir: Path, languages: tuple[str, ...] | None = None) -> CountyWords:
    """Read and check messages/agreements.toml for each of the line's languages (languages.toml's, if not given)."""
    languages = languages or load_languages(messages_dir).codes
    data = read_toml(messages_dir / "agreements.toml")
    for lang in languages:
        section = data.get(lang, {})
        for where, words in ((lang, section), (f"{lang}.voice", {**section, **section.get("voice", {})})):
            missing = [k for k in (*TEXTS, "months", "models", "web") if k not in words]
            if missing:
                raise ContentError(f"agreements.toml:{where}.{missing[0]} is missing")
            if len(words["months"]) != 12 or set(words["models"]) != {"jail", "task_force", "warrant_service"}:
                raise ContentError(f"agreements.toml:{where}: needs 12 months and the three models")
    words = {lang: frozenset(normalise(" ".join(w)).split()) for lang, w in data.get("ignore", {}).items()}
    wide = {lang: frozenset(normalise(" ".join(w)).split()) for lang, w in data.get("statewide", {}).items()}
    for part in ("", "web", "voice"):
        sections = {lang: {k: v for k, v in (data[lang].get(part, {}) if part else data[lang]).items()
                           if k not in NAME_TABLES} for lang in languages}
        check_languages_match(f"agreements.toml{'.' if part else ''}{part}", sections, ANSWER_PLACEHOLDERS)
    texts = {("sms", lang): data[lang] for lang in languages}
    # The spoken answers replace some of the written words (dates, "287(g)") for the ear.
    texts |= {("voice", lang): {**data[lang], **data[lang].get("voice", {})} for lang in languages}
    county = frozenset(normalise(" ".join(w for words in data.get("county", {}).values() for w in words)).split())
    return CountyWords(texts, frozenset().union(*words.values()), frozenset().union(*wide.values()), county)


def state_name(code: str | None, texts: Mapping[str, object] | None = None) -> str:
    """Spell a state out in the asker's language: 'NM' -> 'New Mexico', or 'Nuevo México' in Spanish."""
    names = (texts or {}).get("state_names") or {}
    if code and code in names:
        return str(names[code])
    state = us.states.lookup(code) if code else None
    return state.name if state else ""


def format_date(day: dt.date, texts: Mapping[str, object]) -> str:
    """Write a date the way the language says it (months come from the content)."""
    return str(texts["date"]).format(day=day.day, month=texts["months"][day.month - 1], year=day.year)


def answer_county_question(words: list[str], lang: str, agreements: AgreementList, county_words: CountyWords,
                           home_state: str | None, today: dt.date, max_age_days: int,
                           public_url: str, channel: str = "sms", names_a_county: bool = False) -> str | None:
    """Answer the words after 287G (or a county's name, when asked for one), or None if no place is asked."""
    texts = county_words.texts[channel, lang]
    asked = [w for w in words if w not in county_words.ignore]
    wants_state = any(w in county_words.statewide for w in words) and not asked
    # "Washington County" is no state, and neither is a name said when asked for a county.
    said_county = names_a_county or any(w in county_words.county for w in words)
    place, state = _split_state(asked, home_state)
    if said_county and not place:
        place, state = asked, home_state
    if not place and not (wants_state or (asked and state)):
        return None
    values = {"list_date": format_date(agreements.as_of, texts),
              "stale": str(texts["stale"]) if is_stale(agreements, today, max_age_days) else ""}
    if not place:
        return _statewide(state or home_state, lang, agreements, texts, values, public_url)
    found = find_county(" ".join(place), state)
    if not found and not said_county:
        return None  # "is 287g mandatory?": a question about 287(g), not about a place
    if not found:
        return fill(str(texts["county_unknown"]), {**values, **_state(state, texts),
                                                   "county": _example(agreements, state)})
    if len({s for s, _ in found}) > 1:
        listed = [(s, c) for s, c in found if any(_is_county(a, s, c) for a in agreements.rows)]
        if len({s for s, _ in listed}) != 1:  # the list does not settle it: ask
            return fill(str(texts["state_ask"]), {**values, **_state(found[0][0], texts), "county": found[0][1]})
        # The one state whose county of that name is on the list; the answer names it, and says how to ask
        # about a county of that name elsewhere (which the list shows no agreement for).
        found, values["elsewhere"] = listed, fill(str(texts["elsewhere"]), {"county": listed[0][1],
                                                                             **_state(listed[0][0], texts)})
    state, county = found[0]
    rows = [a for a in agreements.rows if _is_county(a, state, county)]
    values |= {"county": county, **_state(state, texts), "agencies": _agencies(rows, texts),
               "others": _others(state, agreements, texts, _web_page(public_url, lang, state))}
    return fill(str(texts["county_listed" if rows else "county_not_listed"]), values)


def _is_county(agreement: Agreement, state: str, county: str) -> bool:
    return agreement.state == state and normalise(agreement.county) == normalise(county)


def _others(state: str, agreements: AgreementList, texts: Mapping[str, object], web_page: str) -> str:
    """Name the state's agencies that no county answer names (state police, cities ICE gives no county).

    "Not on the list" must never read as "safe here": these can act in every county.
    """
    names = sorted({a.agency for a in agreements.rows if a.state == state and not a.county})
    joined = "; ".join(names)
    if len(joined) <= OTHERS_MAX:
        return joined
    return str(texts["others_many"]).format(count=len(names), web_page=web_page)


def _web_page(public_url: str, lang: str, state: str) -> str:
    return f"{public_url.rstrip('/')}/{lang}/287g/{state.lower()}" if public_url else ""


def _example(agreements: AgreementList, state: str | None) -> str:
    """Name a county to show how to ask: one on the list (in the state), else one of the state's."""
    names = sorted({a.county for a in agreements.rows if a.county and state in (None, a.state)})
    return (names or sorted(counties_by_state().get(state or "", {}).values()) or [""])[0]


def _state(code: str | None, texts: Mapping[str, object]) -> dict[str, str]:
    return {"state": code or "", "state_name": state_name(code, texts)}


def _split_state(words: list[str], home_state: str | None) -> tuple[list[str], str | None]:
    """Take a trailing state name or code off the words; with HOTLINE_STATE set, only that state."""
    for size in (2, 1):
        code = state_code(" ".join(words[-size:])) if len(words) >= size else None
        if code and (home_state is None or code == home_state):
            return words[:-size], code
    return words, home_state


def _agencies(rows: list[Agreement], texts: Mapping[str, object]) -> str:
    by_agency: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda a: (a.agency, a.signed or dt.date.min)):
        model = str(texts["models"][row.model])
        signed = str(texts["signed"]).format(model=model, date=format_date(row.signed, texts)) if row.signed else model
        by_agency.setdefault(row.agency, []).append(signed)
    return "\n".join(str(texts["agency_line"]).format(agency=a, models="; ".join(m)) for a, m in by_agency.items())


def _statewide(state: str | None, lang: str, agreements: AgreementList, texts: Mapping[str, object],
               values: dict[str, str], public_url: str) -> str | None:
    if state is None:
        return None
    rows = [a for a in agreements.rows if a.state == state]
    names = sorted({a.county for a in rows if a.county})
    if any(is_statewide(a) for a in rows):
        names.append(str(texts["statewide_agency"]))
    if any(not a.county and not is_statewide(a) for a in rows):
        names.append(str(texts["no_county_agency"]))
    counties = ", ".join(names)
    values |= {**_state(state, texts), "count": str(len(rows)), "counties": counties,
               "web_page": _web_page(public_url, lang, state)}
    template = "statewide" if len(counties) <= STATEWIDE_SUMMARY_MAX else "statewide_long"
    template = template if rows else "statewide_none"
    return fill(str(texts[template]), values)
