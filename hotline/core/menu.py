"""The one menu that texts and calls walk: topics and their keys, the after-topic keys, and what callers may say.

Everything here comes from messages/ (hotline.toml [menu], languages.toml, voice.toml's say_*
phrases), read once at start-up; the SMS flow (sms_flow.py) and the call flow (call_flow.py)
both walk it. The topic menu's extras (hotline.toml [menu] extras: talk to a person, the alert)
are live actions (core/live.py): offered on a call only while their feature is on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from hotline.core.catalog import Catalog
from hotline.core.live import LIVE_ACTIONS
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
    extras: Mapping[str, str] = field(default_factory=dict)  # topic-menu key -> live action
    extra_phrases: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)  # lang -> action ->
    # The voice.toml [extras] lines said now, one per extra that is on (e.g. "person" or "person_closed");
    # set for each request by the voice channel, so an extra that is off is neither said nor works.
    offered: frozenset[str] = frozenset()

    @property
    def codes(self) -> tuple[str, ...]:
        """List the line's languages in order."""
        return tuple(self.languages)

    def offered_line(self, action: str) -> str | None:
        """Return the [extras] line said now for this extra, or None while it is off."""
        return next((line for line in sorted(self.offered) if extra_of(line) == action), None)


def extra_of(line: str) -> str:
    """Name the extra an [extras] line belongs to: "person_closed" is said for "person"."""
    return line.partition("_")[0]


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
    topics = {lang: _read_phrases(voice[lang].get("say_topics"), tuple(catalog.menu.values()),
                                  f"voice.toml:{lang}.say_topics") for lang in codes}
    extras = _check_extras(catalog)
    phrases = {lang: _read_phrases(voice[lang].get("say_extras"), tuple(extras.values()),
                                   f"voice.toml:{lang}.say_extras") for lang in codes}
    for lang in codes:  # both are heard at the topic menu, so no phrase may mean a topic and an extra
        said = {p: t for t, ps in topics[lang].items() for p in ps}
        for action, clash in ((a, p) for a, ps in phrases[lang].items() for p in ps if p in said):
            raise ContentError(f"voice.toml:{lang}.say_extras.{action}: {clash!r} already chooses {said[clash]}")
    return Tree(dict(catalog.menu), default_lang, {
        lang: _read_phrases(voice[lang], ("say_language",), f"voice.toml:{lang}")["say_language"]
        for lang in codes}, topics, {
        lang: _read_phrases(voice[lang].get("say_after_topic"), AFTER_TOPIC_ACTIONS,
                            f"voice.toml:{lang}.say_after_topic") for lang in codes},
        catalog.languages.by_key(), dict(catalog.after_topic), catalog.county_topic, True, extras, phrases)


def _check_extras(catalog: Catalog) -> dict[str, str]:
    """Check hotline.toml [menu] extras: known live actions, free one-digit keys, and a line to say each."""
    where = "hotline.toml:menu.extras"
    for key, action in catalog.extras.items():
        if action not in LIVE_ACTIONS:
            raise ContentError(f"{where}: unknown action {action!r}; use one of {', '.join(LIVE_ACTIONS)}")
        if not re.fullmatch(r"[0-9]", key) or key in catalog.menu:
            raise ContentError(f"{where}: key {key!r} for {action} must be one digit that no topic uses")
        for lang in catalog.languages.codes:
            lines = catalog.voice[lang].get("extras")
            if not isinstance(lines, Mapping) or not isinstance(lines.get(action), str):
                raise ContentError(f"voice.toml:{lang}.extras.{action} is missing: what the menu says for it")
    if len(set(catalog.extras.values())) != len(catalog.extras):
        raise ContentError(f"{where}: each action may have one key only")
    return dict(catalog.extras)


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
