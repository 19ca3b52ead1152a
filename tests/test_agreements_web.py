"""The 287(g) list of a state on the web: /en/287g/wy and /es/287g/wy, checked in Chromium too."""

import datetime as dt

import pytest
from markupsafe import escape

from hotline import create_app
from hotline.core.agreements import read_spreadsheet
from hotline.edges.printing import serve_app
from hotline.edges.storage.agreement_lists import store_list
from hotline.services import get_engine
from tests.browser import axe_source, launch_browser, module_settings
from tests.test_agreements import AS_OF, SAMPLE


def load_sample(app) -> None:
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))


def words(app, lang):
    with app.app_context():
        return get_engine().county_words.texts["sms", lang]


@pytest.mark.parametrize(("lang", "date", "model"), [("en", "Jul 18, 2025", "task_force"),
                                                      ("es", "18 jul 2025", "warrant_service")])
def test_the_state_table_lists_agencies_models_dates_and_the_list_date(app, client, lang, date, model):
    load_sample(app)
    response = client.get(f"/{lang}/287g/wy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in page
    assert page.count("<tr>") == 1 + 9  # the header and Wyoming's nine agreements
    assert "Laramie County Sheriff&#39;s Office" in page and date in page
    assert words(app, lang)["models"][model] in page
    assert "https://www.ice.gov/identify-and-arrest/287g" in page
    assert "Set-Cookie" not in response.headers and "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_without_a_list_the_page_says_so(app, client):
    page = client.get("/en/287g/wy").get_data(as_text=True)
    assert str(escape(words(app, "en")["web"]["not_loaded"])) in page and "<table" not in page


def test_a_state_with_no_agreements(app, client):
    load_sample(app)
    page = client.get("/es/287g/vt").get_data(as_text=True)
    assert "Ninguna agencia de Vermont" in page


@pytest.mark.parametrize("path", ["/en/287g/xx", "/en/287g/wyoming", "/fr/287g/wy"])
def test_unknown_states_and_languages_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = create_app(module_settings(tmp_path_factory.mktemp("agreements-web")))
    load_sample(app)
    with serve_app(app) as base:
        yield base


@pytest.mark.parametrize("path", ["/en/287g/wy", "/es/287g/wy", "/en/287g/tx"])
def test_state_page_in_chromium_is_local_accessible_and_reflows(server, path):
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 640})
        requests, errors = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        assert page.goto(server + path).status == 200
        assert page.locator("table tbody tr").count() > 0
        assert all(url.startswith(server + "/") for url in requests), requests
        page.evaluate(axe_source())
        violations = page.evaluate("""async () => (await axe.run(document)).violations
            .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
        assert violations == [] and errors == []
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_city_agencies_without_a_county_are_not_called_statewide(app, client):
    load_sample(app)
    page = client.get("/en/287g/az").get_data(as_text=True)
    row = next(line for line in page.splitlines() if "Mesa Police Department" in line)
    web = words(app, "en")["web"]
    assert web["no_county"] in row and web["statewide"] not in row
    state_row = next(line for line in page.splitlines() if "Arizona Department of Corrections" in line)
    assert web["statewide"] in state_row


# -- the list's date, its last check, and the county lookup (issue 13)


def confirm_today(app) -> None:
    """Record a download that found the loaded list still ICE's newest, as `agreements update` does."""
    from hotline.edges.storage.agreement_history import DOWNLOAD, Check, now, record_safely
    from hotline.edges.storage.agreement_lists import forget_cached_lists, latest_list_id
    from hotline.edges.storage.database import run_safely

    with app.app_context():
        list_id = run_safely(lambda c: latest_list_id(c, "participating"), "test")
        record_safely(Check("participating", now(), DOWNLOAD, "unchanged", "https://www.ice.gov/x.xlsx", list_id))
        forget_cached_lists()


def paragraphs(page: str, css_class: str) -> list[str]:
    import html
    import re

    block = page.split(f'class="{css_class}"', 1)[1].split("</div>", 1)[0]
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", block, re.S)]


def test_an_old_unchecked_list_says_it_may_be_out_of_date(app, client, monkeypatch):
    load_sample(app)
    monkeypatch.setattr("hotline.edges.storage.agreement_lists.today", lambda: AS_OF + dt.timedelta(days=90))
    page = client.get("/en/287g/wy").get_data(as_text=True)
    assert f'<p class="stale"><strong>{escape(words(app, "en")["stale"])}</strong></p>' in page
    assert "last checked" not in page  # loaded from a file: never checked against ICE's site


@pytest.mark.parametrize(("lang", "checked"), [("en", "The hotline last checked"), ("es", "por última vez")])
def test_a_checked_list_shows_the_day_of_its_last_check_and_no_stale_note(app, client, monkeypatch, lang, checked):
    load_sample(app)
    confirm_today(app)
    monkeypatch.setattr("hotline.edges.storage.agreement_lists.today", lambda: dt.datetime.now(dt.UTC).date())
    page = client.get(f"/{lang}/287g/wy").get_data(as_text=True)
    with app.app_context():
        from hotline.core.county_answers import format_date

        today = format_date(dt.datetime.now(dt.UTC).date(), words(app, lang))
    assert checked in page and today in page and 'class="stale"' not in page


@pytest.mark.parametrize(("lang", "county", "sms"), [("en", "Laramie", "287G Laramie"),
                                                      ("es", "condado de natrona", "287G condado de natrona"),
                                                      ("en", "Teton", "287G Teton WY")])
def test_the_lookup_form_gives_the_same_answer_as_a_text(app, client, lang, county, sms):
    from tests.conftest import TwilioClient
    from tests.test_agreements_store import sms_text

    load_sample(app)
    twilio = TwilioClient(app.test_client())
    twilio.sms("ESPANOL" if lang == "es" else "ENGLISH")
    texted = sms_text(twilio.sms(sms))
    response = client.get(f"/{lang}/287g/wy", query_string={"county": county})
    page = response.get_data(as_text=True)
    assert paragraphs(page, "answer") == texted.splitlines()
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert f'value="{escape(county)}"' in page  # the field keeps what was typed


def test_the_lookup_answers_for_the_pages_state_even_when_the_line_has_another(settings, tmp_path):
    app = create_app({**settings, "HOTLINE_STATE": "WY"})
    load_sample(app)
    page = app.test_client().get("/en/287g/tx?county=Harris").get_data(as_text=True)
    assert "Harris County, TX" in " ".join(paragraphs(page, "answer"))


def test_an_empty_or_unknown_county_is_answered_plainly(app, client):
    load_sample(app)
    assert 'class="answer"' not in client.get("/en/287g/wy?county=").get_data(as_text=True)
    unknown = paragraphs(client.get("/en/287g/wy?county=Narnia").get_data(as_text=True), "answer")
    assert "could not find that county in Wyoming" in " ".join(unknown)


WORDS_BROKEN = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table th, table td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [390, 320, 700])
def test_no_table_cell_breaks_a_word_on_a_phone(server, width):
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        for path in ("/en/287g/wy", "/es/287g/wy", "/en/287g/fl", "/es/287g/pa", "/es/287g/tx"):
            assert page.goto(server + path).status == 200
            assert page.locator("table tbody tr").count() > 0
            assert page.evaluate(WORDS_BROKEN) == [], path
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


def test_the_lookup_form_works_in_chromium_without_javascript(server):
    with launch_browser() as browser:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(server + "/en/287g/wy")
        page.get_by_label("County in Wyoming").fill("Natrona")
        page.get_by_role("button", name="Check").click()
        page.wait_for_url("**county=Natrona")
        assert "Natrona County, WY" in page.locator(".answer").inner_text() and errors == []
        context.close()
