"""Rate limits: exact under concurrency, keyed by an HMAC, forgotten when the window ends; SMS flood control."""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from hotline import create_app
from hotline.edges.storage import limits, stats
from hotline.edges.storage.database import get_db_engine, rate_limits, usage
from hotline.edges.storage.limits import allow, count_use, make_key
from hotline.edges.storage.stats import record
from hotline.services import get_engine
from tests.conftest import CALLER, TEST_SETTINGS, TwilioClient
from tests.test_sms import reply_text

SMS_LIMIT = 3
WINDOW = 600


@pytest.fixture
def settings(settings):
    settings.update(HOTLINE_SMS_LIMIT=str(SMS_LIMIT), HOTLINE_SMS_LIMIT_WINDOW_SECONDS=str(WINDOW))
    return settings


@pytest.fixture
def app(db_app):
    return db_app


@pytest.fixture
def clock(monkeypatch):
    """Set the limiter's clock; starts at the beginning of a window."""
    now = {"t": 1_800_000_000 - 1_800_000_000 % WINDOW}
    monkeypatch.setattr(limits, "current_time", lambda: now["t"])
    return now


def stored_rows(app) -> list:
    with app.app_context(), get_db_engine().connect() as connection:
        return list(connection.execute(select(rate_limits)))


def test_allows_exactly_the_limit_per_subject(app):
    with app.app_context():
        assert [allow("b", "+13075550111", 3, 60) for _ in range(5)] == [True, True, True, False, False]
        assert allow("b", "+13075550122", 3, 60)  # another sender has their own count
        assert allow("other_bucket", "+13075550111", 3, 60)  # and so has another bucket


def test_no_subject_is_one_counter_for_everyone(app):
    with app.app_context():
        assert [allow("text_me_total", None, 2, 86400) for _ in range(3)] == [True, True, False]
        assert allow("text_me_total", "", 2, 86400)  # an empty subject is not the global counter


def test_key_is_an_hmac_and_the_subject_is_never_stored(app):
    with app.app_context():
        allow("text_me_number", CALLER, 1, 86400)
        expected = hmac.new(TEST_SETTINGS["HOTLINE_SECRET_KEY"].encode(), f"text_me_number\0{CALLER}".encode(),
                            hashlib.sha256).hexdigest()
        assert make_key("text_me_number", CALLER) == expected
        assert make_key("ab", "c") != make_key("a", "bc")
    rows = stored_rows(app)
    assert [row.key for row in rows] == [expected]
    assert CALLER not in repr(rows) and CALLER[2:] not in repr(rows)


def test_a_new_window_starts_afresh_and_ended_windows_are_deleted(app, clock):
    with app.app_context():
        assert [allow("b", "s", 2, WINDOW) for _ in range(3)] == [True, True, False]
        clock["t"] += WINDOW - 1
        assert not allow("b", "s", 2, WINDOW)
        clock["t"] += 1
        assert allow("b", "s", 2, WINDOW)
        clock["t"] += limits.PRUNE_INTERVAL_S
        allow("c", "t", 2, WINDOW)
    assert {row.window_start for row in stored_rows(app)} == {clock["t"] - limits.PRUNE_INTERVAL_S}
    with app.app_context():
        clock["t"] += 2 * WINDOW + limits.PRUNE_INTERVAL_S
        limits.prune_windows(clock["t"])
    assert stored_rows(app) == []  # no lasting record of anyone


def test_sms_flood_gets_one_notice_in_its_language_then_silence(app, clock):
    twilio = TwilioClient(app.test_client())
    with app.app_context():
        replies = get_engine().replies
    assert reply_text(twilio.sms("DERECHOS")) == replies.first["rights", "es"]
    assert reply_text(twilio.sms("MAS")) == replies.more["rights", "es"][0]
    assert reply_text(twilio.sms("hola")) is not None
    assert reply_text(twilio.sms("MAS")) == replies.texts["es"]["rate_limited"]
    assert reply_text(twilio.sms("MAS")) is None
    assert reply_text(twilio.sms("DETAINER")) is None
    assert reply_text(TwilioClient(app.test_client()).sms("RIGHTS", sender="+13075550999")) is not None
    clock["t"] += WINDOW
    # The conversation goes on where it stopped: the limited messages changed nothing.
    assert reply_text(twilio.sms("MAS")) == replies.more["rights", "es"][1]
    with app.app_context(), get_db_engine().connect() as connection:
        limited = connection.scalar(select(func.sum(usage.c.count)).where(usage.c.outcome == "rate_limited"))
        assert limited == 3


def test_stop_is_never_answered_even_over_the_limit(app, clock):
    twilio = TwilioClient(app.test_client())
    for _ in range(SMS_LIMIT):
        twilio.sms("RIGHTS")
    assert reply_text(twilio.sms("STOP")) is None
    assert reply_text(twilio.sms("RIGHTS")) is not None  # the notice: STOP was not counted


PROCESSES, THREADS, CALLS, LIMIT = 2, 8, 25, 123
HUGE_WINDOW = 10**9  # no window boundary falls inside the test


def hammer(url: str, barrier, results) -> None:
    """In a fresh process, let many threads count uses and record counters at the same moment."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url})
    start = threading.Barrier(THREADS)
    admitted: list[bool] = []

    def work() -> None:
        with app.app_context():
            start.wait()
            for _ in range(CALLS):
                admitted.append(allow("concurrency", CALLER, LIMIT, HUGE_WINDOW))
                record("sms", "rights", "en", "answered")

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    barrier.wait()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.services.storage.engine.dispose()
    results.put(admitted)


def test_limiter_and_counters_are_exact_across_processes_and_threads(app, database_url):
    spawn = multiprocessing.get_context("spawn")  # a clean process, as a gunicorn worker is
    barrier, results = spawn.Barrier(PROCESSES), spawn.Queue()
    processes = [spawn.Process(target=hammer, args=(database_url, barrier, results)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    admitted = [ok for _ in processes for ok in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=30)
    total = PROCESSES * THREADS * CALLS
    assert len(admitted) == total
    assert admitted.count(True) == LIMIT
    with app.app_context(), get_db_engine().connect() as connection:
        assert connection.scalar(select(rate_limits.c.count)) == total
        assert connection.scalar(select(func.sum(usage.c.count))) == total
        assert connection.scalar(select(func.count()).select_from(usage)) == 1


def test_database_down_lets_everything_through(settings):
    settings["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/nothing"
    app = create_app(settings)
    with app.app_context():
        assert all(allow("b", "s", 1, 60) for _ in range(3))
        assert count_use("b", "s", 60) is None


def test_the_daily_total_caps_what_the_line_sends_and_says_so_once(settings, caplog):
    settings["HOTLINE_SMS_DAILY_TOTAL"] = "3"
    app = create_app(settings)
    # Each sender has a conversation cookie of their own, as Twilio keeps one per sender.
    replies = [reply_text(TwilioClient(app.test_client()).sms("RIGHTS", sender=f"+1307555{n:04d}")) for n in range(5)]
    assert [text is not None for text in replies] == [True, True, True, False, False]  # many senders, one cap
    assert caplog.text.count("HOTLINE_SMS_DAILY_TOTAL (3) reached") == 1
    with app.app_context():
        report = stats.read_report(1)
    reached = [s for s in report.pick("outcome", "sms") if s.name == "daily_total_reached"]
    assert reached and reached[0].counts[-1] == 2  # the dashboard's outcome table shows it


@pytest.mark.parametrize("daily_total", ["0", "50"])
def test_a_senders_count_lives_in_their_cookie_not_in_the_database(settings, daily_total):
    settings["HOTLINE_SMS_DAILY_TOTAL"] = daily_total
    app = create_app(settings)
    twilio = TwilioClient(app.test_client())
    for _ in range(SMS_LIMIT + 2):
        twilio.sms("RIGHTS")
    with app.app_context():
        total_key = make_key("sms_total", None)
    # No row keyed by the sender, not even hashed: only the line's daily total, when there is a cap.
    assert [row.key for row in stored_rows(app)] == ([total_key] if daily_total != "0" else [])
    # A new conversation (Twilio forgets the cookie after 4 hours of silence) is a new window.
    assert reply_text(TwilioClient(app.test_client()).sms("RIGHTS")) is not None
