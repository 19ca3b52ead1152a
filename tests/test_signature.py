"""Twilio request signatures: the published example, forgeries, and the proxy case."""

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, PUBLIC_URL, TwilioClient, sign

SMS = {"From": "+13075550123", "To": "+13075550100", "Body": "DERECHOS", "MessageSid": "SM" + "2" * 32}


def test_twilio_published_example():
    # From Twilio's security documentation: this exact signature must come out.
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert RequestValidator("12345").compute_signature(url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert RequestValidator("12345").validate(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


def post(client, signature: str | None, params=SMS, path="/sms"):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post(path, data=params, headers=headers)


def test_valid_signature_is_answered(client):
    response = post(client, sign(PUBLIC_URL + "/sms", SMS))
    assert response.status_code == 200 and "Tiene derecho" in response.get_data(as_text=True)


@pytest.mark.parametrize(("case", "signature"), [
    ("missing", None),
    ("empty", ""),
    ("garbage", "not-a-signature"),
    ("wrong token", sign(PUBLIC_URL + "/sms", SMS, token="some-other-token")),
    ("wrong host", sign("https://evil.example.com/sms", SMS)),
    ("http not https", sign(PUBLIC_URL.replace("https", "http") + "/sms", SMS)),
    ("other path", sign(PUBLIC_URL + "/voice", SMS)),
    ("tampered parameter", sign(PUBLIC_URL + "/sms", {**SMS, "Body": "RIGHTS"})),
    ("extra parameter not signed", sign(PUBLIC_URL + "/sms", {k: v for k, v in SMS.items() if k != "To"})),
])
def test_bad_signatures_get_an_empty_403(client, case, signature):
    response = post(client, signature)
    assert response.status_code == 403
    assert response.data == b""


def test_proxy_case_uses_the_public_url(client):
    # Behind Heroku's router or ngrok the app sees http://127.0.0.1:8000, but Twilio
    # signed the public https URL: that is the one to check against.
    signature = sign(PUBLIC_URL + "/sms", SMS)
    response = client.post("/sms", data=SMS, headers={"X-Twilio-Signature": signature},
                           base_url="http://127.0.0.1:8000")
    assert response.status_code == 200
    internal = sign("http://127.0.0.1:8000/sms", SMS)
    assert post(client, internal).status_code == 403


def test_query_string_is_signed_raw(client):
    # request.url would unescape %27 into ', so the signature would never match.
    twilio = TwilioClient(client)
    assert twilio.post("/sms?campaign=a%27b&x=1", SMS).status_code == 200
    forged = sign(PUBLIC_URL + "/sms?campaign=a'b&x=1", SMS)
    assert client.post("/sms?campaign=a%27b&x=1", data=SMS,
                       headers={"X-Twilio-Signature": forged}).status_code == 403


def test_replayed_request_is_answered_again(client):
    # Twilio retries: the same signed request twice must get the same answer.
    signature = sign(PUBLIC_URL + "/sms", SMS)
    first, second = post(client, signature), post(client, signature)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data


def test_public_url_with_trailing_slash(settings):
    from hotline import create_app

    settings["HOTLINE_PUBLIC_URL"] = PUBLIC_URL + "/"
    client = create_app(settings).test_client()
    assert post(client, sign(PUBLIC_URL + "/sms", SMS, AUTH_TOKEN)).status_code == 200
