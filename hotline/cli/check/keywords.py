"""Rules for keywords: no two meanings share a word or a typo, and every word a text asks for works."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import combinations

from rapidfuzz.distance import OSA

from hotline.cli.check.problems import Problem
from hotline.core.catalog import Catalog
from hotline.core.live import LIVE_ACTIONS, SWITCHES
from hotline.core.matcher import FINDABLE, TWILIO_OPT_OUT_WORDS, TYPO_MIN_LENGTH, KeywordIndex, Meaning, normalise
from hotline.core.toml_files import ContentError

# Words Twilio answers itself on long codes, so a reply may tell people to send them.
TWILIO_WORDS = frozenset(w.casefold() for w in (*TWILIO_OPT_OUT_WORDS, "START", "UNSTOP", "YES",
                                                "HELP", "INFO"))
REPLY = re.compile(r"\b(?:reply|responda)\b", re.IGNORECASE)
CAPS_WORD = re.compile(r"\b\d*[A-ZÁÉÍÓÚÑÜ][\dA-ZÁÉÍÓÚÑÜ]+\b")
MENU_PAIR = re.compile(r"(?<![\w.])(\d)\s+(\d*[A-ZÁÉÍÓÚÑÜ][\dA-ZÁÉÍÓÚÑÜ]*)\b")


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
    for language in catalog.languages.all:
        yield language.switch, Meaning("language", switch_to=language.code), "languages.toml:switch"
    for key, topic_id in catalog.menu.items():
        yield (key,), Meaning("topic", topic_id), "hotline.toml:menu.options"
    yield TWILIO_OPT_OUT_WORDS, Meaning("stop"), "Twilio's opt-out words"


def name_meaning(meaning: Meaning) -> str:
    """Describe a meaning for an editor."""
    return f"topic {meaning.topic}" if meaning.topic else f"the {meaning.action} command"


def check_menu(catalog: Catalog, texts: Iterable[tuple[str, str]], on: frozenset[str] | None = None) -> list[Problem]:
    """Check that every word a text asks people to reply ("Reply 1 DETAINER") is understood, and on."""
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
                action = index.match(word).action
                if action == "unknown" and word.casefold() not in TWILIO_WORDS:
                    problems.append(Problem("FAIL", where, f"asks people to reply {word}, "
                                            "which no keyword or command understands"))
                elif on is not None and action in LIVE_ACTIONS and action not in on:
                    problems.append(Problem("FAIL", where, f"asks people to reply {word}, but {action} is off "
                                            f"({SWITCHES.get(action, 'its setting')} is empty)"))
    return problems
