"""Remember every check of ICE's 287(g) list (when, from where, what changed, what went wrong), and let
only one update at a time swap a list in."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from hotline.edges.storage.database import metadata, run_safely, upsert_for
from hotline.edges.storage.engines import TIMEOUT_MS

KEEP_CHECKS = 400  # per kind: more than a year of daily checks
SWAP_TIMEOUT_MS = 30_000  # an update may wait this long for another one's swap; it is off the request path
DOWNLOAD, FILE = "download", "file"  # how a list came: fetched from ICE (or --url), or `agreements load FILE`
CONFIRMING = ("loaded", "unchanged")  # outcomes of a check that found the list current

agreement_checks = Table(
    "agreement_checks", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("checked_at", DateTime, nullable=False),  # UTC
    Column("method", String(16), nullable=False),  # DOWNLOAD or FILE
    Column("outcome", String(16), nullable=False),  # loaded, unchanged or failed
    Column("source", String(500), nullable=False),  # the address or file name, never with credentials
    Column("list_id", Integer),  # the list loaded or found unchanged; no foreign key, old lists are pruned
    Column("list_date", Date),  # that list's own date (for a failure: the refused list's, if it was read)
    Column("row_count", Integer),
    Column("etag", String(255), nullable=False),
    Column("last_modified", String(64), nullable=False),
    Column("changes", Text, nullable=False),  # JSON {state: {"added": [[agency, model]], "removed": [...]}}
    Column("message", String(1000), nullable=False),  # what was wrong, for a failure
)
# One row per kind, locked by the transaction that swaps a list in: one swap at a time.
agreement_locks = Table(
    "agreement_locks", metadata,
    Column("kind", String(16), primary_key=True),
    Column("taken_at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class Check:
    kind: str
    checked_at: dt.datetime
    method: str
    outcome: str
    source: str
    list_id: int | None = None
    list_date: dt.date | None = None
    row_count: int | None = None
    etag: str = ""
    last_modified: str = ""
    changes: dict[str, dict[str, list[list[str]]]] | None = None
    message: str = ""


def now() -> dt.datetime:
    """Return the time in UTC, as the database keeps it (naive)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hold_swap_lock(connection: Connection, kind: str) -> None:
    """Lock this kind's row until the transaction ends (PostgreSQL: a row lock; SQLite: the write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL statement_timeout = {SWAP_TIMEOUT_MS}"))
    else:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SWAP_TIMEOUT_MS}")
    taken = update(agreement_locks).where(agreement_locks.c.kind == kind).values(taken_at=now())
    if connection.execute(taken).rowcount == 0:
        connection.execute(upsert_for(connection)(agreement_locks).values(kind=kind, taken_at=now())
                           .on_conflict_do_nothing())
        connection.execute(taken)


def release_swap_lock(connection: Connection) -> None:
    """Give SQLite connections back to the pool with the short wait requests need (PostgreSQL resets itself)."""
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {TIMEOUT_MS}")


def record_check(connection: Connection, check: Check) -> None:
    """Add one check to the history, and forget the oldest beyond KEEP_CHECKS."""
    values = {**asdict(check), "source": check.source[:500], "message": check.message[:1000],
              "etag": check.etag[:255], "last_modified": check.last_modified[:64],
              "changes": json.dumps(check.changes or {}, ensure_ascii=False)}
    connection.execute(insert(agreement_checks).values(**values))
    oldest = select(agreement_checks.c.id).where(agreement_checks.c.kind == check.kind) \
        .order_by(agreement_checks.c.id.desc()).offset(KEEP_CHECKS).limit(1)
    cutoff = connection.scalar(oldest)
    if cutoff is not None:
        connection.execute(delete(agreement_checks).where(agreement_checks.c.kind == check.kind,
                                                          agreement_checks.c.id <= cutoff))


def record_safely(check: Check) -> None:
    """Record a check in its own transaction (a failure before any swap); a database that is down is logged."""
    run_safely(lambda connection: record_check(connection, check), "recording a 287(g) list check")


def read_checks(connection: Connection, kind: str, limit: int = 10, before: int | None = None) -> list[Check]:
    """Return the latest checks of this kind (older than the check numbered `before`, if given), newest first."""
    query = select(agreement_checks).where(agreement_checks.c.kind == kind)
    query = query.where(agreement_checks.c.id < before) if before is not None else query
    rows = connection.execute(query.order_by(agreement_checks.c.id.desc()).limit(limit)).mappings()
    return [Check(**{**{k: v for k, v in row.items() if k != "id"}, "changes": json.loads(row["changes"] or "{}")})
            for row in rows]


def recent_checks(kind: str, limit: int = 10) -> list[Check]:
    """Return the latest checks of this kind, newest first; [] if the database is down."""
    return run_safely(lambda connection: read_checks(connection, kind, limit), "reading 287(g) list checks") or []


def confirmed_on(connection: Connection, list_id: int) -> dt.date | None:
    """Find the last day a download found this list to be ICE's current one."""
    found = connection.scalar(select(func.max(agreement_checks.c.checked_at)).where(
        agreement_checks.c.list_id == list_id, agreement_checks.c.method == DOWNLOAD,
        agreement_checks.c.outcome.in_(CONFIRMING)))
    return found.date() if found else None


def conditional_headers(connection: Connection, kind: str, url: str, current_id: int | None) -> tuple[str, str]:
    """Return the ETag and Last-Modified to send, when the current list came from this very address."""
    last = connection.execute(select(agreement_checks).where(
        agreement_checks.c.kind == kind, agreement_checks.c.outcome.in_(CONFIRMING))
        .order_by(agreement_checks.c.id.desc()).limit(1)).mappings().first()
    if last is None or current_id is None or last["list_id"] != current_id or last["method"] != DOWNLOAD \
            or last["source"] != url[:500]:
        return "", ""
    return last["etag"], last["last_modified"]


def latest_loaded(kind: str) -> Check | None:
    """Return the newest check that loaded a list of this kind (its changes are the latest), or None."""
    def read(connection: Connection) -> Check | None:
        found = connection.scalar(select(func.max(agreement_checks.c.id)).where(
            agreement_checks.c.kind == kind, agreement_checks.c.outcome == "loaded"))
        return next(iter(read_checks(connection, kind, 1, before=found + 1)), None) if found else None

    return run_safely(read, "reading the latest 287(g) list change")
