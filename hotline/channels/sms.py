"""The SMS webhook: Twilio POSTs each incoming text here and sends back our TwiML reply."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, request, session

from hotline.core.sms_flow import Replies, Reply, State, converse, with_preview
from hotline.edges.retention.callbacks import forget_incoming_text
from hotline.edges.signature import require_twilio_signature
from hotline.edges.storage.agreement_lists import answer_from_current_list
from hotline.edges.storage.limits import count_use
from hotline.edges.storage.stats import find_flyer_code, record
from hotline.edges.twiml import message_twiml, xml_response
from hotline.services import get_engine

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60


@bp.post("/sms")
@require_twilio_signature
def incoming_sms():
    """Answer one text; the language and topic live in Twilio's per-conversation cookie."""
    engine = get_engine()
    body = request.form.get("Body", "")
    state = State.from_cookie(session, engine.catalog.topics, engine.catalog.languages.codes)
    reply, new_state = converse(body, state, engine.index, engine.replies, answer_from_current_list,
                                request.form.get("OptOutType", ""))
    reply = limit_sender(request.form.get("From", ""), reply, state, engine.replies)
    if new_state != state and reply.outcome not in ("rate_limited", "daily_total_reached"):
        session.update(new_state.to_cookie())
    record("sms", reply.topic, reply.lang, reply.outcome, find_flyer_code(body, reply.topic))
    # Zero-retention mode: the text is deleted from Twilio later, and so is the reply once Twilio reports it.
    status_callback = forget_incoming_text(request.form.get("MessageSid", ""))
    return xml_response(message_twiml(reply.text, status_callback))


def limit_sender(sender: str, reply: Reply, state: State, replies: Replies) -> Reply:
    """Keep the reply while the sender is within the limit; past it, one notice, then silence."""
    if reply.text is None:  # nothing to send, nothing to limit (and never answer STOP)
        return reply
    config = current_app.config
    limit = int(config["HOTLINE_SMS_LIMIT"])
    count = count_use("sms_sender", sender, int(config["HOTLINE_SMS_LIMIT_WINDOW_SECONDS"]))
    if count is None or count <= limit:
        return within_daily_total(reply, int(config["HOTLINE_SMS_DAILY_TOTAL"]))
    lang = reply.lang or state.lang or replies.default_lang
    # Exactly one message per window gets count == limit + 1, however many workers race.
    notice = Reply("rate_limited", replies.texts[lang]["rate_limited"] if count == limit + 1 else None, lang)
    return with_preview(notice, replies)


def within_daily_total(reply: Reply, cap: int) -> Reply:
    """Keep the reply while the line's replies today are within HOTLINE_SMS_DAILY_TOTAL (0: no cap)."""
    if not cap:
        return reply
    count = count_use("sms_total", None, DAY_SECONDS)  # one counter for the whole line, in every worker
    if count is None or count <= cap:
        return reply
    if count == cap + 1:  # exactly once a day, however many workers race
        log.warning("HOTLINE_SMS_DAILY_TOTAL (%s) reached: texts get no answer until midnight UTC", cap)
    return Reply("daily_total_reached", None, reply.lang, reply.topic)
