"""A county flyer on the web (/flyer?county=Laramie): the county's place on the loaded 287(g) list."""

from __future__ import annotations

import pytest
from markupsafe import escape

from hotline.channels import paper
from hotline.core.agreements import read_spreadsheet
from hotline.edges.storage.agreement_lists import store_list
from tests.conftest import LANGUAGES
from tests.test_agreements import AS_OF, SAMPLE


def load_sample_list(app) -> None:
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))


@pytest.mark.parametrize("asked", ["Laramie", "laramie county", "Laramie WY", "Laramei"])
def test_a_county_flyer_shows_the_countys_287g_status_in_every_language(app, client, asked):
    load_sample_list(app)
    html = client.get(f"/flyer?county={asked}").get_data(as_text=True)
    with app.test_request_context():
        status = paper.county_status("Laramie")
    for lang in LANGUAGES:
        assert str(escape(app.services.site.words[lang]["flyer_county_heading"])) in html
        assert all(str(escape(line)) in html for line in status[lang])
    assert "Jul 18, 2025" in html and "18 jul 2025" in html  # the list's date
    card = client.get(f"/flyer?size=card&county={asked}").get_data(as_text=True)
    assert "Laramie County" not in card  # too small for it: the card stays the same


@pytest.mark.parametrize(("loaded", "asked", "message"), [
    (False, "Laramie", r"No 287\(g\) list is loaded"), (True, "Nowhere", "No county called"),
    (True, "Carbon", "is a county in"), (True, "Carbon Atlantis", "No county called")])
def test_a_county_flyer_that_cannot_be_made_says_why(app, client, loaded, asked, message):
    if loaded:
        load_sample_list(app)
    assert client.get(f"/flyer?county={asked}").status_code == 404
    with app.test_request_context(), pytest.raises(paper.CountyError, match=message):
        paper.county_status(asked)
