"""The printed flyer and wallet card as a print shop gets them: the rights in every language, every word
and line inside the printers' safe margin, and QR codes that still decode from a greyscale 150 dpi render."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hotline import create_app
from hotline.channels import paper
from hotline.core.agreements import read_spreadsheet
from hotline.edges import qr
from hotline.edges.printing import serve_app
from hotline.edges.storage.agreement_lists import store_list
from tests.browser import decode_qr, launch_browser, module_settings, require
from tests.conftest import HOTLINE_NUMBER, LANGUAGES
from tests.test_agreements import AS_OF, SAMPLE

POINTS_PER_INCH = 72
# Most printers cannot print the outer few millimetres of a sheet: keep .25 in (6 mm) clear on
# Letter and A4. A print shop cuts wallet cards from a larger sheet and asks for 1/8 in.
SAFE_INCHES = {"letter": .25, "a4": .25, "card": .125}
PAPERS = {  # file name: /flyer query
    "letter": "size=letter", "a4": "size=a4", "card": "size=card",
    "letter-county": "size=letter&county=Laramie", "a4-county": "size=a4&county=Laramie",
    "letter-A7": "size=letter&code=A7",
}
# Every element's distance from each edge of its paper, in inches, with the element that comes closest;
# and every text whose colour, printed in grey, reads with less contrast than 4.5:1 on white paper.
MEASURE = """() => [...document.querySelectorAll('.sheet, .card')].map(paper => {
  const edge = paper.getBoundingClientRect(), gaps = {}, closest = {};
  for (const el of paper.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const away = {left: box.left - edge.left, right: edge.right - box.right,
                  top: box.top - edge.top, bottom: edge.bottom - box.bottom};
    for (const side in away) if (!(side in gaps) || away[side] < gaps[side]) {
      gaps[side] = away[side];
      closest[side] = `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 30)}`;
    }
  }
  for (const side in gaps) gaps[side] /= 96;
  const linear = c => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const pale = [...paper.querySelectorAll('*')]
    .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(el => {
      const [r, g, b] = getComputedStyle(el).color.match(/[\\d.]+/g).map(Number);
      const grey = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
      return 1.05 / (grey + 0.05) < 4.5;
    }).map(el => el.textContent.trim().slice(0, 40));
  return {gaps, closest, pale};
})"""


def pdf_tool(name: str) -> str:
    """Return poppler's pdftotext or pdftoppm, or skip (fail in CI)."""
    path = shutil.which(name)
    require(f"{name} (apt-get install poppler-utils)", path)
    return str(path)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Print each paper once, as a browser's Print does, with ICE's sample list loaded; measure it in print media.
    Yield (app, {name: PDF}, {name: measurements per page})."""
    out = tmp_path_factory.mktemp("print")
    app = create_app(module_settings(out))
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
    pdfs, measured = {}, {}
    with serve_app(app) as base, launch_browser() as browser:
        page = browser.new_page()
        page.emulate_media(media="print")
        for name, query in PAPERS.items():
            assert page.goto(f"{base}/flyer?{query}").status == 200
            pdfs[name] = out / f"{name}.pdf"
            pdfs[name].write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
            measured[name] = page.evaluate(MEASURE)
    yield app, pdfs, measured


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """Extract a PDF's text (one page, or all) as one line: words as printed, whatever wraps where."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run([pdf_tool("pdftotext"), *pages, str(pdf), "-"], capture_output=True, text=True,
                            timeout=60, check=True)
    return " ".join(unicodedata.normalize("NFKC", result.stdout).split())  # "ﬁ" is "fi"


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["letter", "a4", "letter-county"])
def test_the_flyer_carries_the_rights_themselves_in_every_language(printed, name):
    app, pdfs, _ = printed
    text, site = pdf_text(pdfs[name]), app.services.site
    for lang in LANGUAGES:
        rights = site.lines(lang, "flyer_rights")
        assert len(rights) >= 3 and site.words[lang]["flyer_rights_heading"] in text
        for sentence in rights:
            assert one_line(sentence) in text, (lang, sentence)
        assert one_line(site.words[lang]["legal_help"]) in text  # the referral, as HOTLINE_REFERRAL has it
        assert site.words[lang]["flyer_web"].endswith(f"/{lang}")  # each half points to its own start page


def test_the_wallet_card_carries_the_red_card_and_labels_its_code(printed):
    app, pdfs, _ = printed
    site = app.services.site
    front, back = pdf_text(pdfs["card"], 1), pdf_text(pdfs["card"], 2)
    for lang in LANGUAGES:
        assert site.words[lang]["card_scan_call"] in front  # the code says what it does
        assert site.topics[lang][0].keyword in front
        assert site.words[lang]["card_say_heading"] in back
        for sentence in site.lines(lang, "card_say"):
            assert one_line(sentence) in back, (lang, sentence)
    assert "I do not consent to a search." in back and "Quiero guardar silencio." in back  # the brief's wording
    assert str(app.config["HOTLINE_REFERRAL"]) in back


@pytest.mark.parametrize("name", ["letter-county", "a4-county"])
def test_a_county_flyer_adds_its_287g_status_with_the_list_date(printed, name):
    app, pdfs, _ = printed
    text = pdf_text(pdfs[name])
    with app.test_request_context():
        status = paper.county_status("Laramie")
    for lang in LANGUAGES:
        assert app.services.site.words[lang]["flyer_county_heading"] in text
        assert status[lang] and all(one_line(line) in text for line in status[lang]), lang
    assert "Jul 18, 2025" in text and "18 jul 2025" in text  # the list's date, as each language writes it
    assert "Laramie" not in pdf_text(pdfs["letter"])


@pytest.mark.parametrize("name", list(PAPERS))
def test_every_word_is_printed_inside_the_safe_margin(printed, name):
    pdf, size = printed[1][name], name.split("-")[0]
    result = subprocess.run([pdf_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                            timeout=60, check=True)
    safe = SAFE_INCHES[size] * POINTS_PER_INCH
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", result.stdout, count=1))
    outside, words = [], 0
    for page in root.iter("page"):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("word"):
            words += 1
            box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            if min(box[0], box[1], width - box[2], height - box[3]) < safe:
                outside.append((word.text, [round(v, 1) for v in box]))
    assert words > 20 and outside == []


@pytest.mark.parametrize("name", list(PAPERS))
def test_every_element_stays_inside_the_safe_margin(printed, name):
    # Lines and boxes too: the tear-off strips' dashes are cut along, so they must print whole.
    safe = SAFE_INCHES[name.split("-")[0]]
    for sheet in printed[2][name]:
        assert sheet["gaps"] and all(gap >= safe - 0.005 for gap in sheet["gaps"].values()), sheet


@pytest.mark.parametrize("name", list(PAPERS))
def test_every_text_stays_dark_enough_in_black_and_white(printed, name):
    assert all(sheet["pale"] == [] for sheet in printed[2][name])


def expected_codes(app, name: str) -> list[str]:
    """List the payloads a paper's codes must hold, made independently of the page."""
    code = name.split("-")[1] if name.endswith("A7") else None
    catalog = app.services.engine.catalog
    call = f"tel:{HOTLINE_NUMBER}"
    if name == "card":
        return [call]
    return sorted([qr.make_payload("sms", lang, topic, app.config, code)
                   for lang in LANGUAGES for topic in catalog.topics.values()] + [call])


@pytest.mark.parametrize("name", ["letter", "a4", "card", "letter-A7"])
def test_codes_decode_from_a_greyscale_150_dpi_render(printed, name, tmp_path):
    app, pdfs, _ = printed
    subprocess.run([pdf_tool("pdftoppm"), "-r", "150", "-gray", "-png", str(pdfs[name]), str(tmp_path / "page")],
                   check=True, timeout=60)
    found = [payload for image in sorted(tmp_path.glob("page*.png")) for payload in decode_qr(image)]
    assert sorted(found) == expected_codes(app, name)  # 287G twice: en, es
