"""A PostgreSQL server that hangs (SIGSTOP: up, but answering nothing) must not hold back an answer.

The server here is the real one scripts/test started. Its postmaster and every backend are
stopped for the length of the test and always continued afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import psycopg
import pytest
from sqlalchemy import func, select

from hotline import create_app
from hotline.edges.storage import database as db
from tests.conftest import TwilioClient
from tests.test_sms import reply_text
from tests.test_storage import close_storage

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
ANSWERED_WITHIN_S = db.REQUEST_DEADLINE_S + 0.6  # the deadline, plus a test client's own work


def server_processes(url: str) -> list[int]:
    """Return the server's postmaster and all its children (backends, background workers)."""
    with psycopg.connect(url) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    postmaster = parent_of(backend)
    children = [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and parent_of(int(pid)) == postmaster]
    return [postmaster, *children]


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None  # gone meanwhile


@contextlib.contextmanager
def stopped(pids: list[int], at_most_s: float = 10.0):
    """SIGSTOP every process; SIGCONT them afterwards, or after at_most_s if the app hangs meanwhile."""
    def resume() -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    watchdog = threading.Timer(at_most_s, resume)  # a broken app then fails slowly instead of hanging
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        watchdog.start()
        yield
    finally:
        watchdog.cancel()
        resume()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def counted_texts(app) -> int:
    with app.app_context(), db.get_db_engine().connect() as connection:
        return connection.scalar(select(func.coalesce(func.sum(db.usage.c.count), 0))
                                 .where(db.usage.c.channel == "sms"))


def test_a_stopped_server_costs_one_bounded_wait_and_loses_no_count(settings, database_url):
    settings.update(DATABASE_URL=database_url.replace("postgresql://", "postgres://"),
                    HOTLINE_SMS_DAILY_TOTAL="1000")  # a shared counter read on every text
    app = create_app(settings)
    detainer = app.services.engine.replies.first["detainer", "en"]
    twilio = TwilioClient(app.test_client())
    assert reply_text(twilio.sms("RIGHTS"))  # the pool holds a live connection now
    assert app.test_client().get("/healthz").status_code == 200

    with stopped(server_processes(database_url.replace("postgres://", "postgresql://"))):
        first, first_s = timed(lambda: reply_text(twilio.sms("DETAINER", sender="+13075550111")))
        second, second_s = timed(lambda: reply_text(twilio.sms("DETAINER", sender="+13075550112")))
        health, health_s = timed(lambda: app.test_client().get("/healthz"))
    assert detainer in first and first_s < ANSWERED_WITHIN_S
    assert detainer in second and second_s < 0.5  # resting: later texts do not wait at all
    assert health.status_code == 503 and health_s < ANSWERED_WITHIN_S

    close_storage(app)  # the threads left waiting finish now that the server runs again
    app.services.storage.resting_until = 0.0
    assert app.test_client().get("/healthz").status_code == 200
    assert reply_text(twilio.sms("MORE"))
    with app.app_context():
        from hotline.edges.storage.stats import flush_counts
        flush_counts()
    assert counted_texts(app) == 4  # counted during the freeze too: written once, never twice
    close_storage(app)
