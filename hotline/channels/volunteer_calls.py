"""Talk to a person: ring every on-shift volunteer at once, let the first who presses 1 take the call.

The caller hears a short message, then ringing; each volunteer first hears a whisper and must
press a key, so a voicemail never takes the call. Volunteers see the hotline's number, never the
caller's; no URL here carries a number; nothing is recorded. After the call (or when nobody
answers) the caller is back at the topic menu. Docs: docs/volunteers.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from hotline.core import call_flow
from hotline.core.catalog import Catalog
from hotline.core.menu import Tree
from hotline.core.placeholders import placeholder_values
from hotline.core.volunteers import ACCEPT_KEY, PersonAnswer, Volunteers, person_texts
from hotline.core.volunteers import read_volunteers as volunteer_settings
from hotline.edges.retention.callbacks import CALL_STATUS_PATH
from hotline.edges.settings import SettingsError
from hotline.edges.signature import public_base, require_twilio_signature
from hotline.edges.storage import stats
from hotline.edges.twiml import xml_response
from hotline.services import services

if TYPE_CHECKING:
    from hotline.channels.voice import Script

bp = Blueprint("volunteer_calls", __name__)

WHISPER_TIMEOUT_SECONDS = 8  # a volunteer has this long after the whisper to press the key
WHISPER_TIMES = 2  # the whisper is said twice: a volunteer may miss its start while lifting the phone
CONNECTED = frozenset({"completed", "answered"})  # DialCallStatus when someone took the call


def current_moment() -> dt.datetime:
    """Return the time now (tests replace this to call at a given hour)."""
    return dt.datetime.now(dt.UTC)


def on_shift() -> bool:
    """Tell whether volunteers are set and on shift now."""
    volunteers = services().volunteers
    return volunteers is not None and volunteers.open_at(current_moment())


def offered_extras(tree: Tree) -> frozenset[str]:
    """Name the topic menu's [extras] lines said now: each extra whose feature is on (a live answer exists).

    "person" is said as "person" while volunteers are on shift and as "person_closed" otherwise.
    """
    lines = {action for action in tree.extras.values() if action in services().live}
    if "person" in lines and not on_shift():
        lines = (lines - {"person"}) | {"person_closed"}
    return frozenset(lines)


def ring_volunteers(call: call_flow.Call, base: str) -> str:
    """Say that a volunteer is being called, then ring every one who matches the caller's language at once."""
    script, volunteers = services().script, services().volunteers
    response = VoiceResponse()
    script.say(response, ((call.lang, "volunteer_wait"),))
    after = call_flow.write_call(call_flow.Call("menu", call.lang, sent=call.sent))
    dial = response.dial(caller_id=volunteers.caller_id, timeout=volunteers.ring_seconds, method="POST",
                         action=f"{base}/voice/volunteer/done?{after}")
    # In zero-retention mode each volunteer's leg is deleted from Twilio too once it ends.
    status = ({"status_callback": base + CALL_STATUS_PATH, "status_callback_event": "completed"}
              if services().deleter else {})
    for number in volunteers.to_ring(call.lang):  # the whisper's address names only the language
        dial.number(number, url=f"{base}/voice/volunteer/whisper?l={call.lang}", method="POST", **status)
    return str(response)


def language(script: Script) -> str:
    """Read the call's language from the URL; anything unknown is the default language."""
    lang = request.args.get("l", "")
    return lang if lang in script.tree.codes else script.tree.default_lang


@bp.post("/voice/volunteer/whisper")
@require_twilio_signature
def whisper():
    """Tell the volunteer who picked up which call this is; only the key takes it, anything else hangs up."""
    script = services().script
    lang = language(script)
    response = VoiceResponse()
    gather = response.gather(action=f"{public_base()}/voice/volunteer/accept?l={lang}", method="POST",
                             input="dtmf", num_digits=1, finish_on_key="", timeout=WHISPER_TIMEOUT_SECONDS)
    for _ in range(WHISPER_TIMES):
        script.say(gather, ((lang, "volunteer_whisper"),))
    response.hangup()  # no key (a voicemail): this leg ends, the others keep ringing
    return xml_response(response)


@bp.post("/voice/volunteer/accept")
@require_twilio_signature
def accept():
    """Connect the volunteer who pressed the key (an empty answer bridges the call); hang up on any other."""
    response = VoiceResponse()
    if request.form.get("Digits", "") != ACCEPT_KEY:
        response.hangup()
    return xml_response(response)


@bp.post("/voice/volunteer/done")
@require_twilio_signature
def done():
    """After the ringing: thank the caller or say kindly that nobody could answer, then the topic menu again."""
    script = services().script
    offered = offered_extras(script.tree)
    call = call_flow.read_call(request.args, replace(script.tree, offered=offered))
    turn = call_flow.after_volunteer(call, was_connected(request.form), script.tree.default_lang)
    stats.record("voice", None, turn.lang, turn.outcome)
    return xml_response(script.render(turn, public_base(), True, offered))


def was_connected(form) -> bool:
    """Tell from the <Dial> action's report whether a volunteer took the call (busy, no-answer... did not)."""
    if "DialBridged" in form:  # the plainest answer, when Twilio sends it
        return form["DialBridged"].lower() == "true"
    return form.get("DialCallStatus", "") in CONNECTED and form.get("DialCallDuration", "0") not in ("", "0")


def read_volunteers(config: Mapping[str, object], catalog: Catalog) -> Volunteers | None:
    """Read the HOTLINE_VOLUNTEER_* settings at start; None while no number is set; SettingsError on a mistake."""
    default = str(config.get("HOTLINE_DEFAULT_LANGUAGE") or catalog.languages.codes[0])
    volunteers, problems = volunteer_settings(config, catalog.languages.codes, default)
    if problems:
        raise SettingsError("Talk to a person cannot start:\n  - " + "\n  - ".join(problems)
                            + "\nFix these in the environment or in .env (docs/volunteers.md), "
                            "or empty HOTLINE_VOLUNTEER_NUMBERS to turn it off.")
    return volunteers


def person_answer(catalog: Catalog, config: Mapping[str, object], volunteers: Volunteers) -> PersonAnswer:
    """Build PERSON's live answer: by text the number to call and the hours; on a call, the hours and referral."""
    return PersonAnswer(person_texts(catalog, placeholder_values(config), volunteers.schedule))
