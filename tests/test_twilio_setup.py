"""`hotline twilio setup` and `status`: the number's webhooks, set and read back through a fake Twilio."""

from __future__ import annotations

import re

import pytest

from hotline.cli.main import main
from hotline.cli.twilio import twilio_command
from tests.conftest import HOTLINE_NUMBER, PUBLIC_URL

NUMBER_SID = "PN" + "4" * 32
WANTED = {"SmsUrl": PUBLIC_URL + "/sms", "SmsMethod": "POST", "VoiceUrl": PUBLIC_URL + "/voice",
          "VoiceMethod": "POST", "StatusCallback": "", "StatusCallbackMethod": "POST"}
FIELDS = {"SmsUrl": "sms_url", "SmsMethod": "sms_method", "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
          "StatusCallback": "status_callback", "StatusCallbackMethod": "status_callback_method"}


class FakeNumber:
    """One IncomingPhoneNumber as Twilio keeps it: listed, fetched and updated through the fake."""

    def __init__(self, fake, **fields: str | None):
        self.record = {"sid": NUMBER_SID, "account_sid": "AC" + "0" * 32, "phone_number": HOTLINE_NUMBER,
                       "sms_url": "https://demo.twilio.com/welcome/sms/reply", "sms_method": "POST",
                       "voice_url": "https://demo.twilio.com/welcome/voice/", "voice_method": "POST",
                       "status_callback": "", "status_callback_method": "POST", "sms_fallback_url": "",
                       "voice_fallback_url": "", "sms_application_sid": None, "voice_application_sid": None,
                       "trunk_sid": None, **fields}
        fake.route("GET", r"/IncomingPhoneNumbers\.json$", 200, self.listing)
        fake.route("GET", rf"/IncomingPhoneNumbers/{NUMBER_SID}\.json$", 200, lambda sent: self.record)
        fake.route("POST", rf"/IncomingPhoneNumbers/{NUMBER_SID}\.json$", 200, self.update)
        self.fake = fake

    def listing(self, sent) -> dict:
        found = sent.params.get("PhoneNumber") in (None, HOTLINE_NUMBER)
        return {"incoming_phone_numbers": [self.record] if found else [], "next_page_uri": None}

    def update(self, sent) -> dict:
        self.record |= {FIELDS[key]: value for key, value in sent.data.items()}
        return self.record

    @property
    def updates(self) -> list[dict]:
        return number_updates(self.fake)


@pytest.fixture
def number(fake_twilio) -> FakeNumber:
    return FakeNumber(fake_twilio)


def invoke(runner, *args: str):
    return runner.invoke(twilio_command, list(args))


@pytest.mark.parametrize("which", [HOTLINE_NUMBER, NUMBER_SID, None], ids=["e164", "sid", "HOTLINE_NUMBER"])
def test_setup_points_the_number_at_the_hotline_and_reads_it_back(runner, number, which):
    result = invoke(runner, "setup", *(["--number", which] if which else []))
    assert result.exit_code == 0, result.output
    assert number.updates == [{"SmsUrl": WANTED["SmsUrl"], "VoiceUrl": WANTED["VoiceUrl"]}]  # only what differs
    assert number.fake.requests[-1].method == "GET"  # read back after the change
    after = result.output.split("After the change")[1]
    assert f"sms_url                 {PUBLIC_URL}/sms" in after and "Matches this hotline." in after


def test_setup_sets_the_call_status_callback_in_zero_retention_mode(runner, number):
    runner.app.config["HOTLINE_DELETE_TWILIO_RECORDS"] = "true"
    result = invoke(runner, "setup")
    assert result.exit_code == 0, result.output
    assert number.updates[0]["StatusCallback"] == PUBLIC_URL + "/twilio/call-status"


def test_dry_run_shows_the_change_and_makes_none(runner, number):
    result = invoke(runner, "setup", "--dry-run")
    assert result.exit_code == 0, result.output
    assert number.updates == [] and "Dry run: would change sms_url, voice_url; nothing changed." in result.output
    assert f"https://demo.twilio.com/welcome/sms/reply   wanted: {PUBLIC_URL}/sms" in result.output


def test_dry_run_without_credentials_prints_the_intended_configuration(runner, fake_twilio):
    runner.app.config["TWILIO_ACCOUNT_SID"] = ""
    result = invoke(runner, "setup", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"voice_url               {PUBLIC_URL}/voice" in result.output and fake_twilio.requests == []


def test_setup_twice_changes_nothing_the_second_time(runner, number):
    invoke(runner, "setup")
    result = invoke(runner, "setup")
    assert result.exit_code == 0 and "Already set up" in result.output and len(number.updates) == 1


def test_status_says_whether_the_number_matches(runner, number):
    before = invoke(runner, "status")
    assert before.exit_code == 1 and "Does NOT match" in before.output and "wanted:" in before.output
    invoke(runner, "setup")
    after = invoke(runner, "status")
    assert after.exit_code == 0 and "Matches this hotline." in after.output and len(number.updates) == 1


@pytest.mark.parametrize(("field", "meaning"), [
    ("voice_application_sid", "TwiML App"), ("sms_application_sid", "TwiML App"), ("trunk_sid", "SIP trunk")])
def test_status_warns_when_an_app_or_trunk_overrides_the_urls(fake_twilio, runner, field, meaning):
    FakeNumber(fake_twilio, **{field: "AP" + "5" * 32}, **{FIELDS[k]: v for k, v in WANTED.items()})
    result = invoke(runner, "status")
    assert result.exit_code == 1 and meaning in result.output and "Twilio ignores the URLs" in result.output


@pytest.mark.parametrize(("fallback", "pointless"), [
    ("https://handler.twilio.com/twiml/EH" + "6" * 32, False),  # a TwiML Bin: up when the app is down
    (PUBLIC_URL + "/voice", True),
])
def test_status_shows_fallbacks_it_leaves_alone(fake_twilio, runner, fallback, pointless):
    FakeNumber(fake_twilio, voice_fallback_url=fallback)
    result = invoke(runner, "setup")
    assert f"voice_fallback_url      {fallback}" in result.output
    assert ("on this same app" in result.output) is pointless
    assert "sms_fallback_url        (empty: see docs/deploy.md)" in result.output
    assert not any("Fallback" in key for key in number_updates(fake_twilio)[0])


def number_updates(fake) -> list[dict]:
    return [r.data for r in fake.requests if r.method == "POST"]


@pytest.mark.parametrize(("answer", "message"), [
    ((401, 20003), "error 20003"),
    ((503, 20500), "error 20500 (HTTP 503)"),
    (ConnectionError("refused"), "Could not reach Twilio (ConnectionError)"),
])
@pytest.mark.parametrize("command", ["setup", "status"])
def test_twilio_failures_are_explained(runner, number, command, answer, message):
    if isinstance(answer, Exception):
        number.fake.raise_next(answer)
    else:
        number.fake.fail_next(*answer)
    result = invoke(runner, command)
    assert result.exit_code == 1 and message in result.output and number.updates == []


@pytest.mark.parametrize("which", ["+13075550199", "PN" + "9" * 32])
def test_a_number_the_account_does_not_own_is_explained(runner, number, which):
    number.fake.fail_next(404, 20404, match=r"/PN9+\.json")
    result = invoke(runner, "setup", "--number", which)
    assert result.exit_code == 1 and f"does not own {which}" in result.output and number.updates == []


@pytest.mark.parametrize(("change", "args", "message"), [
    ({"HOTLINE_PUBLIC_URL": "http://hotline.example.org"}, [], "must be the https:// address"),
    ({"HOTLINE_PUBLIC_URL": ""}, ["--dry-run"], "must be the https:// address"),
    ({"TWILIO_ACCOUNT_SID": ""}, [], "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"),
    ({"HOTLINE_NUMBER": ""}, [], "give --number"),
    ({}, ["--number", "555 0100"], "give --number"),  # seven digits: no area code, so no number
    ({"HOTLINE_DELETE_TWILIO_RECORDS": "maybe"}, [], "true or false"),
])
def test_missing_or_wrong_settings_are_explained(runner, fake_twilio, change, args, message):
    runner.app.config.update(change)
    result = invoke(runner, "setup", *args)
    assert result.exit_code in (1, 2) and message in result.output and fake_twilio.requests == []


@pytest.mark.parametrize("typed", ["307-555-0100", "(307) 555-0100", "1 307 555 0100", "+1 307 555 0100"])
def test_a_number_typed_as_people_write_it_is_understood(runner, number, typed):
    result = invoke(runner, "setup", "--number", typed)
    assert result.exit_code == 0, result.output
    assert number.updates == [{"SmsUrl": WANTED["SmsUrl"], "VoiceUrl": WANTED["VoiceUrl"]}]


def test_commands_outside_tests_build_a_bare_app_from_the_environment(monkeypatch, tmp_path):
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)  # no .env here
    for name, value in {"HOTLINE_PUBLIC_URL": PUBLIC_URL, "HOTLINE_NUMBER": HOTLINE_NUMBER,
                        "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["twilio", "setup", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"sms_url\s+{re.escape(PUBLIC_URL)}/sms", result.output)
