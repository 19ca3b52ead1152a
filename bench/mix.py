"""The traffic: correctly signed Twilio requests in a realistic mix, each with the answer it must get.

Expected SMS answers come from the conversation rules themselves (pure functions, no HTTP), and
each case says what it means to test (topic, language, outcome), so a content change that makes
a case test something else stops the benchmark instead of silently measuring another path.
Expected voice answers come from the app in-process, checked for the intended topic and language.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from twilio.request_validator import RequestValidator

from hotline import create_app
from hotline.core.sms_flow import State, converse
from hotline.edges.storage.stats import flush_counts
from hotline.edges.twiml import message_twiml
from hotline.services import get_engine

from .bare_app import REPLY as BARE_REPLY
from .cases import SMS_CASES, VOICE_CASES
from .peer_mix import for_peer

SETTINGS = {  # production mode: signatures checked, secrets required
    "HOTLINE_ENV": "production",
    "HOTLINE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
    "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789abcdef",
    "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
    "HOTLINE_NUMBER": "+13075550100",
    "HOTLINE_ORG_NAME": "Example Rights Project",
    "HOTLINE_REFERRAL": "Example Legal Aid, (307) 555-0199",
}
ACCOUNT_SID = "AC" + "0" * 32  # only sent as a parameter: no REST call is ever made


@dataclass(frozen=True)
class Sample:
    channel: str  # "sms" or "voice"
    path: str  # with its query string
    params: tuple[tuple[str, str], ...]
    cookie: str | None  # the signed Flask session cookie Twilio would send back
    expected: str  # the exact TwiML body the hotline must answer
    topic: str | None = None  # what that answer is about, and in which language
    lang: str | None = None
    state: dict | None = None  # the conversation the cookie carries (lang, topic), for the peer's own cookie
    signature_base: str = SETTINGS["HOTLINE_PUBLIC_URL"]  # the URL the app checks the signature over

    def encode(self) -> bytes:
        """Render the raw HTTP request, signed exactly as Twilio signs it."""
        body = urlencode(self.params).encode()
        signature = RequestValidator(SETTINGS["TWILIO_AUTH_TOKEN"]).compute_signature(
            self.signature_base + self.path, dict(self.params))
        headers = [f"POST {self.path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: TwilioProxy/1.1",
                   "Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}",
                   f"X-Twilio-Signature: {signature}"]
        if self.cookie:
            headers.append(f"Cookie: session={self.cookie}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def make_app(directory: Path) -> Flask:
    """Create the hotline in-process with the benchmark's settings, on a throwaway database."""
    app = create_app({**SETTINGS, "DATABASE_URL": f"sqlite:///{directory / 'expected.db'}"})
    logging.getLogger("hotline.requests").setLevel(logging.WARNING)  # these requests only find the answers
    return app


def close_app(app: Flask) -> None:
    """Write an in-process app's counts into its throwaway database and let go of it, timer included."""
    with app.app_context():
        flush_counts()
    if app.services.pending.timer is not None:  # it would write to the database after it is gone
        app.services.pending.timer.cancel()
    app.services.storage.engine.dispose()


def make_number(series: int, index: int) -> str:
    """Return a distinct caller number, so no sender reaches the per-sender limit in a run."""
    return f"+1307{series}{index:06d}"


def sms_samples(app: Flask, count: int, series: int) -> Iterator[Sample]:
    """Yield `count` texts cycling through SMS_CASES, each from its own number."""
    serializer = app.session_interface.get_signing_serializer(app)
    with app.app_context():
        engine = get_engine()
        expected = {}
        for text, cookie, outcome, topic, lang in SMS_CASES:
            state = State.from_cookie(cookie or {}, engine.catalog.topics, engine.catalog.languages.codes)
            reply, _ = converse(text, state, engine.index, engine.replies)
            if (reply.outcome, reply.topic, reply.lang) != (outcome, topic, lang):
                raise AssertionError(f"bench case {text!r} now means {reply}, not {(outcome, topic, lang)}")
            expected[text, str(cookie)] = message_twiml(reply.text)
    for i in range(count):
        text, cookie, _, topic, lang = SMS_CASES[i % len(SMS_CASES)]
        params = (("ToCountry", "US"), ("SmsMessageSid", f"SM{series}{i:031x}"), ("NumMedia", "0"),
                  ("SmsSid", f"SM{series}{i:031x}"), ("Body", text), ("To", SETTINGS["HOTLINE_NUMBER"]),
                  ("NumSegments", "1"), ("MessageSid", f"SM{series}{i:031x}"), ("AccountSid", ACCOUNT_SID),
                  ("From", make_number(series, i)), ("FromCountry", "US"), ("ApiVersion", "2010-04-01"))
        yield Sample("sms", "/sms", params, serializer.dumps(cookie) if cookie else None,
                     expected[text, str(cookie)], topic, lang, cookie)


def voice_samples(app: Flask, count: int, series: int) -> Iterator[Sample]:
    """Yield `count` voice-menu steps cycling through VOICE_CASES, each from its own call."""
    client, expected = app.test_client(), {}
    for path, extra, _outcome, topic, lang in VOICE_CASES:
        sample = make_voice_sample(path, extra, 0, series)
        response = client.post(path, data=dict(sample.params), headers={
            "X-Twilio-Signature": RequestValidator(SETTINGS["TWILIO_AUTH_TOKEN"]).compute_signature(
                SETTINGS["HOTLINE_PUBLIC_URL"] + path, dict(sample.params))})
        if response.status_code != 200:
            raise AssertionError(f"bench voice case {path} {extra} got {response.status_code}")
        check_voice(app, response.get_data(as_text=True), topic, lang)
        expected[path, str(extra)] = response.get_data(as_text=True)
    for i in range(count):
        path, extra, _, topic, lang = VOICE_CASES[i % len(VOICE_CASES)]
        yield dataclasses.replace(make_voice_sample(path, extra, i, series), expected=expected[path, str(extra)],
                                  topic=topic, lang=lang)


def make_voice_sample(path: str, extra: dict, i: int, series: int) -> Sample:
    params = (("AccountSid", ACCOUNT_SID), ("ApiVersion", "2010-04-01"), ("CallSid", f"CA{series}{i:031x}"),
              ("CallStatus", "in-progress"), ("Called", SETTINGS["HOTLINE_NUMBER"]), ("Caller", make_number(series, i)),
              ("Direction", "inbound"), ("From", make_number(series, i)), ("To", SETTINGS["HOTLINE_NUMBER"]),
              *extra.items())
    return Sample("voice", path, params, None, "")


def check_voice(app: Flask, twiml: str, topic: str | None, lang: str | None) -> None:
    """Check an expected voice answer speaks the intended language and plays the intended topic."""
    root = ET.fromstring(twiml)
    languages = {say.get("language", "")[:2] for say in root.iter("Say")}
    if root.tag != "Response" or (lang and languages != {lang}):
        raise AssertionError(f"bench voice answer is not in {lang}: {twiml[:200]}")
    if topic:
        first_line = app.services.script.lines[lang, f"topic:{topic}"][0]
        if first_line not in {say.text for say in root.iter("Say")}:
            raise AssertionError(f"bench voice answer does not play {topic}: {twiml[:200]}")


def build_mix(scenario: str, target: str) -> list[Sample]:
    """Build a scenario's requests ("sms": texts only; "mixed": 3 texts to 1 voice step) for a target.

    Targets: "hotline", "tutorial" (the peer: its own cookie, signature base and answers) or "bare".
    """
    with tempfile.TemporaryDirectory() as directory:
        app = make_app(Path(directory))
        try:
            if scenario == "sms":
                samples = list(sms_samples(app, 4000, 2))
            else:
                texts, steps = list(sms_samples(app, 3000, 3)), list(voice_samples(app, 1000, 4))
                samples = [s for i in range(1000) for s in (*texts[3 * i:3 * i + 3], steps[i])]
            if target == "tutorial":
                samples = for_peer(samples, app, Path(directory))
        finally:
            close_app(app)
    if target == "bare":  # the bare app ignores signatures and cookies and always says the same
        samples = [dataclasses.replace(s, expected=BARE_REPLY) for s in samples]
    return samples
