"""Keep the counters small: daily rows older than ROLL_UP_AFTER_DAYS become one row per week.

The dashboard and reports already sum days into weeks (Monday to Sunday), so a week's row,
dated its Monday, reads exactly as its seven days did. Folded, a year of counters stays
about the size of one quarter's (docs/privacy.md gives the figures).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from hotline.core.clock import today
from hotline.edges.storage.database import get_storage, run_safely, usage

ROLL_UP_AFTER_DAYS = 90
ROLL_UP_EVERY_S = 24 * 60 * 60  # per worker; a second worker's roll-up finds nothing left to fold
KEY = ("channel", "topic", "lang", "outcome", "flyer_code")


def monday_of(day: dt.date) -> dt.date:
    """Return the Monday that starts day's week."""
    return day - dt.timedelta(days=day.weekday())


def roll_up_old_days(connection: Connection, until: dt.date) -> int:
    """Fold the daily rows of whole weeks before until - ROLL_UP_AFTER_DAYS; return how many rows went."""
    cutoff = monday_of(until - dt.timedelta(days=ROLL_UP_AFTER_DAYS))  # whole weeks only
    rows = connection.execute(select(usage).where(usage.c.day < cutoff)).all()
    if all(row.day.weekday() == 0 for row in rows):
        return 0  # folded already (a week's row is dated its Monday)
    weeks: Counter = Counter()
    for row in rows:
        weeks[(monday_of(row.day), *(getattr(row, name) for name in KEY))] += row.count
    connection.execute(delete(usage).where(usage.c.day < cutoff))
    connection.execute(insert(usage), [{"day": key[0], **dict(zip(KEY, key[1:], strict=True)), "count": count}
                                       for key, count in weeks.items()])
    return len(rows) - len(weeks)


def roll_up_if_due() -> None:
    """Fold old days at most once a day per worker (from the counters' timer, never in a request)."""
    storage = get_storage()
    if time.monotonic() < storage.next_roll_up:
        return
    storage.next_roll_up = time.monotonic() + ROLL_UP_EVERY_S
    run_safely(lambda connection: roll_up_old_days(connection, today()), "folding old counters into weeks")
