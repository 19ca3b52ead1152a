"""The SMS webhook end to end: signed requests, TwiML replies, and the conversation cookie."""

import xml.etree.ElementTree as ET

import pytest

from hotline.services import get_engine


def reply_text(response) -> str | None:
    """Return the one SMS text in a TwiML reply, or None for an empty <Response/>."""
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else None


@pytest.fixture
def replies(app):
    with app.app_context():
        return get_engine().replies


@pytest.mark.parametrize(("body", "topic", "lang"), [
    ("DETAINER", "detainer", "en"), ("RETENCION", "detainer", "es"), ("detención", "detainer", "es"),
    ("287G", "287g", "en"), ("¿Qué es 287(g)?", "287g", "es"), ("RIGHTS", "rights", "en"),
    ("DERECHOS", "rights", "es"), ("derechos?", "rights", "es"), ("what are my rights", "rights", "en"),
])
def test_keyword_gets_the_topic_in_its_language(twilio, replies, body, topic, lang):
    assert reply_text(twilio.sms(body)) == replies.first[topic, lang]


def test_answers_carry_disclaimer_and_configured_referral(twilio, settings):
    text = reply_text(twilio.sms("DETAINER"))
    assert "not legal advice" in text
    assert settings["HOTLINE_REFERRAL"] in text


@pytest.mark.parametrize("settings_change", [{"HOTLINE_REFERRAL": ""}])
def test_unset_referral_is_left_out(settings, settings_change, client):
    # Production refuses to start without a referral; development (signatures still checked) may lack one.
    settings.update(settings_change, HOTLINE_ENV="development")
    from hotline import create_app
    from tests.conftest import TwilioClient

    twilio = TwilioClient(create_app(settings).test_client())
    for body in ("DETAINER", "HELP", "AYUDA"):
        text = reply_text(twilio.sms(body))
        assert "{" not in text and "Legal help:" not in text and "Ayuda legal:" not in text


def test_spanish_then_287g_answers_in_spanish(twilio, replies):
    assert reply_text(twilio.sms("ESPAÑOL")) == replies.texts["es"]["language_set"]
    assert reply_text(twilio.sms("287G")) == replies.first["287g", "es"]
    assert reply_text(twilio.sms("2")) == replies.first["287g", "es"]


def test_english_switch_after_spanish(twilio, replies):
    twilio.sms("DERECHOS")
    assert reply_text(twilio.sms("ENGLISH")) == replies.texts["en"]["language_set"]
    assert reply_text(twilio.sms("3")) == replies.first["rights", "en"]


def test_more_walks_the_follow_ups_then_ends(twilio, replies):
    assert reply_text(twilio.sms("DETAINER")) == replies.first["detainer", "en"]
    follow_ups = replies.more["detainer", "en"]
    for follow_up in follow_ups:
        assert reply_text(twilio.sms("MORE")) == follow_up
    assert reply_text(twilio.sms("MORE")) == replies.texts["en"]["end_of_topic"]


def test_detainer_in_a_spanish_conversation_stays_spanish(twilio, replies):
    twilio.sms("DERECHOS")
    assert reply_text(twilio.sms("¿y qué es un detainer?")) == replies.first["detainer", "es"]
    assert reply_text(twilio.sms("DETAINER")) == replies.first["detainer", "es"]


def test_mas_follows_the_spanish_topic(twilio, replies):
    twilio.sms("DERECHOS")
    assert reply_text(twilio.sms("más")) == replies.more["rights", "es"][0]


def test_more_without_a_topic_gets_the_menu(twilio, replies):
    assert reply_text(twilio.sms("MORE")) == replies.texts["en"]["menu"]


def test_new_topic_restarts_the_follow_ups(twilio, replies):
    twilio.sms("DETAINER")
    twilio.sms("MORE")
    twilio.sms("RIGHTS")
    assert reply_text(twilio.sms("MORE")) == replies.more["rights", "en"][0]


def test_each_conversation_has_its_own_cookie(client, replies):
    from tests.conftest import TwilioClient

    first, second = TwilioClient(client), TwilioClient(client.application.test_client())
    first.sms("DERECHOS")
    assert reply_text(second.sms("1")) == replies.first["detainer", "en"]


@pytest.mark.parametrize(("body", "lang"), [
    ("hola", "es"), ("HI", "en"), ("hello", "en"),  # a greeting tells the language (messages/hotline.toml)
    ("", None), ("xyzzy", None), ("pizza", None),  # language unknown: both languages
])
def test_greetings_and_unknown_get_a_menu(twilio, replies, body, lang):
    menu = replies.texts[lang]["menu"] if lang else replies.bilingual_menu
    assert reply_text(twilio.sms(body)) == menu


def test_unknown_after_spanish_stays_spanish(twilio, replies):
    twilio.sms("DERECHOS")
    assert reply_text(twilio.sms("xyzzy")) == replies.texts["es"]["not_understood"]


def test_picture_only_mms_gets_the_menu(twilio, replies):
    response = twilio.sms("", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1",
                          MediaContentType0="image/jpeg")
    assert reply_text(response) == replies.bilingual_menu


@pytest.mark.parametrize(("body", "lang"), [("HELP", "en"), ("INFO", "en"), ("AYUDA", "es")])
def test_help_is_fit_for_carriers(twilio, settings, replies, body, lang):
    text = reply_text(twilio.sms(body))
    assert text == replies.texts[lang]["help"]
    assert "STOP" in text and settings["HOTLINE_REFERRAL"] in text and settings["HOTLINE_ORG_NAME"] in text


@pytest.mark.parametrize("body", ["STOP", "stop", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                                  "REVOKE", "OPTOUT", "Stop."])
def test_stop_words_get_an_empty_response(twilio, body):
    assert reply_text(twilio.sms(body)) is None


@pytest.mark.parametrize("body", ["ALTO", "PARAR", "BAJA", "CANCELAR"])
def test_spanish_stop_words_explain_how_to_stop(twilio, replies, body):
    text = reply_text(twilio.sms(body))
    assert text == replies.texts["es"]["optout_note"] and "STOP" in text


@pytest.mark.parametrize("body", ["<Response><Say>hi</Say></Response>", "]]><x/>", "&amp; <b>", "'\"<>&"])
def test_markup_in_the_body_is_never_reflected(twilio, body):
    response = twilio.sms(body)
    assert reply_text(response)  # parses as one <Message>
    assert b"<Say" not in response.data and b"<x/>" not in response.data and b"<b>" not in response.data


def test_extra_unknown_parameters_are_accepted(twilio, replies):
    response = twilio.sms("RIGHTS", FromCountry="US", NumSegments="1", SmsStatus="received",
                          SomeFutureParameter="x")
    assert reply_text(response) == replies.first["rights", "en"]


def test_tampered_cookie_is_ignored(twilio, client, replies):
    client.set_cookie("session", "forged.value.here", domain="localhost")
    assert reply_text(twilio.sms("MORE")) == replies.texts["en"]["menu"]


def test_oversized_body_gets_413(twilio):
    response = twilio.client.post("/sms", data={"Body": "x" * 40000}, headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 413


def test_get_is_not_allowed(client):
    assert client.get("/sms").status_code == 405


@pytest.mark.parametrize(("body", "opt_out_type"), [("ALTO", "STOP"), ("PARAR", "STOP"), ("AYUDA", "HELP"),
                                                    ("START", "START"), ("STOP", "STOP")])
def test_advanced_opt_out_has_answered_already(twilio, body, opt_out_type):
    # A Messaging Service with Advanced Opt-Out replies itself and tells us with OptOutType.
    assert reply_text(twilio.sms(body, OptOutType=opt_out_type)) is None


@pytest.mark.parametrize("body", ["stop please", "Stop texting me", "please unsubscribe me"])
def test_stop_in_a_sentence_says_how_to_stop(twilio, replies, body):
    assert reply_text(twilio.sms(body)) == replies.texts["en"]["optout_note"]


@pytest.mark.parametrize("body", ["START", "unstop"])
def test_opting_back_in_gets_the_menu(twilio, replies, body):
    assert reply_text(twilio.sms(body)) == replies.bilingual_menu


# -- the conversation cookie (hotline/edges/conversation_cookie.py)


@pytest.mark.parametrize("fallbacks", [[], ["an-older-secret-key-0123456789"]])
def test_the_cookie_reads_flasks_own_and_flask_reads_it(app, fallbacks):
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import BadSignature

    app.config["SECRET_KEY_FALLBACKS"] = fallbacks
    state = {"lang": "es", "topic": "rights", "more_sent": 1, "window_start": 1_800_000_000, "texts": 3}
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours is app.session_interface.get_signing_serializer(app)  # built once, not per request
    with app.test_request_context():  # as in a request
        # A deploy in either direction keeps every conversation (Flask's cookie here is compressed).
        assert ours.loads(flasks.dumps(state)) == state and flasks.loads(ours.dumps(state)) == state
        assert ours.loads(ours.dumps(state)) == state
        cookie = ours.dumps(state)
        with pytest.raises(BadSignature):  # and the signature is still what keeps the count honest
            ours.loads(("A" if cookie[0] != "A" else "B") + cookie[1:])


def test_the_cookie_is_signed_again_only_when_the_conversation_changes(twilio):
    assert "session=" in twilio.sms("RIGHTS").headers.get("Set-Cookie", "")
    assert "Set-Cookie" not in twilio.sms("STOP").headers  # nothing sent, nothing counted, nothing to sign
