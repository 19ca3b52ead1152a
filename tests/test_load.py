"""A bounded load test on loopback: 20,000 signed texts and calls to the app run as the Procfile runs it.

Every answer is checked (status, TwiML, the exact reply, its topic and language); nothing may be
dropped. Then the server is stopped as a deploy stops it, and the usage counters, which each worker
adds up in memory and writes in batches, must hold every single request.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from bench.mix import Sample, build_mix, make_app
from bench.servers import start_server, stop_server
from hotline.services import get_engine

REQUESTS = 20_000
THREADS = 4
DEADLINE_S = 120  # a hard stop, far above the ~30 s this takes on 2 cores
TIMEOUT_S = 15  # Twilio's budget for one answer


def send(port: int, request: bytes) -> tuple[int, bytes]:
    """Send one request on its own connection and return the status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as connection:
        connection.sendall(request)
        reader = connection.makefile("rb")
        status = int(reader.readline().split()[1])
        length = None
        for _ in range(100):  # headers: bounded
            line = reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, reader.read(length) if length is not None else reader.read()


def drive(port: int, samples: list[Sample], encoded: list[bytes]) -> tuple[dict[int, tuple[int, bytes]], list[str]]:
    """Send REQUESTS requests from THREADS threads, cycling through the samples; collect every answer."""
    answers: dict[int, tuple[int, bytes]] = {}
    failures: list[str] = []
    deadline = time.monotonic() + DEADLINE_S

    def work(first: int) -> None:
        for k in range(first, REQUESTS, THREADS):  # bounded by REQUESTS
            if time.monotonic() > deadline:
                failures.append(f"deadline reached before request {k}")
                return
            try:
                answers[k] = send(port, encoded[k % len(samples)])
            except OSError as error:
                failures.append(f"request {k}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=work, args=(first,)) for first in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_S + TIMEOUT_S)
    return answers, failures


@pytest.fixture(scope="module")
def meanings(tmp_path_factory) -> dict[str, tuple[str | None, str | None]]:
    """Map every SMS text the hotline sends to its (topic, language)."""
    app = make_app(tmp_path_factory.mktemp("meanings"))
    with app.app_context():
        replies = get_engine().replies
    found = {replies.bilingual_menu: (None, None)}
    found |= {text: (None, lang) for lang, texts in replies.texts.items() for text in texts.values()}
    found |= {text: key for key, text in replies.first.items()}
    found |= {text: key for key, texts in replies.more.items() for text in texts}
    app.services.storage.engine.dispose()
    return found


def check_meaning(sample: Sample, body: bytes, meanings: dict) -> str | None:
    """Say what is wrong with an answer's topic or language, or None."""
    root = ET.fromstring(body)
    if root.tag != "Response":
        return "root is not <Response>"
    if sample.channel == "sms":
        message = root.find("Message")
        if message is None or meanings.get(message.text) != (sample.topic, sample.lang):
            return f"SMS answer is not about {sample.topic} in {sample.lang}"
        return None
    says = list(root.iter("Say"))
    if sample.lang and {say.get("language", "")[:2] for say in says} != {sample.lang}:
        return f"call answer is not in {sample.lang}"
    if sample.topic and not any(f"t={sample.topic}" in (g.get("action") or "") for g in root.iter("Gather")):
        return f"call answer does not go on from {sample.topic}"
    return None


def test_every_one_of_20000_signed_requests_is_answered_right_and_counted(tmp_path, meanings):
    samples = build_mix("mixed", "hotline")  # 3 texts to 1 call step; every text from its own number
    encoded = [sample.encode() for sample in samples]
    server = start_server("hotline", tmp_path / "server")
    try:
        started = time.monotonic()
        answers, failures = drive(server.port, samples, encoded)
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)  # SIGTERM, as a deploy does: the workers write their last counts
    assert failures == [] and len(answers) == REQUESTS, failures[:5]
    wrong = Counter()
    for k, (status, body) in answers.items():
        sample = samples[k % len(samples)]
        if status != 200:
            wrong[f"status {status}"] += 1
        elif body != sample.expected.encode():
            wrong["not the expected TwiML"] += 1
        elif problem := check_meaning(sample, body, meanings):
            wrong[problem] += 1
    assert not wrong, dict(wrong)
    sent = Counter(samples[k % len(samples)].channel for k in range(REQUESTS))
    with sqlite3.connect(tmp_path / "server" / "hotline.db") as database:
        counted = dict(database.execute("SELECT channel, SUM(count) FROM usage_daily GROUP BY channel"))
    assert counted == dict(sent), f"counted {counted}, sent {dict(sent)} in {elapsed:.1f} s"
