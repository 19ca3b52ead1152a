"""Reach Twilio's REST API with a short timeout, or not at all when credentials are absent."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app

from hotline.services import services

if TYPE_CHECKING:
    from twilio.rest import Client

# Twilio error codes the hotline handles; each links to its documentation page.
OPTED_OUT = 21610  # https://www.twilio.com/docs/api/errors/21610 (recipient replied STOP)
NOT_A_MOBILE = 21614  # https://www.twilio.com/docs/api/errors/21614 ('To' cannot receive SMS)
GEO_PERMISSION = 21408  # https://www.twilio.com/docs/api/errors/21408 (region not enabled)
NOT_FOUND = 20404  # https://www.twilio.com/docs/api/errors/20404 (no such resource)
AUTHENTICATION = 20003  # https://www.twilio.com/docs/api/errors/20003 (bad SID or token)

REST_TIMEOUT_SECONDS = 5.0  # a voice webhook must still answer inside Twilio's 15 s


def quiet_sdk_logs() -> None:
    """Keep the Twilio SDK from logging request bodies (they hold phone numbers)."""
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def rest_client() -> Client | None:
    """Return a Twilio REST client, or None when credentials are not configured."""
    sid, token = current_app.config["TWILIO_ACCOUNT_SID"], current_app.config["TWILIO_AUTH_TOKEN"]
    if not (sid and token):
        return None
    # Imported here: the REST client (and requests) cost each worker ~5 MiB and ~40 ms at start,
    # and most requests never send anything.
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    # TwilioHttpClient gives every request that names no timeout (none of ours do) this one;
    # tests/test_outbound.py checks it reaches requests' Session.send.
    http = services().twilio_http or TwilioHttpClient(
        timeout=REST_TIMEOUT_SECONDS, logger=logging.getLogger("twilio.http_client"))
    return Client(sid, token, http_client=http)
