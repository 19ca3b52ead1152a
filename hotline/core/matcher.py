"""Turn what a person typed into a meaning: a topic, a command, and a language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from hotline.core.catalog import Catalog
from hotline.core.live import LIVE_ACTIONS
from hotline.core.toml_files import ContentError

# Twilio opts the number out itself on these whole-message words (and confirms);
# a reply would fail with error 21610. https://www.twilio.com/docs/api/errors/21610
TWILIO_OPT_OUT_WORDS = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT")
STOP_IN_A_SENTENCE = ("stop", "stopall", "unsubscribe", "optout")
# Commands that may appear inside a short question ("what is a detainer?", "help me").
FINDABLE = ("topic", "help", "source", "more", "menu", "language", *LIVE_ACTIONS)
LONGEST_QUESTION = 12  # words; longer texts are not searched for keywords
TYPO_MIN_LENGTH = 5  # one wrong letter is forgiven in keywords this long or longer


@dataclass(frozen=True)
class Meaning:
    action: str  # "topic", a command from hotline.toml, "language" (switch to one) or "stop"
    topic: str | None = None
    switch_to: str | None = None  # the language a "language" word switches to


@dataclass(frozen=True)
class Match:
    action: str  # a Meaning's action, "empty" or "unknown"
    topic: str | None = None
    lang: str | None = None  # the language the text is written in, when it tells
    switch_to: str | None = None


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and 287(g) spellings into plain words."""
    text = unicodedata.normalize("NFKD", text)
    # Accents go, and so do invisible format characters (zero-width space, soft hyphen)
    # that a copied or autocorrected word may carry inside it: "DERE\u200bCHOS" is DERECHOS.
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf").casefold()
    text = re.sub(r"[\W_]+", " ", text)
    text = re.sub(r"\b(\d{3}) ([a-z])\b", r"\1\2", text)  # "287 (g)" and "287-G" -> "287g"
    return " ".join(text.split())


def _singular_forms(word: str) -> Iterable[str]:
    yield word
    if word.endswith("es") and len(word) > 5:
        yield word[:-2]
    if word.endswith("s") and len(word) > 3:
        yield word[:-1]


class KeywordIndex:
    """All keywords of a catalog, normalised once at start-up."""

    def __init__(self, catalog: Catalog):
        self.languages: dict[str, dict[Meaning, set[str]]] = {}
        self.meanings: dict[str, Meaning] = {}
        for topic in catalog.topics.values():
            for lang, words in topic.keywords.items():
                self._add(words, Meaning("topic", topic.id), lang, topic.file)
        for action, by_lang in catalog.commands.items():
            for lang, words in by_lang.items():
                self._add(words, Meaning(action), lang, "hotline.toml:commands")
        for language in catalog.languages.all:
            self._add(language.switch, Meaning("language", switch_to=language.code), None, "languages.toml:switch")
        for key, topic_id in catalog.menu.items():
            self._add([key], Meaning("topic", topic_id), None, "hotline.toml:menu")
        self._add(TWILIO_OPT_OUT_WORDS, Meaning("stop"), None, "Twilio's opt-out words")
        self.singles = {w: m for w, m in self.meanings.items() if " " not in w and m.action in FINDABLE}
        # "stop please" is no opt-out for Twilio (only the word alone is): say how to stop.
        for word in STOP_IN_A_SENTENCE:
            self.singles[word] = Meaning("optout_note")
            self.languages[word][Meaning("optout_note")] = {catalog.languages.codes[0]}
        self.typo_choices = [w for w in self.singles if len(w) >= TYPO_MIN_LENGTH]
        self.hints = {lang: frozenset(normalise(" ".join(words)).split())
                      for lang, words in catalog.language_hints.items()}
        self.marks = {language.code: language.marks for language in catalog.languages.all}

    def _add(self, words: Iterable[str], meaning: Meaning, lang: str | None, where: str) -> None:
        for word in words:
            key = normalise(word)
            if not key:
                raise ContentError(f"{where}: keyword {word!r} is empty once punctuation is removed")
            known = self.meanings.get(key)
            if known is not None and known != meaning:
                raise ContentError(f"{where}: keyword {word!r} collides with another meaning ({known})")
            self.meanings[key] = meaning
            langs = self.languages.setdefault(key, {}).setdefault(meaning, set())
            if lang:
                langs.add(lang)

    def match(self, text: str) -> Match:
        """Find what a text means; never raises, whatever the text."""
        words = normalise(text)
        if not words:
            return Match("empty")
        tokens = words.split()
        for form in _singular_forms(words):
            if form in self.meanings:
                return self._matched(form, self.meanings[form], tokens, text)
        if len(tokens) > LONGEST_QUESTION:
            return Match("unknown", lang=self.guess_language(tokens, text))
        found = {}
        for token in tokens:
            key = self._find_word(token)
            if key:
                found.setdefault(self.singles[key], key)
        topics = [m for m in found if m.action == "topic"]
        if len({m.topic for m in topics}) == 1:
            return self._matched(found[topics[0]], topics[0], tokens, text)
        if len(found) == 1 and not topics:
            meaning, key = next(iter(found.items()))
            return self._matched(key, meaning, tokens, text)
        return Match("unknown", lang=self.guess_language(tokens, text))

    def _find_word(self, token: str) -> str | None:
        for form in _singular_forms(token):
            if form in self.singles:
                return form
        if len(token) < TYPO_MIN_LENGTH - 1:
            return None
        close = process.extract(token, self.typo_choices, scorer=OSA.distance, score_cutoff=1, limit=None)
        meanings = {self.singles[choice] for choice, _, _ in close}
        return close[0][0] if len(meanings) == 1 else None

    def _matched(self, key: str, meaning: Meaning, tokens: list[str], text: str) -> Match:
        langs = self.languages[key][meaning]
        lang = next(iter(langs)) if len(langs) == 1 else self.guess_language(tokens, text)
        return Match(meaning.action, meaning.topic, lang, meaning.switch_to)

    def guess_language(self, tokens: list[str], text: str) -> str | None:
        """Guess the language from common words and Spanish punctuation, or None."""
        votes = {lang: sum(t in hints for t in tokens) for lang, hints in self.hints.items()}
        for lang, marks in self.marks.items():  # "¿" and "¡" count double for Spanish
            votes[lang] = votes.get(lang, 0) + 2 * any(mark in text for mark in marks)
        best = max(votes.values())
        winners = [lang for lang, count in votes.items() if count == best]
        return winners[0] if best and len(winners) == 1 else None
