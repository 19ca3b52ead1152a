"""Zero-retention mode: delete each text and call from Twilio's records once it is finished.

Twilio refuses to delete a record in the first minute or so (error 20009), so deletions are
queued and done by a background thread after a delay, retried with exponential backoff,
and never on the webhook's clock. The queue lives in memory: a restart loses it, and
`hotline twilio purge` (run daily) sweeps whatever was missed.
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, current_app, request
from twilio.base.exceptions import TwilioRestException

if TYPE_CHECKING:  # the REST client is imported only when a command needs it
    from twilio.rest import Client

from hotline.edges.settings import is_on
from hotline.edges.signature import require_twilio_signature
from hotline.edges.twilio_client import AUTHENTICATION, NOT_FOUND, rest_client
from hotline.services import services

bp = Blueprint("retention", __name__)
log = logging.getLogger(__name__)

MESSAGE_STATUS_PATH = "/twilio/message-status"
CALL_STATUS_PATH = "/twilio/call-status"
# After these, Twilio sends no further status for the record.
FINAL_MESSAGE_STATUSES = frozenset({"delivered", "undelivered", "failed", "received", "read", "canceled"})
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
NOT_COMPLETE = 20009  # https://www.twilio.com/docs/api/errors/20009 (too soon to delete: wait and retry)
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
FINAL_STATUSES = {"message": (FINAL_MESSAGE_STATUSES, MESSAGE_SID), "call": (FINAL_CALL_STATUSES, CALL_SID)}


def make_deleter(app: Flask) -> Deleter | None:
    """In zero-retention mode, the deleter that removes finished texts and calls from Twilio; else None."""
    if not is_on(app.config, "HOTLINE_DELETE_TWILIO_RECORDS"):
        return None
    # Tests drive the queue by hand (Deleter.run_due) instead of through a thread.
    return Deleter(app, background=not app.testing)


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


def public_base() -> str:
    """Return the base URL Twilio calls, as the signature check rebuilds it."""
    return current_app.config["HOTLINE_PUBLIC_URL"].rstrip("/") or request.host_url.rstrip("/")


def delete_record(client: Client, kind: str, sid: str) -> str:
    """Try once to delete a message or call: 'deleted', 'retry' (later) or 'failed' (for good)."""
    try:
        (client.messages(sid) if kind == "message" else client.calls(sid)).delete()
    except TwilioRestException as error:
        if error.status == 404 or error.code == NOT_FOUND:
            return "deleted"  # already gone: someone (or purge) was first
        if error.status == 429 or error.status >= 500 or error.code == NOT_COMPLETE:
            return "retry"
        level = logging.ERROR if error.code == AUTHENTICATION else logging.WARNING
        log.log(level, "Twilio refused to delete a %s: error %s (HTTP %s)", kind, error.code, error.status)
        return "failed"
    except OSError as error:  # timeouts and refused connections (requests' errors are OSErrors)
        log.info("Twilio did not answer a %s deletion (%s); will retry", kind, type(error).__name__)
        return "retry"
    return "deleted"


@dataclass(order=True)
class Job:
    due: float
    kind: str
    sid: str
    attempt: int = 0


class Deleter:
    """Delete records after a delay, off the request path, retrying with exponential backoff."""

    def __init__(self, app: Flask, *, first_delay: float = 60.0, retry_delay: float = 30.0,
                 attempts: int = 6, limit: int = 10_000, background: bool = True):
        self.app, self.first_delay, self.retry_delay = app, first_delay, retry_delay
        self.attempts, self.limit, self.background = attempts, limit, background
        self.jobs: list[Job] = []
        self.queued: set[tuple[str, str]] = set()
        self.wakeup = threading.Condition()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def schedule(self, kind: str, sid: str) -> None:
        """Queue a record for deletion; duplicates are merged and a full queue is left to purge."""
        with self.wakeup:
            if (kind, sid) in self.queued or len(self.jobs) >= self.limit:
                return
            heapq.heappush(self.jobs, Job(time.monotonic() + self.first_delay, kind, sid))
            self.queued.add((kind, sid))
            self.wakeup.notify()
        if self.background:
            self.start_thread()

    def next_due(self) -> float | None:
        """Return when the earliest job is due, or None when the queue is empty."""
        with self.wakeup:
            return self.jobs[0].due if self.jobs else None

    def run_due(self, now: float | None = None) -> list[str]:
        """Try every job due by now; requeue with a doubled delay what Twilio could not take yet."""
        now = time.monotonic() if now is None else now
        due = []
        with self.wakeup:
            while self.jobs and self.jobs[0].due <= now:
                due.append(heapq.heappop(self.jobs))
        with self.app.app_context():
            client = rest_client()
            outcomes = [delete_record(client, job.kind, job.sid) if client else "failed" for job in due]
        with self.wakeup:
            for job, outcome in zip(due, outcomes, strict=True):
                if outcome == "retry" and job.attempt + 1 < self.attempts:
                    delay = self.retry_delay * 2 ** job.attempt
                    heapq.heappush(self.jobs, Job(now + delay, job.kind, job.sid, job.attempt + 1))
                    continue
                self.queued.discard((job.kind, job.sid))
                if outcome != "deleted":
                    log.warning("Gave up deleting a %s from Twilio; `hotline twilio purge` will sweep it", job.kind)
        return outcomes

    def start_thread(self) -> None:
        """Start the worker thread once per process (gunicorn forks workers after import)."""
        with self.wakeup:
            if self.thread and self.thread.is_alive() and self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self.work, name="hotline-retention", daemon=True)
            self.thread.start()

    def work(self) -> None:
        """Sleep until the next job is due, run it, repeat; a failure never stops the thread."""
        while True:
            with self.wakeup:
                wait = self.jobs[0].due - time.monotonic() if self.jobs else None
                if wait is None or wait > 0:
                    self.wakeup.wait(timeout=wait)
                    continue
            try:
                self.run_due()
            except Exception as error:  # keep deleting; the type is enough to act on
                log.error("Deleting Twilio records failed: %s", type(error).__name__)
                time.sleep(self.retry_delay)


PURGE_PAUSES = (1.0, 4.0)  # seconds between a purge's tries at one record
UNFINISHED = frozenset({"queued", "sending", "accepted", "scheduled", "receiving", "ringing", "in-progress"})


def purge_records(client: Client, cutoff: datetime, number: str | None, dry_run: bool,
                  report: Callable[[str], object]) -> dict[str, int]:
    """Delete finished texts and calls older than cutoff, page by page, reporting progress."""
    totals = {"deleted": 0, "left": 0}
    directions = [("to", {"to": number}), ("from", {"from_": number})] if number else [("in", {})]
    for kind in ("message", "call"):
        for direction, filters in directions:
            counts = {"deleted": 0, "left": 0}
            page = first_page(client, kind, cutoff, filters)
            while page is not None:
                for record in page:
                    if finished_before(kind, record, cutoff):
                        outcome = "deleted" if dry_run else delete_patiently(client, kind, record.sid)
                        counts["deleted" if outcome == "deleted" else "left"] += 1
                report(f"{kind}s {direction} {number or 'the account'}: {counts['deleted']} "
                       f"{'to delete' if dry_run else 'deleted'}, {counts['left']} left")
                page = page.next_page()
            totals = {key: totals[key] + counts[key] for key in totals}
    return totals


def first_page(client: Client, kind: str, cutoff: datetime, filters: dict[str, str]):
    """Ask for the first page of records, by day: Twilio filters dates, not times."""
    day_after = (cutoff + timedelta(days=1)).date().isoformat()  # a superset; finished_before sorts it out
    if kind == "message":
        return client.messages.page(date_sent_before=day_after, page_size=100, **filters)
    return client.calls.page(start_time_before=day_after, page_size=100, **filters)


def finished_before(kind: str, record, cutoff: datetime) -> bool:
    """Tell whether a record is finished and older than cutoff."""
    when = (record.date_sent if kind == "message" else record.start_time) or record.date_created
    return when is not None and when < cutoff and record.status not in UNFINISHED


def delete_patiently(client: Client, kind: str, sid: str) -> str:
    """Delete one record, pausing and trying again while Twilio is briefly unavailable."""
    for pause in PURGE_PAUSES:
        outcome = delete_record(client, kind, sid)
        if outcome != "retry":
            return outcome
        time.sleep(pause)
    return delete_record(client, kind, sid)
