"""Issue 12's behaviours: who runs the line, SOURCE, the discreet preview, county answers that never
falsely reassure, Spanish state names, and `hotline check` measuring what it promises."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hotline import create_app
from hotline.cli.check.report import run_check
from hotline.cli.check.translations import confirm_translations
from hotline.core.agreements import Agreement
from hotline.core.catalog import load_catalog
from hotline.core.county_answers import AgreementList, answer_county_question
from hotline.core.toml_files import default_messages_dir
from hotline.edges.settings import SettingsError, read_settings
from hotline.services import get_engine
from tests.conftest import TwilioClient
from tests.test_sms import reply_text

AS_OF = dt.date(2026, 11, 20)
SHERIFF = Agreement("WY", "Laramie", "Laramie County Sheriff's Office", "task_force", dt.date(2025, 10, 1), "County")
PATROL = Agreement("WY", "", "Wyoming Highway Patrol", "task_force", dt.date(2026, 3, 1), "State")


@pytest.fixture
def messages(tmp_path: Path) -> Path:
    copy = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), copy)
    return copy


def ask(text: str, lang: str, rows, county_words, state: str | None = "WY") -> str | None:
    return answer_county_question(text.lower().split(), lang, AgreementList(AS_OF, tuple(rows)), county_words,
                                  state, AS_OF, 60, "https://hotline.example.org")


@pytest.mark.parametrize("missing", ["HOTLINE_ORG_NAME", "HOTLINE_REFERRAL"])
def test_production_refuses_to_start_without_who_runs_it_and_where_to_get_a_lawyer(settings, missing):
    settings[missing] = ""
    with pytest.raises(SettingsError, match=missing):
        create_app(settings)


def test_all_start_up_problems_are_reported_together(settings):
    settings.update(HOTLINE_ORG_NAME="", HOTLINE_REFERRAL="", TWILIO_AUTH_TOKEN="")
    with pytest.raises(SettingsError) as raised:
        create_app(settings)
    for name in ("HOTLINE_ORG_NAME", "HOTLINE_REFERRAL", "TWILIO_AUTH_TOKEN"):
        assert name in str(raised.value)


@pytest.mark.parametrize(("body", "lang"), [("SOURCE", "en"), ("sources?", "en"), ("FUENTE", "es"),
                                            ("fuentes", "es")])
def test_source_says_where_the_words_come_from_and_when_they_were_checked(app, twilio, body, lang):
    with app.app_context():
        engine = get_engine()
    text = reply_text(twilio.sms(body))
    assert text == engine.replies.texts[lang]["source"]
    assert "ACLU" in text  # the commentary the answers are drawn from
    for topic in engine.catalog.topics.values():  # every topic, by its keyword, with its review date
        assert f"{topic.keywords[lang][0]} {topic.reviewed.isoformat()}" in text


@pytest.mark.parametrize("body", ["RIGHTS", "DERECHOS", "HELP", "AYUDA", "hello", "SOURCE", "287G LARAMIE"])
def test_discreet_preview_starts_every_reply_with_a_neutral_line(settings, body):
    settings["HOTLINE_DISCREET_PREVIEW"] = "true"
    app = create_app(settings)
    twilio = TwilioClient(app.test_client())
    with app.app_context():
        previews = {text["discreet_preview"] for text in get_engine().replies.texts.values()}
    first_line = reply_text(twilio.sms(body)).splitlines()[0]
    assert first_line in previews
    for word in ("ICE", "immigra", "inmigra", "derechos", "rights", "287"):
        assert word.lower() not in first_line.lower()  # a locked screen shows nothing of the subject


def test_without_the_setting_replies_start_with_the_answer(twilio, app):
    with app.app_context():
        replies = get_engine().replies
    assert reply_text(twilio.sms("RIGHTS")) == replies.first["rights", "en"]


def test_check_counts_the_discreet_preview_in_the_budget(messages):
    plain = run_check(messages, read_settings({}))
    discreet = run_check(messages, read_settings({"HOTLINE_DISCREET_PREVIEW": "true"}))
    chars = {(r.where, r.message): r.chars for r in plain.rows if r.kind == "sms"}
    longer = [r for r in discreet.rows if r.kind == "sms" and r.chars > chars[r.where, r.message]]
    assert len(longer) == len(chars)  # every SMS is measured with its first line


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_county_not_on_the_list_names_the_state_agencies_that_are(county_words, lang):
    answer = ask("teton", lang, [SHERIFF, PATROL], county_words)
    texts = county_words.texts["sms", lang]
    assert "Teton" in answer and "Wyoming Highway Patrol" in answer
    assert "Laramie County Sheriff's Office" not in answer  # another county's agency is not this county's
    first_line = texts["county_not_listed"].strip().splitlines()[0]
    assert first_line.split("{")[0] in answer


@pytest.mark.parametrize("lang", ["en", "es"])
def test_many_state_and_city_agencies_are_counted_not_listed(county_words, lang):
    cities = [Agreement("WY", "", f"City of Somewhere Number {i} Police Department", "task_force", None, "City")
              for i in range(12)]
    answer = ask("teton", lang, [SHERIFF, *cities], county_words)
    assert "12" in answer and "Number 3" not in answer


@pytest.mark.parametrize(("lang", "name"), [("es", "Nuevo México"), ("en", "New Mexico")])
def test_state_names_are_in_the_askers_language(county_words, lang, name):
    rows = [Agreement("NM", "Otero", "Otero County Sheriff's Office", "jail", dt.date(2025, 6, 1), "County")]
    assert name in ask("new mexico", lang, rows, county_words, state=None)


def test_check_says_how_much_to_cut_and_blames_an_accented_referral(messages):
    report = run_check(messages, read_settings({"HOTLINE_REFERRAL": "Asociación de Ayuda Legal " * 4}))
    over = [p for p in report.problems if "over the budget" in p.reason and ":en." in p.where]
    assert over, "an accented referral makes English answers UCS-2 and too long"
    assert all("cut " in p.reason for p in over)
    assert any("come from a setting" in p.reason for p in over)


def test_each_problem_is_reported_once(messages):
    report = run_check(messages, read_settings({"HOTLINE_REFERRAL": "Legal Aid " * 15}))
    keys = [(p.where, p.reason) for p in report.problems]
    assert len(keys) == len(set(keys))


def test_every_text_people_read_is_scored(messages):
    web = messages / "web.toml"
    hard = ("Notwithstanding the aforementioned jurisdictional considerations, municipal administrations "
            "retain considerable discretionary authority.")
    text = web.read_text(encoding="utf-8")
    web.write_text(text.replace('back_home = "Go to the start page"', f'back_home = "{hard}"'), encoding="utf-8")
    report = run_check(messages, read_settings({}))
    assert any(p.where == "web.toml:en.back_home" and "grade" in p.reason for p in report.problems)


def test_a_text_changed_in_one_language_only_is_flagged_for_the_translator(messages):
    confirm_translations(messages)
    assert not [p for p in run_check(messages, read_settings({})).problems if "translations" in p.reason]
    help_file = messages / "hotline.toml"
    text = help_file.read_text(encoding="utf-8")
    help_file.write_text(text.replace('rate_limited = """\n', 'rate_limited = """\nPlease slow down.\n', 1),
                         encoding="utf-8")
    flagged = [p for p in run_check(messages, read_settings({})).problems if "translations" in p.reason]
    assert [p.where for p in flagged] == ["hotline.toml:es.rate_limited"]
    confirm_translations(messages)
    assert not [p for p in run_check(messages, read_settings({})).problems if "translations" in p.reason]


def test_shipped_translations_are_in_step():
    report = run_check(None, read_settings({}))
    assert not [p for p in report.problems if "translations" in p.reason or "translations.lock" in p.where]


def test_every_topic_voice_script_ends_with_the_referral():
    catalog = load_catalog()
    for topic in catalog.topics.values():
        for lang, text in topic.texts.items():
            assert "{referral}" in text.voice.strip().split("\n\n")[-1], (topic.id, lang)
