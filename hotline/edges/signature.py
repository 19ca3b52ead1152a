"""Check that webhook requests really come from Twilio (X-Twilio-Signature)."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping

from flask import Flask, Response, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from hotline.edges.settings import is_development
from hotline.services import services


def make_validator(app: Flask) -> RequestValidator | None:
    """Prepare the validator, or warn loudly when development mode switches checks off."""
    token = app.config["TWILIO_AUTH_TOKEN"]
    if token:
        return RequestValidator(token)
    if not is_development(app.config):
        # Only a command's app gets here (settings checks refuse to serve without a token):
        # a token nobody knows, so no webhook request is ever taken as signed.
        return RequestValidator(secrets.token_hex(32))
    app.logger.warning(
        "DEVELOPMENT MODE: TWILIO_AUTH_TOKEN is not set, so Twilio signatures are NOT checked. "
        "Anyone who can reach this server can use it. Never run this way in production."
    )
    return None


def public_base() -> str:
    """Return the base URL Twilio calls (HOTLINE_PUBLIC_URL, else this request's host), for signatures and links."""
    return current_app.config["HOTLINE_PUBLIC_URL"].rstrip("/") or request.host_url.rstrip("/")


def signed_url() -> str:
    """Rebuild the exact URL Twilio signed: public base + path + the raw query string."""
    base = public_base()
    # request.url would unescape the query (%27 -> ') and break the signature.
    query = request.query_string.decode("latin-1")
    return base + request.path + (f"?{query}" if query else "")


def sign_like_twilio(validator: RequestValidator | None, base: str, path: str,
                     params: Mapping[str, str]) -> dict[str, str]:
    """Give the headers Twilio would send with this request (none when signatures are not checked)."""
    return {"X-Twilio-Signature": validator.compute_signature(base + path, params)} if validator else {}


def check_signature(validator: RequestValidator, url: str, form: MultiDict, signature: str) -> bool:
    """Check the signature over the URL as configured; only a mismatch pays for the SDK's port variants."""
    # Twilio's algorithm (the SDK's compute_signature, without its per-parameter exceptions):
    # the URL, then each name and value, sorted, HMAC-SHA1 with the auth token, base64.
    signed = url + "".join(name + value for name in sorted(form) for value in sorted(set(form.getlist(name))))
    expected = base64.b64encode(hmac.new(validator.token, signed.encode(), hashlib.sha1).digest())
    # validate() always computes two signatures (with and without :443) and compares in Python.
    return hmac.compare_digest(expected, signature.encode()) or validator.validate(url, form, signature)


def require_twilio_signature(view: Callable) -> Callable:
    """Refuse a webhook request with a missing or wrong signature with an empty 403."""

    @functools.wraps(view)
    def checked_view(*args, **kwargs):
        validator = services().validator
        if validator is not None:
            req = request._get_current_object()  # one context lookup, not one per attribute
            signature = req.headers.get("X-Twilio-Signature", "")
            if not signature or not check_signature(validator, signed_url(), req.form, signature):
                return Response(status=403)
        return view(*args, **kwargs)

    return checked_view
