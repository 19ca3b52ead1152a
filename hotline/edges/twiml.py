"""Render TwiML replies as Flask responses."""

from __future__ import annotations

import functools

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse


def message_twiml(text: str | None, status_callback: str | None = None) -> str:
    """Render an SMS reply (or an empty <Response/> for None); message_bytes caches what is sent.

    With status_callback, Twilio reports the reply's fate there (zero-retention mode deletes it then).
    """
    response = MessagingResponse()
    if text:
        response.message(text, **({"status_callback": status_callback} if status_callback else {}))
    return str(response)


@functools.lru_cache(maxsize=512)
def message_bytes(text: str | None, status_callback: str | None = None) -> bytes:
    """Give an SMS reply's TwiML as the bytes sent: each reply is rendered and encoded once."""
    return message_twiml(text, status_callback).encode()


def xml_response(twiml: bytes | str | MessagingResponse | VoiceResponse) -> Response:
    """Wrap TwiML in a response with the content type Twilio expects."""
    return Response(twiml if isinstance(twiml, bytes) else str(twiml), mimetype="text/xml")
