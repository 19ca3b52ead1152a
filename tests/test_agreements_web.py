"""The 287(g) list of a state on the web: /en/287g/wy and /es/287g/wy, checked in Chromium too."""

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
