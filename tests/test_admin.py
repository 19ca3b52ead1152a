"""The organisers' dashboard, its CSV and `hotline stats`: behind a password, small counts hidden."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from hotline.cli.main import main
from hotline.cli.stats import stats_command
from hotline.edges.storage import stats
from hotline.edges.storage.stats import record
from tests.conftest import TEST_SETTINGS

PASSWORD = "correct horse battery staple"


@pytest.fixture
def settings(settings):
    settings["HOTLINE_ADMIN_PASSWORD"] = PASSWORD
    return settings


@pytest.fixture
def app(db_app):
    with db_app.app_context():
        for _ in range(7):
            record("sms", "rights", "en", "answered", "A7")
        for _ in range(2):
            record("sms", "detainer", "es", "answered")
        record("voice", "287g", "es", "answered")
    return db_app


@pytest.mark.parametrize(("auth", "status"), [(None, 401), (("organiser", "wrong"), 401), (("", ""), 401),
                                              (("organiser", PASSWORD + " "), 401), (("organiser", PASSWORD), 200),
                                              (("anyone", PASSWORD), 200)])
def test_password_is_required(client, auth, status):
    for path in ("/admin", "/admin/stats.csv"):
        response = client.get(path, auth=auth)
        assert response.status_code == status
        if status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Basic ")
        assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_no_password_set_means_no_dashboard(app, client):
    app.config["HOTLINE_ADMIN_PASSWORD"] = ""
    for path in ("/admin", "/admin/stats.csv"):
        assert client.get(path, auth=("organiser", "")).status_code == 404
        assert client.get(path).status_code == 404


def test_dashboard_draws_charts_and_hides_small_counts(client):
    response = client.get("/admin", auth=("organiser", PASSWORD))
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "<script" not in page and "http://" not in page and "https://" not in page  # nothing from elsewhere
    svgs = page.count("<svg")
    assert svgs >= 4 and page.count("</svg>") == svgs
    # A topic by its keyword; 7 is rounded, as 2 detainer texts hide in the same week.
    assert 'aria-label="Texts, RIGHTS, per week: 0, 0, 0, 0, 0, 0, 0, ~5"' in page
    assert "&lt;5" in page and ">2<" not in page and ">1<" not in page  # 2 Spanish texts, 1 call: hidden
    assert "A7" in page and "Calls" in page
    start = page.index("<svg")
    ET.fromstring(page[start:page.index("</svg>", start) + 6])  # well-formed SVG


def test_csv_download_hides_small_counts(client):
    response = client.get("/admin/stats.csv", auth=("organiser", PASSWORD))
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="hotline-stats-')
    rows = response.get_data(as_text=True).splitlines()
    assert rows[0].startswith("channel,table,name,") and rows[0].endswith(",total")
    # 2 detainer texts hide in the same week, so its other counts are rounded: 7 would give them away.
    assert any(r.startswith("sms,topic,rights,") and r.endswith(",~5,~5") for r in rows)
    assert any(r.startswith("sms,topic,detainer,") and r.endswith(",<5,<5") for r in rows)
    assert any(r.startswith("voice,language,es,") and r.endswith(",<5,<5") for r in rows)


def test_hotline_stats_prints_the_same_numbers(app, client):
    runner = app.test_cli_runner()
    with app.app_context():
        as_text = runner.invoke(stats_command, [])
        as_csv = runner.invoke(stats_command, ["--csv"])
        two_weeks = runner.invoke(stats_command, ["--csv", "--weeks", "2"])
    assert as_text.exit_code == 0, as_text.output
    assert "Texts by topic" in as_text.output and "Calls by language" in as_text.output
    assert "  rights" in as_text.output and "<5" in as_text.output
    downloaded = client.get("/admin/stats.csv", auth=("o", PASSWORD)).get_data(as_text=True)
    assert as_csv.output.splitlines() == downloaded.splitlines()
    assert two_weeks.output.splitlines()[0].count(",") == 5


def test_hotline_stats_reads_the_environment(app, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # away from a developer's .env
    for name, value in {**TEST_SETTINGS, "DATABASE_URL": app.config["DATABASE_URL"]}.items():
        monkeypatch.setenv(name, str(value))
    result = app.test_cli_runner().invoke(main, ["stats", "--csv"])
    assert result.exit_code == 0, result.output
    assert "sms,topic,rights," in result.output


def test_hotline_stats_with_nothing_counted(app, monkeypatch):
    later = stats.today() + dt.timedelta(weeks=20)
    monkeypatch.setattr(stats, "today", lambda: later)
    with app.app_context():
        result = app.test_cli_runner().invoke(stats_command, [])
    assert "No use counted" in result.output


def test_dashboard_opens_with_a_summary_and_speaks_plain_words(app, client):
    with app.app_context():
        record("sms", None, None, "end_of_topic")
        record("sms", None, None, "optout_note")
    page = client.get("/admin", auth=("organiser", PASSWORD)).get_data(as_text=True)
    summary = page[page.index('<p class="summary">'):page.index("</p>", page.index('<p class="summary">'))]
    # Small counts hidden here too; 11 is rounded, since this week's 2 detainer texts are hidden.
    assert "This week: ~10 texts, &lt;5 calls; most asked: RIGHTS." in summary
    for code in ("end_of_topic", "optout_note", "(none)", "call_started"):
        assert f">{code}<" not in page
    assert "read to the end" in page and "asked how to stop" in page
    assert 'aria-label="Texts, per day: ' in page and page.count('class="days"') == 2


def test_dashboard_fits_a_phone(app, tmp_path):
    from hotline.edges.printing import serve_app
    from tests.browser import launch_browser

    with serve_app(app) as base, launch_browser() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844},
                                      http_credentials={"username": "organiser", "password": PASSWORD})
        page = context.new_page()
        assert page.goto(base + "/admin").status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        context.close()


@pytest.mark.parametrize("weak", ["a", "password123"])
def test_a_weak_dashboard_password_stops_the_start(settings, weak):
    from hotline import create_app
    from hotline.edges.settings import SettingsError

    settings["HOTLINE_ADMIN_PASSWORD"] = weak
    with pytest.raises(SettingsError, match="HOTLINE_ADMIN_PASSWORD is too short"):
        create_app(settings)


def test_wrong_passwords_are_slowed_down_and_logged_without_the_password(client, caplog):
    statuses = [client.get("/admin", auth=("x", f"guess-{i}")).status_code for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    assert client.get("/admin", auth=("x", PASSWORD)).status_code == 200  # the organisers still get in
    assert "Wrong dashboard password" in caplog.text and "guess-" not in caplog.text


def test_the_dashboard_is_https_only_and_never_framed(client):
    plain = client.get("/admin", auth=("x", PASSWORD), headers={"X-Forwarded-Proto": "http"})
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    secure = client.get("/admin", auth=("x", PASSWORD), headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200 and secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in secure.headers["Content-Security-Policy"]


def test_statistics_unavailable_is_a_503_not_a_500(settings):
    from hotline import create_app

    settings["DATABASE_URL"] = "postgresql://hotline@127.0.0.1:1/hotline"  # nothing listens there
    client = create_app(settings).test_client()
    for path in ("/admin", "/admin/stats.csv"):
        response = client.get(path, auth=("x", PASSWORD))
        assert response.status_code == 503 and b"unavailable" in response.data
