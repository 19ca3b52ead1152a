"""Talk to a person by text, in the settings and in the checks: on only with volunteers, hidden everywhere without."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from hotline import create_app
from hotline.cli.check.report import run_check
from hotline.cli.main import main
from hotline.core.toml_files import ContentError, default_messages_dir
from hotline.core.volunteers import read_volunteers
from hotline.edges.settings import SETTINGS, SettingsError, read_settings
from tests.conftest import HOTLINE_NUMBER, LANGUAGES, TEST_SETTINGS, TwilioClient
from tests.test_sms import reply_text
from tests.test_volunteers import BILINGUAL, ENGLISH_ONLY, VOLUNTEERS

CODES = tuple(LANGUAGES)


@pytest.fixture
def settings(settings):
    return {**read_settings({}), **settings, **VOLUNTEERS}


@pytest.mark.parametrize(("body", "lang"), [
    ("PERSONA", "es"), ("persona", "es"), ("PERSON", "en"), ("HUMAN", "en"), ("humano", "es"),
    ("persn", "en"), ("personna", "es"), ("volunter", "en"),  # one typo is forgiven
    ("Talk to a person", "en"), ("quiero hablar con una persona", "es"), ("¿hay una persona?", "es"),
])
def test_person_by_text_gives_the_hours_and_the_number_to_call(twilio, app, body, lang):
    text = reply_text(twilio.sms(body))
    assert text == app.services.live["person"](lang, "sms")
    assert HOTLINE_NUMBER in text and ENGLISH_ONLY not in text and BILINGUAL not in text  # no volunteer's number
    hours = app.services.engine.catalog.voice[lang]["hours"]
    assert hours["days"][0] in text and hours["days"][4] in text  # Monday, Friday: the hours in its language


def test_without_volunteer_numbers_person_is_not_understood(tmp_path):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"})
    twilio = TwilioClient(app.test_client())
    assert "person" not in app.services.live and app.services.volunteers is None
    with app.app_context():
        not_understood = app.services.engine.replies.texts
    assert reply_text(twilio.sms("PERSONA")) == not_understood["es"]["not_understood"]
    assert reply_text(twilio.sms("HUMAN")) == not_understood["en"]["not_understood"]


@pytest.mark.parametrize(("change", "named"), [
    ({"HOTLINE_VOLUNTEER_NUMBERS": "+13075550111, 555-0112"}, "'555-0112' is not a phone number"),
    ({"HOTLINE_VOLUNTEER_NUMBERS": HOTLINE_NUMBER}, "must not list the hotline's own number"),
    ({"HOTLINE_VOLUNTEER_NUMBERS": ",".join(f"+1307555{n:04d}" for n in range(200, 211))}, "at most 10"),
    ({"HOTLINE_NUMBER": ""}, "HOTLINE_NUMBER must be set"),
    ({"HOTLINE_VOLUNTEER_HOURS": ""}, "HOTLINE_VOLUNTEER_HOURS: no hours"),
    ({"HOTLINE_VOLUNTEER_HOURS": "weekdays 9 to 5"}, "HOTLINE_VOLUNTEER_HOURS: 'weekdays 9 to 5'"),
    ({"HOTLINE_VOLUNTEER_LANGUAGES": "+13075550199=es"}, "not in HOTLINE_VOLUNTEER_NUMBERS"),
    ({"HOTLINE_VOLUNTEER_LANGUAGES": f"{BILINGUAL}=fr"}, "codes from en, es"),
    ({"HOTLINE_VOLUNTEER_RING_SECONDS": "90"}, "5 to 60"),
    ({"HOTLINE_TIMEZONE": "Mountain"}, "'Mountain' is not a time zone"),
])
def test_a_mistake_in_the_volunteer_settings_stops_the_app_naming_it(settings, change, named):
    with pytest.raises(SettingsError, match=named):
        create_app({**settings, **change})
    assert read_volunteers({**settings, **change}, CODES, "en")[1]


def test_a_caller_rings_those_who_speak_their_language_else_everyone(settings):
    volunteers, problems = read_volunteers({**settings, "HOTLINE_VOLUNTEER_LANGUAGES": f"{BILINGUAL}=es/en"},
                                           CODES, "en")
    assert not problems
    assert volunteers.to_ring("es") == (BILINGUAL,) and set(volunteers.to_ring("en")) == {ENGLISH_ONLY, BILINGUAL}
    nobody_speaks_it = read_volunteers({**settings, "HOTLINE_VOLUNTEER_LANGUAGES": ""}, CODES, "en")[0]
    assert set(nobody_speaks_it.to_ring("es")) == {ENGLISH_ONLY, BILINGUAL}  # a person beats none
    assert read_volunteers({**settings, "HOTLINE_VOLUNTEER_NUMBERS": ""}, CODES, "en") == (None, [])


def person_rows(report) -> list[str]:
    return [row.where for row in report.rows if row.message.startswith("person")]


def test_hotline_check_measures_person_only_while_it_is_on():
    assert person_rows(run_check(None, read_settings({}))) == []
    on = run_check(None, read_settings(VOLUNTEERS))
    assert sorted(person_rows(on)) == [f"hotline.toml:{lang}.person" for lang in sorted(CODES)] and on.ok
    assert all(row.segments <= 2 for row in on.rows if row.message == "person")  # measured with the hours in


def test_hotline_check_fails_a_text_that_offers_person_while_it_is_off(tmp_path):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages, ignore=shutil.ignore_patterns("__pycache__"))
    path = messages / "hotline.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'more_prompt = "Reply MORE for more."', 'more_prompt = "Reply MORE, or PERSON to talk."'), encoding="utf-8")
    off = [p.reason for p in run_check(messages, read_settings({})).problems if "PERSON" in p.reason]
    assert off and all("HOTLINE_VOLUNTEER_NUMBERS is empty" in reason for reason in off)
    assert not [p for p in run_check(messages, read_settings(VOLUNTEERS)).problems if "PERSON" in p.reason]


def cli(*args: str, **env: str):
    clean = {setting.name: "" for setting in SETTINGS}
    return CliRunner().invoke(main, ["volunteers", "check", *args],
                              env={**clean, "HOTLINE_ENV": "development", "HOTLINE_NUMBER": HOTLINE_NUMBER, **env})


def test_volunteers_check_says_who_would_ring_with_numbers_masked():
    on = cli("--at", "2026-12-02 10:00", **VOLUNTEERS)  # a Wednesday morning in Denver
    assert on.exit_code == 0, on.output
    assert "on shift" in on.output and "+1******0112" in on.output
    assert ENGLISH_ONLY not in on.output and BILINGUAL not in on.output
    spanish = next(line for line in on.output.splitlines() if "Spanish rings" in line)
    assert spanish.endswith("+1******0112")
    off = cli("--at", "2026-12-06 10:00", **VOLUNTEERS)  # Sunday
    assert "off shift" in off.output and "rings" not in off.output
    assert "is off" in cli().output
    broken = cli(**{**VOLUNTEERS, "HOTLINE_VOLUNTEER_HOURS": "Mon-Fry 09:00-17:00"})
    assert broken.exit_code != 0 and "HOTLINE_VOLUNTEER_HOURS" in broken.output


@pytest.mark.parametrize(("file", "old", "new", "named"), [
    ("hotline.toml", '{ key = "0", action = "person" }', '{ key = "1", action = "person" }', "no topic uses"),
    ("hotline.toml", '{ key = "0", action = "person" }', '{ key = "0", action = "poet" }', "unknown action 'poet'"),
    ("voice.toml", 'person = "To talk with a volunteer, press {key}."', "", "en.extras.person is missing"),
    ("voice.toml", 'person = ["talk to a person"', 'person = ["my rights"', "'my rights' already chooses rights"),
    ("voice.toml", 'days_range = "de {first} a {last}"', "", "es.hours needs days"),
])
def test_a_mistake_in_the_menu_extras_stops_the_app_naming_it(settings, tmp_path, file, old, new, named):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages, ignore=shutil.ignore_patterns("__pycache__"))
    path = messages / file
    assert path.read_text(encoding="utf-8").count(old) == 1
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError, match=named):
        create_app({**settings, "HOTLINE_MESSAGES_DIR": str(messages)})
