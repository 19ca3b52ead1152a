"""Two app instances (two gunicorn masters, as two dynos are) on one real PostgreSQL.

Signed texts go to both at once. Every answer must be right; the per-sender limit must hold for a
conversation that hops between instances (its count travels in the signed cookie Twilio keeps);
the daily total must cap the replies of both together exactly; and after a SIGTERM to both, the
shared usage counters must hold every text.
"""

from __future__ import annotations

import socket
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import create_engine, pool, select

from bench.mix import Sample, close_app, make_app, sms_samples
from bench.servers import start_server, stop_servers
from hotline.edges.storage import database as db
from hotline.services import get_engine
from tests.conftest import empty_postgres_url

SENDER_LIMIT = 5  # HOTLINE_SMS_LIMIT for one conversation
BURST = 6100  # texts from as many senders, to both instances at once
CAP = SENDER_LIMIT + 6000  # HOTLINE_SMS_DAILY_TOTAL: the burst goes 100 over it
THREADS = 4
TIMEOUT_S = 15  # Twilio's budget for one answer


@pytest.fixture(scope="module")
def postgres_url() -> str:
    return empty_postgres_url("test two instances on PostgreSQL")


def post(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request on its own connection; return status, headers (lower-case names) and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as connection:
        connection.sendall(request)
        reader = connection.makefile("rb")
        status, headers = int(reader.readline().split()[1]), {}
        for _ in range(100):  # bounded
            line = reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, reader.read(int(headers["content-length"]))


def message(body: bytes) -> str | None:
    """Return the one SMS text of a TwiML reply, or None for an empty <Response/>."""
    root = ET.fromstring(body)
    assert root.tag == "Response"
    found = root.find("Message")
    return None if found is None else found.text


def conversation_text(text: str, cookie: str | None) -> Sample:
    """One text of a single sender's conversation, with the cookie Twilio would send back."""
    params = (("MessageSid", "SM" + "7" * 32), ("AccountSid", "AC" + "0" * 32), ("From", "+13075550177"),
              ("To", "+13075550100"), ("Body", text), ("NumMedia", "0"))
    return Sample("sms", "/sms", params, cookie, "")


def test_two_instances_share_limits_totals_and_counters(tmp_path, postgres_url):
    app = make_app(tmp_path)
    with app.app_context():
        replies = get_engine().replies
    burst = list(sms_samples(app, BURST, 6))  # each from its own number, each with the answer it must get
    close_app(app)
    settings = {"HOTLINE_SMS_LIMIT": str(SENDER_LIMIT), "HOTLINE_SMS_DAILY_TOTAL": str(CAP)}
    servers = [start_server("hotline", tmp_path / name, postgres_url, settings) for name in ("a", "b")]
    try:
        # One conversation hops between the instances, as Twilio's requests may: the limit holds.
        said, cookie = [], None
        for n, text in enumerate(["RIGHTS", "MORE", "MORE", "DETAINER", "MORE", "MORE", "RIGHTS"]):
            status, headers, body = post(servers[n % 2].port, conversation_text(text, cookie).encode())
            assert status == 200
            said.append(message(body))
            if "set-cookie" in headers:
                cookie = SimpleCookie(headers["set-cookie"])["session"].value
        assert said == [replies.first["rights", "en"], *replies.more["rights", "en"][:2],
                        replies.first["detainer", "en"], replies.more["detainer", "en"][0],
                        replies.texts["en"]["rate_limited"], None]

        # Many senders at once, on both instances: every answer right until the daily total, then none.
        answers: dict[int, tuple[int, bytes]] = {}

        def work(first: int) -> None:
            for k in range(first, BURST, THREADS):  # bounded
                status, _, body = post(servers[k % 2].port, burst[k].encode())
                answers[k] = (status, body)

        threads = [threading.Thread(target=work, args=(first,)) for first in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        stop_servers(servers)  # SIGTERM to both at once, as a deploy does: each worker writes what it still counts
    assert len(answers) == BURST and {status for status, _ in answers.values()} == {200}
    right = sum(body == burst[k].expected.encode() for k, (_, body) in answers.items())
    silent = sum(message(body) is None for _, body in answers.values())
    assert (right, silent) == (CAP - SENDER_LIMIT, BURST - (CAP - SENDER_LIMIT))  # exactly the cap, both together

    engine = create_engine(db.normalise_url(postgres_url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        rows = connection.execute(select(db.usage.c.outcome, db.usage.c.count).where(db.usage.c.channel == "sms"))
        outcomes = Counter()
        for outcome, count in rows:
            outcomes[outcome] += count
    engine.dispose()
    assert sum(outcomes.values()) == BURST + 7  # every text counted, by one instance or the other
    assert outcomes["rate_limited"] == 2 and outcomes["daily_total_reached"] == BURST - (CAP - SENDER_LIMIT)
