"""Signed but malformed state is a fresh start, never a 500: a step missing its topic, a cookie of the wrong shape."""

import pytest

from tests.conftest import TwilioClient
from tests.test_sms import reply_text

CALL = {"CallSid": "CA" + "5" * 32, "From": "+13075550123", "To": "+13075550100"}


@pytest.mark.parametrize("path", ["/voice/step?s=county&l=en", "/voice/step?s=after&l=es",
                                  "/voice/step?s=county&l=en&t=nonsense", "/voice/step?s=county&t=287g"])
@pytest.mark.parametrize("heard", [{"Digits": "1"}, {"SpeechResult": "Laramie"}, {}])
def test_a_step_without_its_topic_starts_again(twilio, path, heard):
    response = twilio.post(path, {**CALL, **heard})
    assert response.status_code == 200 and b"<Response>" in response.data


@pytest.mark.parametrize("cookie", [{"topic": ["rights"]}, {"topic": {"a": 1}}, {"lang": ["es"]},
                                    {"more_sent": "2"}, {"lang": None, "topic": 7}])
def test_a_signed_cookie_of_the_wrong_shape_is_a_fresh_start(client, cookie):
    with client.session_transaction() as session:  # signed with the app's key, as a replayed cookie would be
        session.update(cookie)
    text = reply_text(TwilioClient(client).sms("MORE"))
    assert text  # an answer (the menu), not a 500
