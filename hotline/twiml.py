"""Render TwiML replies as Flask responses."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse


@functools.lru_cache(maxsize=512)
def message_twiml(text: str | None) -> str:
    """Render an SMS reply (or an empty <Response/> for None); replies repeat, so cache them."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)


def with_status_callback(twiml: str, url: str) -> str:
    """Ask Twilio to report each <Message> of a reply to url once its status changes."""
    root = ET.fromstring(twiml)
    for message in root.iter("Message"):
        message.set("statusCallback", url)
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="unicode")


def xml_response(twiml: str | MessagingResponse | VoiceResponse) -> Response:
    """Wrap TwiML in a response with the content type Twilio expects."""
    return Response(str(twiml), mimetype="text/xml")
