"""The peer: the SMS app Twilio's own Flask tutorials build, with the hotline's words.

It is what a community group would otherwise deploy, put together from three of Twilio's pages
(cited in docs/benchmarks.md): the `validate_twilio_request` decorator from "Secure your Flask
App by Validating Incoming Twilio Requests" (a RequestValidator made per request, then
`validate(request.url, request.form, signature)`), the keyword replies of "Receive and Reply to
Incoming Messages" (a MessagingResponse built per request, the reply picked by the text), and
the session counter of "Create an SMS Conversation" (Flask's signed session cookie, updated on
every text). It does less than the hotline: exact keywords only (no typos, accents or questions),
no rate limit, no counters, no request log, no malformed-request guards.

The words come from the hotline's own replies (written to a JSON file by bench/mix.py, named
by BENCH_TUTORIAL_WORDS), so both apps send the same bytes for the same keyword.
"""

from __future__ import annotations

import json
import os
from functools import wraps
from pathlib import Path

from flask import Flask, abort, request, session
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

MORE = ("MORE", "MAS", "MÁS")


def validate_twilio_request(f):
    """Validate that incoming requests genuinely originated from Twilio (as in Twilio's guide)."""

    @wraps(f)
    def decorated_function(*args, **kwargs):
        validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN"))
        request_valid = validator.validate(request.url, request.form,
                                           request.headers.get("X-TWILIO-SIGNATURE", ""))
        if request_valid:
            return f(*args, **kwargs)
        return abort(403)

    return decorated_function


def answer(words: dict, body: str, conversation: dict) -> str:
    """Pick the reply to one text by its keyword, and note the topic in the conversation."""
    keyword = body.strip().upper()
    topic = conversation.get("topic")
    if keyword in MORE and topic in words["more"]:
        sent = conversation.get("more", 0)
        follow_ups = words["more"][topic]
        conversation["more"] = sent + 1
        return follow_ups[sent] if sent < len(follow_ups) else words["end_of_topic"]
    if keyword in words["keywords"]:
        topic, text = words["keywords"][keyword]
        conversation["topic"], conversation["more"] = topic, 0
        return text
    return words["menu"]


def voice_menu(words: dict) -> str:
    """Say the call menu and gather a key, as Twilio's IVR samples do."""
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action="/voice/step")
    gather.say(words["voice_menu"])
    return str(response)


def create_app(words_path: str | None = None) -> Flask:
    """Create the peer: /sms answers by keyword, /voice and /voice/step say the menu."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("HOTLINE_SECRET_KEY")  # signs the session cookie
    words = json.loads(Path(words_path or os.environ["BENCH_TUTORIAL_WORDS"]).read_text())

    @app.route("/sms", methods=["POST"])
    @validate_twilio_request
    def incoming_sms():
        body = request.values.get("Body", "")
        # The conversation tutorial's counter: the cookie changes, and is signed again, on every text.
        session["counter"] = session.get("counter", 0) + 1
        conversation = {"topic": session.get("topic"), "more": session.get("more", 0)}
        text = answer(words, body, conversation)
        session.update(conversation)
        resp = MessagingResponse()
        resp.message(text)
        return str(resp)

    @app.route("/voice", methods=["POST"])
    @app.route("/voice/step", methods=["POST"])
    @validate_twilio_request
    def incoming_call():
        return voice_menu(words)

    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app
