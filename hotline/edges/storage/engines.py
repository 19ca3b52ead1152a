"""Make the SQLAlchemy engine for DATABASE_URL: a private SQLite file, or PostgreSQL with short timeouts."""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from hotline.edges.settings import SettingsError

TIMEOUT_MS = 2000  # longest a statement (or a SQLite lock wait) may take: Twilio gives up after 15 s
CONNECT_TIMEOUT_S = 2  # libpq's shortest


def default_url(instance_path: str) -> str:
    """Return the URL of the SQLite file in the instance folder, creating the folder."""
    os.makedirs(instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(instance_path, "hotline.db")


def normalise_url(url: str) -> str:
    """Send Heroku-style postgres:// and plain postgresql:// URLs through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """Create an engine with timeouts short enough to answer Twilio in time."""
    try:
        backend = make_url(url).get_backend_name()
        if backend == "postgresql":
            return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_timeout=TIMEOUT_MS / 1000,
                                 connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "hotline",
                                               "options": f"-c statement_timeout={TIMEOUT_MS}"})
        if backend == "sqlite":
            engine = create_engine(url, hide_parameters=True, pool_timeout=TIMEOUT_MS / 1000,
                                   connect_args={"timeout": TIMEOUT_MS / 1000})
            event.listen(engine, "connect", tune_sqlite)
            return engine
    except (ArgumentError, NoSuchModuleError, TypeError, ValueError) as error:
        raise SettingsError(f"DATABASE_URL is not usable ({error}); e.g. postgresql://user:password@host/db") from None
    raise SettingsError(f"DATABASE_URL must be a SQLite or PostgreSQL URL, not {backend}")


def keep_private(url: str) -> None:
    """Create a SQLite file readable by its owner only (0600); SQLite gives its -wal and -shm files the same."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # make_engine says what is wrong with it
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        os.close(os.open(parsed.database, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(parsed.database, 0o600)  # also a file an older version created world-readable


def tune_sqlite(connection, _record) -> None:
    """Let several gunicorn workers share one SQLite file."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {TIMEOUT_MS}")  # first, so switching to WAL waits too
    cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the one writer
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a power cut may lose a count, not the file
    cursor.close()
