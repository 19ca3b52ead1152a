"""The SMS flow: what to answer, in which language, and what to remember; it walks hotline/core/menu.py's menu."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from hotline.core.catalog import Catalog, review_dates
from hotline.core.live import LIVE_ACTIONS, LiveAnswers, answer_live
from hotline.core.matcher import KeywordIndex, Match, normalise
from hotline.core.placeholders import fill

# Twilio's OptOutType (Advanced Opt-Out) -> our outcome; Twilio itself has replied.
TWILIO_ANSWERS = {"STOP": "opted_out", "START": "opted_in", "HELP": "help"}
CountyAnswerer = Callable[[list[str], str], str | None]  # (words after 287G, language) -> answer


@dataclass(frozen=True)
class State:
    """What the conversation cookie remembers: no number, no message, nothing secret."""

    lang: str | None = None
    topic: str | None = None
    more_sent: int = 0
    # The sender's own rate limit (channels/sms.py): texts counted since window_start (Unix time).
    window_start: int = 0
    texts: int = 0

    @classmethod
    def from_cookie(cls, data: Mapping[str, object], topics: Mapping[str, object],
                    languages: tuple[str, ...]) -> State:
        """Rebuild state from a cookie, ignoring anything stale or malformed (a list is no topic)."""
        lang, topic, more_sent = data.get("lang"), data.get("topic"), data.get("more_sent")
        window_start, texts = data.get("window_start"), data.get("texts")
        return cls(lang if isinstance(lang, str) and lang in languages else None,
                   topic if isinstance(topic, str) and topic in topics else None,
                   more_sent if isinstance(more_sent, int) and 0 <= more_sent < 10 else 0,
                   *((window_start, texts) if all(isinstance(n, int) and n >= 0 for n in (window_start, texts))
                     else (0, 0)))

    def to_cookie(self) -> dict[str, object]:
        """Give the state as plain cookie data."""
        return {"lang": self.lang, "topic": self.topic, "more_sent": self.more_sent,
                "window_start": self.window_start, "texts": self.texts}


@dataclass(frozen=True)
class Reply:
    outcome: str  # answered, county, more, end_of_topic, menu, help, source, language, not_understood, ...
    text: str | None  # None: answer with an empty <Response/>
    lang: str | None = None
    topic: str | None = None


class Replies:
    """Every SMS text with the settings filled in, built once at start-up."""

    def __init__(self, catalog: Catalog, values: Mapping[str, str], default_lang: str, discreet: bool = False):
        self.default_lang, self.languages = default_lang, catalog.languages.codes
        self.texts = {lang: {name: fill(text, {**values, "reviewed": review_dates(catalog, lang)})
                             for name, text in texts.items()}
                      for lang, texts in catalog.texts.items()}
        # A neutral first line, so a locked screen's preview reveals nothing (HOTLINE_DISCREET_PREVIEW).
        self.preview = {lang: texts["discreet_preview"] if discreet else "" for lang, texts in self.texts.items()}
        self.bilingual_menu = fill(catalog.bilingual_menu, values)
        self.first = {(t.id, lang): fill(text.sms, values) + "\n" + self.texts[lang]["more_prompt"]
                      for t in catalog.topics.values() for lang, text in t.texts.items()}
        # Sent during a call ("text me this"): no conversation cookie yet, so no "Reply MORE".
        self.text_me = {(t.id, lang): "\n".join(filter(None, (self.preview[lang], fill(text.sms, values),
                                                               self.texts[lang]["text_me_end"])))
                        for t in catalog.topics.values() for lang, text in t.texts.items()}
        self.more = {(t.id, lang): tuple(fill(m, values) for m in text.more)
                     for t in catalog.topics.values() for lang, text in t.texts.items()}
        self.county_topic = catalog.county_topic
        self.county_keywords = frozenset(normalise(w) for t in catalog.topics.values() if t.id == self.county_topic
                                         for words in t.keywords.values() for w in words)


def respond(match: Match, state: State, replies: Replies) -> tuple[Reply, State]:
    """Decide the reply to one message and the state to remember after it."""
    lang = match.lang or state.lang
    if match.action == "stop":
        return Reply("opted_out", None, lang), state
    if match.action == "optout_note":
        lang = lang or replies.default_lang
        return Reply("optout_note", replies.texts[lang]["optout_note"], lang), replace(state, lang=lang)
    if match.action == "language":
        lang = match.switch_to
        return Reply("language", replies.texts[lang]["language_set"], lang), replace(state, lang=lang)
    if match.action == "topic":
        lang = lang or replies.default_lang
        reply = Reply("answered", replies.first[match.topic, lang], lang, match.topic)
        return reply, State(lang, match.topic, 0)
    if match.action == "more":
        return _more(state, lang, replies)
    if match.action in ("help", "source"):
        lang = lang or replies.default_lang
        return Reply(match.action, replies.texts[lang][match.action], lang), replace(state, lang=lang)
    if match.action == "unknown" and lang:
        return Reply("not_understood", replies.texts[lang]["not_understood"], lang), replace(state, lang=lang)
    return _menu("not_understood" if match.action == "unknown" else "menu", state, lang, replies)


def _menu(outcome: str, state: State, lang: str | None, replies: Replies) -> tuple[Reply, State]:
    if lang is None:
        return Reply(outcome, replies.bilingual_menu), state
    return Reply(outcome, replies.texts[lang]["menu"], lang), replace(state, lang=lang)


def _more(state: State, lang: str | None, replies: Replies) -> tuple[Reply, State]:
    if state.topic is None:
        return _menu("menu", state, lang, replies)
    lang = lang or replies.default_lang
    follow_ups = replies.more[state.topic, lang]
    if state.more_sent >= len(follow_ups):
        return Reply("end_of_topic", replies.texts[lang]["end_of_topic"], lang, state.topic), state
    reply = Reply("more", follow_ups[state.more_sent], lang, state.topic)
    return reply, replace(state, lang=lang, more_sent=state.more_sent + 1)


def converse(text: str, state: State, index: KeywordIndex, replies: Replies,
             answer_county: CountyAnswerer | None = None, opt_out_type: str = "",
             live: LiveAnswers | None = None) -> tuple[Reply, State]:
    """Answer one incoming text given the conversation so far; `live` answers PERSON, ALERT... now."""
    reply, new_state = _converse(text, state, index, replies, answer_county, opt_out_type, live)
    return with_preview(reply, replies), new_state


def with_preview(reply: Reply, replies: Replies) -> Reply:
    """Start a reply with the discreet preview line, when that setting is on."""
    preview = replies.preview[reply.lang or replies.default_lang]
    return replace(reply, text=preview_then(preview, reply.text)) if preview and reply.text else reply


def preview_then(preview: str, text: str) -> str:
    """Put the discreet preview line (empty when the setting is off) before a text."""
    return f"{preview}\n{text}" if preview and text else text


def _converse(text: str, state: State, index: KeywordIndex, replies: Replies,
              answer_county: CountyAnswerer | None, opt_out_type: str,
              live: LiveAnswers | None = None) -> tuple[Reply, State]:
    if opt_out_type.upper() in TWILIO_ANSWERS:
        # A Messaging Service with Advanced Opt-Out has already answered (in its languages);
        # after STOP a reply would fail with error 21610.
        return Reply(TWILIO_ANSWERS[opt_out_type.upper()], None, state.lang), state
    match = index.match(text)
    county = replies.county_topic
    if answer_county and match.action == "topic" and match.topic == county:
        lang = match.lang or state.lang or replies.default_lang
        words = [w for w in normalise(text).split() if w not in replies.county_keywords]
        answer = answer_county(words, lang)  # "287G Laramie": is that county on ICE's list?
        if answer:
            return Reply("county", answer, lang, county), State(lang, county, 0)
    if match.action in LIVE_ACTIONS:  # answered now; a feature that is off is not understood
        lang = match.lang or state.lang or replies.default_lang
        answer = answer_live(live, match.action, lang, "sms")
        if answer:
            return Reply(match.action, answer, lang), replace(state, lang=lang)
        match = replace(match, action="unknown")
    return respond(match, state, replies)
