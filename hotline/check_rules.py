"""Rules for the hotline's words that need no counting: keywords, menus, parity, safety, age."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz.distance import OSA

from .content import CONTENT_PLACEHOLDERS, PLACEHOLDERS, Catalog, ContentError, fill, placeholders_in
from .matcher import FINDABLE, TWILIO_OPT_OUT_WORDS, TYPO_MIN_LENGTH, KeywordIndex, Meaning, normalise
from .settings import LANGUAGES

# Words Twilio answers itself on long codes, so a reply may tell people to send them.
TWILIO_WORDS = frozenset(w.casefold() for w in (*TWILIO_OPT_OUT_WORDS, "START", "UNSTOP", "YES",
                                                "HELP", "INFO"))
PHONE = re.compile(r"(?<![\w+(])[+(]?\d(?:[\s.()-]{0,2}\d){6,}")
WEB = re.compile(r"https?://|www\.|[\w.+-]+@[\w-]+\.\w|\b[\w-]+\.(?:org|com|net|gov|edu|us|info|io|mx)\b",
                 re.IGNORECASE)
REPLY = re.compile(r"\b(?:reply|responda)\b", re.IGNORECASE)
CAPS_WORD = re.compile(r"\b\d*[A-ZÁÉÍÓÚÑÜ][\dA-ZÁÉÍÓÚÑÜ]+\b")
MENU_PAIR = re.compile(r"(?<![\w.])(\d)\s+(\d*[A-ZÁÉÍÓÚÑÜ][\dA-ZÁÉÍÓÚÑÜ]*)\b")
UNRESOLVED = re.compile(r"\{[^{}\s]*\}")
# Typography with a GSM-7 twin (any of these silently makes a whole SMS UCS-2), and the fix.
TWINS = {**dict.fromkeys("‘’‚‛′`´", "write a straight ' instead"),
         **dict.fromkeys("“”„‟″«»", 'write a straight " instead'), "…": 'write "..." instead',
         **dict.fromkeys("‐‑‒–—―−", 'write "-" instead'),
         **dict.fromkeys("\u00a0\u2007\u2009\u202f\u3000", "write a plain space instead"),
         **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "delete it (it is invisible)")}


@dataclass(frozen=True)
class Problem:
    level: str  # "FAIL" or "warn"
    where: str  # file:key
    reason: str


def check_content(catalog: Catalog, values: Mapping[str, str], max_age_days: int,
                  today: dt.date) -> list[Problem]:
    """Run every rule that needs no counting over the whole catalog."""
    sms = [(where, text) for _, _, message, where, text in list_sms(catalog) if message != TEXT_ME]
    return (check_keywords(catalog) + check_menu(catalog, sms)
            + check_parity("hotline.toml", catalog.texts, PLACEHOLDERS.keys() | CONTENT_PLACEHOLDERS.keys())
            + check_parity("voice.toml", catalog.voice)  # also has the call flow's own placeholders
            + [p for where, text in list_texts(catalog, sms) for p in check_safety(where, text, values)]
            + check_freshness(catalog, max_age_days, today))


TEXT_ME = "sms (text me)"  # a topic's answer as "text me this" sends it during a call
TEXT_ME_VARIANT = "as 'text me this' sends it"  # named in its problems, so each is reported once


def list_sms(catalog: Catalog) -> Iterator[tuple[str, str, str, str, str]]:
    """Yield (lang, topic, message, file:key, template) for every SMS the hotline can send."""
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
            yield lang, "hotline", name, f"hotline.toml:{lang}.{name}", text
    yield "en+es", "hotline", "menu", "hotline.toml:bilingual.menu", catalog.bilingual_menu


def check_keywords(catalog: Catalog) -> list[Problem]:
    """Find keywords that mean two things once normalised, or that one typo confuses."""
    seen: dict[str, tuple[Meaning, str]] = {}
    problems = []
    for words, meaning, where in list_keywords(catalog):
        for word in words:
            key = normalise(word)
            known = seen.setdefault(key, (meaning, where))
            if not key:
                problems.append(Problem("FAIL", where, f"keyword {word!r} is empty once punctuation is removed"))
            elif known[0] != meaning:
                problems.append(Problem("FAIL", where, f"keyword {word!r} reads as {key!r}, which already "
                                        f"means {name_meaning(known[0])} in {known[1]}"))
    # The matcher forgives one typo in these, and gives up when a typo is near two meanings.
    typo = sorted(k for k, (m, _) in seen.items() if len(k) >= TYPO_MIN_LENGTH and " " not in k
                  and m.action in FINDABLE)
    for a, b in combinations(typo, 2):
        if seen[a][0] != seen[b][0] and OSA.distance(a, b) <= 2:
            problems.append(Problem("FAIL", seen[b][1], f"keyword {b!r} is within two typos of {a!r} "
                                    f"({name_meaning(seen[a][0])} in {seen[a][1]}): one typo could mean either"))
    try:  # the app's own loader, in case it objects to something the scan above missed
        KeywordIndex(catalog)
    except ContentError as error:
        problems += [] if problems else [Problem("FAIL", "hotline.toml:commands", str(error))]
    return problems


def list_keywords(catalog: Catalog) -> Iterator[tuple[tuple[str, ...], Meaning, str]]:
    """Yield every keyword list with its meaning and file:key, as the matcher reads them."""
    for topic in catalog.topics.values():
        for lang, words in topic.keywords.items():
            yield tuple(words), Meaning("topic", topic.id), f"{topic.file}:keywords.{lang}"
    for action, by_lang in catalog.commands.items():
        for lang, words in by_lang.items():
            yield tuple(words), Meaning(action), f"hotline.toml:commands.{action}.{lang}"
    for key, topic_id in catalog.menu.items():
        yield (key,), Meaning("topic", topic_id), "hotline.toml:menu.options"
    yield TWILIO_OPT_OUT_WORDS, Meaning("stop"), "Twilio's opt-out words"


def name_meaning(meaning: Meaning) -> str:
    """Describe a meaning for an editor."""
    return f"topic {meaning.topic}" if meaning.topic else f"the {meaning.action} command"


def check_menu(catalog: Catalog, texts: Iterable[tuple[str, str]]) -> list[Problem]:
    """Check that every word a text asks people to reply ("Reply 1 DETAINER") is understood."""
    try:
        index = KeywordIndex(catalog)
    except ContentError:  # reported by check_keywords
        return []
    problems = [Problem("warn", topic.file, "is not on the menu (hotline.toml:menu.options)")
                for topic in catalog.topics.values() if topic.id not in catalog.menu.values()]
    for where, text in texts:
        start = REPLY.search(text)
        if not start:
            continue
        for key, word in MENU_PAIR.findall(text, start.start()):
            topic, meant = catalog.menu.get(key), index.match(word).topic
            if topic is None or meant != topic:
                problems.append(Problem("FAIL", where, f"'{key} {word}': {key} gives topic {topic or 'none'} "
                                        f"(hotline.toml:menu.options) but {word} gives topic {meant or 'none'}"))
        for clause in REPLY.split(text)[1:]:
            for word in CAPS_WORD.findall(re.split(r"[.:\n]", clause)[0]):
                if index.match(word).action == "unknown" and word.casefold() not in TWILIO_WORDS:
                    problems.append(Problem("FAIL", where, f"asks people to reply {word}, "
                                            "which no keyword or command understands"))
    return problems


def check_parity(file: str, sections: Mapping[str, Mapping], known: Set[str] | None = None) -> list[Problem]:
    """Check that each language has the same keys and placeholders (from known, if given)."""
    found = {lang: dict(leaves(sections[lang])) for lang in LANGUAGES}
    problems = []
    for key in sorted(set().union(*found.values())):
        missing = [lang for lang in LANGUAGES if key not in found[lang]]
        texts = {lang: found[lang].get(key) for lang in LANGUAGES}
        if missing:
            problems.append(Problem("FAIL", f"{file}:{missing[0]}.{key}", "is missing (another language has it)"))
        elif all(isinstance(t, str) for t in texts.values()):
            problems += check_placeholders(f"{file}:{{lang}}.{key}", texts, known)
    return problems


def check_placeholders(where: str, texts: Mapping[str, str], known: Set[str] | None) -> list[Problem]:
    """Check one text's placeholders: well-formed, known and the same in every language."""
    found = {}
    for lang, text in texts.items():
        try:
            found[lang] = placeholders_in(text)
        except ValueError as error:
            return [Problem("FAIL", where.format(lang=lang), f"bad braces ({error})")]
        if known is not None and found[lang] - known:
            return [Problem("FAIL", where.format(lang=lang), f"unknown placeholder "
                            f"{{{min(found[lang] - known)}}}")]
    if len({frozenset(f) for f in found.values()}) > 1:
        return [Problem("FAIL", where.format(lang="*"), f"placeholders differ between languages: {found}")]
    return []


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
