"""The app started exactly as the Procfile says answers signed texts and refuses forged ones."""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import AUTH_TOKEN, sign

ROOT = Path(__file__).parent.parent
PUBLIC_URL = "https://hotline.example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(port: int) -> list[str]:
    """Read the web process from the Procfile, with $PORT filled in."""
    line = next(li for li in (ROOT / "Procfile").read_text().splitlines() if li.startswith("web:"))
    args = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    args[0] = str(Path(sys.executable).parent / args[0])  # the venv's gunicorn
    return args


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "HOTLINE_SECRET_KEY": "procfile-test-secret-0123456789", "HOTLINE_PUBLIC_URL": PUBLIC_URL,
           "HOTLINE_ENV": "production", "WEB_CONCURRENCY": "2", "HOTLINE_ORG_NAME": "Example Rights Project",
           "HOTLINE_REFERRAL": "Example Legal Aid, (307) 555-0199",
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'hotline.db'}"}
    # Run from a folder with only what the Procfile needs: no developer's .env.
    run_dir = tmp_path_factory.mktemp("run")
    shutil.copy(ROOT / "gunicorn.conf.py", run_dir)
    process = subprocess.Popen(procfile_command(port), cwd=run_dir, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode())
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=15)
    process.stdout.close()


def post_sms(base: str, body: str, signature: str):
    params = {"From": "+13075550123", "To": "+13075550100", "Body": body, "MessageSid": "SM" + "3" * 32}
    request = urllib.request.Request(base + "/sms", data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": signature(params)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_signed_derechos_gets_spanish_rights(server):
    status, content_type, body = post_sms(server, "DERECHOS", lambda p: sign(PUBLIC_URL + "/sms", p))
    assert status == 200 and content_type.startswith("text/xml")
    assert "<Message>" in body and "guardar silencio" in body  # the Spanish rights answer


def test_forged_request_gets_403(server):
    status, _, body = post_sms(server, "DERECHOS", lambda p: sign(PUBLIC_URL + "/sms", p, token="forged"))
    assert status == 403 and body == ""


def test_signed_call_gets_the_language_menu(server):
    params = {"CallSid": "CA" + "4" * 32, "From": "+13075550123", "To": "+13075550100", "CallStatus": "ringing"}
    request = urllib.request.Request(server + "/voice", data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": sign(PUBLIC_URL + "/voice", params)})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    assert response.status == 200 and "<Gather" in body
    assert 'language="en-US"' in body and 'language="es-' in body  # "For English, press 1. Para español, oprima 2."


def test_slow_clients_do_not_starve_the_workers(server):
    # Two clients trickle a body a byte at a time (as WEB_CONCURRENCY=2 sync workers, they held both).
    host, port = server.removeprefix("http://").split(":")
    slow = []
    for _ in range(2):
        client = socket.create_connection((host, int(port)), timeout=30)
        client.sendall(b"POST /sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       b"Content-Length: 2000\r\n\r\nBody=")
        slow.append(client)
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # keep them trickling while a real text comes in
            for client in slow:
                client.sendall(b"x")
            time.sleep(0.2)
            if time.monotonic() > deadline - 2:
                break
        started = time.monotonic()
        status, _, body = post_sms(server, "RIGHTS", lambda p: sign(PUBLIC_URL + "/sms", p))
        assert status == 200 and "<Message>" in body
        assert time.monotonic() - started < 2  # answered at once, not after the slow ones
    finally:
        for client in slow:
            client.close()


def test_a_body_that_stops_arriving_is_given_up(server):
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as client:
        client.sendall(b"POST /sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       b"Content-Length: 1000\r\n\r\nBody=x")
        started = time.monotonic()
        client.recv(1024)  # the server closes (or answers) once the body read times out
        assert time.monotonic() - started < 8  # the 5-second body-read timeout, not the 10-second worker kill
