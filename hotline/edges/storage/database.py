"""Keep the hotline's counters in a database: a SQLite file by default, PostgreSQL in production."""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, has_request_context
from sqlalchemy import BigInteger, Column, Date, Engine, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from hotline.edges.storage.deadline import Deadline, DeadlineExceeded
from hotline.edges.storage.engines import default_url, keep_private, make_engine, normalise_url
from hotline.services import services

log = logging.getLogger(__name__)
T = TypeVar("T")

SCHEMA_VERSION = 1  # one version so far; the first schema change brings Alembic, baselined at 1
SLOW_FAILURE_S = 1.0  # a failure that took this long means a slow database: rest it for a while
REST_AFTER_SLOW_FAILURE_S = 10.0
REQUEST_DEADLINE_S = 1.0  # longest a request waits on PostgreSQL, even a stopped one (see deadline.py)
ERROR_LOG_INTERVAL_S = 60.0

metadata = MetaData()
schema = Table("hotline_schema", metadata,
               Column("id", Integer, primary_key=True, autoincrement=False),
               Column("version", Integer, nullable=False))
# Counters only. Columns are part of the key, so "" (not NULL) stands for "none".
usage = Table("usage_daily", metadata,
              Column("day", Date, primary_key=True),
              Column("channel", String(16), primary_key=True),
              Column("topic", String(64), primary_key=True),
              Column("lang", String(8), primary_key=True),
              Column("outcome", String(32), primary_key=True),
              Column("flyer_code", String(8), primary_key=True),
              Column("count", BigInteger, nullable=False))
# key is an HMAC of bucket and subject: never a number; rows go once their window ends.
rate_limits = Table("rate_limits", metadata,
                    Column("key", String(64), primary_key=True),
                    Column("window_start", BigInteger, primary_key=True),
                    Column("expires_at", BigInteger, nullable=False, index=True),
                    Column("count", Integer, nullable=False))


@dataclass
class Storage:
    engine: Engine
    ready: bool = False  # tables checked since start
    resting_until: float = 0.0
    error_logged_at: float = -math.inf
    next_prune: float = 0.0
    sqlite_file: str = ""  # the SQLite file's path, to notice it being deleted under us
    deadline: Deadline | None = None  # PostgreSQL: requests stop waiting after REQUEST_DEADLINE_S
    next_roll_up: float = 0.0  # when this worker next folds old daily counters into weeks (rollup.py)


def upsert_for(connection: Connection) -> Callable:
    """Return the INSERT construct with ON CONFLICT support for this connection's database."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def create_tables(storage: Storage) -> None:
    """Create missing tables and record the schema version; safe from many workers at once."""
    with storage.engine.connect() as connection:  # a database that is down fails here, at once
        for attempt in (1, 2):
            try:
                metadata.create_all(connection)
                connection.commit()
                break
            except Exception:  # another worker created a table at the same moment: look again
                connection.rollback()
                if attempt == 2:
                    raise
        insert = upsert_for(connection)(schema).values(id=1, version=SCHEMA_VERSION)
        connection.execute(insert.on_conflict_do_nothing())
        version = connection.scalar(select(schema.c.version))
        connection.commit()
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {version}, but this hotline knows only {SCHEMA_VERSION}")
    storage.ready = True


def get_storage() -> Storage:
    """Return the current app's storage."""
    return services().storage


def get_db_engine() -> Engine:
    """Return the current app's SQLAlchemy engine."""
    return get_storage().engine


def log_error(storage: Storage, what: str, error: Exception) -> None:
    """Log a database failure at most once a minute, naming no data."""
    if time.monotonic() - storage.error_logged_at >= ERROR_LOG_INTERVAL_S:
        storage.error_logged_at = time.monotonic()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines() or [""]
        log.error("Database unavailable, %s skipped (logged once a minute): %s: %s",
                  what, type(error).__name__, reason[0])


def run_safely(work: Callable[[Connection], T], what: str, failed: Callable[[], None] | None = None) -> T | None:
    """Run work in one transaction; if the database fails, log it and return None.

    failed is called once if the work surely did not happen, now or (given up on at the
    deadline) later, so that what it was to write can be kept for another try.
    """
    storage = get_storage()
    if time.monotonic() < storage.resting_until:
        if failed:
            failed()
        return None
    started = time.monotonic()
    try:
        if storage.deadline and has_request_context():  # an answer to a person must not wait on a hung server
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            return storage.deadline.run(lambda: run_in_app(app, storage, work), failed)
        return run_transaction(storage, work)
    except Exception as error:  # a counter must never stop an answer to a person
        if storage.sqlite_file:
            storage.engine.dispose()  # a handle opened read-only stays so: the next try opens fresh ones
        if isinstance(error, DeadlineExceeded) or time.monotonic() - started >= SLOW_FAILURE_S:
            storage.resting_until = time.monotonic() + REST_AFTER_SLOW_FAILURE_S
        log_error(storage, what, error)
        if failed and not getattr(error, "started", False):  # still running: the thread tells later
            failed()
        return None


def run_in_app(app, storage: Storage, work: Callable[[Connection], T]) -> T:
    """Run a transaction on a deadline thread, inside the app as the request was."""
    with app.app_context():
        return run_transaction(storage, work)


def run_transaction(storage: Storage, work: Callable[[Connection], T]) -> T:
    """Create the tables if needed, then run work in one transaction."""
    if storage.sqlite_file and not os.path.exists(storage.sqlite_file):
        # Deleted under a running app: pooled connections still write to the unlinked file.
        storage.engine.dispose()
        storage.ready = False
        keep_private(str(storage.engine.url))
    if not storage.ready:
        create_tables(storage)
    with storage.engine.begin() as connection:
        return work(connection)


def connect(database_url: str, instance_path: str) -> Storage:
    """Connect to DATABASE_URL and create the tables; a database that is down must not stop the hotline."""
    url = normalise_url(database_url) or default_url(instance_path)
    keep_private(url)
    engine = make_engine(url)
    sqlite_file = engine.url.database if engine.url.get_backend_name() == "sqlite" else ""
    postgres = engine.url.get_backend_name() == "postgresql"
    storage = Storage(engine, sqlite_file=sqlite_file if sqlite_file != ":memory:" else "",
                      deadline=Deadline(REQUEST_DEADLINE_S) if postgres else None)
    try:
        create_tables(storage)
    except Exception as error:  # tried again on first use
        log_error(storage, "creating tables", error)
    storage.engine.dispose()  # hold no connection that a forking server would share between workers
    return storage
