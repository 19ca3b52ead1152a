"""The verified alert on the web: /admin/alert (password, signed forms, a preview) and /alert, /es/alerta."""

from __future__ import annotations

import re

import pytest

from hotline.edges.storage import alerts as store
from tests.test_alerts import NOW, TEXTS, publish
from tests.test_sms import reply_text

PASSWORD = "correct horse battery staple"
AUTH = ("organiser", PASSWORD)


@pytest.fixture
def settings(settings):
    settings["HOTLINE_ADMIN_PASSWORD"] = PASSWORD
    return settings


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(store, "now", lambda: NOW)


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def form(token: str, action: str = "publish", **changes: str) -> dict[str, str]:
    return {"csrf_token": token, "action": action, "expires": "2h", "by": "rapid response",
            **{f"text_{code}": text for code, text in TEXTS.items()}, **changes}


def signed_form(client, auth=AUTH) -> str:
    return token_of(client.get("/admin/alert", auth=auth).get_data(as_text=True))


@pytest.mark.parametrize(("method", "auth", "status"), [("get", None, 401), ("get", ("organiser", "wrong"), 401),
                                                        ("post", None, 401), ("get", AUTH, 200)])
def test_the_alert_form_needs_the_password(client, method, auth, status):
    response = getattr(client, method)("/admin/alert", auth=auth, data={})
    assert response.status_code == status and response.headers["Cache-Control"] == "no-store"


def test_no_password_means_no_alert_form(app, client):
    app.config["HOTLINE_ADMIN_PASSWORD"] = ""
    assert client.get("/admin/alert", auth=AUTH).status_code == 404


@pytest.mark.parametrize("token", ["", "forged", "changed"])
def test_publishing_needs_a_valid_form_token(client, twilio, token):
    real = signed_form(client)
    given = {"": "", "forged": "eyJmb3JnZWQiOjF9.abc.def", "changed": real[:-2] + ("AA" if real[-2:] != "AA" else "BB")}
    response = client.post("/admin/alert", auth=AUTH, data=form(given[token]))
    assert response.status_code == 400
    assert TEXTS["en"] not in reply_text(twilio.sms("ALERT"))


def test_a_token_made_for_another_user_is_refused(client, twilio):
    other = signed_form(client, auth=("someone else", PASSWORD))
    assert client.post("/admin/alert", auth=AUTH, data=form(other)).status_code == 400
    assert TEXTS["en"] not in reply_text(twilio.sms("ALERT"))


def test_preview_shows_what_texters_get_with_segments_and_publishes_nothing(client, twilio):
    page = client.post("/admin/alert", auth=AUTH, data=form(signed_form(client), "preview")).get_data(as_text=True)
    assert "Preview" in page and re.search(r"English: \d+ GSM-7 segments?, \d+ characters", page)
    assert re.search(r"Spanish: \d+ (GSM-7|UCS-2) segments?", page)
    assert TEXTS["es"] in page and "2:40 PM today" in page
    assert TEXTS["en"] not in reply_text(twilio.sms("ALERT"))


def test_publish_from_the_dashboard_then_clear_it(client, twilio):
    response = client.post("/admin/alert", auth=AUTH, data=form(signed_form(client)))
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/alert?done=published")
    assert TEXTS["es"] in reply_text(twilio.sms("ALERTA"))
    page = client.get("/admin/alert?done=published", auth=AUTH).get_data(as_text=True)
    assert "Published." in page and "rapid response" in page and "<script" not in page
    assert client.post("/admin/alert", auth=AUTH, data=form(signed_form(client), "clear")).status_code == 303
    assert TEXTS["es"] not in reply_text(twilio.sms("ALERTA"))


def test_a_bad_notice_is_shown_with_its_reasons_and_not_published(client, twilio):
    data = form(signed_form(client), text_es="", expires="3d")
    page = client.post("/admin/alert", auth=AUTH, data=data).get_data(as_text=True)
    assert "Spanish: is missing" in page and "HOTLINE_ALERT_MAX_HOURS" in page
    assert TEXTS["en"] not in reply_text(twilio.sms("ALERT"))


@pytest.mark.parametrize(("path", "lang"), [("/alert", "en"), ("/es/alerta", "es")])
def test_the_alert_pages_show_the_notice_without_scripts_or_cookies(runner, client, path, lang):
    assert publish(runner).exit_code == 0
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in page and TEXTS[lang] in page
    assert "Set-Cookie" not in response.headers and "<script" not in page
    assert response.cache_control.max_age <= 60  # a cleared notice must not linger in caches
    assert runner.invoke(args=["alert", "clear"]).exit_code == 0
    assert TEXTS[lang] not in client.get(path).get_data(as_text=True)


def test_the_dashboard_links_to_the_alert_form(client):
    assert 'href="/admin/alert"' in client.get("/admin", auth=AUTH).get_data(as_text=True)
