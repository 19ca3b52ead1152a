"""A chunked webhook body is held to the same size limit as one with a Content-Length: 413, not a cut-short 200."""

import http.client
from urllib.parse import urlencode

import pytest

from hotline import create_app
from hotline.edges.printing import serve_app
from tests.conftest import PUBLIC_URL, TEST_SETTINGS, sign

PARAMS = {"From": "+13075550123", "To": "+13075550100", "Body": "RIGHTS", "MessageSid": "SM" + "1" * 32}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('c') / 'h.db'}"})
    with serve_app(app) as base:
        yield base, int(app.config["MAX_CONTENT_LENGTH"])


def post_chunked(base: str, body: bytes, signature: str) -> int:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/sms")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("X-Twilio-Signature", signature)
    connection.endheaders()
    for start in range(0, len(body), 4096):
        chunk = body[start:start + 4096]
        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    connection.send(b"0\r\n\r\n")
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_small_chunked_text_is_answered(base):
    url, _ = base
    assert post_chunked(url, urlencode(PARAMS).encode(), sign(PUBLIC_URL + "/sms", PARAMS)) == 200


def test_an_oversized_chunked_body_signed_over_what_fits_is_refused(base):
    url, limit = base
    body = urlencode(PARAMS).encode() + b"&Pad=" + b"x" * (2 * limit)
    # The sender signs the part that fits: what the server would read before stopping at the limit.
    fits = dict(PARAMS, Pad="x" * (limit - len(urlencode(PARAMS)) - len("&Pad=")))
    assert post_chunked(url, body, sign(PUBLIC_URL + "/sms", fits)) == 413
