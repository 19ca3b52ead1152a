"""The pure rules behind updates and answers: ICE's file names and page, what a broken list looks like,
when a list is stale, and which state a county name means when HOTLINE_STATE is unset."""

import dataclasses
import datetime as dt

import pytest

from hotline.core.agreement_updates import (
    Candidate,
    choose_date,
    find_spreadsheet_link,
    implausible,
    judge,
    list_changes,
    looks_like_a_page,
)
from hotline.core.agreements import date_from_filename
from hotline.core.county_answers import AgreementList, answer_county_question, is_stale
from hotline.core.matcher import normalise
from hotline.core.segments import count_segments
from hotline.edges.ice_download import allowed_address, shown
from tests.test_agreements import AS_OF, SAMPLE, fixed_words

# -- ICE's names, page and servers


@pytest.mark.parametrize(("name", "date"), [
    # File names ICE has published (kept by public trackers of its 287(g) page).
    ("participatingAgencies10092026.xlsx", dt.date(2026, 10, 9)),
    ("287gParticipatingAgencies091526pm.xlsx", dt.date(2026, 9, 15)),
    ("ParticipatingAgency091826am.xlsx", dt.date(2026, 9, 18)),
    ("participatingAgencies04212026am 12.15.07 AM.xlsx", dt.date(2026, 4, 21)),
    ("ice-287g-participating-agencies-2025-07-18.xlsx", dt.date(2025, 7, 18)),
    ("participatingAgencies.xlsx", None),
    ("participatingAgencies13452026.xlsx", None),  # no 13th month
])
def test_dates_in_ices_file_names(name, date):
    assert date_from_filename(name) == date


def test_the_date_falls_back_to_the_spreadsheet_then_the_server_then_the_check():
    today = dt.date(2026, 12, 1)
    assert choose_date("participatingAgencies10092026.xlsx", dt.date(2026, 10, 8), "", today) == (
        dt.date(2026, 10, 9), "file name")
    assert choose_date("list.xlsx", dt.date(2026, 10, 8), "", today) == (dt.date(2026, 10, 8), "spreadsheet")
    assert choose_date("list.xlsx", None, "Fri, 09 Oct 2026 19:33:34 GMT", today) == (
        dt.date(2026, 10, 9), "server")
    assert choose_date("list.xlsx", None, "garbage", today) == (today, "check")


ICE_PAGE = """<html><body><main>
<p>Participating agencies <a href="/doclib/about/offices/ero/287g/participatingAgencies10092026.xlsx">(Excel)</a></p>
<p><a href="https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies10092026.xlsx">Pending</a></p>
<p><a href="/doclib/detention/FY26_detentionStats.xlsx">Detention</a> <a href="/news">News</a></p>
</main></body></html>"""


@pytest.mark.parametrize(("kind", "link"), [
    ("participating", "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies10092026.xlsx"),
    ("pending", "https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies10092026.xlsx"),
])
def test_the_spreadsheet_is_found_on_ices_page(kind, link):
    found, sheets = find_spreadsheet_link(ICE_PAGE, "https://www.ice.gov/identify-and-arrest/287g", kind)
    assert found == link and len(sheets) == 3


@pytest.mark.parametrize(("data", "content_type", "page"), [
    (SAMPLE.read_bytes(), "text/html", False),  # the bytes of a spreadsheet win over a wrong label
    (b"<!DOCTYPE html><html>", "application/octet-stream", True),
    (b"\xef\xbb\xbf\n  <html lang=en>", "", True),
    (b"\x00\x01garbage", "application/vnd.ms-excel", False),
])
def test_a_page_is_told_from_a_spreadsheet(data, content_type, page):
    assert looks_like_a_page(data, content_type) is page


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://www.ice.gov/identify-and-arrest/287g", True), ("http://www.ice.gov/287g", False),
    ("http://127.0.0.1:8000/list.xlsx", True), ("http://localhost/list.xlsx", True), ("http://[::1]/l.xlsx", True),
    ("http://10.0.0.1/list.xlsx", False), ("ftp://www.ice.gov/list.xlsx", False), ("file:///etc/passwd", False),
])
def test_only_https_or_this_machine(url, allowed):
    assert allowed_address(url) is allowed


def test_addresses_are_shown_without_secrets():
    assert shown("https://me:pw@www.ice.gov:443/a/b.xlsx?token=x#y") == "https://www.ice.gov:443/a/b.xlsx"


def test_a_redirect_is_followed_only_to_https():
    import urllib.request

    from hotline.edges.ice_download import DownloadError, _HttpsRedirects

    handler, request = _HttpsRedirects(), urllib.request.Request("https://www.ice.gov/287g")
    followed = handler.redirect_request(request, None, 302, "Found", {}, "https://www.ice.gov/doclib/a.xlsx")
    assert followed.full_url == "https://www.ice.gov/doclib/a.xlsx"
    with pytest.raises(DownloadError, match="not https"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://www.ice.gov/doclib/a.xlsx")


# -- what a broken list looks like


def test_shrinking_by_more_than_a_third_or_losing_a_state_is_implausible(rows):
    assert implausible(rows, rows) == []
    assert implausible(rows, rows[:600]) != [] and "gone at once" in implausible(rows, rows[:500])[0]
    no_wyoming = [r for r in rows if r.state != "WY"]
    assert implausible(rows, no_wyoming) == ["it has no agreements at all in WY (had 9)"]
    # A state whose only agreement ends is news, not a broken file.
    assert implausible(rows, [r for r in rows if r.state != "CO"]) == []


def test_judging_a_candidate(rows):
    same = Candidate(tuple(rows), AS_OF, "file name", "x")
    assert judge(rows, AS_OF, same, True).outcome == "unchanged"
    newer = dataclasses.replace(same, as_of=dt.date(2025, 8, 1))
    assert judge(rows, AS_OF, newer, True).outcome == "loaded"  # ICE confirmed the same list on a new date
    small = dataclasses.replace(newer, rows=tuple(rows[:100]))
    assert judge(rows, AS_OF, small, True).outcome == "refused"
    assert judge(rows, AS_OF, small, False).outcome == "loaded"  # --force, or the pending list
    assert judge(None, None, small, True).outcome == "loaded"  # the first list


def test_changes_name_agencies_per_state(rows):
    fewer = [r for r in rows if not (r.state == "WY" and r.county == "Laramie")]
    assert list_changes(rows, fewer) == {"WY": {"added": [], "removed": [
        ["Laramie County Sheriff's Office", "jail"], ["Laramie County Sheriff's Office", "task_force"],
        ["Laramie County Sheriff's Office", "warrant_service"]]}}
    assert list_changes(rows, rows) == {}


# -- stale


def test_a_list_checked_recently_is_not_stale_however_old():
    old = AgreementList(AS_OF, ())
    assert is_stale(old, dt.date(2025, 12, 1), 60)
    assert not is_stale(dataclasses.replace(old, confirmed=dt.date(2025, 11, 30)), dt.date(2025, 12, 1), 60)
    assert is_stale(dataclasses.replace(old, confirmed=dt.date(2025, 9, 1)), dt.date(2025, 12, 1), 60)


# -- which state, when HOTLINE_STATE is unset


def ask(text, lang, rows, county_words, state=None):
    words = [w for w in normalise(text).split() if w != "287g"]
    return answer_county_question(words, lang, AgreementList(AS_OF, tuple(rows)), county_words, state,
                                  dt.date(2025, 8, 1), 60, "https://hotline.example.org")


@pytest.mark.parametrize(("text", "template", "expected"), [
    ("287G Carbon", "county_listed", "Carbon County, WY"),  # 4 states have a Carbon County; only WY's is listed
    ("287G Fremont", "state_ask", "Fremont"),  # 4 states, none listed: ask
    ("287G Franklin", "state_ask", "Franklin"),  # listed in 7 states: ask
    ("287G Campbell", "state_ask", "Campbell"),  # listed in WY and VA: ask
    ("287G Laramie", "county_listed", "Laramie County, WY"),  # one state has one
])
def test_the_list_settles_which_state_only_when_it_names_one(rows, county_words, text, template, expected):
    answer = ask(text, "en", rows, county_words)
    assert fixed_words(county_words.texts["sms", "en"][template]) in answer and expected in answer
    elsewhere = fixed_words(county_words.texts["sms", "en"]["elsewhere"])
    assert (elsewhere in answer) is (text == "287G Carbon")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_tie_broken_answer_fits_the_budget_and_says_how_to_ask_elsewhere(rows, county_words, lang):
    words = [w for w in normalise("287G Carbon").split() if w != "287g"]
    stale = answer_county_question(words, lang, AgreementList(AS_OF, tuple(rows)), county_words, None,
                                   dt.date(2026, 12, 1), 60, "https://hotline.example.org")
    assert "287G Carbon" in stale
    count = count_segments(stale)
    assert count.segments <= (2 if count.encoding == "GSM-7" else 4), (stale, count)
    assert "287G Carbon" not in ask("287G Carbon", lang, rows, county_words, state="WY")  # no hint with a state
