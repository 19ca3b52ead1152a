"""The verified alert (ALERTA): published from the command line, asked for by text or call, expiring, and
still served (the last one read) while the database is down."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select

from hotline.core.alert_checks import Limits, check_notice, clean_label, parse_expiry
from hotline.core.alerts import Notice, compose, load_alert_words, say_time
from hotline.core.languages import load_languages
from hotline.core.placeholders import fill
from hotline.core.toml_files import default_messages_dir
from hotline.edges.storage import alerts as store
from hotline.edges.storage.database import usage
from tests.conftest import CALLER, TwilioClient
from tests.test_sms import reply_text

MESSAGES = default_messages_dir()
LANGUAGES = load_languages(MESSAGES)
WORDS = load_alert_words(MESSAGES, LANGUAGES.codes)
DENVER = ZoneInfo("America/Denver")
NOW = dt.datetime(2026, 12, 1, 21, 40, tzinfo=dt.UTC)  # 2:40 PM in Denver (MST)
TEXTS = {"en": "ICE agents were seen at the Walmart on Main Street. We checked. Stay away for now.",
         "es": "Vimos agentes de ICE en el Walmart de la calle Main. Lo confirmamos. No vaya por ahora."}
LIMITS = Limits({"GSM-7": 2, "UCS-2": 4}, 6, 70, 65)
REPORT_LINE = "(307) 555-0111"


@pytest.fixture
def clock(monkeypatch):
    """Let a test move the time the alerts see."""
    moments = [NOW]
    monkeypatch.setattr(store, "now", lambda: moments[-1])
    return moments


@pytest.fixture
def settings(settings):
    settings["HOTLINE_REPORT_LINE"] = REPORT_LINE
    return settings


@pytest.fixture
def app(db_app):
    """The app on SQLite, then on PostgreSQL: the notice lives in the database every worker shares."""
    return db_app


def publish(runner, *extra: str, texts=TEXTS):
    args = ["alert", "publish", *(a for code, text in texts.items() for a in (f"--{code}", text)), *extra]
    return runner.invoke(args=args)


@pytest.mark.parametrize(("moment", "lang", "said"), [
    (NOW, "en", "2:40 PM today"), (NOW, "es", "hoy, 2:40 p. m."),
    (NOW - dt.timedelta(hours=15), "en", "11:40 PM yesterday"),
    (NOW - dt.timedelta(hours=15), "es", "ayer, 11:40 p. m."),
    (NOW + dt.timedelta(hours=10), "en", "12:40 AM tomorrow"), (NOW - dt.timedelta(days=3), "en", "2:40 PM, Nov 28"),
    (NOW - dt.timedelta(days=3), "es", "el 28 de nov, 2:40 p. m."),
    (dt.datetime(2026, 7, 1, 18, 5, tzinfo=dt.UTC), "en", "12:05 PM, Jul 1"),  # summer time: UTC-6
])
def test_times_are_said_in_local_time_and_the_languages_own_way(moment, lang, said):
    assert say_time(moment, NOW, DENVER, lang, WORDS) == said


@pytest.mark.parametrize("lang", LANGUAGES.codes)
def test_the_answer_is_the_notice_while_it_holds_and_none_after(lang):
    notice = Notice(TEXTS, NOW - dt.timedelta(minutes=20), NOW + dt.timedelta(hours=1), "team")
    active = compose(notice, lang, WORDS, NOW, DENVER, REPORT_LINE)
    assert TEXTS[lang] in active and say_time(notice.published_at, NOW, DENVER, lang, WORDS) in active
    assert REPORT_LINE not in active
    for later in (NOW + dt.timedelta(hours=1), NOW + dt.timedelta(days=2)):
        none = compose(notice, lang, WORDS, later, DENVER, REPORT_LINE)
        assert TEXTS[lang] not in none and REPORT_LINE in none
    cleared = Notice(TEXTS, notice.published_at, notice.expires_at, "team", cleared_at=NOW)
    assert TEXTS[lang] not in compose(cleared, lang, WORDS, NOW, DENVER, "")
    without = compose(None, lang, WORDS, NOW, DENVER, "")
    assert REPORT_LINE not in without and len(without.splitlines()) == len(none.splitlines()) - 1


@pytest.mark.parametrize(("given", "hours"), [("6h", 6), ("90m", 1.5), ("1d", 24), ("2h30m", 2.5), ("3", 3)])
def test_expiry_spans_are_read(given, hours):
    assert parse_expiry(given, 24) == dt.timedelta(hours=hours)


@pytest.mark.parametrize(("given", "reason"), [("25h", "HOTLINE_ALERT_MAX_HOURS"), ("2d", "HOTLINE_ALERT_MAX_HOURS"),
                                               ("0h", "some time"), ("soon", "not a time span"), ("", "time span")])
def test_expiry_past_the_maximum_or_unreadable_is_refused(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_expiry(given, 24)


@pytest.mark.parametrize("label", ["+13075550123", "307 555 0123", "ana@example.org", "", "   "])
def test_who_published_is_never_a_number_or_an_address(label):
    with pytest.raises(ValueError):
        clean_label(label)


@pytest.mark.parametrize(("texts", "lang", "reason"), [
    ({"en": TEXTS["en"]}, "es", "is missing"),
    ({**TEXTS, "en": "Agents were seen near the school. " * 9}, "en", "over the budget of 2: cut"),
    ({**TEXTS, "es": "Vimos a ICE cerca de la escuela. " * 8}, "es", "over the budget"),
    ({**TEXTS, "en": "ICE was seen at \u201cthe\u201d store. We checked."}, "en", 'a straight "'),
    ({**TEXTS, "en": "Immigration enforcement operations necessitate extraordinary precautionary considerations."},
     "en", "hard to read"),
])
def test_a_notice_is_checked_in_every_language_before_it_is_published(texts, lang, reason):
    problems = check_notice(texts, LANGUAGES, WORDS, LIMITS)
    assert list(problems) == [lang] and any(reason in p for p in problems[lang])


def test_the_notices_of_the_tests_would_be_published():
    assert check_notice(TEXTS, LANGUAGES, WORDS, LIMITS) == {}


@pytest.mark.parametrize(("body", "lang"), [
    ("ALERTA", "es"), ("alert", "en"), ("Alertta", "es"), ("VERIFY", "en"), ("verificar", "es"),
    ("¿Hay redadas hoy?", "es"), ("any raids today?", "en"), ("ALERTAS", "es")])
def test_publish_then_alert_in_either_language_gets_the_notice_with_its_time(app, runner, twilio, clock, body, lang):
    result = publish(runner, "--expires", "3h", "--by", "rapid response team")
    assert result.exit_code == 0, result.output
    assert "rapid response team" in result.output and TEXTS["es"] in result.output  # what texters get, shown
    text = reply_text(twilio.sms(body))
    assert TEXTS[lang] in text and say_time(NOW, NOW, DENVER, lang, WORDS) in text
    with app.app_context(), app.services.storage.engine.connect() as connection:
        counted = connection.execute(select(usage.c.lang, usage.c.outcome, usage.c.count)).all()
    assert (lang, "alert", 1) in counted


def test_expiry_brings_the_none_answer_with_the_report_line(runner, twilio, clock):
    assert publish(runner, "--expires", "1h").exit_code == 0
    assert TEXTS["es"] in reply_text(twilio.sms("ALERTA"))
    clock.append(NOW + dt.timedelta(hours=1, minutes=1))
    text = reply_text(twilio.sms("ALERTA"))
    assert TEXTS["es"] not in text and REPORT_LINE in text and say_time(clock[-1], NOW, DENVER, "es", WORDS) in text


def test_without_a_report_line_that_sentence_is_left_out(settings, clock):
    settings["HOTLINE_REPORT_LINE"] = ""
    from hotline import create_app

    text = reply_text(TwilioClient(create_app(settings).test_client()).sms("ALERT"))
    assert text == compose(None, "en", WORDS, NOW, DENVER, "") and "what you see" not in text


@pytest.mark.parametrize(("args", "shown"), [
    (("--es", ""), "--es (Spanish): is missing"),
    (("--en", "Agents were seen near the school. " * 9), "--en (English): makes the answer"),
    (("--expires", "72h"), "--expires: 72h is longer than HOTLINE_ALERT_MAX_HOURS (24 hours)"),
    (("--by", "+1 307 555 0123"), "--by: who published"),
])
def test_a_bad_notice_is_refused_with_the_reason_and_nothing_is_published(runner, twilio, clock, args, shown):
    texts = {**TEXTS, **{a.removeprefix("--"): v for a, v in zip(args[::2], args[1::2], strict=True)
                         if a in ("--en", "--es")}}
    extra = [a for pair in zip(args[::2], args[1::2], strict=True) if pair[0] not in ("--en", "--es") for a in pair]
    result = publish(runner, *extra, texts={k: v for k, v in texts.items() if v})
    assert result.exit_code == 1 and "Nothing was published" in result.output and shown in result.output
    assert TEXTS["en"] not in reply_text(twilio.sms("ALERT"))


def test_a_correction_replaces_the_notice_and_the_history_keeps_both(runner, twilio, clock):
    assert publish(runner, "--by", "Ana").exit_code == 0
    corrected = {**TEXTS, "en": "Correction: ICE was seen at the gas station, not the Walmart. We checked."}
    assert publish(runner, "--by", "Luis", texts=corrected).exit_code == 0
    assert corrected["en"] in reply_text(twilio.sms("ALERT"))
    shown = runner.invoke(args=["alert", "show"]).output
    assert shown.index(corrected["en"]) < shown.index(TEXTS["en"])  # newest first
    assert "by Luis" in shown and "cleared" in shown and "by Ana" in shown
    assert "Cleared the notice." in runner.invoke(args=["alert", "clear", "--by", "Ana"]).output
    assert corrected["en"] not in reply_text(twilio.sms("ALERT"))


@pytest.mark.parametrize(("lang_key", "lang", "speech"), [("1", "en", "en-US"), ("2", "es", "es-US")])
def test_the_voice_menu_option_reads_the_notice_in_the_callers_language(app, runner, clock, lang_key, lang, speech):
    assert publish(runner).exit_code == 0
    call = {"CallSid": "CA" + "0" * 32, "AccountSid": app.config["TWILIO_ACCOUNT_SID"], "From": CALLER,
            "To": app.config["HOTLINE_NUMBER"]}
    twilio = TwilioClient(app.test_client())
    menu = ET.fromstring(twilio.post("/voice/step?s=language", {**call, "Digits": lang_key}).data)
    key = next(k for k, action in app.services.engine.catalog.extras.items() if action == "alert")
    offered = " ".join(s.text for s in menu.iter("Say"))
    assert fill(app.services.engine.catalog.voice[lang]["extras"]["alert"], {"key": key}) in offered
    action = menu.find("Gather").get("action").removeprefix(app.config["HOTLINE_PUBLIC_URL"])
    heard = ET.fromstring(twilio.post(action, {**call, "Digits": key}).data)
    first = heard.find("Say")
    assert first.get("language") == speech and TEXTS[lang] in first.text
    assert heard.find("Gather") is not None  # then the menu again


def take_database_down(app, tmp_path) -> None:
    """Point the app at a database that cannot open, as when the server is down, closing the real one first."""
    app.services.storage.engine.dispose()
    app.services.storage.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/hotline.db")


def test_with_the_database_down_the_last_notice_read_is_served_with_its_time(app, runner, twilio, clock, tmp_path):
    assert publish(runner).exit_code == 0
    assert TEXTS["es"] in reply_text(twilio.sms("ALERTA"))  # this worker read it
    take_database_down(app, tmp_path)
    text = reply_text(twilio.sms("ALERTA"))
    assert TEXTS["es"] in text and say_time(NOW, NOW, DENVER, "es", WORDS) in text
    clock.append(NOW + dt.timedelta(days=1))  # and it still expires
    assert TEXTS["es"] not in reply_text(twilio.sms("ALERTA"))


def test_with_the_database_down_and_no_notice_read_the_none_answer_is_given(app, twilio, clock, tmp_path):
    take_database_down(app, tmp_path)
    assert reply_text(twilio.sms("ALERT")) == compose(None, "en", WORDS, NOW, DENVER, REPORT_LINE)


def test_hotline_check_fails_a_notice_that_holds_but_no_longer_fits(app, runner, clock, database_url):
    from hotline.cli.check.report import run_check
    from hotline.edges.settings import read_settings

    long_en = "ICE agents were seen at the Walmart on Main Street at two. We checked. Stay away from there. " * 2
    clock.append(dt.datetime.now(dt.UTC))  # the check reads the real clock: publish it now
    assert publish(runner, texts={**TEXTS, "en": long_en.strip()}).exit_code == 0
    config = {**read_settings({}), "DATABASE_URL": database_url}
    assert not [p for p in run_check(None, config, active_notice=True).problems if "notice that holds" in p.where]
    failed = [p for p in run_check(None, {**config, "HOTLINE_BUDGET_SEGMENTS_GSM": "1"}, active_notice=True).problems
              if p.where == "alert (notice that holds now):en"]
    assert failed and "over the budget of 1" in failed[0].reason and "hotline alert clear" in failed[0].reason
