"""Zero-retention mode: finished texts and calls are deleted from Twilio, through failures too."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from hotline import create_app
from hotline.cli.twilio import twilio_command
from hotline.edges.retention import callbacks, purge
from hotline.edges.retention.deleter import NOT_COMPLETE, Deleter
from hotline.edges.settings import SettingsError
from tests.conftest import CALLER, HOTLINE_NUMBER, PUBLIC_URL, TwilioClient

INBOUND = "SM" + "1" * 32
REPLY = "SM" + "2" * 32
CALL = "CA" + "3" * 32


@pytest.fixture
def settings(settings):
    settings["HOTLINE_DELETE_TWILIO_RECORDS"] = "true"
    return settings


@pytest.fixture(autouse=True)
def deleter(request) -> Deleter | None:
    """Give the app a deleter with no thread, whose queue the test drives by hand (run_due)."""
    if "app" not in request.fixturenames:  # the test builds its own app, or none
        return None
    app = request.getfixturevalue("app")
    if app.services.deleter is not None:  # None: zero-retention mode is off in this test
        app.services.deleter = Deleter(app, background=False)
    return app.services.deleter


def drain(deleter: Deleter) -> list[float]:
    """Run the queue to the end as the clock would, returning when each round was due."""
    rounds = []
    while (due := deleter.next_due()) is not None:
        rounds.append(due)
        deleter.run_due(now=due)
    return rounds


def deleted(fake) -> list[str]:
    """Name what was deleted as kind/SID, e.g. Messages/SM…"""
    return ["/".join(r.url.removesuffix(".json").split("/")[-2:]) for r in fake.deletes]


def status_callback(response) -> str:
    """Return the statusCallback of the reply's <Message>, or '' without one."""
    message = ET.fromstring(response.data).find("Message")
    return "" if message is None else message.get("statusCallback", "")


def report_message(twilio: TwilioClient, url: str, sid: str, status: str):
    """Post a message status callback, signed as Twilio would."""
    path = url.removeprefix(PUBLIC_URL)
    return twilio.post(path, {"MessageSid": sid, "MessageStatus": status, "SmsStatus": status,
                              "AccountSid": "AC" + "0" * 32, "From": HOTLINE_NUMBER, "To": CALLER})


def report_call(twilio: TwilioClient, status: str, sid: str = CALL):
    return twilio.post(callbacks.CALL_STATUS_PATH, {"CallSid": sid, "CallStatus": status, "From": CALLER,
                                                   "To": HOTLINE_NUMBER, "Direction": "inbound"})


def test_reply_carries_a_status_callback_with_no_sid_and_no_number(twilio):
    # A router logs the URLs it calls: nothing about the person goes into them.
    url = status_callback(twilio.sms("RIGHTS"))
    assert url == f"{PUBLIC_URL}{callbacks.MESSAGE_STATUS_PATH}"


def test_text_and_reply_are_deleted_end_to_end(twilio, fake_twilio, deleter):
    url = status_callback(twilio.sms("DERECHOS"))
    assert fake_twilio.deletes == []  # nothing on the webhook's clock
    drain(deleter)
    assert deleted(fake_twilio) == [f"Messages/{INBOUND}"]  # the text itself, on our own schedule
    assert report_message(twilio, url, REPLY, "sent").status_code == 204
    assert deleter.next_due() is None  # "sent" is not final: a delivery report may follow
    assert report_message(twilio, url, REPLY, "delivered").status_code == 204
    drain(deleter)
    assert sorted(deleted(fake_twilio)) == [f"Messages/{INBOUND}", f"Messages/{REPLY}"]


def test_first_try_waits_a_minute_as_twilio_asks(twilio, deleter):
    report_message(twilio, status_callback(twilio.sms("RIGHTS")), REPLY, "delivered")
    assert deleter.next_due() - time.monotonic() > 59  # error 20009 before that


@pytest.mark.parametrize("status", ["delivered", "undelivered", "failed", "read", "canceled"])
def test_every_final_message_status_deletes(twilio, fake_twilio, deleter, status):
    report_message(twilio, status_callback(twilio.sms("RIGHTS")), REPLY, status)
    drain(deleter)
    assert len(fake_twilio.deletes) == 2


def test_repeated_callbacks_delete_once(twilio, fake_twilio, deleter):
    url = status_callback(twilio.sms("RIGHTS"))
    for status in ("delivered", "delivered", "read"):
        report_message(twilio, url, REPLY, status)
    drain(deleter)
    assert len(fake_twilio.deletes) == 2


def test_text_without_reply_is_deleted_on_its_own(twilio, fake_twilio, deleter):
    assert status_callback(twilio.sms("STOP")) == ""
    drain(deleter)
    assert deleted(fake_twilio) == [f"Messages/{INBOUND}"]


@pytest.mark.parametrize(("status", "deletes"), [
    ("completed", 1), ("busy", 1), ("failed", 1), ("no-answer", 1), ("canceled", 1),
    ("ringing", 0), ("in-progress", 0),
])
def test_finished_calls_are_deleted(twilio, fake_twilio, deleter, status, deletes):
    assert report_call(twilio, status).status_code == 204
    drain(deleter)
    assert deleted(fake_twilio) == [f"Calls/{CALL}"] * deletes


@pytest.mark.parametrize("fail", [
    lambda fake: fake.fail_next(503, 20500),
    lambda fake: fake.fail_next(429, 20429),
    lambda fake: fake.fail_next(400, NOT_COMPLETE),
    lambda fake: fake.raise_next(requests.ConnectionError("refused")),
    lambda fake: fake.raise_next(requests.Timeout("read timed out")),
], ids=["503", "429", "20009-too-soon", "connection-refused", "timeout"])
def test_brief_failures_are_retried_with_backoff(twilio, fake_twilio, deleter, fail):
    report_call(twilio, "completed")
    fail(fake_twilio)
    first, second = drain(deleter)
    assert second - first == pytest.approx(deleter.retry_delay)
    assert deleted(fake_twilio) == [f"Calls/{CALL}"] * 2


def test_backoff_doubles_then_gives_up_for_purge(twilio, fake_twilio, deleter, caplog):
    report_call(twilio, "completed")
    fake_twilio.fail_next(500, 20500, times=100)
    rounds = drain(deleter)
    gaps = [later - earlier for earlier, later in zip(rounds, rounds[1:], strict=False)]
    assert gaps == pytest.approx([30, 60, 120, 240, 480])
    assert len(fake_twilio.deletes) == deleter.attempts == 6
    assert "twilio purge" in caplog.text


@pytest.mark.parametrize(("status", "code", "outcome"), [
    (404, 20404, "deleted"),  # already gone
    (401, 20003, "failed"),  # bad credentials: retrying cannot help
    (403, 20403, "failed"),
])
def test_lasting_answers_are_not_retried(twilio, fake_twilio, deleter, status, code, outcome):
    report_call(twilio, "completed")
    fake_twilio.fail_next(status, code, times=10)
    assert deleter.run_due(now=deleter.next_due()) == [outcome]
    assert deleter.next_due() is None and len(fake_twilio.deletes) == 1


def test_forged_status_callbacks_are_refused(client, fake_twilio, deleter):
    forged = TwilioClient(client, token="not-the-auth-token")
    assert report_call(forged, "completed").status_code == 403
    assert report_message(forged, PUBLIC_URL + callbacks.MESSAGE_STATUS_PATH, REPLY, "delivered").status_code == 403
    assert deleter.next_due() is None


def test_background_thread_deletes_on_its_own(app, fake_twilio):
    deleter = Deleter(app, first_delay=0, retry_delay=0.01, background=True)
    fake_twilio.fail_next(503, 20500)
    deleter.schedule("call", CALL)
    deadline = time.monotonic() + 5
    while len(fake_twilio.deletes) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert deleted(fake_twilio) == [f"Calls/{CALL}"] * 2


def test_full_queue_leaves_the_rest_to_purge(app):
    deleter = Deleter(app, limit=2, background=False)
    for n in range(5):
        deleter.schedule("call", f"CA{n:032d}")
    assert len(deleter.jobs) == 2


def test_outbound_texts_get_the_status_callback(app):
    with app.test_request_context():
        assert callbacks.outbound_status_callback() == {
            "status_callback": PUBLIC_URL + callbacks.MESSAGE_STATUS_PATH}


def test_text_me_this_asks_for_the_status_callback(app, fake_twilio):
    from hotline.edges import outbound

    with app.test_request_context():
        assert outbound.text_topic(CALLER, "rights", "en") == "sent"
    assert fake_twilio.messages[0].data.get("StatusCallback") == PUBLIC_URL + callbacks.MESSAGE_STATUS_PATH


class TestOff:
    @pytest.fixture
    def settings(self, settings):
        settings["HOTLINE_DELETE_TWILIO_RECORDS"] = "false"
        return settings

    def test_nothing_is_marked_or_deleted(self, app, twilio, fake_twilio):
        assert status_callback(twilio.sms("RIGHTS")) == ""
        assert report_call(twilio, "completed").status_code == 204  # a number set up while it was on
        assert app.services.deleter is None and fake_twilio.requests == []
        with app.test_request_context():
            assert callbacks.outbound_status_callback() == {}


@pytest.mark.parametrize(("change", "message"), [
    ({"TWILIO_ACCOUNT_SID": ""}, "TWILIO_ACCOUNT_SID"),
    ({"HOTLINE_DELETE_TWILIO_RECORDS": "ture"}, "true or false"),
])
def test_refuses_to_start_when_it_could_not_delete(settings, change, message):
    settings.update(change)
    with pytest.raises(SettingsError, match=message):
        create_app(settings)


# -- hotline twilio purge


def rfc2822(age: timedelta) -> str:
    return format_datetime(datetime.now(UTC) - age, usegmt=True)


OLD, NEW = timedelta(days=3), timedelta(minutes=5)
MESSAGES = [  # sid, to, from, age, status
    ("SM" + "a" * 32, HOTLINE_NUMBER, CALLER, OLD, "received"),
    ("SM" + "b" * 32, CALLER, HOTLINE_NUMBER, OLD, "delivered"),
    ("SM" + "c" * 32, HOTLINE_NUMBER, CALLER, OLD, "received"),
    ("SM" + "d" * 32, HOTLINE_NUMBER, CALLER, NEW, "received"),  # too young
    ("SM" + "e" * 32, CALLER, HOTLINE_NUMBER, OLD, "sending"),  # unfinished
    ("SM" + "f" * 32, CALLER, "+13075550111", OLD, "delivered"),  # another number in the account
]
CALLS = [("CA" + "a" * 32, HOTLINE_NUMBER, CALLER, OLD, "completed"),
         ("CA" + "b" * 32, HOTLINE_NUMBER, CALLER, OLD, "in-progress")]


def serve_pages(kind: str, records: list[tuple], per_page: int = 2):
    """Answer list requests for messages or calls as Twilio does: filtered and paged by token."""
    def answer(sent) -> dict:
        query = {**sent.params, **{k: v[0] for k, v in parse_qs(urlsplit(sent.url).query).items()}}
        rows = [r for r in records if query.get("To", r[1]) == r[1] and query.get("From", r[2]) == r[2]]
        start = int(query.get("PageToken", 0))
        page = [{"sid": sid, "to": to, "from": sender, "status": status,
                 "date_sent" if kind == "Messages" else "start_time": rfc2822(age),
                 "date_created": rfc2822(age)} for sid, to, sender, age, status in rows[start:start + per_page]]
        more = start + per_page < len(rows)
        next_uri = f"/2010-04-01/Accounts/AC0/{kind}.json?PageToken={start + per_page}" + "".join(
            f"&{k}={v}" for k, v in query.items() if k in ("To", "From"))
        return {kind.lower(): page, "next_page_uri": next_uri if more else None, "page": start // per_page}
    return answer


@pytest.fixture
def account(fake_twilio, monkeypatch):
    monkeypatch.setattr(purge, "PURGE_PAUSES", (0.0, 0.0))
    fake_twilio.route("GET", r"/Messages\.json", 200, serve_pages("Messages", MESSAGES))
    fake_twilio.route("GET", r"/Calls\.json", 200, serve_pages("Calls", CALLS))
    return fake_twilio


def test_purge_deletes_only_old_finished_records_of_the_hotline(runner, account):
    result = runner.invoke(twilio_command, ["purge", "--older-than", "1d"])
    assert result.exit_code == 0, result.output
    assert sorted(deleted(account)) == sorted(
        [f"Messages/SM{c * 32}" for c in "abc"] + [f"Calls/CA{'a' * 32}"])
    assert "messages to +13075550100: 2 deleted" in result.output
    assert "Done: deleted 4 record(s), left 0" in result.output
    listed = [r.params for r in account.requests if r.method == "GET" and "PageToken" not in r.url]
    assert all(p.get("To") == HOTLINE_NUMBER or p.get("From") == HOTLINE_NUMBER for p in listed)


def test_purge_all_numbers_sweeps_the_whole_account(runner, account):
    result = runner.invoke(twilio_command, ["purge", "--all-numbers"])
    assert result.exit_code == 0, result.output
    assert f"Messages/SM{'f' * 32}" in deleted(account)


def test_purge_dry_run_deletes_nothing(runner, account):
    result = runner.invoke(twilio_command, ["purge", "--older-than", "2d", "--dry-run"])
    assert result.exit_code == 0 and account.deletes == []
    assert "would delete 4 record(s)" in result.output


def test_purge_retries_then_leaves_what_twilio_refuses(runner, account):
    account.fail_next(503, 20500, times=2, match="^DELETE")  # two brief failures, then success
    result = runner.invoke(twilio_command, ["purge"])
    assert "deleted 4 record(s), left 0" in result.output and len(account.deletes) == 6
    account.requests.clear()
    account.fail_next(503, 20500, times=3, match="^DELETE")  # every try at one record fails
    result = runner.invoke(twilio_command, ["purge"])
    assert "deleted 3 record(s), left 1" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--older-than", "yesterday"], "30m, 12h, 1d or 2w"),
    (["--number", "555-0100"], "+1NNNNNNNNNN"),  # no area code: not a number (307-555-0100 is normalised)
    (["--number", "PN" + "4" * 32], "+1NNNNNNNNNN"),  # records name numbers, not SIDs
])
def test_purge_explains_bad_arguments(runner, account, args, message):
    result = runner.invoke(twilio_command, ["purge", *args])
    assert result.exit_code == 2 and message in result.output and account.requests == []


def test_purge_explains_bad_credentials(runner, account):
    account.fail_next(401, 20003)
    result = runner.invoke(twilio_command, ["purge"])
    assert result.exit_code == 1 and "20003" in result.output
