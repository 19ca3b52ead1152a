"""Storage: database URLs, idempotent tables, privacy of everything kept, and answers when the database fails."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, pool, select, text, update
from sqlalchemy.engine import make_url

from hotline import create_app
from hotline.cli.database import db_command
from hotline.edges.settings import SettingsError, read_settings
from hotline.edges.storage import database as db
from hotline.edges.storage import engines
from hotline.edges.storage.database import get_db_engine, get_storage
from hotline.edges.storage.stats import record
from tests.conftest import TwilioClient
from tests.test_sms import reply_text


@pytest.fixture
def app(db_app):
    return db_app


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@db.example.org:5432/hotline", "postgresql+psycopg://u:p@db.example.org:5432/hotline"),
    ("postgresql://u@localhost/hotline", "postgresql+psycopg://u@localhost/hotline"),
    ("postgresql+psycopg://u@localhost/hotline", "postgresql+psycopg://u@localhost/hotline"),
    ("sqlite:////var/data/hotline.db", "sqlite:////var/data/hotline.db"),
])
def test_heroku_style_urls_use_psycopg(url, expected):
    assert db.normalise_url(url) == expected


def test_no_database_url_means_sqlite_in_the_instance_folder(tmp_path):
    storage = db.connect(read_settings({})["DATABASE_URL"], str(tmp_path / "instance"))
    assert (tmp_path / "instance" / "hotline.db").is_file()
    storage.engine.dispose()


@pytest.mark.parametrize(("name", "value"), [
    ("DATABASE_URL", "mysql://u@localhost/hotline"), ("DATABASE_URL", "not a url"),
    ("HOTLINE_SMS_LIMIT", "twenty"), ("HOTLINE_SMS_LIMIT_WINDOW_SECONDS", "0"),
    ("HOTLINE_SMALL_COUNT_THRESHOLD", "-1"),
])
def test_unusable_settings_stop_the_start(settings, name, value):
    settings[name] = value
    with pytest.raises(SettingsError, match=name):
        create_app(settings)


def list_tables(app) -> set[str]:
    with app.app_context(), get_db_engine().connect() as connection:
        meta = MetaData()
        meta.reflect(connection)
        return set(meta.tables)


def test_tables_are_made_at_start_and_db_init_keeps_the_counts(app, runner, database_url):
    assert {"hotline_schema", "usage_daily", "rate_limits"} | set(db.metadata.tables) <= list_tables(app)
    with app.app_context():
        record("sms", "rights", "en", "answered")
        for _ in range(2):
            result = runner.invoke(db_command, ["init"])
            assert result.exit_code == 0, result.output
            assert f"schema version {db.SCHEMA_VERSION}" in result.output
        with get_db_engine().connect() as connection:
            assert connection.scalar(select(db.usage.c.count)) == 1
            assert connection.scalar(select(db.schema.c.version)) == db.SCHEMA_VERSION
    password = make_url(database_url).password
    assert not password or password not in result.output


def test_a_newer_schema_is_refused_loudly_by_db_init_and_quietly_by_counters(app, runner, caplog):
    with app.app_context():
        with get_db_engine().begin() as connection:
            connection.execute(update(db.schema).values(version=db.SCHEMA_VERSION + 1))
        get_storage().ready = False
        record("sms", "rights", "en", "answered")  # skipped, not raised
        assert "schema version" in caplog.text
        result = runner.invoke(db_command, ["init"])
        assert result.exit_code == 1 and "schema version" in result.output


def test_unreachable_database_still_answers_fast_and_logs_once(settings, caplog):
    settings["DATABASE_URL"] = "postgresql://hotline:secret@127.0.0.1:1/hotline"  # nothing listens on port 1
    started = time.monotonic()
    twilio = TwilioClient(create_app(settings).test_client())
    for body in ("RIGHTS", "MORE", "DERECHOS", "STOP"):
        response = twilio.sms(body)
        assert response.status_code == 200 and (reply_text(response) or body == "STOP")
    assert time.monotonic() - started < 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Database unavailable" in errors[0].getMessage()
    assert "secret" not in caplog.text


@contextlib.contextmanager
def hold_write_lock(url: str):
    """Keep the counters' tables locked by another connection, like a stuck worker would."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(url).database, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        yield
        connection.execute("ROLLBACK")
        connection.close()
        return
    engine = create_engine(db.normalise_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE rate_limits, usage_daily IN ACCESS EXCLUSIVE MODE"))
        yield
        connection.rollback()
    engine.dispose()


def test_slow_database_costs_one_timeout_then_is_skipped(app, database_url, caplog):
    twilio = TwilioClient(app.test_client())
    with hold_write_lock(database_url):
        started = time.monotonic()
        assert reply_text(twilio.sms("RIGHTS"))
        first = time.monotonic() - started
        started = time.monotonic()
        assert reply_text(twilio.sms("MORE"))
        second = time.monotonic() - started
    # SQLite waits out its lock timeout; a request stops waiting on PostgreSQL at its deadline.
    wait = db.REQUEST_DEADLINE_S if database_url.startswith("postgresql") else engines.TIMEOUT_MS / 1000
    assert wait <= first < wait + 1.5
    assert second < 0.5  # resting: the next answers do not wait again
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    close_storage(app)


def close_storage(app) -> None:
    """Let a deadline thread still waiting on the database finish, and close every connection."""
    with app.app_context():
        storage = get_storage()
        if storage.deadline:
            storage.deadline.close()
        storage.engine.dispose()


NUMBERS = ("+13075550123", "+15205550188")
SIDS = ("SM" + "7d1e" * 8, "SM" + "90ab" * 8)
BODIES = ("RIGHTS A7", "My name is Rosa Delgado, I live at 14 Elm Street", "MORE",
          "¿Qué hago si ICE viene a mi casa? Soy Juan Pérez", "hola", "DERECHOS B12", "detainer?",
          "call me at 307 555 0144", "HELP", "STOP")
# A verified alert asked for (docs/alerts.md): the notice's history keeps the organisers' label, never the asker.
ALERT_SENDER, ALERT_BODIES = "+13075550177", ("ALERTA", "¿hay redadas hoy? vi a Marta Olivares")


def test_nothing_stored_or_logged_can_point_at_a_person(settings, database_url, caplog, tmp_path):
    settings.update(DATABASE_URL=database_url, HOTLINE_SMS_LIMIT="6", HOTLINE_ADMIN_PASSWORD="organiser-pw")
    caplog.set_level(logging.DEBUG)  # every log line, SQLAlchemy's statements too
    app = create_app(settings)
    for number, sid in zip(NUMBERS, SIDS, strict=True):
        twilio = TwilioClient(app.test_client())  # each sender has their own cookies
        for body in BODIES:
            assert twilio.sms(body, sender=number, MessageSid=sid).status_code == 200
    published = app.test_cli_runner().invoke(args=["alert", "publish", "--en", "ICE was seen downtown. We checked.",
                                                   "--es", "Vimos a ICE en el centro. Lo confirmamos.",
                                                   "--by", "rapid response"])
    assert published.exit_code == 0, published.output
    asker = TwilioClient(app.test_client())
    assert "Vimos a ICE" in reply_text(asker.sms(ALERT_BODIES[0], sender=ALERT_SENDER, MessageSid=SIDS[0]))
    assert asker.sms(ALERT_BODIES[1], sender=ALERT_SENDER, MessageSid=SIDS[0]).status_code == 200
    app.test_client().get("/q/C3/es/rights", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    app.test_client().get("/admin", auth=("organiser", "organiser-pw"))
    with app.app_context(), get_db_engine().connect() as connection:
        meta = MetaData()
        meta.reflect(connection)
        stored = [repr(row) for table in meta.tables.values() for row in connection.execute(select(table))]
    app.services.storage.engine.dispose()
    assert any("'A7'" in row for row in stored) and any("rate_limited" in row for row in stored)  # it did count
    assert any("rapid response" in row for row in stored) and any("'alert'" in row for row in stored)
    files = b"".join(p.read_bytes() for p in Path(tmp_path).glob("hotline.db*"))  # SQLite: the raw pages too
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    forbidden = [*NUMBERS, *(n[1:] for n in NUMBERS), *(n[2:] for n in NUMBERS), *SIDS, *BODIES[1::2],
                 "Rosa", "Delgado", "Elm Street", "Juan", "555 0144", "198.51.100.23",
                 ALERT_SENDER, ALERT_SENDER[2:], ALERT_BODIES[1], "Marta", "Olivares"]
    for secret in forbidden:
        assert secret not in "\n".join(stored), secret
        assert secret not in logged, secret
        assert secret.encode() not in files, secret


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "private.db"
    storage = db.connect(f"sqlite:///{path}", str(tmp_path))
    with storage.engine.begin() as connection:  # a write, so SQLite makes its -wal and -shm files too
        connection.execute(db.usage.insert().values(day=dt.date(2026, 1, 5), channel="sms",
                                                    topic="", lang="", outcome="answered", flyer_code="", count=1))
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.glob("private.db*")}
    storage.engine.dispose()
    assert modes and set(modes.values()) == {0o600}, modes


def test_a_deleted_sqlite_file_is_noticed_and_counts_go_to_a_new_one(tmp_path, settings):
    from hotline.edges.storage.stats import record as count

    path = tmp_path / "hotline.db"
    settings["DATABASE_URL"] = f"sqlite:///{path}"
    app = create_app(settings)
    with app.app_context():
        count("sms", "rights", "en", "answered")
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"hotline.db{suffix}").unlink(missing_ok=True)  # removed under the running app
        count("sms", "rights", "en", "answered")
        assert path.is_file()
        with app.services.storage.engine.connect() as connection:
            assert connection.scalar(select(db.usage.c.count)) == 1  # in the new file, not the deleted one
    assert app.test_client().get("/healthz").status_code == 200
    app.services.storage.engine.dispose()


@contextlib.contextmanager
def read_only(path: Path):
    """Make a file unwritable for this process, even as root (CI): chattr +i, or chmod 0444 as a user."""
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chattr", "+i", str(path)], check=True)  # root ignores file modes, not this
    else:
        path.chmod(0o444)
    try:
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o600)


def test_a_briefly_read_only_sqlite_file_heals_by_itself(tmp_path, settings):
    # A worker once kept a read-only handle for minutes after the file was read-only for a moment:
    # counters skipped while /healthz said 200.
    from hotline.edges.storage.stats import record as count

    path = tmp_path / "hotline.db"
    settings["DATABASE_URL"] = f"sqlite:///{path}"
    app = create_app(settings)
    storage = app.services.storage
    with app.app_context():
        count("sms", "rights", "en", "answered")
        storage.engine.dispose()  # the next handle is opened while the file is read-only
        with read_only(path):
            count("sms", "rights", "en", "answered")
            assert app.test_client().get("/healthz").status_code == 503  # health tells the truth
        storage.resting_until = 0.0
        count("sms", "rights", "en", "answered")  # writable again: a fresh handle, the kept count too
        with storage.engine.connect() as connection:
            assert connection.scalar(select(db.usage.c.count)) == 3
    assert app.test_client().get("/healthz").status_code == 200
    storage.engine.dispose()
