"""Load the hotline's words from messages/, validate them, and fill in the settings."""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

from .settings import LANGUAGES

# Placeholders an editor may use, and the setting each one is filled from.
PLACEHOLDERS = {"org": "HOTLINE_ORG_NAME", "number": "HOTLINE_NUMBER", "referral": "HOTLINE_REFERRAL"}
# Placeholders filled from the content itself rather than from a setting.
CONTENT_PLACEHOLDERS = {"reviewed": "each topic's keyword and the date its facts were last reviewed"}
TOPIC_TEXTS = ("title", "sms", "more", "voice", "web")
HOTLINE_TEXTS = ("menu", "help", "not_understood", "language_set", "end_of_topic", "optout_note",
                 "rate_limited", "more_prompt", "text_me_end", "source", "discreet_preview")


class ContentError(ValueError):
    """The content in messages/ is incomplete or malformed; the message names file and key."""


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
class Catalog:
    topics: Mapping[str, Topic]
    menu: Mapping[str, str]  # menu key ("1") -> topic id
    texts: Mapping[str, Mapping[str, str]]  # language -> name -> text
    bilingual_menu: str
    commands: Mapping[str, Mapping[str, tuple[str, ...]]]  # action -> language -> words
    language_hints: Mapping[str, tuple[str, ...]]
    voice: Mapping[str, Mapping[str, object]]  # language -> voice prompts (see voice.toml)


def default_messages_dir() -> Path:
    """Find messages/ beside the source tree, or the copy installed with the package."""
    beside_source = Path(__file__).resolve().parent.parent / "messages"
    if (beside_source / "hotline.toml").is_file():
        return beside_source
    # A regular install (Heroku's `pip install .`) puts the copy inside the package. Not
    # importlib.resources: for a folder without __init__.py it gives a MultiplexedPath,
    # whose str() is not a path.
    return Path(__file__).resolve().parent / "messages"


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """Read and validate every file in messages/; raise ContentError naming file and key."""
    directory = Path(directory) if directory else default_messages_dir()
    main = read_toml(directory / "hotline.toml")
    topic_files = sorted((directory / "topics").glob("*.toml"))
    if not topic_files:
        raise ContentError(f"{directory / 'topics'}: no topic files (*.toml) found")
    topics = {t.id: t for t in (_load_topic(path) for path in topic_files)}
    menu = {str(o.get("key")): str(o.get("topic")) for o in main.get("menu", {}).get("options", [])}
    for key, topic_id in menu.items():
        if topic_id not in topics:
            raise ContentError(f"hotline.toml:menu.options: key {key} points to unknown topic {topic_id!r}")
    voice = read_toml(directory / "voice.toml")
    catalog = Catalog(
        topics=topics,
        menu=menu,
        texts={lang: require_texts(main, lang, HOTLINE_TEXTS, "hotline.toml") for lang in LANGUAGES},
        bilingual_menu=_require(main, "bilingual", "hotline.toml").get("menu", ""),
        commands=_require(main, "commands", "hotline.toml"),
        language_hints=_require(main, "language_hints", "hotline.toml"),
        voice={lang: _require(voice, lang, "voice.toml") for lang in LANGUAGES},
    )
    if not catalog.bilingual_menu:
        raise ContentError("hotline.toml:bilingual.menu is missing")
    _check_placeholders(catalog)
    return catalog


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:  # e.g. saved as Latin-1 or UTF-16 by an editor
        raise ContentError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None


def _require(data: Mapping, key: str, where: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ContentError(f"{where}:{key} is missing")
    return value


def require_texts(data: Mapping, lang: str, names: tuple[str, ...], where: str) -> dict[str, str]:
    section = _require(data, lang, where)
    for name in names:
        if not isinstance(section.get(name), str) or not section[name].strip():
            raise ContentError(f"{where}:{lang}.{name} is missing or empty")
    return {name: section[name].strip() for name in section if isinstance(section[name], str)}


def _load_topic(path: Path) -> Topic:
    data, where = read_toml(path), f"topics/{path.name}"
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, dt.date):
        raise ContentError(f"{where}:reviewed must be a date like 2026-11-28")
    if not data.get("sources"):
        raise ContentError(f"{where}:sources must list where the facts come from")
    keywords = _require(data, "keywords", where)
    texts = {}
    for lang in LANGUAGES:
        if not keywords.get(lang):
            raise ContentError(f"{where}:keywords.{lang} is missing")
        section = require_texts(data, lang, tuple(n for n in TOPIC_TEXTS if n != "more"), where)
        more = data[lang].get("more")
        if not isinstance(more, list) or not more or not all(isinstance(m, str) and m.strip() for m in more):
            raise ContentError(f"{where}:{lang}.more must be a list of one or more follow-up texts")
        texts[lang] = TopicText(section["title"], section["sms"], tuple(m.strip() for m in more),
                                section["voice"], section["web"])
    return Topic(path.stem, where, reviewed, tuple(data["sources"]),
                 {lang: tuple(keywords[lang]) for lang in LANGUAGES}, texts)


def placeholders_in(template: str) -> set[str]:
    """List the {placeholders} a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _check_placeholders(catalog: Catalog) -> None:
    pairs = [(f"hotline.toml:{{lang}}.{name}", {lang: catalog.texts[lang][name] for lang in LANGUAGES})
             for name in HOTLINE_TEXTS]
    for topic in catalog.topics.values():
        for name in TOPIC_TEXTS:
            if name == "more":
                for i in range(max(len(topic.texts[lang].more) for lang in LANGUAGES)):
                    pairs.append((f"{topic.file}:{{lang}}.more[{i}]", {
                        lang: topic.texts[lang].more[i] if i < len(topic.texts[lang].more) else None
                        for lang in LANGUAGES}))
            else:
                pairs.append((f"{topic.file}:{{lang}}.{name}",
                               {lang: getattr(topic.texts[lang], name) for lang in LANGUAGES}))
    for where, by_lang in pairs:
        found = {}
        for lang, text in by_lang.items():
            if text is None:
                raise ContentError(where.format(lang=lang) + " is missing (the other language has it)")
            try:
                found[lang] = placeholders_in(text)
            except ValueError as error:
                raise ContentError(f"{where.format(lang=lang)}: bad braces ({error})") from None
            unknown = found[lang] - PLACEHOLDERS.keys() - CONTENT_PLACEHOLDERS.keys()
            if unknown:
                raise ContentError(f"{where.format(lang=lang)}: unknown placeholder {{{sorted(unknown)[0]}}}; "
                                   f"use one of {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        if len({frozenset(f) for f in found.values()}) > 1:
            raise ContentError(f"{where.format(lang='*')}: placeholders differ between languages: {found}")


def check_languages_match(file: str, sections: Mapping[str, Mapping[str, object]], allowed: Set[str]) -> None:
    """Raise ContentError unless each language has the same texts with the same, known placeholders."""
    reference = sections[LANGUAGES[0]]
    for lang in LANGUAGES:
        unmatched = sorted(reference.keys() ^ sections[lang].keys())
        if unmatched:
            raise ContentError(f"{file}:{lang}.{unmatched[0]} is in one language but not the other")
        for key, text in sections[lang].items():
            if not isinstance(text, str):
                continue
            try:
                found, expected = placeholders_in(text), placeholders_in(str(reference[key]))
            except ValueError as error:
                raise ContentError(f"{file}:{lang}.{key}: bad braces ({error})") from None
            if found - allowed:
                raise ContentError(f"{file}:{lang}.{key}: unknown placeholder {{{sorted(found - allowed)[0]}}}")
            if found != expected:
                raise ContentError(f"{file}:*.{key}: placeholders differ between languages")


def fill(template: str, values: Mapping[str, str]) -> str:
    """Fill placeholders from settings, dropping each line whose placeholder is unset."""
    kept = [line for line in template.splitlines() if all(values.get(p) for p in placeholders_in(line))]
    return "\n".join(kept).format_map(values).strip()


def placeholder_values(config: Mapping[str, object]) -> dict[str, str]:
    """Map each placeholder to its setting's value."""
    return {name: str(config.get(setting, "") or "") for name, setting in PLACEHOLDERS.items()}


def review_dates(catalog: Catalog, lang: str) -> str:
    """Say when each topic was last reviewed, by the keyword people text: 'DETAINER 2026-12-01, ...'."""
    order = list(dict.fromkeys([*catalog.menu.values(), *catalog.topics]))
    return ", ".join(f"{catalog.topics[t].keywords[lang][0]} {catalog.topics[t].reviewed.isoformat()}"
                     for t in order)
