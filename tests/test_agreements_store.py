"""Loading ICE's list into the database, and texting "287G <county>" against it (SQLite and PostgreSQL)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from openpyxl import Workbook

from hotline.cli.agreements import agreements_command
from hotline.core.agreements import read_spreadsheet
from hotline.edges.storage.agreement_lists import current_list, store_list
from hotline.services import get_engine
from tests.conftest import TwilioClient
from tests.test_agreements import AS_OF, SAMPLE


def sms_text(response) -> str:
    assert response.status_code == 200
    return ET.fromstring(response.data).find("Message").text


@pytest.fixture
def loaded_app(db_app):
    with db_app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
    return db_app


@pytest.fixture
def twilio(loaded_app):
    return TwilioClient(loaded_app.test_client())


@pytest.fixture(autouse=True)
def fresh_list(monkeypatch):
    # Answers say the list may be out of date after 60 days: pin "today" for stable answers.
    monkeypatch.setattr("hotline.edges.storage.agreement_lists.today", lambda: AS_OF + dt.timedelta(days=10))


@pytest.mark.parametrize("settings_state", ["WY", ""])
def test_laramie_in_english_with_three_models_and_the_date(settings, database_url, settings_state):
    from hotline import create_app

    settings.update(DATABASE_URL=database_url, HOTLINE_STATE=settings_state)
    app = create_app(settings)
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
        models = get_engine().county_words.texts["sms", "en"]["models"]
    text = sms_text(TwilioClient(app.test_client()).sms("287G Laramie"))
    assert "Laramie County" in text and "Jul 18, 2025" in text
    assert all(f"{models[m]} (" in text for m in ("jail", "task_force", "warrant_service"))
    app.services.storage.engine.dispose()


def test_natrona_in_spanish(twilio, loaded_app):
    text = sms_text(twilio.sms("287g condado de natrona"))
    with loaded_app.app_context():
        task_force = get_engine().county_words.texts["sms", "es"]["models"]["task_force"]
    assert "Natrona" in text and "18 jul 2025" in text and task_force in text


def test_teton_is_not_on_the_list_of_that_date(twilio, loaded_app, settings):
    twilio.sms("ENGLISH")
    text = sms_text(twilio.sms("287G Teton WY"))
    with loaded_app.app_context():
        not_listed = get_engine().county_words.texts["sms", "en"]["county_not_listed"]
    assert not_listed.split("{list_date}")[0].split("}")[-1].strip() in text  # "... is not on ICE's ..."
    assert "Teton" in text and "Jul 18, 2025" in text


def test_more_after_a_county_answer_explains_the_models(twilio, loaded_app):
    twilio.sms("287G Laramie WY")
    with loaded_app.app_context():
        assert sms_text(twilio.sms("MORE")) == get_engine().replies.more["287g", "en"][0]


def test_without_a_loaded_list_287g_gets_the_topic(db_app):
    with db_app.app_context():
        expected = get_engine().replies.first["287g", "en"]
    assert sms_text(TwilioClient(db_app.test_client()).sms("287G Laramie")) == expected


def test_a_new_load_replaces_the_list_and_reports_changes(loaded_app):
    rows = [r for r in read_spreadsheet(SAMPLE) if r.county != "Natrona"]
    with loaded_app.app_context():
        previous = store_list("participating", dt.date(2025, 8, 1), "newer.xlsx", rows)
        assert previous.as_of == AS_OF and len(previous.rows) == 832
        assert current_list().as_of == dt.date(2025, 8, 1)
        assert not [r for r in current_list().rows if r.county == "Natrona"]


def invoke(app, args):
    """Run `hotline agreements ...` against this app's database."""
    with app.app_context():
        return app.test_cli_runner().invoke(agreements_command, args)


def test_cli_load_reports_changes_and_refuses_bad_files(loaded_app, tmp_path):
    smaller = tmp_path / "participating-2025-08-01.xlsx"
    book = Workbook()
    book.active.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"])
    book.active.append(["WYOMING", "Laramie County Sheriff's Office", "County", "Laramie County",
                        "Jail Enforcement Model", dt.datetime(2025, 5, 20)])
    book.save(smaller)
    result = invoke(loaded_app, ["load", str(smaller)])
    assert result.exit_code == 0, result.output
    assert "list dated 2025-08-01" in result.output and "WY: 0 added, 8 removed" in result.output

    broken = tmp_path / "broken-2025-09-01.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    result = invoke(loaded_app, ["load", str(broken)])
    assert result.exit_code == 1 and "Nothing was changed" in result.output
    with loaded_app.app_context():
        assert current_list().as_of == dt.date(2025, 8, 1)  # the bad file changed nothing


def test_cli_needs_a_date(loaded_app, tmp_path):
    undated = tmp_path / "list.xlsx"
    undated.write_bytes(SAMPLE.read_bytes())
    result = invoke(loaded_app, ["load", str(undated)])
    assert result.exit_code == 2 and "--as-of" in result.output
    result = invoke(loaded_app, ["load", str(undated), "--as-of", "2025-07-18", "--pending"])
    assert result.exit_code == 0 and "pending" in result.output


def test_cli_show(loaded_app):
    result = invoke(loaded_app, ["show", "WY"])
    assert result.exit_code == 0
    assert "9 agreements in WY" in result.output and "Sweetwater" in result.output
