"""The voice webhook: Twilio POSTs each step of a call here; we answer from the call flow."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from hotline.channels import volunteer_calls
from hotline.core import call_flow
from hotline.core.agreements import state_code
from hotline.core.catalog import Catalog
from hotline.core.counties import counties_by_state
from hotline.core.live import answer_live
from hotline.core.menu import Tree, extra_of
from hotline.core.placeholders import fill, placeholder_values
from hotline.core.toml_files import ContentError
from hotline.core.volunteers import ACCEPT_KEY
from hotline.edges import outbound
from hotline.edges.settings.checks import voice_of
from hotline.edges.signature import public_base, require_twilio_signature
from hotline.edges.storage import stats
from hotline.edges.storage.agreement_lists import answer_spoken_county, current_list
from hotline.edges.storage.limits import count_use
from hotline.edges.twiml import xml_response
from hotline.services import services

bp = Blueprint("voice", __name__)

GATHER_TIMEOUT_SECONDS = 6  # a frightened caller may need a moment to find the keypad
REPLAY_WINDOW_SECONDS = 4 * 60 * 60  # a call's steps are remembered (as keyed hashes) this long


class Script:
    """Every spoken line, voice and hint, prepared once; renders a call-flow turn as TwiML."""

    def __init__(self, catalog: Catalog, tree: Tree, config: Mapping[str, object]):
        self.tree, codes = tree, catalog.languages.codes
        self.voices = {lang: voice_of(config, lang, catalog.languages) for lang in codes}
        values = placeholder_values(config)
        self.lines: dict[call_flow.Line, tuple[str, ...]] = {}
        for lang in codes:
            words = catalog.voice[lang]
            press = {"key": catalog.languages[lang].key}  # "For English, press 1": the key that works
            for name in call_flow.PROMPTS:
                self.lines[lang, name] = split_paragraphs(fill(_word(words, lang, name), {**values, **press}))
            self.lines[lang, "topic_menu"] = _list_menu(words, lang, catalog.menu)
            for key, action in tree.after_keys.items():
                said = _word(words.get("after_topic") or {}, lang, f"after_topic.{action}")
                self.lines[lang, f"after:{action}"] = (said.replace("{key}", key),)
            # Said to a volunteer before the caller is connected: the key that takes the call.
            self.lines[lang, "volunteer_whisper"] = split_paragraphs(fill(_word(
                words, lang, "volunteer_whisper"), {**values, "key": ACCEPT_KEY}))
            for topic in catalog.topics.values():
                self.lines[lang, f"topic:{topic.id}"] = split_paragraphs(fill(topic.texts[lang].voice, values))
            keys = {action: key for key, action in tree.extras.items()}
            for line, said in (words.get("extras") or {}).items():
                if extra_of(line) in keys:  # "To talk with a volunteer, press 0": the key that works
                    press = {**values, "key": keys[extra_of(line)]}
                    self.lines[lang, f"extra:{line}"] = split_paragraphs(fill(said, press))
        either = {**{lang: lang for lang in codes}, None: tree.default_lang}
        counties = list(counties_by_state().get(state_code(config["HOTLINE_STATE"]) or "", {}).values())
        self.hints = {(step, lang): ", ".join(sorted(set(_raw_phrases(catalog, step, either[lang], counties))))
                      for step in call_flow.STEPS for lang in either}
        self.render = functools.lru_cache(maxsize=4096)(self._render)

    def _render(self, turn: call_flow.Turn, base: str, county: bool = True,
                offered: frozenset[str] = frozenset()) -> str:
        tree = replace(self.tree, county=county, offered=offered)
        response = VoiceResponse()
        self.say(response, turn.say)
        if turn.spoken:
            voice, language = self.voices[turn.lang]
            for paragraph in split_paragraphs(turn.spoken):
                response.say(paragraph, voice=voice, language=language)
        if turn.next is None:
            response.hangup()
            return str(response)
        _, language = self.voices[turn.next.lang or tree.default_lang]
        gather = response.gather(
            action=f"{base}/voice/step?{call_flow.write_call(turn.next)}", method="POST",
            input="dtmf speech", num_digits=1, finish_on_key="", timeout=GATHER_TIMEOUT_SECONDS,
            speech_timeout="auto", language=language, hints=self.hints[turn.next.step, turn.next.lang])
        self.say(gather, call_flow.prompt_lines(turn.next, tree))
        # Twilio falls through to here when the caller says nothing: re-prompt, don't hang up.
        response.redirect(f"{base}/voice/step?{call_flow.write_call(turn.next, silent=True)}",
                          method="POST")
        return str(response)

    def say(self, verb: VoiceResponse, lines: tuple[call_flow.Line, ...]) -> None:
        """Say these lines inside a verb (a <Response> or a <Gather>), each in its language's voice."""
        for lang, name in lines:
            voice, language = self.voices[lang]
            for i, paragraph in enumerate(self.lines[lang, name]):
                if i and name.startswith("topic:"):
                    verb.pause(length=1)  # a blank line in a topic's voice text is a pause
                verb.say(paragraph, voice=voice, language=language)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split a spoken text at blank lines, joining the lines of each paragraph."""
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def _list_menu(words: Mapping[str, object], lang: str, menu: Mapping[str, str]) -> tuple[str, ...]:
    names = words.get("topic_names") if isinstance(words.get("topic_names"), Mapping) else {}
    option = _word(words, lang, "menu_option")
    return tuple(option.replace("{topic}", _word(names, lang, f"topic_names.{topic}"))
                 .replace("{key}", key) for key, topic in menu.items())


def _word(words: Mapping[str, object], lang: str, name: str) -> str:
    text = words.get(name.rpartition(".")[2])
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"voice.toml:{lang}.{name} is missing or empty")
    return text.strip()


def _raw_phrases(catalog: Catalog, step: str, lang: str, counties: list[str]) -> list[str]:
    voice = catalog.voice[lang]
    if step == "county":  # the state's county names help recognition most here
        return counties + [p for phrases in voice["say_after_topic"].values() for p in phrases]
    if step == "language":  # every language's name, and topics in the default language
        return [p for code in catalog.languages.codes for p in catalog.voice[code]["say_language"]] + [
            p for phrases in voice["say_topics"].values() for p in phrases]
    parts = (voice["say_topics"], voice.get("say_extras") or {}) if step == "menu" else (voice["say_after_topic"],)
    return [p for part in parts for phrases in part.values() for p in phrases]


@bp.post("/voice")
@require_twilio_signature
def incoming_call():
    """Greet a new call and ask for a language."""
    turn = call_flow.start_call()
    stats.record("voice", None, None, turn.outcome)
    script = services().script
    return xml_response(script.render(turn, public_base()))


@bp.post("/voice/step")
@require_twilio_signature
def call_step():
    """Move a call one step on from what the caller pressed or said; the state is in the URL."""
    script = services().script
    county = current_list() is not None  # offer "say a county" only with a list to answer from
    offered = volunteer_calls.offered_extras(script.tree)
    tree = replace(script.tree, county=county, offered=offered)
    call = call_flow.read_call(request.args, tree)
    heard = call_flow.Heard(request.form.get("Digits", ""), request.form.get("SpeechResult", ""),
                            silent=request.args.get("x") == "1")
    turn = call_flow.next_turn(call, heard, tree)
    if turn.send and seen_before():  # a replayed "press 9": say it was sent, send nothing again
        turn = call_flow.report_text(call, "already_sent")
    elif turn.send:  # only ever to the number Twilio says is calling
        result = outbound.text_topic(request.form.get("From", ""), call.topic, call.lang,
                                     request.form.get("StirVerstat", ""))
        turn = call_flow.report_text(call, result)
    if turn.lookup:
        turn = call_flow.report_county(call, answer_spoken_county(heard.speech, call.lang))
    if turn.live == "person" and volunteer_calls.on_shift():  # ring them all; the first to accept talks
        stats.record("voice", None, turn.lang, "volunteer_offered")
        return xml_response(volunteer_calls.ring_volunteers(call, public_base()))
    if turn.live:  # an extra of the topic menu, answered now
        turn = call_flow.report_live(call, turn.live, answer_live(services().live, turn.live, call.lang, "voice"))
    stats.record("voice", turn.topic, turn.lang, turn.outcome)
    return xml_response(script.render(turn, public_base(), county, offered))



def seen_before() -> bool:
    """Tell whether this very step of this call (same CallSid, URL and key) came before: a replay.

    Counted under a keyed hash that expires, never the CallSid itself. Twilio never sends one
    step twice with the same action URL and input, so a repeat is a captured request played again.
    """
    step = "\0".join((request.form.get("CallSid", ""), request.query_string.decode("latin-1"),
                      request.form.get("Digits", ""), request.form.get("SpeechResult", "")))
    count = count_use("voice_step", step, REPLAY_WINDOW_SECONDS)
    return count is not None and count > 1
