"""The public pages: what Flask sends, then what a real Chromium shows, loads and reports."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader

from hotline import create_app
from hotline.channels import paper, web
from hotline.core.toml_files import ContentError, default_messages_dir
from hotline.edges import qr
from hotline.edges.printing import serve_app
from tests.browser import axe_source, launch_browser, module_settings
from tests.conftest import HOTLINE_NUMBER, LANGUAGES

TOPICS = ("detainer", "287g", "rights")
PAGES = ["/", *(f"/{lang}" for lang in LANGUAGES), *(f"/{lang}/{topic}" for lang in LANGUAGES for topic in TOPICS),
         "/flyer", "/flyer?size=a4", "/flyer?size=card"]
TEMPLATES = Path(web.__file__).parent.parent / "templates"
# site.words[lang].key, t.key, w.key, both("key"...) and site.lines(lang, "key") in the templates.
WORD_USES = r"words(?:\[[^\]]+\])?\.(\w+)|\b[tw]\.(\w+)|both\(\"(\w+)\"[,)]|lines\(lang, \"(\w+)\""


@pytest.mark.parametrize("path", PAGES)
def test_page_is_private_and_cacheable(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")  # the session was never touched
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    sources = {source for directive in csp.split(";") for source in directive.split()[1:]}
    assert sources == {"'none'", "'self'"}  # no other host, no inline code
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.cache_control.public and response.cache_control.max_age
    html = response.get_data(as_text=True)
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_topic_page_links_to_text_and_call(client, app, lang, topic):
    html = client.get(f"/{lang}/{topic}").get_data(as_text=True)
    keyword = app.services.engine.catalog.topics[topic].keywords[lang][0]
    typed = unicodedata.normalize("NFKD", keyword).encode("ascii", "ignore").decode()  # RETENCIÓN -> RETENCION
    assert f'<html lang="{lang}">' in html
    assert f'href="sms:{HOTLINE_NUMBER}?&amp;body={typed}"' in html
    assert f'href="tel:{HOTLINE_NUMBER}"' in html
    other = next(code for code in LANGUAGES if code != lang)
    assert f'href="/{other}/{topic}" lang="{other}"' in html


@pytest.mark.parametrize("path", ["/en/nope", "/fr/rights", "/EN/rights", "/qr/sms/en/nope.svg",
                                  "/qr/fax/en/rights.svg", "/qr/sms/en/rights.svg?code=A-7",
                                  "/flyer?size=tabloid", "/flyer?code=a%207", "/flyer?code=AB"])
def test_unknown_page_is_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_the_referrals_number_is_a_link_that_stays_whole(client):
    html = client.get("/es/rights").get_data(as_text=True)
    assert '<a class="number" href="tel:+13075550199">(307) 555-0199</a>' in html  # HOTLINE_REFERRAL's


def test_qr_endpoint_serves_the_code_for_the_payload(client, app):
    response = client.get("/qr/sms/es/rights.svg?code=A7")
    assert response.mimetype == "image/svg+xml"
    topic = app.services.engine.catalog.topics["rights"]
    assert response.data == qr.render_svg(qr.make_payload("sms", "es", topic, app.config, "A7"))


def test_pages_without_a_number_leave_out_text_and_call(settings, tmp_path):
    settings.update(HOTLINE_NUMBER="", DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}")
    client = create_app(settings).test_client()
    html = client.get("/en/rights").get_data(as_text=True)
    assert "sms:" not in html and f"tel:{HOTLINE_NUMBER}" not in html  # the referral's own number is still a link
    assert client.get("/qr/call/en/rights.svg").status_code == 404


def test_flyer_without_a_number_says_what_to_set(settings, tmp_path):
    settings.update(HOTLINE_NUMBER="", DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}")
    app = create_app(settings)
    response = app.test_client().get("/flyer")
    assert response.status_code == 200 and response.cache_control.no_store
    html = response.get_data(as_text=True)
    for lang in LANGUAGES:
        text = app.services.site.words[lang]["flyer_setup_text"]
        assert "HOTLINE_NUMBER" in text and str(escape(text)) in html
    assert "<img" not in html  # no codes to a number that does not exist


def test_every_word_the_templates_use_is_in_web_toml():
    words = web.load_words(default_messages_dir())
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= {m for group in re.findall(WORD_USES, text) for m in group if m}
    used |= {f"size_{size}" for size in paper.SIZES}
    assert used and used <= words["en"].keys()


@pytest.mark.parametrize(("change", "message"), [
    (lambda text: text.replace('on_your_phone = "En su teléfono"\n', ""), "one language but not"),
    (lambda text: text.replace('"Llame al {number}"', '"Llame"'), "placeholders differ"),
    (lambda text: text.replace("{org}.", "{organisation}."), "unknown placeholder"),
])
def test_broken_web_toml_stops_the_app(tmp_path, change, message):
    copy = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "web.toml").write_text(change((copy / "web.toml").read_text("utf-8")), "utf-8")
    with pytest.raises(ContentError, match=message):
        web.load_words(copy)


# -- in a real browser: Debian's Chromium, driven by Playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Serve the app on a loopback port from a real server thread; yield (app, base URL)."""
    app = create_app(module_settings(tmp_path_factory.mktemp("web")))
    with serve_app(app) as base:
        yield app, base


@pytest.fixture(scope="module")
def browser():
    with launch_browser() as browser:
        yield browser


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request and every console error."""
    context = browser.new_context()
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def expected_text(app, path: str) -> list[str]:
    """List words a reader must see on a page, taken from messages/ and not retyped here."""
    site = app.services.site
    if path.strip("/") in ("", *LANGUAGES):  # the start page: in its language, every language one tap away
        lang = path.strip("/") or site.default_language
        return [site.words[lang]["site_name"], *(site.words[other]["language_name"] for other in LANGUAGES)]
    if path.startswith("/flyer"):
        rights = "card_say" if "card" in path else "flyer_rights"
        return [topic.keyword for lang in LANGUAGES for topic in site.topics[lang]] + [
            site.number, *(site.lines(lang, rights)[0] for lang in LANGUAGES)]
    lang, topic_id = path.strip("/").split("/")
    topic = site.find_topic(lang, topic_id)
    return [topic.title, topic.words["text_keyword"], site.words[lang]["privacy"]]


@pytest.mark.parametrize("path", PAGES)
def test_page_in_chromium_is_local_quiet_and_accessible(page, server, path):
    app, base = server
    response = page.goto(base + path)
    assert response.status == 200
    for text in expected_text(app, path):
        assert page.get_by_text(text, exact=False).first.is_visible(), text
    assert page.requests and all(url.startswith(base + "/") for url in page.requests), page.requests
    page.evaluate(axe_source())
    violations = page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)""")
    assert violations == []
    assert page.errors == []


@pytest.mark.parametrize("path", ["/", "/es", "/es/rights", "/en/287g"])
def test_page_reflows_at_double_text_size_on_a_small_phone(page, server, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server[1] + path)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("size", "pages", "points"), [
    ("letter", 1, (612, 792)), ("a4", 1, (595, 842)), ("card", 2, (243, 153))])
def test_flyer_prints_from_the_browser_one_page_per_sheet(page, server, size, pages, points):
    page.goto(f"{server[1]}/flyer?size={size}")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == pages
    for sheet in pdf.pages:
        assert (round(sheet.mediabox.width), round(sheet.mediabox.height)) == points
    assert page.errors == []


def test_topic_pages_are_counted_without_anything_about_the_reader(app, client):
    from hotline.edges.storage.stats import read_report

    client.get("/es/rights", headers={"X-Forwarded-For": "203.0.113.9"})
    client.get("/en/287g")
    with app.app_context():
        topics = {(s.name, sum(s.counts)) for s in read_report().pick("topic", "web")}
    assert topics == {("rights", 1), ("287g", 1)}


@pytest.mark.parametrize(("path", "lang"), [("/nope", "en"), ("/es/a/b", "es"), ("/en/287g/zz", "en")])
def test_any_unknown_address_gets_the_sites_own_page_in_its_language(client, path, lang):
    response = client.get(path)
    assert response.status_code == 404 and f'lang="{lang}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the site's headers, not Werkzeug's page
