"""Every QR code decodes, with zbar, to exactly the payload a phone needs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli.main import main
from hotline.core.catalog import load_catalog
from hotline.edges import qr
from tests.browser import cli_env, decode_qr, launch_browser
from tests.conftest import HOTLINE_NUMBER, LANGUAGES, PUBLIC_URL, TEST_SETTINGS

CATALOG = load_catalog()
CASES = [(kind, lang, topic_id) for topic_id in CATALOG.topics for lang in LANGUAGES
         for kind in qr.KINDS]


def expected_payload(kind: str, lang: str, topic_id: str, code: str = "") -> str:
    """Spell out what each kind of code must hold, independently of qr.make_payload."""
    # The first keyword, without accents: RETENCIÓN is typed as RETENCION.
    keyword = unicodedata.normalize("NFKD", CATALOG.topics[topic_id].keywords[lang][0]).encode("ascii", "ignore")
    keyword = keyword.decode()
    return {
        "sms": f"SMSTO:{HOTLINE_NUMBER}:{keyword}" + (f" {code}" if code else ""),
        "call": f"tel:{HOTLINE_NUMBER}",
        "web": f"{PUBLIC_URL}/q/{code}/{lang}/{topic_id}" if code else f"{PUBLIC_URL}/{lang}/{topic_id}",
    }[kind]


def payload_for(kind: str, lang: str, topic_id: str, code: str | None = None) -> str:
    """Make the payload the way the app and the CLI do."""
    return qr.make_payload(kind, lang, CATALOG.topics[topic_id], TEST_SETTINGS, code)


@pytest.fixture(scope="module")
def svg_page():
    """A browser page sized for one QR code, to render SVG as a phone's browser would."""
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": 330, "height": 330})
        yield page


@pytest.mark.parametrize(("kind", "lang", "topic_id"), CASES)
def test_png_decodes_to_exact_payload(kind, lang, topic_id, tmp_path):
    path = tmp_path / "code.png"
    path.write_bytes(qr.render_png(payload_for(kind, lang, topic_id)))
    assert decode_qr(path) == [expected_payload(kind, lang, topic_id)]


@pytest.mark.parametrize(("kind", "lang", "topic_id"), CASES)
def test_svg_rendered_in_chromium_decodes_to_exact_payload(kind, lang, topic_id, svg_page, tmp_path):
    svg = tmp_path / "code.svg"
    svg.write_bytes(qr.render_svg(payload_for(kind, lang, topic_id)))
    svg_page.goto(svg.as_uri())
    svg_page.screenshot(path=tmp_path / "code.png")
    assert decode_qr(tmp_path / "code.png") == [expected_payload(kind, lang, topic_id)]


@pytest.mark.parametrize("kind", qr.KINDS)
def test_flyer_code_is_added_to_text_and_web_payloads(kind, tmp_path):
    path = tmp_path / "code.png"
    path.write_bytes(qr.render_png(payload_for(kind, "es", "rights", code="a7")))
    assert decode_qr(path) == [expected_payload(kind, "es", "rights", code="A7")]


@pytest.mark.parametrize("code", ["A-7", "AB", "A1234", "7A", "A 7", ""])
def test_bad_flyer_code_is_refused(code):
    with pytest.raises(qr.QRError, match="flyer code"):
        qr.make_payload("sms", "en", CATALOG.topics["rights"], TEST_SETTINGS, code)


@pytest.mark.parametrize(("setting", "value", "kind", "message"), [
    ("HOTLINE_NUMBER", "", "sms", "HOTLINE_NUMBER is not set"),
    ("HOTLINE_NUMBER", "", "call", "HOTLINE_NUMBER is not set"),
    ("HOTLINE_NUMBER", "(307) 555-0100", "sms", "E.164"),
    ("HOTLINE_PUBLIC_URL", "", "web", "HOTLINE_PUBLIC_URL is not set"),
])
def test_missing_settings_give_a_clear_error(setting, value, kind, message):
    settings = {**TEST_SETTINGS, setting: value}
    with pytest.raises(qr.QRError, match=message):
        qr.make_payload(kind, "en", CATALOG.topics["rights"], settings)


def test_display_number_reads_like_a_us_number():
    assert qr.display_number("+13075550100") == "(307) 555-0100"
    assert qr.display_number("+447700900123") == "+447700900123"


def test_cli_writes_svg_and_png_for_every_code(tmp_path: Path):
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "codes")],
                                env=cli_env(tmp_path))
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in (tmp_path / "codes").iterdir())
    assert len(files) == len(CASES) * 2
    png = tmp_path / "codes" / "detainer-es-sms.png"
    assert decode_qr(png) == [expected_payload("sms", "es", "detainer")]
    assert (tmp_path / "codes" / "detainer-es-sms.svg").read_bytes().startswith(b"<svg")


def test_cli_says_which_setting_is_missing(tmp_path):
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path)],
                                env=cli_env(tmp_path, HOTLINE_NUMBER=""))
    assert result.exit_code != 0
    assert "HOTLINE_NUMBER is not set" in result.output


@pytest.mark.parametrize(("listed", "reminded"), [("", True), ("B12", True), ("A7,B12", False)])
def test_a_code_not_listed_yet_gets_a_reminder_to_list_it(tmp_path, listed, reminded):
    # Until HOTLINE_FLYER_CODES lists a code, its scans count as "other" (strangers could invent codes).
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "codes"), "--code", "a7"],
                                env=cli_env(tmp_path, HOTLINE_FLYER_CODES=listed))
    assert result.exit_code == 0, result.output
    assert ("HOTLINE_FLYER_CODES" in result.output) == reminded
    if reminded:
        assert f"HOTLINE_FLYER_CODES={listed + ',' if listed else ''}A7" in result.output
