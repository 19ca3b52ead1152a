"""How many asked for the verified alert, per day and language (counters only: no number, no message)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from hotline.core.clock import today
from hotline.edges.storage.database import get_db_engine, usage
from hotline.edges.storage.stats import flush_counts

OUTCOME = "alert"  # what the SMS, voice and web channels count when someone asks


def asked_per_day(days: int = 14) -> tuple[tuple[dt.date, ...], dict[str, list[int]]]:
    """Return the last `days` days (newest first) and, per language, how many asked each day (every channel)."""
    flush_counts()  # this worker's own latest counts too
    until = today()
    dates = tuple(until - dt.timedelta(days=n) for n in range(days))
    asked: dict[str, list[int]] = {}
    query = (select(usage.c.lang, usage.c.day, func.sum(usage.c.count))
             .where(usage.c.outcome == OUTCOME, usage.c.day >= dates[-1], usage.c.day <= until)
             .group_by(usage.c.lang, usage.c.day))
    with get_db_engine().connect() as connection:
        for lang, day, count in connection.execute(query):
            asked.setdefault(lang, [0] * days)[(until - day).days] += int(count)
    return dates, asked
