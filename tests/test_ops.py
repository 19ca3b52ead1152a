"""Operations: /healthz, one privacy-safe log line per request, and the app under gunicorn."""

from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import g

from hotline import create_app
from hotline.edges.request_log import mask_number
from tests.conftest import CALLER, TEST_SETTINGS, TwilioClient

ROOT = Path(__file__).parent.parent
DIGITS = CALLER.removeprefix("+")  # the number must not appear, with or without +
BODIES = ("DERECHOS", "MORE", "my name is Maria Lopez and I live on Elm Street")


def request_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hotline.requests"]


# -- /healthz


def test_healthz_answers_200_without_auth(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.is_json
    # The list's state is reported beside the checks, never as one (tests/test_agreements_update.py).
    assert {k: v for k, v in response.json.items() if k != "agreements"} == {
        "status": "ok", "checks": {"content": True, "database": True}}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("broken", ["database", "content"])
def test_healthz_answers_503_fast_when_something_is_down(settings, tmp_path, broken):
    if broken == "database":
        settings["DATABASE_URL"] = "postgresql://hotline@127.0.0.1:1/hotline"  # nothing listens there
    app = create_app(settings)
    if broken == "content":
        app.services.engine = None  # as if the words had not loaded
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    assert response.json["checks"] == {"content": broken != "content", "database": broken != "database"}


# -- the per-request log line


def test_one_line_per_request_and_no_number_or_body(twilio, caplog):
    caplog.set_level(logging.INFO)
    for body in BODIES:
        assert twilio.sms(body).status_code == 200
    lines = request_lines(caplog)
    assert len(lines) == len(BODIES)
    assert all(line.startswith("method=POST path=/sms status=200 ms=") for line in lines)
    for secret in (CALLER, DIGITS, *BODIES, "Maria", "SM" + "1" * 32):
        assert secret not in caplog.text


@pytest.fixture
def routes(app):
    """Views standing in for the real ones: one sets g.event, one fails."""
    @app.post("/test-event")
    def test_event():
        g.event = json.loads(app.test_event)
        return "", 204

    @app.post("/test-boom")
    def test_boom():
        raise ValueError(f"cannot parse {CALLER}: {BODIES[2]}")

    return app


@pytest.mark.parametrize(("event", "logged"), [
    ({"channel": "sms", "topic": "287g", "lang": "es", "outcome": "answered"},
     " channel=sms topic=287g lang=es outcome=answered"),
    ({"channel": "voice", "topic": None, "outcome": "menu"}, " channel=voice outcome=menu"),
    ({"topic": CALLER}, " topic=?"),
    ({"topic": DIGITS}, " topic=?"),
    ({"outcome": BODIES[2]}, " outcome=?"),
    ({"outcome": "answered\nmethod=GET"}, " outcome=?"),
    ({"from": CALLER, "body": BODIES[2]}, ""),  # only the four known keys are logged
])
def test_event_fields_are_logged_only_when_they_are_identifiers(routes, client, caplog, event, logged):
    caplog.set_level(logging.INFO)
    routes.test_event = json.dumps(event)
    client.post("/test-event?From=%2B13075550123", data={"From": CALLER, "Body": BODIES[2]})
    [line] = request_lines(caplog)
    assert line.startswith("method=POST path=/test-event status=204 ms=") and line.endswith(logged)
    assert DIGITS not in caplog.text and "Maria" not in caplog.text


def test_errors_name_the_exception_and_route_but_not_the_data(routes, client, caplog):
    routes.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: log it, answer 500
    response = client.post("/test-boom", data={"From": CALLER, "Body": BODIES[2]})
    assert response.status_code == 500
    assert "ValueError" in caplog.text and "/test-boom" in caplog.text and "test_boom" in caplog.text
    [line] = request_lines(caplog)
    assert line.startswith("method=POST path=/test-boom status=500 ms=") and line.endswith(" error=ValueError")
    assert DIGITS not in caplog.text and "Maria" not in caplog.text


@pytest.mark.parametrize(("number", "masked"), [
    ("+13075550123", "+1******0123"),
    ("+442071838750", "+4*******8750"),
    ("anonymous", "***"),
    ("client:alice", "***"),
    ("+266696687", "+2****6687"),
    ("", "***"),
])
def test_mask_number(number, masked):
    assert mask_number(number) == masked


@pytest.mark.parametrize(("flag", "shown"), [("true", "from=+1******0123"), ("false", None)])
def test_numbers_appear_masked_only_when_debugging(tmp_path, caplog, flag, shown):
    caplog.set_level(logging.INFO)
    app = create_app({**TEST_SETTINGS, "HOTLINE_DEBUG_NUMBERS": flag,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}"})
    TwilioClient(app.test_client()).sms("RIGHTS")
    [line] = request_lines(caplog)
    assert (shown in line) if shown else ("from=" not in line)
    assert DIGITS not in caplog.text


# -- gunicorn with the shipped configuration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_gunicorn_with_the_shipped_config_answers_healthz(tmp_path):
    procfile = (ROOT / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:")).removeprefix("web:")
    assert "-c gunicorn.conf.py" in web
    args = shlex.split(web)
    args[0] = str(Path(sys.executable).parent / args[0])  # the venv's gunicorn
    shutil.copy(ROOT / "gunicorn.conf.py", tmp_path)  # a deployment has it beside the Procfile; no .env
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "HOTLINE_ENV": "production",
           "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "gunicorn-test-token-0123456789",
           "HOTLINE_SECRET_KEY": "gunicorn-test-secret-0123456789", "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
           "HOTLINE_ORG_NAME": "Example Rights Project", "HOTLINE_REFERRAL": "Example Legal Aid",
           "HOTLINE_DELETE_TWILIO_RECORDS": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}"}
    process = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert get(f"http://127.0.0.1:{port}/no-such-page?From=%2B{DIGITS}")[0] == 404
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert output.count("Booting worker") == 2
    assert "method=GET path=/no-such-page status=404" in output and DIGITS not in output


def test_request_log_line_names_channel_topic_language_and_outcome(twilio, caplog):
    caplog.set_level("INFO", logger="hotline.requests")
    twilio.sms("DERECHOS")
    line = [r.getMessage() for r in caplog.records if r.name == "hotline.requests"][-1]
    for field in ("channel=sms", "topic=rights", "lang=es", "outcome=answered", "status=200"):
        assert field in line
