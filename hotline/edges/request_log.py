"""One privacy-safe log line per request, and error logs without caller data."""

from __future__ import annotations

import logging
import re
import time
import traceback
from urllib.parse import quote

from flask import Flask, Response, g, request

from hotline.core.phone_numbers import is_e164
from hotline.services import services

request_log = logging.getLogger("hotline.requests")

EVENT_KEYS = ("channel", "topic", "lang", "outcome")
# Event values are identifiers (sms, 287g, es, answered): anything else, such as a message
# body or a number put there by mistake, is logged as "?".
IDENTIFIER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9_-]{1,32}")


def show_request_lines() -> None:
    """Let the request lines through: the root logger's WARNING would hide them."""
    request_log.setLevel(logging.INFO)


def mask_number(number: str) -> str:
    """Hide all but the country code's first digit and the last four: +1******1234."""
    if not is_e164(number):
        return "***"  # anonymous, client:…, or something that is not a number
    return number[:2] + "*" * (len(number) - 6) + number[-4:]


def start_clock() -> None:
    """Note when the request began, for the latency in its log line."""
    g.started_at = time.perf_counter()


def remember_error(sender: Flask, exception: BaseException, **extra) -> None:
    """Keep the exception's type for the request's log line."""
    g.error = type(exception).__name__


def log_request(response: Response) -> Response:
    """Write one line per request: what happened, never who asked or what they wrote."""
    if request.path == "/healthz" and response.status_code == 200:
        return response  # platforms probe it every few seconds: not worth a line each
    started = g.get("started_at", time.perf_counter())
    fields = {"method": request.method, "path": quote(request.path[:100], safe="/-_.~"),
              "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)}
    event = g.get("event") or {}
    fields |= {key: safe_value(event[key]) for key in EVENT_KEYS if event.get(key) is not None}
    if g.get("error"):
        fields["error"] = g.error
    if services().debug_numbers and response.status_code != 413:
        fields["from"] = mask_number(request.form.get("From", ""))
    request_log.info(" ".join(f"{key}={value}" for key, value in fields.items()))
    return response


def safe_value(value: object) -> str:
    """Pass identifiers through; log anything else as '?'."""
    return str(value) if IDENTIFIER.fullmatch(str(value)) else "?"


def withhold_exception_messages(record: logging.LogRecord) -> bool:
    """Log a traceback's files, lines and exception type, but not its message, which may hold data."""
    if record.exc_info and record.exc_info[0] is not None:
        kind, _, trace = record.exc_info
        record.exc_text = ("Traceback (most recent call last):\n" + "".join(traceback.format_tb(trace))
                           + f"{kind.__module__}.{kind.__qualname__}: (message withheld: it may hold caller data)")
    return True
