"""The SMS webhook: Twilio POSTs each incoming text here and sends back our TwiML reply."""

from __future__ import annotations

from flask import Blueprint, request, session

from .conversation import State, converse
from .engine import get_engine
from .signature import require_twilio_signature
from .twiml import message_twiml, xml_response

bp = Blueprint("sms", __name__)


@bp.post("/sms")
@require_twilio_signature
def incoming_sms():
    """Answer one text; the language and topic live in Twilio's per-conversation cookie."""
    engine = get_engine()
    state = State.from_cookie(session, engine.catalog.topics)
    reply, new_state = converse(request.form.get("Body", ""), state, engine.index, engine.replies)
    if new_state != state:
        session.update(new_state.to_cookie())
    return xml_response(message_twiml(reply.text))
