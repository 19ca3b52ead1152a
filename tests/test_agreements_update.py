"""`hotline agreements update` against ICE's real spreadsheet served on 127.0.0.1: it loads, a 304 changes
nothing, a changed file loads with the right diff, and every broken download leaves the current list serving."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from hotline.cli.agreements import agreements_command
from hotline.core.agreements import read_spreadsheet
from hotline.edges.agreement_updater import update_list
from hotline.edges.storage.agreement_history import recent_checks
from hotline.edges.storage.agreement_lists import (
    agreement_lists,
    current_list,
    forget_cached_lists,
    latest_list_id,
    read_list,
    store_list,
)
from hotline.edges.storage.database import get_db_engine
from tests.served import ICE_PATH, XLSX, http_date, sample_bytes, sample_copy, serve
from tests.test_agreements import AS_OF, SAMPLE

SHEET = ICE_PATH + "participatingAgencies07182025.xlsx"  # ICE's way of naming it, dated 2025-07-18
NEWER = ICE_PATH + "participatingAgencies08012025.xlsx"
HIGHWAY_PATROL = ("WYOMING", "Wyoming Highway Patrol", "State", "#N/A", "Task Force Model",
                  dt.datetime(2025, 7, 30), "link", None)


@pytest.fixture
def served():
    with serve() as served:
        served.page("/identify-and-arrest/287g", SHEET)  # ICE's page, which links no pending list now
        yield served


@pytest.fixture
def settings(settings, served):
    # Never ICE's own address: a test that forgets --url gets this machine's server, not the network.
    return {**settings, "HOTLINE_STATE": "WY", "HOTLINE_AGREEMENTS_URL": served.base + "/identify-and-arrest/287g",
            "HOTLINE_AGREEMENTS_PENDING_URL": served.base + "/identify-and-arrest/287g",
            "HOTLINE_AGREEMENTS_TIMEOUT_SECONDS": "1"}


def invoke(app, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(agreements_command, ["update", *args])


def serving(app):
    """Return (date, agreements) of the list answers use now, read afresh."""
    with app.app_context():
        forget_cached_lists()
        loaded = current_list()
        return (loaded.as_of, len(loaded.rows)) if loaded else None


def checks(app, limit=10):
    with app.app_context():
        return recent_checks("participating", limit)


def ice_page(served, *links):
    """Serve ICE's 287(g) page at the default address, linking the spreadsheets."""
    return served.page("/identify-and-arrest/287g", *links)


# -- the first download, then nothing new


def test_first_download_loads_and_an_unchanged_list_is_not_downloaded_again(db_app, served):
    served.add(SHEET, sample_bytes(), etag='"v1"', last_modified=http_date(dt.datetime(2025, 7, 18, 17, 43)))
    ice_page(served, SHEET)  # a relative link, as on ICE's page

    first = invoke(db_app)
    assert first.exit_code == 0, first.output
    assert "Loaded 832 agreements, list dated 2025-07-18 (date from the file name)" in first.output
    assert "links no list of pending agencies" in first.output  # ICE publishes none now: not a failure
    assert serving(db_app) == (AS_OF, 832)
    [loaded] = checks(db_app)
    assert (loaded.outcome, loaded.source, loaded.etag) == ("loaded", served.base + SHEET, '"v1"')

    second = invoke(db_app)
    assert second.exit_code == 0, second.output
    assert "Unchanged (the server says it has not changed)" in second.output
    sent = served.hits(SHEET)[-1]
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"].endswith("GMT")
    with db_app.app_context():
        with get_db_engine().connect() as connection:
            assert connection.scalar(select(func.count()).select_from(agreement_lists)) == 1  # nothing reloaded
    assert [c.outcome for c in checks(db_app)] == ["unchanged", "loaded"]
    with db_app.app_context():
        assert current_list().confirmed == dt.datetime.now(dt.UTC).date()  # checked today: current, though old


def test_a_server_without_etag_gets_if_modified_since(app, served):
    modified = http_date(dt.datetime(2025, 7, 18, 17, 43))
    url = served.add(SHEET, sample_bytes(), last_modified=modified)
    assert invoke(app, "--url", url).exit_code == 0
    result = invoke(app, "--url", url)
    assert result.exit_code == 0 and "Unchanged" in result.output
    assert served.hits(SHEET)[-1]["if-modified-since"] == modified and "if-none-match" not in served.hits(SHEET)[-1]


def test_the_same_file_under_no_validators_is_recognised_and_not_reloaded(app, served):
    url = served.add(SHEET, sample_bytes())  # no ETag, no Last-Modified: the content tells
    invoke(app, "--url", url)
    result = invoke(app, "--url", url)
    assert result.exit_code == 0 and "it is the list already loaded" in result.output
    assert [c.outcome for c in checks(app)] == ["unchanged", "loaded"]


def test_the_installed_command_updates_from_a_served_copy_of_ices_page(served, tmp_path):
    # The `hotline` program itself, as Heroku Scheduler runs it: no test runner's app context to lean on.
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.browser import cli_env

    served.add(SHEET, sample_bytes(), etag='"v1"')
    env = {**os.environ, **cli_env(tmp_path, HOTLINE_STATE="WY",
                                   HOTLINE_AGREEMENTS_URL=served.base + "/identify-and-arrest/287g",
                                   HOTLINE_AGREEMENTS_PENDING_URL=served.base + "/identify-and-arrest/287g")}
    hotline = str(Path(sys.executable).parent / "hotline")
    runs = [subprocess.run([hotline, "agreements", *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=120, check=False) for args in (["update"], ["update"], ["show"])]
    assert [run.returncode for run in runs] == [0, 0, 0], [run.stdout + run.stderr for run in runs]
    assert "Loaded 832 agreements, list dated 2025-07-18" in runs[0].stdout
    assert "Unchanged (the server says it has not changed)" in runs[1].stdout
    assert "9 agreements in WY" in runs[2].stdout and "unchanged " + served.base + SHEET in runs[2].stdout


# -- a new list


def test_a_changed_list_loads_and_its_changes_are_recorded(app, served):
    served.add(SHEET, sample_bytes(), etag='"v1"')
    ice_page(served, SHEET)
    invoke(app)
    changed = sample_copy(keep=lambda row: row[3] != "Natrona County", extra=(HIGHWAY_PATROL,))
    served.add(NEWER, changed, etag='"v2"')
    ice_page(served, NEWER)  # ICE publishes under a new name, dated in the name

    result = invoke(app)
    assert result.exit_code == 0, result.output
    assert "Loaded 832 agreements, list dated 2025-08-01" in result.output
    assert "WY: 1 added, 1 removed" in result.output
    assert "added: Wyoming Highway Patrol (Task Force Model)" in result.output
    assert "removed: Natrona County Sheriff's Office (Task Force Model)" in result.output
    assert serving(app) == (dt.date(2025, 8, 1), 832)
    latest = checks(app)[0]
    assert latest.changes == {"WY": {"added": [["Wyoming Highway Patrol", "task_force"]],
                                     "removed": [["Natrona County Sheriff's Office", "task_force"]]}}
    assert latest.source == served.base + NEWER and latest.list_date == dt.date(2025, 8, 1)

    with app.app_context():
        shown = app.test_cli_runner().invoke(agreements_command, ["show"])
    assert shown.exit_code == 0, shown.output
    assert "loaded    " + served.base + NEWER in shown.output and "1 added, 1 removed" in shown.output
    assert "What the list dated 2025-08-01 changed in WY" in shown.output
    assert "9 agreements in WY" in shown.output


def test_without_a_date_in_its_name_the_list_is_dated_by_the_spreadsheet_then_the_server(app, served):
    url = served.add(ICE_PATH + "participatingAgencies.xlsx", sample_bytes(),
                     last_modified=http_date(dt.datetime(2025, 7, 20)))
    result = invoke(app, "--url", url)
    assert "list dated 2025-07-18 (date from the spreadsheet)" in result.output  # the workbook's own date
    rebuilt = sample_copy(extra=(HIGHWAY_PATROL,))  # openpyxl dates it today: still the workbook's date
    served.add(ICE_PATH + "participatingAgencies.xlsx", rebuilt, last_modified=http_date(dt.datetime(2025, 8, 2)))
    result = invoke(app, "--url", url)
    assert result.exit_code == 0 and "(date from the spreadsheet)" in result.output


# -- a broken download changes nothing


def shrunk() -> bytes:
    return sample_copy(keep=lambda row: row[0] in ("ALABAMA", "ARIZONA", "ARKANSAS"))


@pytest.mark.parametrize(("serve_it", "expected"), [
    (lambda s: s.add(SHEET, b"\x00\x01 this is not a spreadsheet" * 40), "not a readable .xlsx spreadsheet"),
    (lambda s: s.add(SHEET, b"PK\x03\x04 a truncated zip file" * 40), "not a readable .xlsx spreadsheet"),
    (lambda s: s.add(SHEET, b"<!DOCTYPE html><html><body><h1>Access Denied</h1></body></html>",
                     content_type="text/html"), "sent a web page, not a spreadsheet"),
    (lambda s: s.add(SHEET, b"<html><body>Maintenance</body></html>", content_type="application/octet-stream"),
     "sent a web page, not a spreadsheet"),
    (lambda s: s.base + ICE_PATH + "missing.xlsx", "answered 404 Not Found"),
    (lambda s: s.add(SHEET, sample_bytes(), delay=3), "did not answer within the 1-second limit"),
    (lambda s: s.add(SHEET, shrunk()), "the new list looks broken: it has"),
    (lambda s: s.add(SHEET, sample_copy(keep=lambda row: row[0] != "WYOMING")),
     "no agreements at all in WY (had 9)"),
    (lambda s: s.add(SHEET, status=302, location="http://127.0.0.1:9/elsewhere.xlsx"), "which is not https"),
    (lambda s: s.add(SHEET, sample_copy(extra=(("WYOMING", "X", "County", "X County", "Mind Reading", None),))),
     "unknown support type 'Mind Reading'"),
], ids=["corrupt", "bad-zip", "html-200", "html-mislabelled", "404", "timeout", "lost-most-rows",
        "lost-a-state", "redirect-to-http", "unknown-model"])
def test_a_broken_download_leaves_the_current_list_serving(app, served, caplog, serve_it, expected):
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
    result = invoke(app, "--url", serve_it(served))
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Nothing was changed" in result.output
    assert "Answers keep using the list dated 2025-07-18" in result.output
    assert serving(app) == (AS_OF, 832)  # the previous list still answers
    failed = checks(app)[0]
    assert failed.outcome == "failed" and expected in failed.message
    assert any(expected in r.getMessage() for r in caplog.records if r.name == "hotline.agreements")


def test_a_shrunk_list_loads_with_force(app, served):
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
    url = served.add(NEWER, shrunk())
    refused = invoke(app, "--url", url)
    assert refused.exit_code == 1 and "run again with --force" in refused.output
    forced = invoke(app, "--url", url, "--force")
    assert forced.exit_code == 0, forced.output
    assert serving(app)[0] == dt.date(2025, 8, 1) and serving(app)[1] < 200


def test_a_first_failure_says_no_list_is_loaded(app, served):
    result = invoke(app, "--url", served.base + ICE_PATH + "missing.xlsx")
    assert result.exit_code == 1 and "No participating list is loaded yet" in result.output
    assert "gets the general 287(g) answer" in result.output
    assert serving(app) is None


def test_a_page_without_the_spreadsheet_says_what_it_found(app, served):
    ice_page(served, "/doclib/other/detentionStats.xlsx")
    result = invoke(app)
    assert result.exit_code == 1
    assert "links no list of participating agencies" in result.output and "detentionStats.xlsx" in result.output


@pytest.mark.parametrize(("address", "expected"), [
    ("{base}/doclib/missing.xlsx?token=s3cr3t", "answered 404"),
    ("http://organiser:hunter2@{host}/doclib/missing.xlsx?token=s3cr3t", "carries a user name or password"),
])
def test_failures_name_no_credentials_or_query(app, served, caplog, address, expected):
    url = address.format(base=served.base, host=served.base.removeprefix("http://"))
    result = invoke(app, "--url", url)
    assert result.exit_code == 1 and expected in result.output
    for text in (result.output, caplog.text, checks(app)[0].source, checks(app)[0].message):
        assert "hunter2" not in text and "s3cr3t" not in text and "organiser" not in text


def test_an_address_that_is_not_https_is_refused(app):
    result = invoke(app, "--url", "http://www.ice.gov/identify-and-arrest/287g")
    assert result.exit_code == 1 and "is not an https:// address" in result.output


def test_a_download_over_the_size_cap_is_refused(served):
    from hotline.edges.ice_download import DownloadError, fetch

    url = served.add(SHEET, sample_bytes())
    with pytest.raises(DownloadError, match="111 kB, more than the 50 kB a list can be"):
        fetch(url, max_bytes=50_000)


# -- two updates at once


def test_two_updates_at_once_load_one_list_and_readers_never_see_half_of_one(db_app, served):
    with db_app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE)[:600])
    url = served.add(NEWER, sample_bytes(), delay=0.3)  # both downloads overlap, then both try to swap
    outcomes, seen, stop = [], set(), threading.Event()

    def update() -> None:
        with db_app.app_context():
            outcomes.append(update_list("participating", url, timeout=10).outcome)

    def read() -> None:
        with db_app.app_context():
            while not stop.is_set():
                with get_db_engine().connect() as connection:
                    seen.add(len(read_list(connection, latest_list_id(connection, "participating")).rows))

    reader = threading.Thread(target=read)
    reader.start()
    updaters = [threading.Thread(target=update) for _ in range(2)]
    for thread in updaters:
        thread.start()
    for thread in updaters:
        thread.join(timeout=30)
    stop.set()
    reader.join(timeout=30)
    assert sorted(outcomes) == ["loaded", "unchanged"]  # the second found the first's list already in
    assert seen <= {600, 832}
    assert serving(db_app) == (dt.date(2025, 8, 1), 832)
    with db_app.app_context():
        with get_db_engine().connect() as connection:
            assert connection.scalar(select(func.count()).select_from(agreement_lists)) == 2  # new, and the one before


# -- a clock process


class Stop(Exception):
    pass


def test_every_keeps_checking_and_survives_a_failure(app, served, monkeypatch):
    naps = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise Stop
        served.add(SHEET, sample_bytes())  # ICE's site is back for the second round

    monkeypatch.setattr("hotline.cli.agreements_update.sleep", sleep)
    result = invoke(app, "--url", served.base + SHEET, "--every", "24h")
    assert isinstance(result.exception, Stop)
    assert naps == [86400.0, 86400.0] and result.output.count("Next check at") == 2
    assert "answered 404" in result.output and "Loaded 832 agreements" in result.output
    assert [c.outcome for c in checks(app)] == ["loaded", "failed"]


@pytest.mark.parametrize("every", ["10s", "soon", "0h"])
def test_every_needs_a_minute_or_more(app, every):
    result = invoke(app, "--every", every)
    assert result.exit_code == 2 and "a minute or more" in result.output


# -- where people and organisers see it


def test_healthz_reports_the_list_and_stays_200_when_it_is_stale(app, served, monkeypatch):
    client = app.test_client()
    assert client.get("/healthz").json["agreements"] == {
        "loaded": False, "list_date": None, "checked_at": None, "last_check": None, "confirmed": None,
        "stale": None}
    served.add(SHEET, sample_bytes(), content_type=XLSX)
    invoke(app, "--url", served.base + SHEET)
    with app.app_context():
        forget_cached_lists()
    state = client.get("/healthz").json["agreements"]
    assert state["loaded"] is True and state["list_date"] == "2025-07-18" and state["last_check"] == "loaded"
    assert state["stale"] is False  # old, but checked today: ICE's newest list
    assert state["checked_at"].startswith(dt.datetime.now(dt.UTC).date().isoformat())
    monkeypatch.setattr("hotline.edges.storage.agreement_lists.today", lambda: dt.date.today() + dt.timedelta(90))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"
    assert response.json["agreements"]["stale"] is True


def test_the_dashboard_shows_the_last_check_the_date_and_the_failure(app, served):
    app.config["HOTLINE_ADMIN_PASSWORD"] = "organisers"
    changed = sample_copy(keep=lambda row: row[3] != "Natrona County", extra=(HIGHWAY_PATROL,))
    served.add(SHEET, sample_bytes())
    invoke(app, "--url", served.base + SHEET)
    served.add(NEWER, changed)
    invoke(app, "--url", served.base + NEWER)
    invoke(app, "--url", served.base + ICE_PATH + "gone.xlsx")
    with app.app_context():
        forget_cached_lists()
    page = app.test_client().get("/admin", auth=("o", "organisers")).get_data(as_text=True)
    assert "Answers use ICE's list dated 2025-08-01" in page
    assert "The last update failed" in page and "answered 404 Not Found" in page
    assert "Added: Wyoming Highway Patrol (Task Force Model)" in page
    assert "Removed: Natrona County Sheriff&#39;s Office (Task Force Model)" in page
    assert "http://" not in page and "https://" not in page  # the page still links nowhere


def test_load_from_disk_still_works_and_is_in_the_history(app, tmp_path):
    copy = tmp_path / "ice-287g-participating-agencies-2025-07-18.xlsx"
    copy.write_bytes(sample_bytes())
    with app.app_context():
        runner = app.test_cli_runner()
        first = runner.invoke(agreements_command, ["load", str(copy)])
        again = runner.invoke(agreements_command, ["load", str(copy)])
        shown = runner.invoke(agreements_command, ["show"])
    assert first.exit_code == 0 and "Loaded 832 participating agreements" in first.output
    assert again.exit_code == 0 and "already loaded" in again.output
    assert f"unchanged {copy.name}" in shown.output and f"loaded    {copy.name}" in shown.output
    with app.app_context():
        assert current_list().confirmed is None  # a file from disk is not a check of ICE's site
