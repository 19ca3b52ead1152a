"""`hotline flyer`: print-ready PDFs in the right paper sizes, or a clear reason why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from hotline.cli.main import main
from hotline.core.catalog import load_catalog
from hotline.edges.printing import flyer_pages
from tests.browser import chromium_path, cli_env
from tests.conftest import LANGUAGES, SAMPLE_LIST

LETTER, A4, CARD = (612, 792), (595, 842), (243, 153)  # in points, as PDF counts them


def run_flyer(tmp_path: Path, *args: str, **env: str):
    """Run `hotline flyer` through the real command group, writing into tmp_path/out."""
    return CliRunner().invoke(main, ["flyer", "--out", str(tmp_path / "out"), *args],
                              env=cli_env(tmp_path, **env))


def page_sizes(path: Path) -> list[tuple[int, int]]:
    """List the size of each page of a PDF, rounded to whole points."""
    return [(round(page.mediabox.width), round(page.mediabox.height))
            for page in PdfReader(path).pages]


def test_flyer_writes_letter_a4_and_card(tmp_path):
    result = run_flyer(tmp_path, HOTLINE_CHROMIUM=chromium_path())
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(path.name for path in out.iterdir()) == [
        "hotline-card.pdf", "hotline-flyer-a4.pdf", "hotline-flyer-letter.pdf"]
    assert page_sizes(out / "hotline-flyer-letter.pdf") == [LETTER]
    assert page_sizes(out / "hotline-flyer-a4.pdf") == [A4]
    assert page_sizes(out / "hotline-card.pdf") == [CARD, CARD]  # front and back
    text = PdfReader(out / "hotline-flyer-letter.pdf").pages[0].extract_text()
    for topic in load_catalog().topics.values():
        for lang in LANGUAGES:
            assert topic.keywords[lang][0] in text
    assert "555-0100" in text  # the number in plain text, for phones that cannot scan
    words = " ".join(text.split())
    assert "I want to stay silent" in words and "Quiero guardar silencio" in words  # the rights themselves
    back = " ".join(PdfReader(out / "hotline-card.pdf").pages[1].extract_text().split())
    assert "I do not consent to a search." in back and "No doy mi consentimiento para un registro." in back


def test_flyer_with_a_code_names_its_files(tmp_path):
    result = run_flyer(tmp_path, "--size", "a4", "--code", "a7", HOTLINE_CHROMIUM=chromium_path())
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "hotline-card-A7.pdf", "hotline-flyer-a4-A7.pdf"]


def test_county_flyer_carries_the_countys_287g_status(tmp_path):
    env = {"HOTLINE_CHROMIUM": chromium_path()}
    loaded = CliRunner().invoke(main, ["agreements", "load", str(SAMPLE_LIST)], env=cli_env(tmp_path, **env))
    assert loaded.exit_code == 0, loaded.output
    result = run_flyer(tmp_path, "--size", "letter", "--county", "Laramie", **env)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "hotline-card.pdf", "hotline-flyer-letter-laramie.pdf"]
    text = " ".join(PdfReader(tmp_path / "out" / "hotline-flyer-letter-laramie.pdf").pages[0].extract_text().split())
    assert "Laramie County, WY is on ICE's 287(g) list dated Jul 18, 2025" in text
    assert "Condado de Laramie, WY: en la lista 287(g) de ICE del 18 jul 2025" in text


@pytest.mark.parametrize(("load", "county", "message"), [
    (False, "Laramie", "No 287(g) list is loaded"), (True, "Nowhere", "No county called 'Nowhere'"),
    (True, "Carbon", "add the state")])
def test_county_flyer_says_what_is_wrong(tmp_path, load, county, message):
    if load:
        CliRunner().invoke(main, ["agreements", "load", str(SAMPLE_LIST)], env=cli_env(tmp_path))
    result = run_flyer(tmp_path, "--county", county, HOTLINE_CHROMIUM="/nonexistent/chromium")
    assert result.exit_code != 0 and message in result.output  # before looking for Chromium
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize(("env", "args", "message"), [
    ({"HOTLINE_NUMBER": ""}, [], "HOTLINE_NUMBER is not set"),
    ({"HOTLINE_CHROMIUM": "/nonexistent/chromium"}, [], "HOTLINE_CHROMIUM=/nonexistent/chromium was not found"),
    ({}, ["--code", "A-7"], "flyer code"),
])
def test_flyer_says_what_is_wrong(tmp_path, env, args, message):
    result = run_flyer(tmp_path, *args, **env)
    assert result.exit_code != 0
    assert message in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_flyer_pages_cover_each_size_and_the_card():
    assert flyer_pages(("letter",), "B2") == [
        ("hotline-flyer-letter-B2.pdf", "/flyer?size=letter&code=B2"),
        ("hotline-card-B2.pdf", "/flyer?size=card&code=B2")]
    assert flyer_pages(("a4",), None, "Hot Springs WY") == [
        ("hotline-flyer-a4-hot-springs-wy.pdf", "/flyer?size=a4&county=Hot%20Springs%20WY"),
        ("hotline-card.pdf", "/flyer?size=card")]
