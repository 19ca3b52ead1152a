"""The languages a line offers, read from messages/languages.toml: the one place that knows them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hotline.core.toml_files import ContentError, read_toml

FILE = "languages.toml"
FORMULAS = ("english", "spanish")  # the reading-ease formulas hotline/core/readability.py knows


@dataclass(frozen=True)
class Language:
    code: str  # "en": also the section name in every file of messages/ and the web address
    name: str  # its name in English, e.g. "Spanish", for editors and tools
    switch: tuple[str, ...]  # words people text to switch to it
    key: str  # pressed at the start of a call to choose it
    voice: str  # default voice on calls (a setting may override it)
    speech: str  # the voice's and speech recognition's language, e.g. es-US
    marks: tuple[str, ...]  # characters that show a text is in this language (¿ ¡)
    readability: str  # which formulas score its texts


@dataclass(frozen=True)
class Languages:
    """The line's languages in menu order; the first is the reference for translations."""

    all: tuple[Language, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """List the language codes in order."""
        return tuple(language.code for language in self.all)

    def __getitem__(self, code: str) -> Language:
        return next(language for language in self.all if language.code == code)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def by_key(self) -> dict[str, str]:
        """Map each call-start key to its language code."""
        return {language.key: language.code for language in self.all}


def load_languages(directory: Path) -> Languages:
    """Read and check messages/languages.toml; raise ContentError naming what is wrong."""
    entries = read_toml(directory / FILE).get("languages")
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{FILE}: list the line's languages as [[languages]] entries")
    found = []
    for i, entry in enumerate(entries):
        where = f"{FILE}:languages[{i}]"
        texts = {k: entry.get(k) for k in ("code", "name", "key", "voice", "speech", "readability")}
        missing = [k for k, v in texts.items() if not isinstance(v, str) or not v.strip()]
        if missing:
            raise ContentError(f"{where}.{missing[0]} is missing")
        if not re.fullmatch(r"[a-z]{2,3}", texts["code"]):  # it is part of web addresses and TOML sections
            raise ContentError(f"{where}.code must be two or three lowercase letters, like es")
        if not re.fullmatch(r"[0-9]", texts["key"]):
            raise ContentError(f"{where}.key must be one digit")
        if texts["readability"] not in FORMULAS:
            raise ContentError(f"{where}.readability must be one of {', '.join(FORMULAS)}")
        switch, marks = entry.get("switch") or [], entry.get("marks") or []
        if not switch or not all(isinstance(w, str) and w.strip() for w in switch):
            raise ContentError(f"{where}.switch must list the words that switch to it")
        found.append(Language(texts["code"], texts["name"], tuple(switch), texts["key"], texts["voice"],
                              texts["speech"], tuple(str(m) for m in marks), texts["readability"]))
    languages = Languages(tuple(found))
    for what in ("code", "key"):
        values = [getattr(language, what) for language in found]
        if len(set(values)) != len(values):
            raise ContentError(f"{FILE}: two languages have the same {what}")
    return languages
