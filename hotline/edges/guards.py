"""Refuse malformed webhook requests early and plainly: wrong method, content type, encoding or size.

Twilio always POSTs application/x-www-form-urlencoded UTF-8, percent-encoded. Anything else is
not Twilio, so it gets an empty 4xx before the signature is even checked, and never a 500 or an
HTML error page. Werkzeug would quietly replace bad bytes with U+FFFD, so the raw body is checked.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, UnsupportedMediaType

from hotline.services import services

FORM = "application/x-www-form-urlencoded"
BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")  # a % not followed by two hex digits
PLAIN_ERRORS = (400, 405, 413, 415)


def find_webhook_paths(app: Flask, webhooks: frozenset[str]) -> frozenset[str]:
    """List the URL rules of the webhook blueprints' views (405s are answered by path, before any blueprint)."""
    return frozenset(rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] in webhooks)


def parse_form(body: bytes) -> list[tuple[str, str]] | None:
    """Return a form body's fields, or None when it is not valid percent-encoding of UTF-8 text."""
    if BAD_PERCENT.search(body):
        return None
    try:  # strict: a percent-escape that is not UTF-8 raises instead of becoming U+FFFD
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None


def check_webhook_request() -> Response | None:
    """Refuse a webhook POST that is not form-encoded UTF-8 text; let anything else through.

    The body is read, checked and parsed once, here; the view's request.form is that parse.
    """
    req = request._get_current_object()  # one context lookup, not one per attribute
    if req.method != "POST" or req.blueprint not in services().webhooks:
        return None
    charset = req.mimetype_params.get("charset", "utf-8").lower()
    if req.mimetype != FORM or charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType()
    body = req.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
    if req.content_length is None and len(body) >= (current_app.config["MAX_CONTENT_LENGTH"] or len(body) + 1):
        # A chunked body has no length to refuse up front: Werkzeug stops reading at the limit and
        # hands on what it read, which a sender could have signed. Too long is too long.
        raise RequestEntityTooLarge()
    fields = parse_form(body)
    if fields is None or parse_form(req.query_string) is None:  # the query string must be well formed too
        return Response(status=400)
    # What Werkzeug's own form parser does with its result: put it where request.form looks first.
    req.__dict__["form"], req.__dict__["files"] = ImmutableMultiDict(fields), ImmutableMultiDict()
    return None


def answer_plainly(error: HTTPException) -> Response | HTTPException:
    """Answer a webhook's 400, 405, 413 or 415 with an empty body; leave other pages' errors as they are."""
    if request.path not in services().webhook_paths:
        return error
    response = Response(status=error.code)
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
