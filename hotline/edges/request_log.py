"""One privacy-safe log line per request, and error logs without caller data."""

from __future__ import annotations

import logging
import re
import sys
import time
import traceback
from urllib.parse import quote

from flask import Flask, Response, g, request
from flask.logging import default_handler, has_level_handler

from hotline.core.phone_numbers import is_e164
from hotline.services import services

request_log = logging.getLogger("hotline.requests")

EVENT_KEYS = ("channel", "topic", "lang", "outcome")
# Event values are identifiers (sms, 287g, es, answered): anything else, such as a message
# body or a number put there by mistake, is logged as "?".
IDENTIFIER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9_-]{1,32}")


class RequestLines(logging.StreamHandler):
    """Write each request line as it is, after the time: no formatter, one write per line."""

    def __init__(self, stream=None) -> None:
        super().__init__(stream or sys.stderr)
        self.second, self.stamp = -1, ""

    def write_line(self, line: str) -> None:
        """Write '[2026-12-01 23:06:17 +0000] method=POST ...' (the time as gunicorn writes its own)."""
        now = int(time.time())
        if now != self.second:  # one strftime a second, not one a line
            self.second, self.stamp = now, time.strftime("[%Y-%m-%d %H:%M:%S +0000] ", time.gmtime(now))
        self.stream.write(self.stamp + line + "\n")  # one write: lines from several threads never interleave

    def emit(self, record: logging.LogRecord) -> None:
        """Write a line that came through logging (log_request itself writes straight to write_line)."""
        try:
            self.write_line(record.getMessage())
            self.flush()
        except Exception:  # never let a log line break an answer
            self.handleError(record)


def show_request_lines() -> None:
    """Let the request lines through (the root logger's WARNING would hide them), as cheaply as possible.

    When nobody configured logging (as under gunicorn), Flask would pass each line through its own
    handler and gunicorn's error stream: a sixth of a text's time in the profile. The lines then get
    a handler of their own instead. Configured logging (pytest's, a platform's) is left to do its job.
    """
    request_log.setLevel(logging.INFO)
    parent = logging.getLogger("hotline")
    if default_handler in parent.handlers or not has_level_handler(parent):
        request_log.handlers[:] = [RequestLines()]
        request_log.propagate = False
    elif any(isinstance(h, RequestLines) for h in request_log.handlers):  # logging was configured since
        request_log.handlers[:] = []
        request_log.propagate = True


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
    req, context = request._get_current_object(), g._get_current_object()  # one lookup each, not one per field
    path, status = req.path, response.status_code
    if path == "/healthz" and status == 200:
        return response  # platforms probe it every few seconds: not worth a line each
    started = getattr(context, "started_at", None) or time.perf_counter()
    line = (f"method={req.method} path={quote(path[:100], safe='/-_.~')} status={status} "
            f"ms={round((time.perf_counter() - started) * 1000, 1)}")
    event = getattr(context, "event", None) or {}
    line += "".join(f" {key}={safe_value(event[key])}" for key in EVENT_KEYS if event.get(key))  # "" = none: no "?"
    if getattr(context, "error", None):
        line += f" error={context.error}"
    if services().debug_numbers and status != 413:
        line += f" from={mask_number(req.form.get('From', ''))}"
    write_line(line)
    return response


def write_line(line: str) -> None:
    """Log one request line: straight to our own handler when it is the only one, else through logging."""
    if not request_log.isEnabledFor(logging.INFO):
        return
    handlers = request_log.handlers
    if not request_log.propagate and len(handlers) == 1 and isinstance(handlers[0], RequestLines):
        try:  # a LogRecord, the handler's lock and a flush cost more than the line itself (docs/benchmarks.md)
            handlers[0].write_line(line)
        except Exception:  # never let a log line break an answer
            pass
        return
    request_log.handle(request_log.makeRecord(request_log.name, logging.INFO, __file__, 0, line, None, None))


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
