"""Hear from Twilio which texts and calls are finished, and hand them to the deleter."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, request

from hotline.edges.retention.deleter import Deleter
from hotline.edges.settings import is_on
from hotline.edges.signature import public_base, require_twilio_signature
from hotline.services import services

bp = Blueprint("retention", __name__)

MESSAGE_STATUS_PATH = "/twilio/message-status"
CALL_STATUS_PATH = "/twilio/call-status"
# After these, Twilio sends no further status for the record.
FINAL_MESSAGE_STATUSES = frozenset({"delivered", "undelivered", "failed", "received", "read", "canceled"})
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
FINAL_STATUSES = {"message": (FINAL_MESSAGE_STATUSES, MESSAGE_SID), "call": (FINAL_CALL_STATUSES, CALL_SID)}


def make_deleter(app: Flask) -> Deleter | None:
    """Build the deleter that removes finished texts and calls from Twilio in zero-retention mode; else None."""
    if not is_on(app.config, "HOTLINE_DELETE_TWILIO_RECORDS"):
        return None
    # Its thread starts at the first deletion in each process, so a command or a gunicorn
    # master that never deletes anything never runs one.
    return Deleter(app)


@bp.post(MESSAGE_STATUS_PATH)
@require_twilio_signature
def message_status():
    """Delete a finished reply from Twilio."""
    return delete_when_final("message", "MessageSid", "MessageStatus")


@bp.post(CALL_STATUS_PATH)
@require_twilio_signature
def call_status():
    """Delete a finished call from Twilio (the number's status callback, set by `twilio setup`)."""
    return delete_when_final("call", "CallSid", "CallStatus")


def delete_when_final(kind: str, sid_field: str, status_field: str) -> Response:
    """Schedule the record a status callback names for deletion, once its status is final."""
    final, pattern = FINAL_STATUSES[kind]
    deleter, sid = services().deleter, request.form.get(sid_field, "")
    if deleter and request.form.get(status_field) in final and pattern.fullmatch(sid):
        deleter.schedule(kind, sid)
    return Response(status=204)


def forget_incoming_text(inbound: str) -> str | None:
    """Schedule an incoming text's deletion; return the status callback its reply needs (None when off)."""
    deleter = services().deleter
    if deleter is None or not MESSAGE_SID.fullmatch(inbound):
        return None
    # The incoming text is deleted on our own schedule (the deleter waits and retries while
    # Twilio still refuses): its SID never goes into a URL, where a router's log would keep it.
    deleter.schedule("message", inbound)
    return f"{public_base()}{MESSAGE_STATUS_PATH}"


def outbound_status_callback() -> dict[str, str]:
    """Give messages.create() arguments that get a REST-sent text deleted too (empty when off)."""
    if services().deleter is None:
        return {}
    return {"status_callback": public_base() + MESSAGE_STATUS_PATH}

