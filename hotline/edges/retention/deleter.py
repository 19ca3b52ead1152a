"""Delete texts and calls from Twilio later, off the request path, retrying while Twilio refuses.

Twilio refuses to delete a record in the first minute or so (error 20009), so deletions wait
in an in-memory queue and a background thread does them, with exponential backoff, never on
a webhook's clock. A restart loses the queue: `hotline twilio purge` sweeps what was missed.
"""

from __future__ import annotations

import heapq
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask
from twilio.base.exceptions import TwilioRestException

from hotline.edges.twilio_client import AUTHENTICATION, NOT_FOUND, rest_client

if TYPE_CHECKING:  # the REST client is imported only when something is deleted
    from twilio.rest import Client

log = logging.getLogger(__name__)

NOT_COMPLETE = 20009  # https://www.twilio.com/docs/api/errors/20009 (too soon to delete: wait and retry)


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
    due: float  # time.monotonic() when to try; first, so the heap orders jobs by it
    kind: str
    sid: str
    attempt: int = 0


class Deleter:
    """Delete records after a delay, off the request path, retrying with exponential backoff.

    background=False starts no thread: whoever owns the deleter calls run_due() (tests do).
    """

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
        with self.app.app_context():  # Twilio is called outside the lock: schedule() never waits on it
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
            # A forked worker inherits self.thread, but not the thread itself: start its own.
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
                    self.wakeup.wait(timeout=wait)  # schedule() wakes it early for a sooner job
                    continue
            try:
                self.run_due()
            except Exception as error:  # keep deleting; the type is enough to act on
                log.error("Deleting Twilio records failed: %s", type(error).__name__)
                time.sleep(self.retry_delay)
