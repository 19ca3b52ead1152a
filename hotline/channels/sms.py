"""The SMS webhook: Twilio POSTs each incoming text here and sends back our TwiML reply."""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import Blueprint, current_app, request, session

from hotline.core.sms_flow import Replies, Reply, State, converse, with_preview
from hotline.edges.retention.callbacks import forget_incoming_text
from hotline.edges.signature import require_twilio_signature
from hotline.edges.storage import limits
from hotline.edges.storage.agreement_lists import answer_from_current_list
from hotline.edges.storage.flyer_codes import find_flyer_code
from hotline.edges.storage.limits import count_use
from hotline.edges.storage.stats import record
from hotline.edges.twiml import message_bytes, xml_response
from hotline.services import services

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60
LIMITED = ("rate_limited", "daily_total_reached")


@bp.post("/sms")
@require_twilio_signature
def incoming_sms():
    """Answer one text; the language and topic live in Twilio's per-conversation cookie."""
    parts, form, cookie = services(), request.form, session._get_current_object()  # one lookup each
    engine = parts.engine
    body = form["Body"] if "Body" in form else ""  # not .get(): Werkzeug's raises and catches an error when absent
    state = State.from_cookie(cookie, engine.catalog.topics, engine.catalog.languages.codes)
    reply, new_state = converse(body, state, engine.index, engine.replies, answer_from_current_list,
                                form["OptOutType"] if "OptOutType" in form else "", parts.live)
    reply, window_start, texts = limit_sender(reply, state, engine.replies)
    # A limited text changes nothing in the conversation, only the sender's count.
    kept = replace(new_state if reply.outcome not in LIMITED else state, window_start=window_start, texts=texts)
    if kept != state:  # the cookie is signed again only when it changes
        cookie.update(kept.to_cookie())
    record("sms", reply.topic, reply.lang, reply.outcome, find_flyer_code(body, reply.topic))
    # Zero-retention mode: the text is deleted from Twilio later, and so is the reply once Twilio reports it.
    status_callback = forget_incoming_text(form["MessageSid"] if "MessageSid" in form else "")
    response = xml_response(message_bytes(reply.text, status_callback))
    response.headers["Vary"] = "Cookie"  # what Flask adds for a session anyway, set here at once
    return response


def limit_sender(reply: Reply, state: State, replies: Replies) -> tuple[Reply, int, int]:
    """Keep the reply while the sender is within the limit; past it, one notice, then silence.

    The count lives in the conversation cookie, which Twilio keeps per sender and line and the
    sender can neither see nor change (it is signed): no database write, no trace of the number.
    Returns the reply and the sender's count: when their window began, and their texts since.
    """
    if reply.text is None:  # nothing to send, nothing to limit (and never answer STOP)
        return reply, state.window_start, state.texts
    config = current_app.config
    limit, window = int(config["HOTLINE_SMS_LIMIT"]), int(config["HOTLINE_SMS_LIMIT_WINDOW_SECONDS"])
    now = int(limits.current_time())
    if state.texts and state.window_start <= now < state.window_start + window:
        start, texts = state.window_start, min(state.texts + 1, limit + 2)  # bounded: past limit + 1 is silence
    else:  # the first text, or the window has ended: a new window from now
        start, texts = now, 1
    if texts <= limit:
        return within_daily_total(reply, int(config["HOTLINE_SMS_DAILY_TOTAL"])), start, texts
    lang = reply.lang or state.lang or replies.default_lang
    notice = Reply("rate_limited", replies.texts[lang]["rate_limited"] if texts == limit + 1 else None, lang)
    return with_preview(notice, replies), start, texts


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
