"""The {placeholders} in the hotline's words: which exist, how they are filled, and that languages agree."""

from __future__ import annotations

import string
from collections.abc import Mapping, Set

from hotline.core.toml_files import ContentError

# Placeholders an editor may use, and the setting each one is filled from.
PLACEHOLDERS = {"org": "HOTLINE_ORG_NAME", "number": "HOTLINE_NUMBER", "referral": "HOTLINE_REFERRAL"}
# Placeholders filled from the content itself rather than from a setting.
CONTENT_PLACEHOLDERS = {"reviewed": "each topic's keyword and the date its facts were last reviewed",
                        "hours": "when volunteers answer the phone: HOTLINE_VOLUNTEER_HOURS in words"}


def placeholders_in(template: str) -> set[str]:
    """List the {placeholders} a template uses (ValueError for bad braces)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def fill(template: str, values: Mapping[str, str]) -> str:
    """Fill placeholders from settings, dropping each line whose placeholder is unset."""
    kept = [line for line in template.splitlines() if all(values.get(p) for p in placeholders_in(line))]
    return "\n".join(kept).format_map(values).strip()


def placeholder_values(config: Mapping[str, object]) -> dict[str, str]:
    """Map each placeholder to its setting's value."""
    return {name: str(config.get(setting, "") or "") for name, setting in PLACEHOLDERS.items()}


def placeholder_problem(texts: Mapping[str, str | None], allowed: Set[str] | None) -> tuple[str, str] | None:
    """Find what is wrong with one text's placeholders across languages: (language or '*', reason), or None."""
    found = {}
    for lang, text in texts.items():
        if text is None:
            return lang, "is missing (another language has it)"
        try:
            found[lang] = placeholders_in(text)
        except ValueError as error:
            return lang, f"bad braces ({error})"
        if allowed is not None and found[lang] - allowed:
            return lang, (f"unknown placeholder {{{min(found[lang] - allowed)}}}; "
                          f"use one of {', '.join('{' + p + '}' for p in sorted(allowed))}")
    if len({frozenset(f) for f in found.values()}) > 1:
        return "*", f"placeholders differ between languages: {found}"
    return None


def check_languages_match(file: str, sections: Mapping[str, Mapping[str, object]], allowed: Set[str]) -> None:
    """Raise ContentError unless each language has the same texts with the same, known placeholders."""
    reference = next(iter(sections.values()))
    for lang, section in sections.items():
        unmatched = sorted(reference.keys() ^ section.keys())
        if unmatched:
            raise ContentError(f"{file}:{lang}.{unmatched[0]} is in one language but not the other")
    for key, text in reference.items():
        if isinstance(text, str):
            problem = placeholder_problem({lang: str(s[key]) for lang, s in sections.items()}, allowed)
            if problem:
                raise ContentError(f"{file}:{problem[0]}.{key}: {problem[1]}")
