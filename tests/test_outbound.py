"""'Text me this' on a call: it texts the caller's own number only, within every guard."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import text

from hotline import create_app
from hotline.core.placeholders import fill, placeholder_values
from hotline.edges.settings import SettingsError
from hotline.edges.storage import limits
from hotline.edges.storage.database import get_db_engine
from hotline.edges.twilio_client import REST_TIMEOUT_SECONDS
from hotline.services import get_engine
from tests.conftest import CALLER, HOTLINE_NUMBER, PUBLIC_URL, TwilioClient
from tests.fakes import FakeTwilioHttp, SessionRecorder

MESSAGING_SERVICE = "MG" + "0" * 32


def press(twilio, path: str, caller: str = CALLER, **params: str) -> ET.Element:
    """Send one keypress or utterance on a call and return the TwiML; the call must go on."""
    # A fresh CallSid each time, as each press here stands for its own call: the same CallSid,
    # URL and key again is a replay, which sends nothing (test_a_replayed_press_9_sends_no_second_text).
    params.setdefault("CallSid", "CA" + secrets.token_hex(16))
    response = twilio.post(path, {"From": caller, "To": HOTLINE_NUMBER, **params})
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert root.find("Gather") is not None  # whatever happened, the menu continues
    return root


def text_me(twilio, lang: str = "en", topic: str = "rights", caller: str = CALLER,
            sent: str = "") -> ET.Element:
    """Ask for a text by pressing 9 after a topic, as on a fresh call."""
    path = f"/voice/step?s=after&l={lang}&t={topic}" + (f"&sent={sent}" if sent else "")
    return press(twilio, path, caller, Digits="9")


def heard(app, root: ET.Element) -> str:
    """Name the voice.toml prompt the caller heard first."""
    first = root.find("Say").text
    with app.app_context():
        prompts = get_engine().catalog.voice
    values = placeholder_values(app.config)
    return next(name for lang in prompts for name, text in prompts[lang].items()
                if isinstance(text, str) and fill(text, values) == first)


def next_path(root: ET.Element) -> str:
    return root.find("Gather").get("action").removeprefix(PUBLIC_URL)


def sms_answer(app, topic: str, lang: str) -> str:
    """The topic's answer as "text me this" sends it: no "Reply MORE", since no conversation exists yet."""
    with app.app_context():
        replies = get_engine().replies
        assert replies.text_me[topic, lang] != replies.first[topic, lang]
        return replies.text_me[topic, lang]


@pytest.fixture(autouse=True)
def no_number_in_logs(caplog):
    """Whatever happens, the caller's number never reaches the logs."""
    yield
    assert CALLER not in caplog.text and CALLER.lstrip("+") not in caplog.text


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("topic", ["detainer", "287g", "rights"])
def test_pressing_9_texts_the_topic_to_the_caller_in_their_language(twilio, app, fake_twilio,
                                                                    lang, topic):
    root = text_me(twilio, lang, topic)
    assert [(m.data["To"], m.data["Body"], m.data["From"]) for m in fake_twilio.messages] == [
        (CALLER, sms_answer(app, topic, lang), HOTLINE_NUMBER)]
    assert heard(app, root) == "text_sent"
    assert dict(parse_qsl(urlsplit(next_path(root)).query))["sent"] == topic


def test_the_text_goes_out_with_a_timeout_short_enough_for_the_call(twilio, app, monkeypatch):
    # The app's own HTTP client, not a fake one, down to requests' last step before the network.
    recorder = SessionRecorder()
    monkeypatch.setattr(requests.Session, "send", recorder.send)
    assert app.services.twilio_http is None
    assert heard(app, text_me(twilio)) == "text_sent"
    assert [(request.method, request.path_url.rsplit("/", 1)[-1]) for request, _ in recorder.sent] == [
        ("POST", "Messages.json")]
    assert recorder.timeouts == [REST_TIMEOUT_SECONDS]
    assert 0 < REST_TIMEOUT_SECONDS <= 5  # the voice webhook must still answer inside Twilio's 15 s


@pytest.mark.parametrize(("lang", "speech"), [("en", "please text me that"),
                                              ("es", "mándemelo por mensaje"),
                                              ("en", "text it to 3 0 7 5 5 5 0 1 9 9"),
                                              ("es", "envíelo al 720 555 0123")])
def test_saying_text_sends_only_to_the_caller_never_a_spoken_number(twilio, app, fake_twilio,
                                                                   lang, speech):
    root = press(twilio, f"/voice/step?s=after&l={lang}&t=detainer", SpeechResult=speech)
    assert [m.data["To"] for m in fake_twilio.messages] == [CALLER]
    assert heard(app, root) == "text_sent"


def test_a_typed_number_is_a_wrong_key_and_texts_nobody(twilio, app, fake_twilio):
    root = press(twilio, "/voice/step?s=after&l=en&t=rights", Digits="93075550199")
    assert fake_twilio.requests == []
    assert heard(app, root) == "wrong_key"


def test_a_messaging_service_sends_when_set(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_MESSAGING_SERVICE_SID=MESSAGING_SERVICE)
    text_me(twilio)
    assert fake.messages[0].data["MessagingServiceSid"] == MESSAGING_SERVICE
    assert "From" not in fake.messages[0].data


@pytest.mark.parametrize("delete", ["true", "false"])
def test_zero_retention_mode_has_the_text_deleted_too(fake_twilio_app, delete):
    app, fake, twilio = fake_twilio_app(HOTLINE_DELETE_TWILIO_RECORDS=delete)
    text_me(twilio)
    callback = fake.messages[0].data.get("StatusCallback")
    assert (callback == PUBLIC_URL + "/twilio/message-status") if delete == "true" else not callback


@pytest.mark.parametrize("caller", [
    "anonymous", "Anonymous", "+266696687", "+7378742833", "+2562533", "+86282452253", "",
    "client:alice", "sip:bob@example.com", "3075550123", "+1307555", "+1 307 555 0123",
    "+447700900123", "+523312345678", "+13075550123\n+447700900123",
])
def test_withheld_foreign_and_non_phone_callers_get_no_text(twilio, app, fake_twilio, caller):
    root = text_me(twilio, caller=caller)
    assert fake_twilio.requests == []
    assert heard(app, root) == "text_not_possible"


# A spoofed caller ID must not make the line text premium, Caribbean-inside-+1, landline or invalid numbers.
@pytest.mark.parametrize("caller", ["+19005550123", "+18765550123", "+17875550123", "+1307555012", "+13075550",
                                    "+18005550123"])
def test_spoofed_premium_caribbean_and_invalid_numbers_get_no_text(twilio, app, fake_twilio, caller):
    root = text_me(twilio, caller=caller)
    assert fake_twilio.requests == []
    assert heard(app, root) == "text_not_possible"


def test_a_nanp_country_outside_the_us_needs_its_own_prefix(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_COUNTRIES="+1, +1787")
    text_me(twilio, caller="+17875550123")  # Puerto Rico, named in the setting
    text_me(twilio, caller="+18765550123")  # Jamaica, only inside +1
    assert [m.data["To"] for m in fake.messages] == ["+17875550123"]


@pytest.mark.parametrize(("verstat", "sent"), [("TN-Validation-Failed-B", False), ("TN-Validation-Failed", False),
                                               ("TN-Validation-Passed-A", True), ("No-TN-Validation", True),
                                               ("", True)])
def test_a_caller_id_that_failed_stir_shaken_gets_no_text(twilio, app, fake_twilio, verstat, sent):
    root = press(twilio, "/voice/step?s=after&l=en&t=rights", CALLER, Digits="9", StirVerstat=verstat)
    assert bool(fake_twilio.messages) == sent
    assert heard(app, root) == ("text_sent" if sent else "text_not_possible")


def test_allowed_countries_come_from_the_setting(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_COUNTRIES="+1, +52")
    text_me(twilio, caller="+523312345678")
    text_me(twilio, caller="+447700900123")
    assert [m.data["To"] for m in fake.messages] == ["+523312345678"]


def test_each_topic_is_texted_once_per_call(twilio, app, fake_twilio):
    root = text_me(twilio, "es", "rights")
    root = press(twilio, next_path(root), Digits="9")
    assert heard(app, root) == "text_already_sent"
    root = press(twilio, next_path(root), Digits="2")  # back to the topics: the call remembers
    root = press(twilio, next_path(root), Digits="1")
    root = press(twilio, next_path(root), Digits="9")
    assert heard(app, root) == "text_sent"
    assert [m.data["Body"] for m in fake_twilio.messages] == [
        sms_answer(app, "rights", "es"), sms_answer(app, "detainer", "es")]
    assert dict(parse_qsl(urlsplit(next_path(root)).query))["sent"] == "rights,detainer"


def test_one_number_gets_a_few_texts_a_day_then_hears_why_not(fake_twilio_app, tmp_path):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_DAILY_PER_NUMBER="2")
    results = [heard(app, text_me(twilio, topic=t)) for t in ("rights", "287g", "detainer")]
    assert results == ["text_sent", "text_sent", "text_limit"]
    assert heard(app, text_me(twilio, caller="+13075550999")) == "text_sent"  # others still can
    assert len(fake.messages) == 3
    assert CALLER.lstrip("+").encode() not in (tmp_path / "hotline.db").read_bytes()


def test_the_whole_hotline_sends_a_capped_number_of_texts_a_day(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_DAILY_TOTAL="2")
    callers = ["+13075550001", "+13075550002", "+13075550003"]
    results = [heard(app, text_me(twilio, caller=caller)) for caller in callers]
    assert results == ["text_sent", "text_sent", "text_failed"]
    assert [m.data["To"] for m in fake.messages] == callers[:2]


@pytest.mark.parametrize("cap", ["HOTLINE_TEXT_ME_DAILY_PER_NUMBER", "HOTLINE_TEXT_ME_DAILY_TOTAL"])
def test_a_cap_of_zero_turns_the_feature_off(fake_twilio_app, cap):
    app, fake, twilio = fake_twilio_app(**{cap: "0"})
    assert heard(app, text_me(twilio)) == "text_failed"
    assert fake.requests == []


@pytest.mark.parametrize("down", ["text_me_number", "text_me_total"])
def test_no_text_when_the_counters_cannot_be_kept(twilio, app, fake_twilio, monkeypatch, down):
    count_use = limits.count_use
    monkeypatch.setattr(limits, "count_use", lambda bucket, *args: None if bucket == down
                        else count_use(bucket, *args))  # None: the database failed
    assert heard(app, text_me(twilio)) == "text_failed"
    assert fake_twilio.requests == []


def test_withheld_caller_ids_are_refused_whatever_the_countries(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_COUNTRIES="+1,+2,+7,+8")
    for caller in ("+266696687", "+7378742833", "+2562533", "+86282452253"):
        assert heard(app, text_me(twilio, caller=caller)) == "text_not_possible"
    assert fake.requests == []


@pytest.mark.parametrize(("failure", "prompt", "logged"), [
    ((500, 20500), "text_failed", "20500"),
    ((400, 21610), "text_opted_out", "21610"),
    ((400, 21614), "text_not_possible", "21614"),
    ((400, 21408), "text_not_possible", "21408"),
    (requests.exceptions.ReadTimeout("read timed out"), "text_failed", "ReadTimeout"),
    (requests.exceptions.ConnectionError("refused"), "text_failed", "ConnectionError"),
])
def test_twilio_errors_and_timeouts_never_break_the_call(twilio, app, fake_twilio, caplog,
                                                         failure, prompt, logged):
    if isinstance(failure, Exception):
        fake_twilio.raise_next(failure)
    else:
        fake_twilio.fail_next(*failure)
    root = text_me(twilio, "es")
    assert heard(app, root) == prompt
    assert "sent" not in dict(parse_qsl(urlsplit(next_path(root)).query))  # may try again
    assert logged in caplog.text


@pytest.mark.parametrize("missing", [{"TWILIO_ACCOUNT_SID": ""},
                                     {"HOTLINE_NUMBER": "", "HOTLINE_MESSAGING_SERVICE_SID": ""}])
def test_without_credentials_or_sender_nothing_is_sent(fake_twilio_app, caplog, missing):
    app, fake, twilio = fake_twilio_app(**missing)
    assert heard(app, text_me(twilio)) == "text_failed"
    assert fake.requests == []
    assert "not sent" in caplog.text


@pytest.mark.parametrize("change", [
    {"HOTLINE_TEXT_ME_COUNTRIES": "1"}, {"HOTLINE_TEXT_ME_COUNTRIES": "+1,+44x"},
    {"HOTLINE_TEXT_ME_DAILY_PER_NUMBER": "three"}, {"HOTLINE_TEXT_ME_DAILY_TOTAL": "-5"},
    {"HOTLINE_MESSAGING_SERVICE_SID": "PN123"},
])
def test_malformed_text_me_settings_stop_the_app(settings, change):
    settings.update(change)
    with pytest.raises(SettingsError, match="HOTLINE_"):
        create_app(settings)


@pytest.fixture
def fake_twilio_app(settings, tmp_path):
    """Build an app with changed settings, a fake Twilio and a signing client."""
    def build(**changes: str):
        settings.update(changes, DATABASE_URL=f"sqlite:///{tmp_path / 'hotline.db'}")
        app = create_app(settings)
        fake = app.services.twilio_http = FakeTwilioHttp()
        return app, fake, TwilioClient(app.test_client())

    return build


def test_a_replayed_press_9_sends_no_second_text(twilio, app, fake_twilio):
    path, call = "/voice/step?s=after&l=en&t=rights", "CA" + "1" * 32
    first = press(twilio, path, Digits="9", CallSid=call)
    replays = [press(twilio, path, Digits="9", CallSid=call) for _ in range(3)]  # the same signed request again
    assert len(fake_twilio.messages) == 1
    assert heard(app, first) == "text_sent"
    assert {heard(app, root) for root in replays} == {"text_already_sent"}
    with app.app_context(), get_db_engine().connect() as connection:
        stored = connection.execute(text("SELECT key FROM rate_limits")).scalars().all()
    assert stored and not any("CA" in key for key in stored)  # keyed hashes, never the CallSid


def test_after_a_failed_text_the_caller_can_try_again_and_it_is_no_replay(twilio, app, fake_twilio):
    call = "CA" + "2" * 32
    fake_twilio.fail_next(500, 20500)  # Twilio has a bad moment
    failed = press(twilio, "/voice/step?s=after&l=en&t=rights", Digits="9", CallSid=call)
    assert heard(app, failed) == "text_failed" and len(fake_twilio.messages) == 1  # tried, and refused
    retry = press(twilio, path_of(failed.find("Gather").get("action")), Digits="9", CallSid=call)
    assert heard(app, retry) == "text_sent" and len(fake_twilio.messages) == 2  # tried again: a new request


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_one_area_code_cannot_use_up_everyones_daily_total(fake_twilio_app):
    app, fake, twilio = fake_twilio_app(HOTLINE_TEXT_ME_HOURLY_PER_AREA="2", HOTLINE_TEXT_ME_DAILY_TOTAL="200")
    for n in range(4):  # four different numbers, one area code: a block an attacker controls
        text_me(twilio, caller=f"+1307555{n:04d}")
    text_me(twilio, caller="+13125550100")  # someone else, elsewhere, still gets theirs
    assert [m.data["To"] for m in fake.messages] == ["+13075550000", "+13075550001", "+13125550100"]
