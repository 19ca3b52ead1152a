"""/try, in development only: text the line and call it from a browser, through the real webhooks.

Each message goes to /sms and each key or phrase to /voice, signed as Twilio signs them, with
the conversation cookie kept as Twilio keeps it: what an editor sees here is what a phone gets.
The page's own few labels are for the person trying the line, not for callers, so they live in
the template rather than in messages/.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from hotline.edges.signature import public_base, sign_like_twilio
from hotline.services import services

bp = Blueprint("try_it", __name__)
SAMPLE_CALLER = "+13075550123"  # a fictional 555 number: nothing is ever sent to it
SMS_COOKIE, CALL_COOKIE = "try_sms", "try_call"  # this browser's conversation, and its call


@bp.after_request
def allow_own_script(response: Response) -> Response:
    """Let the page run its one script from this server, and nothing from anywhere else."""
    response.headers["Content-Security-Policy"] = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                                   "connect-src 'self'; img-src 'self'; form-action 'self'")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/try")
def show_try_page():
    """Show a phone for texting and one for calling, both talking to this line's real webhooks."""
    return render_template("try.html", languages=services().engine.catalog.languages.codes)


@bp.post("/try/sms")
def try_sms():
    """Text one message to /sms as Twilio would, keeping this browser's conversation cookie."""
    client, host = current_app.test_client(), urlsplit(public_base()).hostname or "localhost"
    conversation = request.cookies.get(SMS_COOKIE, "")
    if conversation:  # the cookie Twilio would keep for this sender and the line's number
        client.set_cookie("session", conversation, domain=host)
    params = {"From": SAMPLE_CALLER, "To": _number(), "Body": request.form.get("Body", ""),
              "MessageSid": "SM" + secrets.token_hex(16)}
    response = _post(client, "/sms", params)
    messages = [m.text or "" for m in ET.fromstring(response.data).iter("Message")] if response.status_code == 200 \
        else [f"[HTTP {response.status_code}]"]
    cookie = client.get_cookie("session", domain=host)
    answer = jsonify(messages=messages)
    answer.set_cookie(SMS_COOKIE, cookie.value if cookie else "", httponly=True, samesite="Strict")
    return answer


@bp.post("/try/new")
def start_over():
    """Forget this browser's conversation, as if a new phone texted the line."""
    answer = jsonify(messages=[])
    answer.delete_cookie(SMS_COOKIE)
    return answer


@bp.post("/try/call")
def try_call():
    """Take one step of a call: start it, or follow the action the last step gave, with a key or a phrase."""
    path = request.form.get("path") or "/voice"
    if not (path == "/voice" or path.startswith("/voice/step?")):
        return jsonify(error="a call only goes to /voice"), 400
    call_sid = request.cookies.get(CALL_COOKIE) if path != "/voice" else None
    call_sid = call_sid or "CA" + secrets.token_hex(16)
    params = {"CallSid": call_sid, "From": SAMPLE_CALLER, "To": _number(), "CallStatus": "in-progress"}
    params |= {name: request.form[name] for name in ("Digits", "SpeechResult") if request.form.get(name)}
    response = _post(current_app.test_client(), path, params)
    answer = jsonify(follow_dial(read_turn(response.data), response.data, params))
    answer.set_cookie(CALL_COOKIE, call_sid, httponly=True, samesite="Strict")
    return answer


def read_turn(twiml: bytes) -> dict[str, object]:
    """Say what a caller hears and where the call goes next, from the TwiML a voice webhook answered."""
    root = ET.fromstring(twiml)
    gather, redirect = root.find("Gather"), root.find("Redirect")
    return {"says": [{"text": say.text or "", "language": say.get("language", "")} for say in root.iter("Say")],
            "next": _local(gather.get("action")) if gather is not None else None,
            "silence": _local(redirect.text) if redirect is not None else None,
            "hangup": root.find("Hangup") is not None}


def follow_dial(turn: dict[str, object], twiml: bytes, params: dict[str, str]) -> dict[str, object]:
    """Play a <Dial> to the volunteers as Twilio would if nobody answered: here no phone can ring."""
    dial = ET.fromstring(twiml).find("Dial")
    if dial is None or not dial.get("action"):
        return turn
    rung = len(dial.findall("Number"))
    note = {"text": f"(Here {rung} volunteer phone(s) would ring. In this try-out nobody answers.)",
            "language": "", "note": True}
    after = read_turn(_post(current_app.test_client(), _local(dial.get("action")),
                            {**params, "DialCallStatus": "no-answer"}).data)
    return {**after, "says": [*turn["says"], note, *after["says"]]}


def _local(url: str | None) -> str | None:
    """Turn the public action URL Twilio would follow into this server's path and query."""
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _number() -> str:
    return str(current_app.config["HOTLINE_NUMBER"] or "+13075550100")


def _post(client, path: str, params: dict[str, str]):
    base = public_base()
    headers = sign_like_twilio(services().validator, base, path, params)
    return client.post(path, data=params, headers=headers, base_url=base)
