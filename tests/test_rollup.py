"""Old daily counters fold into weekly rows, on SQLite and a real PostgreSQL, and read the same."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from hotline.edges.storage import stats
from hotline.edges.storage.database import get_db_engine, usage
from hotline.edges.storage.rollup import ROLL_UP_AFTER_DAYS, monday_of, roll_up_old_days
from hotline.edges.storage.stats import read_report

TODAY = dt.date(2026, 12, 1)
OLD_MONDAY = monday_of(TODAY - dt.timedelta(days=ROLL_UP_AFTER_DAYS + 30))
RECENT = TODAY - dt.timedelta(days=3)


def row(day: dt.date, topic: str, count: int, lang: str = "en") -> dict:
    return {"day": day, "channel": "sms", "topic": topic, "lang": lang, "outcome": "answered", "flyer_code": "",
            "count": count}


def all_rows(app) -> dict:
    with app.app_context(), get_db_engine().connect() as connection:
        return {(r.day, r.topic, r.lang): r.count for r in connection.execute(select(usage))}


def test_old_days_fold_into_their_weeks_and_recent_days_stay(db_app, monkeypatch):
    days = [OLD_MONDAY + dt.timedelta(days=n) for n in range(14)]  # two whole old weeks, day by day
    rows = [row(day, "rights", n + 1) for n, day in enumerate(days)] + [row(days[3], "detainer", 2, "es"),
                                                                        row(RECENT, "rights", 5)]
    with db_app.app_context():
        with get_db_engine().begin() as connection:
            connection.execute(insert(usage), rows)
        monkeypatch.setattr(stats, "today", lambda: TODAY)
        before = read_report(30)
        with get_db_engine().begin() as connection:
            folded = roll_up_old_days(connection, TODAY)
            again = roll_up_old_days(connection, TODAY)
        after = read_report(30)
    week2 = OLD_MONDAY + dt.timedelta(weeks=1)
    assert all_rows(db_app) == {(OLD_MONDAY, "rights", "en"): sum(range(1, 8)), (week2, "rights", "en"):
                                sum(range(8, 15)), (OLD_MONDAY, "detainer", "es"): 2, (RECENT, "rights", "en"): 5}
    assert folded == 15 - 3 and again == 0  # 15 old rows became 3; folding twice changes nothing
    assert after == before  # the dashboard's weeks read exactly the same
