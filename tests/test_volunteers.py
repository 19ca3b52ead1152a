"""Talk to a person on a call: volunteers rung at once, a whisper that needs a key, back to the menu after."""

from __future__ import annotations

import datetime as dt
import sqlite3
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from hotline import create_app
from hotline.channels import volunteer_calls
from hotline.channels.voice import split_paragraphs
from hotline.core.volunteers import hours_in_words
from hotline.edges.storage import stats
from tests.conftest import CALLER, HOTLINE_NUMBER, LANGUAGES, PUBLIC_URL, TEST_SETTINGS, TwilioClient
from tests.test_voice import CALL, check_structure, parse, path_of, prompt, query_of, says, walk

ENGLISH_ONLY, BILINGUAL = "+13075550111", "+13075550112"
VOLUNTEERS = {"HOTLINE_VOLUNTEER_NUMBERS": f"{ENGLISH_ONLY}, {BILINGUAL}",
              "HOTLINE_VOLUNTEER_HOURS": "Mon-Fri 09:00-21:00; Sat 10:00-16:00",
              "HOTLINE_VOLUNTEER_LANGUAGES": f"{BILINGUAL}=es/en", "HOTLINE_VOLUNTEER_RING_SECONDS": "25"}
ON_SHIFT, OFF_SHIFT = "2026-12-02 17:00", "2026-12-03 05:00"  # Wed 10:00 and 22:00 in Denver
RUNG = {"en": {ENGLISH_ONLY, BILINGUAL}, "es": {BILINGUAL}}  # a Spanish call rings Spanish speakers
DIAL_STATUSES = ["completed", "answered", "busy", "no-answer", "failed", "canceled"]


def at(monkeypatch, moment: str) -> None:
    when = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    monkeypatch.setattr(volunteer_calls, "current_moment", lambda: when)


@pytest.fixture
def settings(settings):
    return {**settings, **VOLUNTEERS}


def describe(app, lang: str) -> str:
    return hours_in_words(app.config, app.services.engine.catalog, lang)


def menu_path(lang: str) -> str:
    return f"/voice/step?s=menu&l={lang}"


def extra_key(app, action: str = "person") -> str:
    return next(key for key, a in app.services.engine.catalog.extras.items() if a == action)


def no_record(root: ET.Element) -> None:
    """Nothing of a call is ever recorded, transcribed or left as voicemail."""
    assert not [e for e in root.iter() if e.tag in ("Record", "Transcribe", "Start", "Stream")]
    assert not [e for e in root.iter() if {"record", "transcribe", "recordingStatusCallback"} & set(e.attrib)]


def check_dial(root: ET.Element, lang: str, app) -> None:
    """The caller hears a short message, then ringing: every matching volunteer at once, none sees the caller."""
    children = list(root)
    assert [c.tag for c in children] == ["Say", "Dial"]  # never silence while it rings
    assert children[0].text == prompt(app, lang, "volunteer_wait")
    dial = children[1]
    assert dial.get("callerId") == HOTLINE_NUMBER and int(dial.get("timeout")) == 25
    assert urlsplit(dial.get("action")).path == "/voice/volunteer/done"
    assert query_of(dial.get("action")) == {"s": "menu", "l": lang}
    numbers = dial.findall("Number")
    assert {n.text for n in numbers} == RUNG[lang] and len(numbers) == len(RUNG[lang])
    for number in numbers:
        assert number.get("url") == f"{PUBLIC_URL}/voice/volunteer/whisper?l={lang}"  # no number in it
    no_record(root)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_shift_the_menu_offers_a_volunteer_by_key_and_by_voice(twilio, app, monkeypatch, lang):
    at(monkeypatch, ON_SHIFT)
    welcome = parse(twilio.post("/voice/step?s=language", {**CALL, "Digits": app.services.engine.catalog
                                                          .languages[lang].key}))
    offered = [s.text for s in says(welcome.find("Gather"))]
    assert prompt(app, lang, "extra:person") in offered and prompt(app, lang, "extra:person_closed") not in offered
    assert f" {extra_key(app)}." in prompt(app, lang, "extra:person")  # the key said is the key that works
    check_dial(parse(twilio.post(menu_path(lang), {**CALL, "Digits": extra_key(app)})), lang, app)
    phrase = app.services.engine.catalog.voice[lang]["say_extras"]["person"][0]
    check_dial(parse(twilio.post(menu_path(lang), {**CALL, "SpeechResult": f"I want {phrase} please"})), lang, app)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_off_shift_the_option_says_the_hours_and_the_referral_and_rings_nobody(twilio, app, monkeypatch, lang):
    at(monkeypatch, OFF_SHIFT)
    root = parse(twilio.post(menu_path(lang), {**CALL, "Digits": extra_key(app)}))
    check_structure(root, lang, app)
    assert root.find("Dial") is None and query_of(root.find("Gather").get("action")) == {"s": "menu", "l": lang}
    said = [s.text for s in root.findall("Say")]  # before the menu's Gather
    assert said == list(split_paragraphs(app.services.live["person"](lang, "voice")))
    assert said[-1] == prompt(app, lang, "referral") and describe(app, lang) in said[0]
    offered = [s.text for s in says(root.find("Gather"))]
    assert prompt(app, lang, "extra:person_closed") in offered and prompt(app, lang, "extra:person") not in offered


def test_the_whole_tree_walked_on_shift_rings_only_from_the_menu_and_records_nothing(app, fake_twilio, monkeypatch):
    at(monkeypatch, ON_SHIFT)
    answers = walk(TwilioClient(app.test_client()), app)
    dials = [(query, root) for query, _, root in answers if root.find("Dial") is not None]
    assert len(dials) >= 2 * len(LANGUAGES)  # by key and by voice in each language
    assert {query["l"] for query, _ in dials} == set(LANGUAGES) and all(q["s"] == "menu" for q, _ in dials)
    for query, _, root in answers:
        no_record(root)
        if root.find("Dial") is not None:
            check_dial(root, query["l"], app)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_whisper_takes_the_call_only_with_the_key(twilio, app, lang):
    params = {"CallSid": "CA" + "2" * 32, "From": HOTLINE_NUMBER, "To": BILINGUAL, "Direction": "outbound-api"}
    root = parse(twilio.post(f"/voice/volunteer/whisper?l={lang}", params))
    gather, children = root.find("Gather"), list(root)
    assert children[-1].tag == "Hangup"  # a voicemail, which presses nothing, ends this leg only
    assert gather.get("numDigits") == "1" and gather.get("input") == "dtmf"
    assert gather.get("action") == f"{PUBLIC_URL}/voice/volunteer/accept?l={lang}"
    assert says(gather) and all(s.text == prompt(app, lang, "volunteer_whisper") for s in says(gather))
    for digits, connects in (("1", True), ("2", False), ("", False), ("*", False)):
        answer = parse(twilio.post(f"/voice/volunteer/accept?l={lang}", {**params, "Digits": digits}))
        assert (answer.find("Hangup") is None) is connects and (list(answer) == []) is connects


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("status", DIAL_STATUSES)
def test_after_the_ringing_the_caller_is_back_at_the_menu(twilio, app, monkeypatch, lang, status):
    at(monkeypatch, ON_SHIFT)
    bridged = status in ("completed", "answered")
    form = {**CALL, "DialCallStatus": status, "DialBridged": str(bridged).lower(), "DialCallDuration": "0"}
    root = parse(twilio.post(f"/voice/volunteer/done?s=menu&l={lang}", form))
    check_structure(root, lang, app)  # a Gather back to the topic menu: never a dead end, never voicemail
    assert query_of(root.find("Gather").get("action")) == {"s": "menu", "l": lang}
    said = [s.text for s in root.findall("Say")]
    if bridged:
        assert said == [prompt(app, lang, "volunteer_ended")]
    else:
        assert said == [prompt(app, lang, "volunteer_no_answer"), prompt(app, lang, "referral")]


@pytest.mark.parametrize(("form", "connected"), [
    ({"DialCallStatus": "completed", "DialBridged": "true"}, True),
    ({"DialCallStatus": "completed", "DialBridged": "false"}, False),  # a leg that hung up at the whisper
    ({"DialCallStatus": "completed", "DialCallDuration": "42"}, True),  # older reports: no DialBridged
    ({"DialCallStatus": "completed", "DialCallDuration": "0"}, False),
    ({"DialCallStatus": "no-answer", "DialCallDuration": "12"}, False),
])
def test_connected_means_a_volunteer_took_the_call(form, connected):
    assert volunteer_calls.was_connected(form) is connected


def test_offers_connections_and_misses_are_counted_by_language_without_any_number(twilio, app, monkeypatch):
    at(monkeypatch, ON_SHIFT)
    twilio.post(menu_path("es"), {**CALL, "Digits": extra_key(app)})
    twilio.post(menu_path("es"), {**CALL, "Digits": extra_key(app)})
    twilio.post("/voice/volunteer/done?s=menu&l=es", {**CALL, "DialCallStatus": "completed", "DialBridged": "true"})
    twilio.post("/voice/volunteer/done?s=menu&l=es", {**CALL, "DialCallStatus": "no-answer", "DialBridged": "false"})
    with app.app_context():
        outcomes = {s.name: sum(s.counts) for s in stats.read_report().pick("outcome", "voice")}
        languages = {s.name: sum(s.counts) for s in stats.read_report().pick("language", "voice")}
    assert {k: v for k, v in outcomes.items() if k.startswith("volunteer")} == {
        "volunteer_offered": 2, "volunteer_connected": 1, "volunteer_no_answer": 1}
    assert languages.get("es") == 4
    database = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    dump = "\n".join(database.iterdump())
    for number in (CALLER, ENGLISH_ONLY, BILINGUAL):
        assert number.lstrip("+")[-7:] not in dump


@pytest.mark.parametrize("path", ["/voice/volunteer/whisper?l=en", "/voice/volunteer/accept?l=en",
                                  "/voice/volunteer/done?s=menu&l=en"])
def test_the_volunteer_webhooks_need_twilio_s_signature(client, path):
    response = client.post(path, data={**CALL, "Digits": "1"}, headers={"X-Twilio-Signature": "forged"})
    assert response.status_code == 403


def test_without_volunteer_numbers_no_call_offers_a_person(tmp_path, monkeypatch):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"})
    at(monkeypatch, ON_SHIFT)
    twilio, key = TwilioClient(app.test_client()), extra_key(app)
    for lang in LANGUAGES:
        root = parse(twilio.post(menu_path(lang), {**CALL, "Digits": key}))
        assert root.find("Dial") is None and [s.text for s in root.findall("Say")] == [prompt(app, lang, "wrong_key")]
        offered = " ".join(s.text for s in says(root.find("Gather")))
        assert prompt(app, lang, "extra:person") not in offered
        assert prompt(app, lang, "extra:person_closed") not in offered
        phrase = app.services.engine.catalog.voice[lang]["say_extras"]["person"][0]
        assert parse(twilio.post(menu_path(lang), {**CALL, "SpeechResult": phrase})).find("Dial") is None
    path_of(root.find("Gather").get("action"))
