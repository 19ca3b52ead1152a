"""Count uses per sender (or in all) in fixed windows, shared by every worker through the database."""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app
from sqlalchemy import bindparam, delete
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from hotline.edges.storage.database import get_storage, rate_limits, run_safely, upsert_for

PRUNE_INTERVAL_S = 60  # each worker deletes ended windows at most this often
COUNT_STATEMENTS: dict[str, Executable] = {}  # database kind -> the counting upsert


def current_time() -> float:
    """Return the time in seconds; tests replace this to step through windows."""
    return time.time()


def make_key(bucket: str, subject: str | None) -> str:
    """Return a counter's key: an HMAC, so the database never holds the subject itself."""
    # The NUL keeps ("ab", "c") apart from ("a", "bc"); no subject means one counter for everyone.
    message = bucket if subject is None else f"{bucket}\0{subject}"
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def count_statement(connection: Connection) -> Executable:
    """Return the counting upsert for this database, built once: building it cost more than running it."""
    name = connection.dialect.name
    if name not in COUNT_STATEMENTS:
        insert = upsert_for(connection)(rate_limits).values(
            key=bindparam("key"), window_start=bindparam("start"), expires_at=bindparam("expires"), count=1)
        # One statement: the database adds and reads under its own row lock, whatever the workers.
        upsert = insert.on_conflict_do_update(index_elements=[rate_limits.c.key, rate_limits.c.window_start],
                                              set_={"count": rate_limits.c.count + 1})
        COUNT_STATEMENTS[name] = upsert.returning(rate_limits.c.count)
    return COUNT_STATEMENTS[name]


def count_use(bucket: str, subject: str | None, window_seconds: int) -> int | None:
    """Count one use in the current window and return the window's count; None if the database failed."""
    now = int(current_time())
    start = now - now % window_seconds
    key = make_key(bucket, subject)

    def add_one(connection: Connection) -> int:
        values = {"key": key, "start": start, "expires": start + window_seconds}
        return connection.execute(count_statement(connection), values).scalar_one()

    count = run_safely(add_one, "rate limit")
    prune_windows(now)
    return count


def prune_windows(now: int) -> None:
    """Delete counters whose window has ended, so no lasting per-person record remains."""
    storage = get_storage()
    if now < storage.next_prune:
        return
    storage.next_prune = now + PRUNE_INTERVAL_S
    run_safely(lambda connection: connection.execute(delete(rate_limits).where(rate_limits.c.expires_at <= now)),
               "deleting ended rate-limit windows")


def allow(bucket: str, subject: str | None, limit: int, window_seconds: int) -> bool:
    """Count one use and tell whether it is within `limit` per window; True if the database fails."""
    count = count_use(bucket, subject, window_seconds)
    return count is None or count <= limit
