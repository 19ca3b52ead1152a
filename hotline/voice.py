"""The voice webhook: Twilio POSTs each step of a call here; we answer from the phone tree."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace

from flask import Blueprint, current_app, request
from flask.blueprints import BlueprintSetupState
from twilio.twiml.voice_response import VoiceResponse

from . import outbound, phonetree, stats
from .agreements import state_code
from .agreements_store import answer_spoken_county, current_list
from .content import Catalog, ContentError, fill, placeholder_values
from .counties import counties_by_state
from .settings import LANGUAGES, SettingsError
from .signature import require_twilio_signature
from .twiml import xml_response

bp = Blueprint("voice", __name__)

GATHER_TIMEOUT_SECONDS = 6  # a frightened caller may need a moment to find the keypad
# Amazon Polly voices Twilio offers per language (-Neural etc. are variants); Twilio only
# finds out at call time that a voice cannot speak the language, so check at start-up.
POLLY_VOICES = {
    "en-US": {"Danielle", "Gregory", "Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kevin",
              "Kimberly", "Matthew", "Ruth", "Salli", "Stephen"},
    "es-US": {"Lupe", "Penelope", "Miguel", "Pedro"},
    "es-MX": {"Mia", "Andres"},
}


def check_voices(config: Mapping[str, object]) -> None:
    """Refuse to start with a voice that cannot speak its language."""
    language_es = str(config["HOTLINE_VOICE_LANGUAGE_ES"])
    if language_es not in ("es-US", "es-MX"):
        raise SettingsError("HOTLINE_VOICE_LANGUAGE_ES must be es-US or es-MX")
    for name, language in (("HOTLINE_VOICE_EN", "en-US"), ("HOTLINE_VOICE_ES", language_es)):
        voice = str(config[name])
        polly = re.fullmatch(r"Polly\.([A-Za-z]+)(-[A-Za-z]+)?", voice)
        if not (polly and polly[1] in POLLY_VOICES[language]
                or voice.startswith(f"Google.{language}-")):
            choices = ", ".join(f"Polly.{v}-Neural" for v in sorted(POLLY_VOICES[language]))
            raise SettingsError(f"{name}={voice} does not speak {language}; use one of {choices} "
                                f"or a Google.{language}-... voice")


class Script:
    """Every spoken line, voice and hint, prepared once; renders a phone-tree turn as TwiML."""

    def __init__(self, catalog: Catalog, config: Mapping[str, object]):
        self.tree = phonetree.build_tree(catalog, str(config["HOTLINE_DEFAULT_LANGUAGE"]))
        self.voices = {"en": (config["HOTLINE_VOICE_EN"], "en-US"),
                       "es": (config["HOTLINE_VOICE_ES"], config["HOTLINE_VOICE_LANGUAGE_ES"])}
        values = placeholder_values(config)
        self.lines: dict[phonetree.Line, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            words = catalog.voice[lang]
            for name in phonetree.PROMPTS:
                self.lines[lang, name] = split_paragraphs(fill(_word(words, lang, name), values))
            self.lines[lang, "topic_menu"] = _list_menu(words, lang, catalog.menu)
            for topic in catalog.topics.values():
                voice_text = fill(topic.texts[lang].voice, values)
                self.lines[lang, f"topic:{topic.id}"] = split_paragraphs(voice_text)
        either = {"en": "en", "es": "es", None: self.tree.default_lang}
        counties = list(counties_by_state().get(state_code(config["HOTLINE_STATE"]) or "", {}).values())
        self.hints = {(step, lang): ", ".join(sorted(set(_raw_phrases(catalog, step, either[lang], counties))))
                      for step in phonetree.STEPS for lang in either}
        self.render = functools.lru_cache(maxsize=4096)(self._render)

    def _render(self, turn: phonetree.Turn, base: str, county: bool = True) -> str:
        response = VoiceResponse()
        self._say(response, turn.say)
        if turn.spoken:
            voice, language = self.voices[turn.lang]
            for paragraph in split_paragraphs(turn.spoken):
                response.say(paragraph, voice=voice, language=language)
        if turn.next is None:
            response.hangup()
            return str(response)
        _, language = self.voices[turn.next.lang or self.tree.default_lang]
        gather = response.gather(
            action=f"{base}/voice/step?{phonetree.write_call(turn.next)}", method="POST",
            input="dtmf speech", num_digits=1, finish_on_key="", timeout=GATHER_TIMEOUT_SECONDS,
            speech_timeout="auto", language=language, hints=self.hints[turn.next.step, turn.next.lang])
        self._say(gather, phonetree.prompt_lines(turn.next, county))
        # Twilio falls through to here when the caller says nothing: re-prompt, don't hang up.
        response.redirect(f"{base}/voice/step?{phonetree.write_call(turn.next, silent=True)}",
                          method="POST")
        return str(response)

    def _say(self, verb: VoiceResponse, lines: tuple[phonetree.Line, ...]) -> None:
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
    if step == "language":  # both languages' names, and topics in the default language
        return [p for lang in LANGUAGES for p in catalog.voice[lang]["say_language"]] + [
            p for phrases in voice["say_topics"].values() for p in phrases]
    part = voice["say_topics"] if step == "menu" else voice["say_after_topic"]
    return [p for phrases in part.values() for p in phrases]


@bp.record_once
def prepare_script(state: BlueprintSetupState) -> None:
    """Check the voice settings and prepare every spoken line once, when the app starts."""
    check_voices(state.app.config)
    outbound.check_settings(state.app.config)
    catalog = state.app.extensions["hotline"].catalog
    state.app.extensions["voice_script"] = Script(catalog, state.app.config)


def _base_url() -> str:
    return current_app.config["HOTLINE_PUBLIC_URL"].rstrip("/") or request.host_url.rstrip("/")


@bp.post("/voice")
@require_twilio_signature
def incoming_call():
    """Greet a new call and ask for a language."""
    turn = phonetree.start_call()
    stats.record("voice", None, None, turn.outcome)
    return xml_response(current_app.extensions["voice_script"].render(turn, _base_url()))


@bp.post("/voice/step")
@require_twilio_signature
def call_step():
    """Move a call one step on from what the caller pressed or said; the state is in the URL."""
    script = current_app.extensions["voice_script"]
    county = current_list() is not None  # offer "say a county" only with a list to answer from
    tree = replace(script.tree, county=county)
    call = phonetree.read_call(request.args, tree)
    heard = phonetree.Heard(request.form.get("Digits", ""), request.form.get("SpeechResult", ""),
                            silent=request.args.get("x") == "1")
    turn = phonetree.next_turn(call, heard, tree)
    if turn.send:  # only ever to the number Twilio says is calling
        result = outbound.text_topic(request.form.get("From", ""), call.topic, call.lang)
        turn = phonetree.report_text(call, result)
    if turn.lookup:
        turn = phonetree.report_county(call, answer_spoken_county(heard.speech, call.lang))
    stats.record("voice", turn.topic, turn.lang, turn.outcome)
    return xml_response(script.render(turn, _base_url(), county))
