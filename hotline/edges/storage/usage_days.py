"""Day-by-day totals per channel, for the dashboard's per-day bars (counters only, as everywhere)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from hotline.core.clock import today
from hotline.edges.storage.database import get_db_engine, usage
from hotline.edges.storage.stats import flush_counts


def read_days(days: int = 14, until: dt.date | None = None, by: str = "channel",
              outcome: str | None = None) -> tuple[tuple[dt.date, ...], dict[str, list[int]]]:
    """Return the last `days` days (oldest first) and each channel's (or language's, by="lang") total per day.

    outcome: count only that outcome (e.g. "alert": how many asked for the verified alert).
    """
    flush_counts()  # this worker's own latest counts too
    until = until or today()
    dates = tuple(until - dt.timedelta(days=n) for n in range(days - 1, -1, -1))
    totals: dict[str, list[int]] = {}
    column = usage.c[by]
    query = (select(column, usage.c.day, func.sum(usage.c.count))
             .where(usage.c.day >= dates[0], usage.c.day <= until).group_by(column, usage.c.day))
    if outcome is not None:
        query = query.where(usage.c.outcome == outcome)
    with get_db_engine().connect() as connection:
        for name, day, count in connection.execute(query):
            totals.setdefault(name, [0] * days)[(day - dates[0]).days] += int(count)
    return dates, totals
