"""The one menu that texts and calls walk: topics and their keys, the after-topic keys, and what callers may say.

Everything here comes from messages/ (hotline.toml [menu], languages.toml, voice.toml's say_*
phrases), read once at start-up; the SMS flow (sms_flow.py) and the call flow (call_flow.py)
both walk it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hotline.core.catalog import Catalog
from hotline.core.matcher import normalise
from hotline.core.toml_files import ContentError

AFTER_TOPIC_ACTIONS = ("again", "menu", "county", "text", "end")  # what the call flow can do after a topic


@dataclass(frozen=True)
class Tree:
    """The menu (shared with SMS) and what callers may say, normalised once at start-up."""

    menu: Mapping[str, str]  # key -> topic id
    default_lang: str
    languages: Mapping[str, tuple[str, ...]]  # language -> phrases that choose it
    topics: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> topic id -> phrases
    after: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> action -> phrases
    language_keys: Mapping[str, str]  # key at the call's start -> language
    after_keys: Mapping[str, str]  # key after a topic -> action
    county_topic: str | None = None  # the topic after which a caller may say a county
    county: bool = True  # a 287(g) list is loaded, so callers can ask about a county

    @property
    def codes(self) -> tuple[str, ...]:
        """List the line's languages in order."""
        return tuple(self.languages)


def build_tree(catalog: Catalog, default_lang: str) -> Tree:
    """Read the menu and the say_* phrases of voice.toml; raise ContentError naming what is missing."""
    for topic in catalog.menu.values():
        if not re.fullmatch(r"[A-Za-z0-9_-]+", topic):  # it travels in plain-ASCII action URLs
            raise ContentError(f"topics/{topic}.toml: name topic files with a-z, 0-9, _ or - only")
    unknown = sorted(set(catalog.after_topic.values()) - set(AFTER_TOPIC_ACTIONS))
    missing = [a for a in AFTER_TOPIC_ACTIONS if a not in catalog.after_topic.values()]
    if unknown or missing:
        raise ContentError(f"hotline.toml:menu.after_topic: needs one key for each of {', '.join(AFTER_TOPIC_ACTIONS)}"
                           f" ({'unknown: ' + unknown[0] if unknown else 'missing: ' + missing[0]})")
    voice, codes = catalog.voice, catalog.languages.codes
    return Tree(dict(catalog.menu), default_lang, {
        lang: _read_phrases(voice[lang], ("say_language",), f"voice.toml:{lang}")["say_language"]
        for lang in codes}, {
        lang: _read_phrases(voice[lang].get("say_topics"), tuple(catalog.menu.values()),
                            f"voice.toml:{lang}.say_topics") for lang in codes}, {
        lang: _read_phrases(voice[lang].get("say_after_topic"), AFTER_TOPIC_ACTIONS,
                            f"voice.toml:{lang}.say_after_topic") for lang in codes},
        catalog.languages.by_key(), dict(catalog.after_topic), catalog.county_topic)


def _read_phrases(section: object, options: tuple[str, ...], where: str) -> dict:
    section, found, owner = section if isinstance(section, Mapping) else {}, {}, {}
    for option in options:
        phrases = section.get(option)
        if not (phrases and isinstance(phrases, list)
                and all(isinstance(p, str) and normalise(p) for p in phrases)):
            raise ContentError(f"{where}: {option} needs a list of phrases a caller may say")
        found[option] = tuple(normalise(p) for p in phrases)
        for phrase in found[option]:
            if owner.setdefault(phrase, option) != option:
                raise ContentError(f"{where}: {phrase!r} means both {owner[phrase]} and {option}")
    return found


def match_phrase(speech: str, options: Mapping[str, tuple[str, ...]]) -> str | None:
    """Find the one option whose phrase was said as whole words; None if none or several."""
    said = f" {normalise(speech)} "
    found = {option for option, phrases in options.items() if any(f" {p} " in said for p in phrases)}
    return found.pop() if len(found) == 1 else None
