"""Run in production: a health check, one privacy-safe log line per request, safe error logs."""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Mapping
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, g, got_request_exception, jsonify, request
from sqlalchemy import text

from . import db
from .settings import SettingsError

bp = Blueprint("ops", __name__)
request_log = logging.getLogger("hotline.requests")

EVENT_KEYS = ("channel", "topic", "lang", "outcome")
# Event values are identifiers (sms, 287g, es, answered): anything else, such as a message
# body or a number put there by mistake, is logged as "?".
IDENTIFIER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9_-]{1,32}")
PHONE_NUMBER = re.compile(r"\+[0-9]{8,15}")


def init_app(app: Flask) -> None:
    """Add /healthz, the per-request log line and exception logs without caller data."""
    app.extensions["debug_numbers"] = read_flag(app.config, "HOTLINE_DEBUG_NUMBERS")
    if app.extensions["debug_numbers"]:
        app.logger.warning("HOTLINE_DEBUG_NUMBERS is on: masked caller numbers appear in the logs.")
    request_log.setLevel(logging.INFO)  # the root logger's WARNING would hide the request lines
    app.logger.addFilter(withhold_exception_messages)
    app.before_request(start_clock)
    app.after_request(log_request)
    got_request_exception.connect(remember_error, app)
    app.register_blueprint(bp)


def read_flag(config: Mapping[str, object], name: str) -> bool:
    """Read a true/false setting; refuse anything else, so a typo cannot silently turn a mode off."""
    value = str(config.get(name, "")).strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off", ""):
        return False
    raise SettingsError(f"The hotline cannot start:\n  - {name} must be true or false, not {value!r}")


def mask_number(number: str) -> str:
    """Hide all but the country code's first digit and the last four: +1******1234."""
    if not PHONE_NUMBER.fullmatch(number):
        return "***"  # anonymous, client:…, or something that is not a number
    return number[:2] + "*" * (len(number) - 6) + number[-4:]


@bp.get("/healthz")
def healthz():
    """Say whether this instance can answer: content loaded and database reachable."""
    checks = {"content": content_loaded(), "database": database_answers()}
    healthy = all(checks.values())
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def content_loaded() -> bool:
    """Tell whether the messages were loaded and have topics to answer with."""
    engine = current_app.extensions.get("hotline")
    return engine is not None and bool(engine.catalog.topics)


def database_answers() -> bool:
    """Run SELECT 1 through hotline/db.py, whose short timeouts keep this fast when it is down."""
    if "hotline_db" not in current_app.extensions:
        return False
    return db.run_safely(lambda connection: connection.scalar(text("SELECT 1")), "health check") == 1


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
    if current_app.extensions.get("debug_numbers") and response.status_code != 413:
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
