"""Day-by-day totals per channel, for the dashboard's per-day bars (counters only, as everywhere)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from hotline.core.clock import today
from hotline.edges.storage.database import get_db_engine, usage
from hotline.edges.storage.stats import flush_counts


def read_days(days: int = 14, until: dt.date | None = None) -> tuple[tuple[dt.date, ...], dict[str, list[int]]]:
    """Return the last `days` days (oldest first) and each channel's total per day."""
    flush_counts()  # this worker's own latest counts too
    until = until or today()
    dates = tuple(until - dt.timedelta(days=n) for n in range(days - 1, -1, -1))
    totals: dict[str, list[int]] = {}
    query = (select(usage.c.channel, usage.c.day, func.sum(usage.c.count))
             .where(usage.c.day >= dates[0], usage.c.day <= until).group_by(usage.c.channel, usage.c.day))
    with get_db_engine().connect() as connection:
        for channel, day, count in connection.execute(query):
            totals.setdefault(channel, [0] * days)[(day - dates[0]).days] += int(count)
    return dates, totals
