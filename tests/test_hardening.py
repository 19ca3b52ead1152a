"""Whatever arrives — any text, any byte, any forged or broken request — the hotline answers as intended."""

from __future__ import annotations

import shutil
import sqlite3
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pytest
import requests
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from hotline import create_app
from hotline.core.catalog import load_catalog
from hotline.core.matcher import KeywordIndex
from hotline.core.toml_files import ContentError, default_messages_dir
from hotline.services import get_engine
from tests.conftest import CALLER, HOTLINE_NUMBER, PUBLIC_URL, TEST_SETTINGS, sign

FORM = "application/x-www-form-urlencoded"
CATALOG = load_catalog()
INDEX = KeywordIndex(CATALOG)
ACTIONS = {m.action for m in INDEX.meanings.values()} | {"empty", "unknown"}
WEBHOOKS = ("/sms", "/voice", "/voice/step?s=menu&l=es", "/twilio/message-status", "/twilio/call-status")
SMS = {"MessageSid": "SM" + "1" * 32, "AccountSid": TEST_SETTINGS["TWILIO_ACCOUNT_SID"], "From": CALLER,
       "To": HOTLINE_NUMBER, "Body": "DERECHOS", "NumMedia": "0"}
CALL = {"CallSid": "CA" + "2" * 32, "AccountSid": TEST_SETTINGS["TWILIO_ACCOUNT_SID"], "From": CALLER,
        "To": HOTLINE_NUMBER, "CallStatus": "in-progress", "Direction": "inbound"}

# Text as people and phones really send it: any Unicode (control, RTL and zero-width marks, emoji),
# weighted towards the characters that trip up normalisation.
TRICKY = st.sampled_from(["\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\ufeff", "\x00", "\r\n", "\t",
                          "🙏", "👩🏽‍⚖️", "¿", "¡", "ñ", "é", "\u0301", "<", "&", "]]>", "%", "+", " "])
CHARACTERS = st.characters(codec="utf-8")  # any character a text can carry (no lone surrogates)
ANY_TEXT = st.lists(st.one_of(CHARACTERS, TRICKY), max_size=40).map("".join) | st.text(CHARACTERS, max_size=1600)
SEPARATORS = st.lists(st.sampled_from([" ", "\u200b", "\u200f", "\u202e", "🙏", "!", "¿", "...", "\n", "\ufeff"]),
                      max_size=3).map("".join)


# -- the keyword matcher


@given(ANY_TEXT | st.text(st.characters()))
def test_the_matcher_never_raises_and_returns_a_well_formed_meaning(text):
    match = INDEX.match(text)
    assert match.action in ACTIONS
    assert (match.topic is not None) == (match.action == "topic")
    assert match.topic is None or match.topic in CATALOG.topics
    assert match.lang in (None, "en", "es")


@settings(max_examples=20)
@given(st.text(st.characters(), min_size=1500, max_size=1600))  # lone surrogates too: the matcher takes any str
def test_the_matcher_handles_the_longest_texts(text):
    assert INDEX.match(text).action in ACTIONS


@given(st.sampled_from(sorted((t.id, lang, word) for t in CATALOG.topics.values()
                              for lang, words in t.keywords.items() for word in words)),
       SEPARATORS, SEPARATORS, st.booleans())
def test_a_keyword_wrapped_in_marks_emoji_or_punctuation_still_finds_its_topic(case, before, after, lower):
    topic, _, word = case
    assert INDEX.match(before + (word.lower() if lower else word) + after).topic == topic


# -- the webhooks, through the app with correctly signed requests


def post_signed(client, path: str, pairs: list[tuple[str, str]]):
    """POST form pairs (names may repeat) signed exactly as Twilio signs them."""
    signature = sign(PUBLIC_URL + path, MultiDict(pairs))
    return client.post(path, data=urlencode(pairs), content_type=FORM, headers={"X-Twilio-Signature": signature})


def parse_twiml(response) -> ET.Element:
    """Check an answer Twilio accepts: 200, text/xml, at most 64 kB, root <Response>."""
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and len(response.data) <= 64_000
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


@pytest.fixture
def sms_texts(app) -> set[str]:
    """Every text the SMS channel may send: anything else would be made from the input."""
    with app.app_context():
        replies = get_engine().replies
    return {*(t for texts in replies.texts.values() for t in texts.values()), replies.bilingual_menu,
            *replies.first.values(), *(m for more in replies.more.values() for m in more)}


PARAM_NAMES = st.sampled_from(["Body", "From", "To", "MessageSid", "NumMedia", "MediaUrl0", "OptOutType"])
EXTRA_PARAMS = st.lists(st.tuples(PARAM_NAMES | st.text(CHARACTERS, min_size=1, max_size=12), ANY_TEXT), max_size=4)


@example(body="🙏" * 1600, drop=set(), extra=[], sender=2_000_001)  # 19 kB form-encoded: over the 16 kB limit
@example(body="¿Qué es 287(g)? " * 100, drop=set(), extra=[], sender=2_000_002)
@given(body=ANY_TEXT | st.text(CHARACTERS, min_size=1400, max_size=1600),
       drop=st.sets(st.sampled_from(["Body", "From", "To"])), extra=EXTRA_PARAMS,
       sender=st.integers(2_000_000, 9_999_999))
def test_any_signed_text_gets_wellformed_twiml_from_the_catalog(client, app, sms_texts, body, drop, extra, sender):
    pairs = [(k, v) for k, v in {**SMS, "From": f"+1307{sender}", "Body": body}.items() if k not in drop] + extra
    response = post_signed(client, "/sms", pairs)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics shows how often each came up
    if len(urlencode(pairs)) > app.config["MAX_CONTENT_LENGTH"]:
        assert response.status_code == 413 and response.data == b""
        return
    root = parse_twiml(response)
    messages = root.findall("Message")
    assert [m.tag for m in root] == ["Message"] * len(messages) and len(messages) <= 1
    assert all(m.text in sms_texts for m in messages)  # never the sender's own words or markup


@pytest.fixture
def spoken_lines(app) -> set[str]:
    """Every line the voice channel may say."""
    return {line for lines in app.services.script.lines.values() for line in lines}


QUERY_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
STEP_QUERY = st.fixed_dictionaries({}, optional={
    "s": st.sampled_from(["language", "menu", "after"]) | QUERY_VALUE, "l": st.sampled_from(["en", "es"]) | QUERY_VALUE,
    "t": st.sampled_from(sorted(CATALOG.topics)) | QUERY_VALUE, "n": QUERY_VALUE, "sent": QUERY_VALUE,
    "x": st.just("1")})


@given(query=STEP_QUERY, digits=st.text(CHARACTERS, max_size=4) | st.sampled_from(list("0123456789*#")),
       speech=ANY_TEXT, drop=st.sets(st.sampled_from(["Digits", "SpeechResult", "From"])), extra=EXTRA_PARAMS)
def test_any_signed_call_step_gets_wellformed_twiml_that_never_repeats_the_caller(
        client, fake_twilio, spoken_lines, query, digits, speech, drop, extra):
    path = "/voice/step" + ("?" + urlencode(query, quote_via=quote) if query else "")
    params = {**CALL, "Digits": digits, "SpeechResult": speech, "Confidence": "0.5"}
    root = parse_twiml(post_signed(client, path, [(k, v) for k, v in params.items() if k not in drop] + extra))
    assert {e.tag for e in root.iter()} <= {"Response", "Say", "Pause", "Gather", "Redirect", "Hangup"}
    assert all(say.text in spoken_lines for say in root.iter("Say"))
    for url in [g.get("action") for g in root.iter("Gather")] + [r.text for r in root.iter("Redirect")]:
        assert url.startswith(PUBLIC_URL + "/voice/step?") and url.isascii()


# -- malformed requests: each gets its intended status with an empty body, before any signature check


def signed_headers(path: str, params: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": sign(PUBLIC_URL + path, params)}


MALFORMED = [  # (method, path, content type, body, status), none of them signed
    ("GET", "/sms", None, None, 405),
    ("PUT", "/voice", FORM, "From=%2B13075550123", 405),
    ("DELETE", "/voice/step", None, None, 405),
    ("POST", "/sms", "application/json", '{"Body": "RIGHTS"}', 415),
    ("POST", "/sms", "text/plain", "Body=RIGHTS", 415),
    ("POST", "/voice", "multipart/form-data; boundary=x", "--x--", 415),
    ("POST", "/sms", None, "Body=RIGHTS", 415),
    ("POST", "/sms", FORM + "; charset=ISO-8859-1", "Body=RIGHTS", 415),
    ("POST", "/sms", FORM, "Body=%ZZRIGHTS", 400),
    ("POST", "/sms", FORM, "Body=RIGHTS%", 400),
    ("POST", "/voice", FORM, "Digits=%E", 400),
    ("POST", "/sms", FORM, "Body=%C3%28", 400),  # not UTF-8 once decoded
    ("POST", "/sms", FORM, b"Body=\xff\xfe", 400),  # raw bytes that are not UTF-8
    ("POST", "/voice/step?s=menu&l=%FF", FORM, "Digits=1", 400),
    ("POST", "/sms", FORM, "Body=" + "A" * 33_000, 413),
    ("POST", "/sms", FORM, urlencode(SMS), 403),  # no signature at all
]


@pytest.mark.parametrize(("method", "path", "content_type", "body", "status"), MALFORMED)
def test_a_malformed_request_gets_its_status_and_an_empty_body(client, method, path, content_type, body, status):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(path, method=method, data=body, headers=headers)
    assert response.status_code == status
    assert response.data == b""


@pytest.mark.parametrize("path", WEBHOOKS)
@pytest.mark.parametrize(("content_type", "body", "status"), [
    ("application/json", "{}", 415), (FORM, "From=%G0", 400), (FORM, "x=" + "9" * 33_000, 413)])
def test_every_webhook_refuses_malformed_bodies_even_when_signed(client, path, content_type, body, status):
    response = client.post(path, data=body, content_type=content_type, headers=signed_headers(path, {}))
    assert (response.status_code, response.data) == (status, b"")


def test_a_wrong_method_names_the_allowed_one(client):
    assert "POST" in client.get("/sms").headers["Allow"].split(", ")


def test_errors_elsewhere_keep_their_pages(client):
    assert client.get("/no-such-page").status_code == 404
    assert client.post("/").status_code == 405 and "Allow" in client.post("/").headers


@pytest.mark.parametrize(("signed_url", "signed_params"), [
    ("http://hotline.example.org/sms", SMS),  # Twilio signs the https URL
    ("https://other.example.org/sms", SMS),
    (PUBLIC_URL + "/voice", SMS),
    (PUBLIC_URL + "/sms?x=1", SMS),
    (PUBLIC_URL + "/sms", {**SMS, "Body": "RIGHTS"}),  # the text was changed on the way
    (PUBLIC_URL + "/sms", {k: v for k, v in SMS.items() if k != "From"}),
    (PUBLIC_URL + "/sms", {**SMS, "Extra": "1"}),
])
def test_a_signature_over_another_url_or_other_params_is_refused(client, signed_url, signed_params):
    response = client.post("/sms", data=SMS, headers={"X-Twilio-Signature": sign(signed_url, signed_params)})
    assert (response.status_code, response.data) == (403, b"")


def test_a_signature_with_the_default_port_is_accepted(client):
    signature = sign("https://hotline.example.org:443/sms", SMS)
    assert client.post("/sms", data=SMS, headers={"X-Twilio-Signature": signature}).status_code == 200


@pytest.mark.parametrize(("path", "params"), [("/sms", SMS), ("/voice", CALL),
                                              ("/voice/step?s=menu&l=es", {**CALL, "Digits": "3"})])
def test_a_replayed_request_is_answered_again_identically(client, path, params):
    # Twilio retries a webhook it got no answer from: the same request must get the same answer.
    first, again = (client.post(path, data=params, headers=signed_headers(path, params)) for _ in range(2))
    assert first.status_code == again.status_code == 200
    assert first.data == again.data and ET.fromstring(first.data).find(".//*") is not None


# -- faults


def reply_of(response) -> str | None:
    root = parse_twiml(response)
    return root.find("Message").text if root.find("Message") is not None else None


def test_an_unreachable_database_still_gets_every_text_answered_quickly(settings):
    settings["DATABASE_URL"] = "postgresql://hotline:secret@127.0.0.1:1/hotline"  # nothing listens on port 1
    app = create_app(settings)
    client = app.test_client()
    with app.app_context():
        expected = get_engine().replies.first["rights", "es"]
    for i in range(5):
        started = time.monotonic()
        params = {**SMS, "From": f"+130755502{i:02d}"}
        response = client.post("/sms", data=params, headers=signed_headers("/sms", params))
        assert reply_of(response) == expected
        assert time.monotonic() - started < 1.0
    call = client.post("/voice", data=CALL, headers=signed_headers("/voice", CALL))
    assert parse_twiml(call).find("Gather") is not None


def test_a_locked_database_costs_one_slow_answer_then_none(app, settings):
    path = settings["DATABASE_URL"].removeprefix("sqlite:///")
    client = app.test_client()
    post = lambda params: client.post("/sms", data=params, headers=signed_headers("/sms", params))  # noqa: E731
    assert post(SMS).status_code == 200  # tables exist, connection pooled
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock: the database hangs
    try:
        timings = []
        for i in range(4):
            started = time.monotonic()
            params = {**SMS, "From": f"+130755503{i:02d}"}
            assert reply_of(post(params)) is not None
            timings.append(time.monotonic() - started)
    finally:
        blocker.rollback()
        blocker.close()
    assert timings[0] < 5  # waits out the 2 s lock timeout once, well inside Twilio's 15 s
    assert max(timings[1:]) < 0.5  # then the hotline stops waiting on the database for a while


@pytest.mark.parametrize("failure", [requests.exceptions.ReadTimeout("read timed out"),
                                     requests.exceptions.ConnectionError("connection refused")])
def test_twilio_down_or_slow_for_text_me_this_lets_the_call_go_on(client, fake_twilio, failure):
    fake_twilio.raise_next(failure)
    path, params = "/voice/step?s=after&l=es&t=rights", {**CALL, "Digits": "9"}
    started = time.monotonic()
    root = parse_twiml(client.post(path, data=params, headers=signed_headers(path, params)))
    assert time.monotonic() - started < 1.0
    assert len(fake_twilio.messages) == 1  # it tried
    gather = root.find("Gather")
    assert gather is not None and "sent=" not in gather.get("action")  # the menu goes on; may try again


@pytest.mark.parametrize(("damage", "named"), [
    (lambda d: (d / "hotline.toml").unlink(), "hotline.toml"),
    (lambda d: (d / "voice.toml").unlink(), "voice.toml"),
    (lambda d: (d / "hotline.toml").write_text("[en\nmenu = 'x'"), "hotline.toml"),
    (lambda d: (d / "topics" / "rights.toml").write_bytes(b"\xff\xfe not toml"), "rights.toml"),
    (lambda d: (d / "topics" / "rights.toml").write_text('reviewed = 2026-01-01\nsources = ["x"]\n'), "rights.toml"),
    (lambda d: [p.unlink() for p in (d / "topics").glob("*.toml")], "topics"),
])
def test_missing_or_corrupt_messages_stop_the_app_naming_the_file(settings, tmp_path, damage, named):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages)
    damage(messages)
    settings["HOTLINE_MESSAGES_DIR"] = str(messages)
    with pytest.raises(ContentError, match=named.replace(".", r"\.")):
        create_app(settings)
