"""Load the hotline's words from messages/ and check that every language has them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hotline.core.languages import Languages, load_languages
from hotline.core.placeholders import CONTENT_PLACEHOLDERS, PLACEHOLDERS, placeholder_problem
from hotline.core.toml_files import ContentError, default_messages_dir, read_toml, require_table, require_texts

TOPIC_TEXTS = ("title", "sms", "more", "voice", "web")
HOTLINE_TEXTS = ("menu", "help", "not_understood", "language_set", "end_of_topic", "optout_note",
                 "rate_limited", "more_prompt", "text_me_end", "source", "discreet_preview")

__all__ = ["Catalog", "ContentError", "Topic", "TopicText", "default_messages_dir", "load_catalog", "read_toml",
           "review_dates"]


@dataclass(frozen=True)
class TopicText:
    title: str
    sms: str
    more: tuple[str, ...]
    voice: str
    web: str


@dataclass(frozen=True)
class Topic:
    id: str
    file: str
    reviewed: dt.date
    sources: tuple[str, ...]
    keywords: Mapping[str, tuple[str, ...]]
    texts: Mapping[str, TopicText]


@dataclass(frozen=True)
class MenuOption:
    key: str  # "1": "reply 1" by SMS, "press 1" on a call
    topic: str
    counties: bool = False  # its keyword followed by a place asks about that county's 287(g) agreements


@dataclass(frozen=True)
class Catalog:
    languages: Languages
    topics: Mapping[str, Topic]
    options: tuple[MenuOption, ...]  # the one menu SMS and calls both walk, in order
    texts: Mapping[str, Mapping[str, str]]  # language -> name -> text
    bilingual_menu: str
    commands: Mapping[str, Mapping[str, tuple[str, ...]]]  # action -> language -> words
    language_hints: Mapping[str, tuple[str, ...]]
    voice: Mapping[str, Mapping[str, object]]  # language -> voice prompts (see voice.toml)
    after_topic: Mapping[str, str]  # call key -> what it does after a topic ("again", "menu", ...)
    extras: Mapping[str, str] = field(default_factory=dict)  # topic-menu key -> live action (core/live.py)

    @property
    def menu(self) -> dict[str, str]:
        """Map each menu key to its topic id."""
        return {option.key: option.topic for option in self.options}

    @property
    def county_topic(self) -> str | None:
        """Return the topic whose keyword asks about a county (287G Laramie), if any."""
        return next((option.topic for option in self.options if option.counties), None)


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """Read and validate every file in messages/; raise ContentError naming file and key."""
    directory = Path(directory) if directory else default_messages_dir()
    languages = load_languages(directory)
    main = read_toml(directory / "hotline.toml")
    topic_files = sorted((directory / "topics").glob("*.toml"))
    if not topic_files:
        raise ContentError(f"{directory / 'topics'}: no topic files (*.toml) found")
    topics = {t.id: t for t in (_load_topic(path, languages.codes) for path in topic_files)}
    menu = require_table(main, "menu", "hotline.toml")
    options = tuple(MenuOption(str(o.get("key")), str(o.get("topic")), bool(o.get("counties")))
                    for o in menu.get("options", []))
    for option in options:
        if option.topic not in topics:
            raise ContentError(f"hotline.toml:menu.options: key {option.key} points to unknown topic {option.topic!r}")
    voice = read_toml(directory / "voice.toml")
    catalog = Catalog(
        languages=languages, topics=topics, options=options,
        texts={lang: require_texts(main, lang, HOTLINE_TEXTS, "hotline.toml") for lang in languages.codes},
        bilingual_menu=require_table(main, "bilingual", "hotline.toml").get("menu", ""),
        commands=require_table(main, "commands", "hotline.toml"),
        language_hints=require_table(main, "language_hints", "hotline.toml"),
        voice={lang: require_table(voice, lang, "voice.toml") for lang in languages.codes},
        after_topic={str(o.get("key")): str(o.get("action")) for o in menu.get("after_topic", [])},
        extras={str(o.get("key")): str(o.get("action")) for o in menu.get("extras", [])},
    )
    if not catalog.bilingual_menu:
        raise ContentError("hotline.toml:bilingual.menu is missing")
    _check_placeholders(catalog)
    return catalog


def _load_topic(path: Path, codes: tuple[str, ...]) -> Topic:
    data, where = read_toml(path), f"topics/{path.name}"
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, dt.date):
        raise ContentError(f"{where}:reviewed must be a date like 2026-11-28")
    if not data.get("sources"):
        raise ContentError(f"{where}:sources must list where the facts come from")
    keywords = require_table(data, "keywords", where)
    texts = {}
    for lang in codes:
        if not keywords.get(lang):
            raise ContentError(f"{where}:keywords.{lang} is missing")
        section = require_texts(data, lang, tuple(n for n in TOPIC_TEXTS if n != "more"), where)
        more = data[lang].get("more")
        if not isinstance(more, list) or not more or not all(isinstance(m, str) and m.strip() for m in more):
            raise ContentError(f"{where}:{lang}.more must be a list of one or more follow-up texts")
        texts[lang] = TopicText(section["title"], section["sms"], tuple(m.strip() for m in more),
                                section["voice"], section["web"])
    return Topic(path.stem, where, reviewed, tuple(data["sources"]),
                 {lang: tuple(keywords[lang]) for lang in codes}, texts)


def _check_placeholders(catalog: Catalog) -> None:
    codes, allowed = catalog.languages.codes, PLACEHOLDERS.keys() | CONTENT_PLACEHOLDERS.keys()
    pairs = [(f"hotline.toml:{{lang}}.{name}", {lang: catalog.texts[lang][name] for lang in codes})
             for name in HOTLINE_TEXTS]
    for topic in catalog.topics.values():
        texts = topic.texts
        for name in ("title", "sms", "voice", "web"):
            pairs.append((f"{topic.file}:{{lang}}.{name}", {lang: getattr(texts[lang], name) for lang in codes}))
        for i in range(max(len(texts[lang].more) for lang in codes)):
            pairs.append((f"{topic.file}:{{lang}}.more[{i}]", {
                lang: texts[lang].more[i] if i < len(texts[lang].more) else None for lang in codes}))
    for where, by_lang in pairs:
        problem = placeholder_problem(by_lang, allowed)
        if problem:
            raise ContentError(f"{where.format(lang=problem[0])}: {problem[1]}")


def review_dates(catalog: Catalog, lang: str) -> str:
    """Say when each topic was last reviewed, by the keyword people text: 'DETAINER 2026-12-01, ...'."""
    order = list(dict.fromkeys([*catalog.menu.values(), *catalog.topics]))
    return ", ".join(f"{catalog.topics[t].keywords[lang][0]} {catalog.topics[t].reviewed.isoformat()}"
                     for t in order)
