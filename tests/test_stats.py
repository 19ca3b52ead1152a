"""Usage counters: what each text and scan adds, flyer codes, weekly sums and small-count suppression."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from hotline import create_app
from hotline.edges.storage import stats
from hotline.edges.storage.database import get_db_engine, usage
from hotline.edges.storage.flyer_codes import find_flyer_code, parse_flyer_code
from hotline.edges.storage.stats import (
    export_csv,
    format_text,
    read_report,
    record,
    show_count,
)
from tests.conftest import TwilioClient

MONDAY = dt.date(2026, 11, 2)


@pytest.fixture
def app(db_app):
    return db_app


def counters(app) -> dict[tuple, int]:
    """Return every stored counter as {(day, channel, topic, lang, outcome, flyer_code): count}."""
    with app.app_context(), get_db_engine().connect() as connection:
        return {tuple(row[:-1]): row[-1] for row in connection.execute(select(usage))}


@pytest.mark.parametrize(("text", "topic", "code"), [
    ("RIGHTS A7", "rights", "A7"), ("derechos b12", "rights", "B12"), ("DETAINER  z999 ", "detainer", "Z999"),
    ("287G C3", "287g", "C3"), ("A7", None, None), ("RIGHTS", "rights", None), ("RIGHTS A1234", "rights", None),
    ("RIGHTS 7A", "rights", None), ("RIGHTS AB7", "rights", None), ("what is 287g", "287g", None), ("", None, None),
    ("RIGHTS A7 please", "rights", None),
    # A person's own words are never kept, even when one looks like a code.
    ("They took my husband to cell B12", None, None), ("apt C204", None, None), ("door K9", None, None),
])
def test_flyer_code_only_in_a_flyers_exact_prefilled_text(text, topic, code):
    assert find_flyer_code(text, topic) == code


def test_parse_flyer_code_accepts_one_code_in_any_case():
    assert [parse_flyer_code(c) for c in ("a7", " Q42 ", "AA7", "", None, "A7/")] == ["A7", "Q42", None, None, None,
                                                                                     None]


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")])
def test_small_counts_are_hidden_but_zero_stays_zero(count, shown):
    assert show_count(count, 5) == shown


def test_record_adds_to_one_row_per_day_and_kind(app, monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: MONDAY)
    with app.app_context():
        for _ in range(3):
            record("voice", "rights", "es", "answered")
        record("voice", None, None, "menu")
    assert counters(app) == {(MONDAY, "voice", "rights", "es", "answered", ""): 3,
                             (MONDAY, "voice", "", "", "menu", ""): 1}


def test_only_known_words_are_ever_stored(app, monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: MONDAY)
    with app.app_context():
        record("+13075550123", "my landlord", "english please", "call me at 3075550123", "NOT-A-CODE")
    assert counters(app) == {(MONDAY, "other", "", "", "other", ""): 1}


def test_each_text_is_counted_with_its_flyer_code(app, monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: MONDAY)
    twilio = TwilioClient(app.test_client())
    for body in ("RIGHTS A7", "MORE", "DERECHOS B12", "hola", "STOP"):
        twilio.sms(body)
    assert counters(app) == {
        (MONDAY, "sms", "rights", "en", "answered", "A7"): 1, (MONDAY, "sms", "rights", "en", "more", ""): 1,
        (MONDAY, "sms", "rights", "es", "answered", "B12"): 1, (MONDAY, "sms", "", "es", "menu", ""): 1,
        (MONDAY, "sms", "", "es", "opted_out", ""): 1}


def test_flyer_qr_link_counts_then_redirects_to_the_topic_page(app, client, monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: MONDAY)
    response = client.get("/q/a7/es/rights")
    assert response.status_code == 302 and response.location == "/es/rights"
    assert "Set-Cookie" not in response.headers
    assert client.get("/q/not-a-code/en/detainer").location == "/en/detainer"  # a bad code still gets there
    assert client.get("/q/A7/fr/rights").status_code == 404
    assert client.get("/q/A7/en/no-such-topic").status_code == 404
    assert counters(app) == {(MONDAY, "qr", "rights", "es", "answered", "A7"): 1,
                             (MONDAY, "qr", "detainer", "en", "answered", ""): 1}


def fill_weeks(app, monkeypatch) -> None:
    """Count 7 English rights texts this week, 2 Spanish ones last week, and 3 old ones."""
    for day, lang, times in ((MONDAY + dt.timedelta(days=2), "en", 7), (MONDAY - dt.timedelta(days=1), "es", 2),
                             (MONDAY - dt.timedelta(weeks=9), "en", 3)):
        monkeypatch.setattr(stats, "today", lambda day=day: day)
        with app.app_context():
            for _ in range(times):
                record("sms", "rights", lang, "answered", "A7")
    monkeypatch.setattr(stats, "today", lambda: MONDAY + dt.timedelta(days=6))


def test_made_up_flyer_codes_cannot_grow_the_database(app, client, monkeypatch):
    # 2,000 strangers' codes once added 2,003 permanent rows; now they share one "other" row per kind.
    monkeypatch.setattr(stats, "today", lambda: MONDAY)
    for n in range(300):
        client.get(f"/q/Z{n}/en/rights")
    for n in range(30):  # each sender has a conversation (cookie) of their own, as with Twilio
        TwilioClient(app.test_client()).sms(f"RIGHTS Q{n}", sender=f"+1307555{n:04d}")
    client.get("/q/C3/en/rights")  # printed, so counted under its own code
    assert counters(app) == {(MONDAY, "qr", "rights", "en", "answered", "other"): 300,
                             (MONDAY, "sms", "rights", "en", "answered", "other"): 30,
                             (MONDAY, "qr", "rights", "en", "answered", "C3"): 1}


@pytest.mark.parametrize(("setting", "valid"), [("A7,B12", True), (" a7 , B123 ", True), ("", True),
                                                ("A7,7A", False), ("LAUNCH", False), ("A1234", False)])
def test_flyer_codes_setting_takes_only_codes(settings, setting, valid):
    from hotline.edges.settings import SettingsError

    settings["HOTLINE_FLYER_CODES"] = setting
    if valid:
        assert create_app(settings)
    else:
        with pytest.raises(SettingsError, match="HOTLINE_FLYER_CODES"):
            create_app(settings)


def test_report_sums_weeks_and_leaves_out_older_ones(app, monkeypatch):
    fill_weeks(app, monkeypatch)
    with app.app_context():
        report = read_report(8)
    assert report.weeks[-1] == MONDAY and report.weeks[0] == MONDAY - dt.timedelta(weeks=7)
    assert report.pick("total", "sms")[0].counts == (0, 0, 0, 0, 0, 0, 2, 7)
    assert {s.name: s.counts[-2:] for s in report.pick("language", "sms")} == {"en": (0, 7), "es": (2, 0)}
    assert [(s.channel, s.name, sum(s.counts)) for s in report.pick("flyer")] == [("sms", "A7", 9)]
    assert report.pick("total", "voice") == []


def test_csv_and_text_hide_small_counts(app, monkeypatch):
    fill_weeks(app, monkeypatch)
    with app.app_context():
        report = read_report(2)
    lines = export_csv(report, 5).splitlines()
    assert lines[0] == f"channel,table,name,{MONDAY - dt.timedelta(weeks=1)},{MONDAY},total"
    assert "sms,language,es,<5,0,<5" in lines and "sms,language,en,0,7,7" in lines and "sms,total,all,<5,7,~10" in lines
    text = format_text(report, 5)
    assert "Texts by language" in text and "<5" in text and " 2 " not in text
    assert not any(line.endswith((",9", ",2")) for line in lines)  # 9 - 7 would give the hidden 2 away


@pytest.mark.parametrize(("weeks", "shown"), [
    # (week 1, week 2) of two splits of the same texts -> what is shown, total last
    ({"total": (2, 7), "en": (0, 7), "es": (2, 0)}, {"total": ("<5", "7", "~10"), "en": ("0", "7", "7"),
                                                       "es": ("<5", "0", "<5")}),
    ({"total": (71, 40), "en": (69, 40), "es": (2, 0)}, {"total": ("~70", "40", "~110"),
                                                          "en": ("~70", "40", "~110"), "es": ("<5", "0", "<5")}),
    ({"total": (12, 40), "en": (12, 40), "es": (0, 0)}, {"total": ("12", "40", "52"), "en": ("12", "40", "52"),
                                                          "es": ("0", "0", "0")}),
])
def test_no_subtraction_undoes_a_hidden_count(weeks, shown):
    from hotline.edges.storage.small_counts import masking_for

    series = [stats.Series("language" if name != "total" else "total", "sms", name, counts)
              for name, counts in weeks.items()]
    mask = masking_for(series, (MONDAY - dt.timedelta(weeks=1), MONDAY), 5)
    for s in series:
        assert (mask.cell("sms", 0, s.counts[0]), mask.cell("sms", 1, s.counts[1]),
                mask.total("sms", s.counts)) == shown[s.name]


def test_counting_never_raises_when_the_database_is_down(settings):
    settings["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/nothing"
    with create_app(settings).app_context():
        record("sms", "rights", "en", "answered")


def test_a_worker_batches_its_counts_and_writes_them_before_a_report(settings):
    settings["HOTLINE_STATS_FLUSH_SECONDS"] = "3600"  # as a server would, only longer
    app = create_app(settings)
    with app.app_context():
        for _ in range(3):
            record("sms", "rights", "es", "answered")
        with get_db_engine().connect() as connection:
            assert list(connection.execute(select(usage))) == []  # still in this worker's memory
        assert [sum(s.counts) for s in read_report().pick("topic", "sms")] == [3]  # a report writes them first
        with get_db_engine().connect() as connection:
            assert [row.count for row in connection.execute(select(usage))] == [3]


def test_counts_are_written_when_the_interval_ends_without_another_request(settings):
    settings["HOTLINE_STATS_FLUSH_SECONDS"] = "1"
    app = create_app(settings)
    with app.app_context():
        stats.flush_counts()  # the interval starts now
        stats.record("sms", "rights", "en", "answered")
        assert written_count(app) == 0  # batched: not written with the text itself
    deadline = time.monotonic() + 5
    while written_count(app) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert written_count(app) == 1  # no other request came, yet the count is in the database


def written_count(app) -> int:
    """Read the counters straight from the database, without flushing this worker's pending counts."""
    from sqlalchemy import func

    with app.services.storage.engine.connect() as connection:
        return connection.scalar(select(func.coalesce(func.sum(usage.c.count), 0)))
