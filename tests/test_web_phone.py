"""The pages as a newcomer sees them on a 390 px phone and a 1280 px laptop: Spanish one tap away at the top,
the next step under the title, phone numbers whole and tappable, every control big enough for a finger."""

from __future__ import annotations

import pytest

from hotline import create_app
from hotline.edges.printing import serve_app
from tests.browser import launch_browser, module_settings
from tests.conftest import HOTLINE_NUMBER, LANGUAGES

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
TOPIC_PAGES = ["/en/rights", "/es/detainer"]
MIN_TARGET = 24  # CSS px: WCAG 2.2 success criterion 2.5.8, Target Size (Minimum)

# Every link and button: its box, whether it stands alone (not a word inside a sentence, which 2.5.8
# exempts), and each phone number on the page with the number of line boxes it takes.
MEASURE = """() => ({
  targets: [...document.querySelectorAll('a[href], button')].map(el => {
    const box = el.getBoundingClientRect(), parent = el.parentElement;
    const alone = parent.textContent.trim() === el.textContent.trim() || el.matches('.action, nav a');
    return {text: el.textContent.trim().slice(0, 40), width: box.width, height: box.height, alone};
  }),
  numbers: [...document.querySelectorAll('.number')].map(el => ({
    text: el.textContent, lines: new Set([...el.getClientRects()].map(r => Math.round(r.top))).size})),
  loose: [...document.querySelectorAll('main :not(.number), header :not(.number)')]
    .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && /\\(\\d{3}\\) \\d{3}-\\d{4}/.test(n.textContent)))
    .map(el => el.outerHTML.slice(0, 80)),
  width: document.documentElement.scrollWidth,
})"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    app = create_app(module_settings(tmp_path_factory.mktemp("phone")))
    with serve_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launch_browser() as browser:
        yield browser


@pytest.fixture
def open_page(browser):
    """Open a page in a fresh context (no cookies, a browser language of our choosing)."""
    contexts = []

    def open_page(url: str, viewport: dict, locale: str = "en-US"):
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.response = page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


@VIEWPORTS
def test_spanish_is_a_first_choice_above_the_fold(open_page, base, viewport):
    page = open_page(base + "/", viewport)
    assert page.evaluate("document.documentElement.lang") == "en"
    choice = page.locator('nav.languages a[lang="es"]')
    box = choice.bounding_box()
    assert choice.is_visible() and box["y"] + box["height"] <= viewport["height"] / 4  # at the very top
    choice.click()
    assert page.url == base + "/es" and page.evaluate("document.documentElement.lang") == "es"
    assert page.locator('nav.languages a[lang="en"]').is_visible()  # and back again


@pytest.mark.parametrize(("locale", "lang"), [("es-MX", "es"), ("en-US", "en"), ("fr-FR", "en")])
def test_the_browser_language_chooses_the_start_page(open_page, base, locale, lang):
    page = open_page(base + "/", PHONE, locale=locale)
    assert page.evaluate("document.documentElement.lang") == lang
    assert "Accept-Language" in page.response.headers.get("vary", "")
    assert page.context.cookies() == []  # no cookie remembers it
    assert all(page.locator(f'nav.languages a[lang="{other}"]').is_visible() for other in LANGUAGES)


@VIEWPORTS
@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_the_next_step_comes_right_under_the_title(open_page, base, viewport, path):
    page = open_page(base + path, viewport)
    step = page.locator("main .phone")
    assert step.locator(f'a[href^="sms:{HOTLINE_NUMBER}?&body="]').is_visible()
    assert step.locator(f'a[href="tel:{HOTLINE_NUMBER}"]').is_visible()
    assert step.locator('.legal-help a[href^="tel:+1"]').is_visible()  # the referral's number, tappable
    first_paragraph = page.locator("main > p").first.bounding_box()
    title = page.locator("main h1").bounding_box()
    assert title["y"] < step.bounding_box()["y"] < first_paragraph["y"]
    if viewport is PHONE:
        assert step.bounding_box()["y"] + step.bounding_box()["height"] <= viewport["height"]  # above the fold


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP, {"width": 320, "height": 640}], ids=["390px", "1280px", "320px"])
@pytest.mark.parametrize("path", ["/es", *TOPIC_PAGES])  # "/" is /en: the Spanish choice test opens it
def test_numbers_stay_whole_and_every_target_is_finger_sized(open_page, base, viewport, path):
    page = open_page(base + path, viewport)
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= viewport["width"]  # nothing sideways
    assert measured["numbers"] and all(n["lines"] == 1 for n in measured["numbers"]), measured["numbers"]
    assert measured["loose"] == []  # every number on the page is kept whole
    small = [t for t in measured["targets"] if t["alone"] and min(t["width"], t["height"]) < MIN_TARGET]
    assert small == []
