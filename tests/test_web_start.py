"""The start page in the reader's language: / follows the browser's Accept-Language, /en and /es are fixed."""

from __future__ import annotations

import pytest
from markupsafe import escape

from hotline import create_app
from tests.conftest import LANGUAGES


@pytest.mark.parametrize(("accept", "lang"), [
    ("es", "es"), ("es-MX,es;q=0.9,en;q=0.5", "es"), ("en-US,en;q=0.9", "en"), ("en;q=0.4, es;q=0.8", "es"),
    ("fr-FR", "en"), ("", "en"), ("*", "en")])
def test_the_start_page_speaks_the_browsers_language(client, accept, lang):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert "Accept-Language" in response.headers["Vary"] and "Set-Cookie" not in response.headers
    for other in LANGUAGES:  # the choice stays, each language linking its own start page
        assert f'<a href="/{other}" lang="{other}" hreflang="{other}"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_start_page(client, app, lang):
    response = client.get(f"/{lang}", headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    site = app.services.site
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    assert str(escape(site.words[lang]["site_name"])) in html and 'aria-current="page"' in html
    assert all(f'href="{topic.sms_href.replace("&", "&amp;")}"' in html for topic in site.topics[lang])
    assert "Accept-Language" not in response.headers.get("Vary", "")  # the address alone decides


def test_the_default_language_decides_when_the_browser_asks_for_none(settings, tmp_path):
    settings.update(HOTLINE_DEFAULT_LANGUAGE="es", DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}")
    client = create_app(settings).test_client()
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
