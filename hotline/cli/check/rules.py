"""Rules for the hotline's words that need no counting: keywords, menus, parity, safety, age."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Set

from hotline.cli.check.keywords import check_keywords, check_menu
from hotline.cli.check.problems import Problem
from hotline.core.catalog import Catalog
from hotline.core.live import is_off_text
from hotline.core.placeholders import CONTENT_PLACEHOLDERS, PLACEHOLDERS, fill, placeholder_problem

PHONE = re.compile(r"(?<![\w+(])[+(]?\d(?:[\s.()-]{0,2}\d){6,}")
WEB = re.compile(r"https?://|www\.|[\w.+-]+@[\w-]+\.\w|\b[\w-]+\.(?:org|com|net|gov|edu|us|info|io|mx)\b",
                 re.IGNORECASE)
UNRESOLVED = re.compile(r"\{[^{}\s]*\}")
# Typography with a GSM-7 twin (any of these silently makes a whole SMS UCS-2), and the fix.
TWINS = {**dict.fromkeys("‘’‚‛′`´", "write a straight ' instead"),
         **dict.fromkeys("“”„‟″«»", 'write a straight " instead'), "…": 'write "..." instead',
         **dict.fromkeys("‐‑‒–—―−", 'write "-" instead'),
         **dict.fromkeys("\u00a0\u2007\u2009\u202f\u3000", "write a plain space instead"),
         **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "delete it (it is invisible)")}


def check_content(catalog: Catalog, values: Mapping[str, str], max_age_days: int,
                  today: dt.date, on: frozenset[str] | None = None) -> list[Problem]:
    """Run every rule that needs no counting over the whole catalog (`on`: the live features turned on)."""
    sms = [(where, text) for _, _, message, where, text in list_sms(catalog, on) if message != TEXT_ME]
    return (check_keywords(catalog) + check_menu(catalog, sms, on) + check_spoken_keys(catalog)
            + check_parity("hotline.toml", catalog.texts, PLACEHOLDERS.keys() | CONTENT_PLACEHOLDERS.keys())
            + check_parity("voice.toml", catalog.voice)  # also has the call flow's own placeholders
            + [p for where, text in list_texts(catalog, sms) for p in check_safety(where, text, values)]
            + check_freshness(catalog, max_age_days, today))


TEXT_ME = "sms (text me)"  # a topic's answer as "text me this" sends it during a call
TEXT_ME_VARIANT = "as 'text me this' sends it"  # named in its problems, so each is reported once


def list_sms(catalog: Catalog, on: frozenset[str] | None = None) -> Iterator[tuple[str, str, str, str, str]]:
    """Yield (lang, topic, message, file:key, template) for every SMS the hotline can send.

    With `on` (core/live.py's live_on), the texts of a live feature that is off (PERSON without
    volunteers) are left out: they are never sent.
    """
    for topic in catalog.topics.values():
        for lang, text in topic.texts.items():
            first = text.sms.rstrip("\n")  # as sent: the answer, then how to go on
            yield lang, topic.id, "sms", f"{topic.file}:{lang}.sms", f"{first}\n{catalog.texts[lang]['more_prompt']}"
            yield (lang, topic.id, TEXT_ME, f"{topic.file}:{lang}.sms ({TEXT_ME_VARIANT})",
                   f"{first}\n{catalog.texts[lang]['text_me_end']}")
            for i, more in enumerate(text.more):
                yield lang, topic.id, f"more[{i}]", f"{topic.file}:{lang}.more[{i}]", more
    for lang, texts in catalog.texts.items():
        for name, text in texts.items():
            if on is None or not is_off_text(name, on):
                yield lang, "hotline", name, f"hotline.toml:{lang}.{name}", text
    yield "en+es", "hotline", "menu", "hotline.toml:bilingual.menu", catalog.bilingual_menu


SPOKEN_DIGIT = re.compile(r"(?<![\w{])[0-9](?![\w}])")  # a key said as a digit, not as {key}


def check_spoken_keys(catalog: Catalog) -> list[Problem]:
    """Fail a call prompt that says a key as a digit: {key} is filled from the keys that work."""
    return [Problem("FAIL", f"voice.toml:{lang}.{key}", f"says the key {found.group()!r} as a digit: write {{key}}, "
                    "so callers hear the key that works (hotline.toml [menu], languages.toml)")
            for lang, prompts in catalog.voice.items() for key, value in leaves(prompts)
            if isinstance(value, str) for found in SPOKEN_DIGIT.finditer(value)]


def check_parity(file: str, sections: Mapping[str, Mapping], known: Set[str] | None = None) -> list[Problem]:
    """Check that each language has the same keys and placeholders (from known, if given)."""
    found = {lang: dict(leaves(section)) for lang, section in sections.items()}
    problems = []
    for key in sorted(set().union(*found.values())):
        missing = [lang for lang in sections if key not in found[lang]]
        texts = {lang: found[lang].get(key) for lang in sections}
        if missing:
            problems.append(Problem("FAIL", f"{file}:{missing[0]}.{key}", "is missing (another language has it)"))
        elif all(isinstance(t, str) for t in texts.values()):
            problems += check_placeholders(f"{file}:{{lang}}.{key}", texts, known)
    return problems


def check_placeholders(where: str, texts: Mapping[str, str], known: Set[str] | None) -> list[Problem]:
    """Check one text's placeholders: well-formed, known (if `known` is given) and the same in every language."""
    problem = placeholder_problem(texts, known)
    return [Problem("FAIL", where.format(lang=problem[0]), problem[1])] if problem else []


def check_safety(where: str, template: str, values: Mapping[str, str]) -> list[Problem]:
    """Find contact details typed into content, and what would break TwiML or stay unfilled."""
    problems = [Problem("FAIL", where, f"{kind} {found.group().strip()!r} in the content: "
                        f"put it in the settings ({setting}) and use {placeholder}")
                for kind, pattern, setting, placeholder in (
                    ("phone number", PHONE, "HOTLINE_NUMBER or HOTLINE_REFERRAL", "{number} or {referral}"),
                    ("web or email address", WEB, "HOTLINE_REFERRAL", "{referral}"))
                for found in pattern.finditer(template)]
    try:
        text = fill(template, values)
    except (ValueError, KeyError):  # bad or unknown placeholders: reported by check_placeholders
        return problems
    problems += [Problem("FAIL", where, f"{describe(c)} would break TwiML or show as garbage")
                 for c in dict.fromkeys(text) if is_unsafe(c)]
    problems += [Problem("FAIL", where, f"{found} is still there after the settings are filled in")
                 for found in dict.fromkeys(UNRESOLVED.findall(text))]
    return problems


def is_unsafe(char: str) -> bool:
    """Tell whether a character is a control character (other than newline) or not text at all."""
    category = unicodedata.category(char)
    return (category == "Cc" and char != "\n") or category in ("Cs", "Co") or char in "\ufffe\uffff"


def describe(char: str) -> str:
    """Name a character the way Unicode does, e.g. U+2019 RIGHT SINGLE QUOTATION MARK."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def leaves(data: Mapping, into_lists: bool = False, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Yield (dotted key, value) for every leaf of nested tables (and of lists, if asked)."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from leaves(value, into_lists, path + ".")
        elif isinstance(value, list) and into_lists:
            for i, item in enumerate(value):
                yield from leaves({f"[{i}]": item}, into_lists, path)
        else:
            yield path, value


def list_texts(catalog: Catalog, sms: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Yield (file:key, template) for the SMS texts given, then every spoken or web text."""
    yield from sms
    for topic in catalog.topics.values():
        for lang, text in topic.texts.items():
            for name in ("title", "voice", "web"):
                yield f"{topic.file}:{lang}.{name}", getattr(text, name)
    for lang, prompts in catalog.voice.items():
        for key, value in leaves(prompts, into_lists=True):
            if isinstance(value, str):
                yield f"voice.toml:{lang}.{key}", value


def check_freshness(catalog: Catalog, max_age_days: int, today: dt.date) -> list[Problem]:
    """Warn about topics whose facts were last reviewed too long ago (or in the future)."""
    problems = []
    for topic in catalog.topics.values():
        age = (today - topic.reviewed).days
        if age > max_age_days:
            problems.append(Problem("warn", f"{topic.file}:reviewed", f"last reviewed {age} days ago "
                                    f"({topic.reviewed}): check the facts, then update the date"))
        elif age < 0:
            problems.append(Problem("warn", f"{topic.file}:reviewed", f"{topic.reviewed} is in the future"))
    return problems


def check_typography(where: str, template: str, non_gsm: tuple[str, ...]) -> list[Problem]:
    """Report characters that make an SMS UCS-2 needlessly; accented letters are legitimate."""
    return [Problem("FAIL", where, f"{describe(c)} is not GSM-7 and makes the SMS UCS-2"
                    f"{'' if c in template else ' (it comes from a setting)'}: {suggest(c)}")
            for c in non_gsm if not unicodedata.category(c).startswith("L")]


def suggest(char: str) -> str:
    """Say what to write instead of a needless non-GSM character."""
    if unicodedata.category(char).startswith("M"):  # a decomposed accent: "a" + U+0301
        return "write the accented letter as one character"
    return TWINS.get(char, "write plain text instead")
