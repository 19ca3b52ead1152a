"""Tell a translator what to update: a text changed in one language but not in the other.

`hotline check --confirm-translations` records a fingerprint of every text in every
language in messages/translations.lock; later checks compare against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from hotline.cli.check.problems import Problem
from hotline.cli.check.rules import leaves
from hotline.core.languages import load_languages
from hotline.core.toml_files import ContentError, read_toml

LOCK_FILE = "translations.lock"
CONFIRM = "hotline check --confirm-translations"


def fingerprints(directory: Path) -> dict[str, dict[str, str]]:
    """Fingerprint every text: 'file:key' -> language -> a short hash of its words."""
    found: dict[str, dict[str, str]] = {}
    codes = load_languages(directory).codes
    for file, data in _read_files(directory):
        for lang in codes:
            for key, value in leaves(data.get(lang) or {}, into_lists=True):
                if isinstance(value, str):
                    digest = hashlib.sha256(" ".join(value.split()).encode()).hexdigest()[:12]
                    found.setdefault(f"{file}:{key}", {})[lang] = digest
    return found


def _read_files(directory: Path) -> Iterator[tuple[str, dict]]:
    for path in [*sorted(directory.glob("*.toml")), *sorted((directory / "topics").glob("*.toml"))]:
        yield path.relative_to(directory).as_posix(), read_toml(path)


def check_translations(directory: Path) -> list[Problem]:
    """Warn where one language of a text changed since the last confirmation and another did not."""
    lock = directory / LOCK_FILE
    if not lock.is_file():
        return [Problem("warn", LOCK_FILE, f"is missing: when every language says the same, run `{CONFIRM}`")]
    try:
        recorded = read_toml(lock)
        current = fingerprints(directory)
    except ContentError as error:
        return [Problem("warn", LOCK_FILE, f"cannot be compared ({error}); run `{CONFIRM}`")]
    problems = []
    for key, by_lang in current.items():
        before = recorded.get(key)
        if not isinstance(before, dict):
            continue  # a new text: nothing to compare with yet
        changed = sorted(lang for lang in by_lang if by_lang[lang] != before.get(lang))
        if not changed:
            continue
        file, _, name = key.partition(":")
        for lang in sorted(set(by_lang) - set(changed)):
            problems.append(Problem("warn", f"{file}:{lang}.{name}", f"{', '.join(changed)} changed since the "
                                    f"translations were confirmed, but {lang} did not: update {lang}, "
                                    f"then run `{CONFIRM}`"))
    return problems


def confirm_translations(directory: Path) -> Path:
    """Record that every language of every text is in step now."""
    lines = ["# Fingerprints of every text in every language, written by `" + CONFIRM + "`.",
             "# `hotline check` warns when one language of a text changes and another does not.",
             "# Do not edit by hand.", ""]
    for key, by_lang in sorted(fingerprints(directory).items()):
        pairs = ", ".join(f'{lang} = "{digest}"' for lang, digest in sorted(by_lang.items()))
        lines.append(f'"{key}" = {{ {pairs} }}')
    path = directory / LOCK_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
