"""Bound how long a request waits on PostgreSQL, whatever the server does.

A server that is stopped (SIGSTOP, a frozen VM, a swap storm) never enforces its own
statement_timeout, and its kernel still acknowledges TCP, so keepalives and libpq's
tcp_user_timeout never fire either: a query just waits, and Twilio records a failed webhook
with the texter's number in it. Only the client can give up. So on the request path the
work runs on a small pool of this process's threads and the request waits at most a deadline
for it; a thread left waiting finishes (or fails) when the server wakes or the socket dies.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The database did not finish within the deadline (or every waiting thread is still stuck)."""

    def __init__(self, why: str, started: bool):
        super().__init__(why)
        self.started = started  # the work is still running, and may yet happen


class Deadline:
    """Run work on a few threads and wait for each at most `seconds`."""

    def __init__(self, seconds: float, threads: int = 4):
        self.seconds, self.threads = seconds, threads
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0
        self._busy = 0

    def run(self, work: Callable[[], T], failed_late: Callable[[], None] | None = None) -> T:
        """Return work's result, or raise DeadlineExceeded; work's own exceptions pass through.

        failed_late is called if work, given up on at the deadline, then fails after all: what it
        was to write can be kept for another try (a late success needs nothing).
        """
        with self._lock:
            if self._pid != os.getpid():  # threads do not survive a fork: each worker makes its own
                self._pool, self._pid, self._busy = None, os.getpid(), 0
            if self._busy >= self.threads:  # all stuck on a hung server: queueing more would only pile up
                raise DeadlineExceeded(f"{self._busy} earlier database calls are still waiting", started=False)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="hotline-db")
            self._busy += 1
            future = self._pool.submit(work)
        given_up = threading.Event()
        future.add_done_callback(lambda done: self._done(done, given_up, failed_late))
        try:
            return future.result(timeout=self.seconds)
        except FutureTimeout:
            with self._lock:
                if not future.done():
                    given_up.set()
            if not given_up.is_set():  # it finished just now: use its result after all
                return future.result()
            raise DeadlineExceeded(f"no answer within {self.seconds:g} s", started=True) from None

    def _done(self, future: Future, given_up: threading.Event, failed_late: Callable[[], None] | None) -> None:
        with self._lock:
            self._busy = max(self._busy - 1, 0)
            late = given_up.is_set()
        if late and failed_late and future.exception() is not None:
            failed_late()

    def close(self) -> None:
        """Wait for the threads' work to end and let them go (tests, and a clean shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
