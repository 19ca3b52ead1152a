"""Keep the organisers' verified notices in the database (every worker and dyno sees the same one), with
their history; a worker serves the last notice it read while the database is down."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import Column, DateTime, Integer, String, Table, Text, insert, select, update
from sqlalchemy.engine import Connection, Engine

from hotline.core.alert_checks import Draft, limits_from, preview, review
from hotline.core.alerts import AlertWords, Notice, compose, load_alert_words
from hotline.core.segments import SegmentCount
from hotline.edges.settings import SettingsError
from hotline.edges.storage.database import get_storage, metadata, run_safely, run_transaction
from hotline.services import get_engine, services

T = TypeVar("T")

# One row per notice ever published. Organisers' words and labels only: never a texter's number or message.
alert_notices = Table(
    "alert_notices", metadata,
    Column("id", Integer, primary_key=True),
    Column("published_at", DateTime, nullable=False),  # UTC
    Column("expires_at", DateTime, nullable=False, index=True),
    Column("cleared_at", DateTime),  # cleared by hand, or replaced by a newer notice
    Column("published_by", String(64), nullable=False),  # the organiser's label (core/alert_checks.clean_label)
    Column("cleared_by", String(64), nullable=False, default=""),
    Column("texts", Text, nullable=False),  # JSON {language code: the verified words}
)


@dataclass
class AlertBoard:
    """This worker's part of the alerts: the words, the time zone, and the last notice it read."""

    words: AlertWords
    zone: ZoneInfo
    report_line: str
    last: Notice | None = None  # served while the database is down (if it still holds)
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_board(directory: Path, codes: tuple[str, ...], config: Mapping[str, object]) -> AlertBoard:
    """Read the alert words and the time zone once, at start; a zone that does not exist stops the start."""
    name = str(config["HOTLINE_TIMEZONE"])
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"HOTLINE_TIMEZONE {name!r} is not a time zone: use one like America/Denver") from None
    return AlertBoard(load_alert_words(directory, codes), zone, str(config["HOTLINE_REPORT_LINE"] or ""))


def get_board() -> AlertBoard:
    """Return the current app's alert board."""
    return services().alerts


def now() -> dt.datetime:
    """Return the time, aware, in UTC (tests replace it)."""
    return dt.datetime.now(dt.UTC)


def say_local(moment: dt.datetime) -> str:
    """Write a moment for organisers, in the line's time zone: 2026-12-01 14:40 MST."""
    return moment.astimezone(get_board().zone).strftime("%Y-%m-%d %H:%M %Z")


def naive(moment: dt.datetime) -> dt.datetime:
    """Store UTC without its zone, as the other tables do."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """Read a stored UTC time back with its zone."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None else None


def to_notice(row: Mapping) -> Notice:
    """Rebuild a notice from its row."""
    return Notice(json.loads(row["texts"]), aware(row["published_at"]), aware(row["expires_at"]),
                  row["published_by"], aware(row["cleared_at"]), row["id"], row["cleared_by"])


def read_current(connection: Connection, at: dt.datetime) -> Notice | None:
    """Return the newest notice that holds at this moment, or None."""
    row = connection.execute(select(alert_notices).where(alert_notices.c.cleared_at.is_(None),
                                                         alert_notices.c.expires_at > naive(at))
                             .order_by(alert_notices.c.id.desc()).limit(1)).mappings().first()
    return to_notice(row) if row else None


def end_current(connection: Connection, at: dt.datetime, by: str) -> int:
    """Clear every notice that still holds; return how many."""
    return connection.execute(update(alert_notices).where(alert_notices.c.cleared_at.is_(None),
                                                          alert_notices.c.expires_at > naive(at))
                              .values(cleared_at=naive(at), cleared_by=by)).rowcount


def in_transaction(work: Callable[[Connection], T]) -> T:
    """Run an organiser's change in one transaction; unlike counting, a failure is raised for them to see."""
    return run_transaction(get_storage(), work)


def publish(texts: Mapping[str, str], holds_for: dt.timedelta, by: str) -> Notice:
    """Publish a checked notice (core/alert_checks.py), replacing the one that held; raises if the database fails."""
    at = now()
    notice = Notice(dict(texts), at, at + holds_for, by)

    def write(connection: Connection) -> Notice:
        end_current(connection, at, by)
        found = connection.execute(insert(alert_notices).values(
            published_at=naive(at), expires_at=naive(notice.expires_at), published_by=by, cleared_by="",
            texts=json.dumps(notice.texts, ensure_ascii=False))).inserted_primary_key
        return replace(notice, id=found[0])

    published = in_transaction(write)
    remember(published)
    return published


def clear(by: str) -> int:
    """Clear the notice that holds (if any): texters get the "none" answer; return how many were cleared."""
    cleared = in_transaction(lambda connection: end_current(connection, now(), by))
    remember(None)
    return cleared


def current_notice() -> Notice | None:
    """Return the notice that holds now: from the database, else the last one this worker read (if it holds)."""
    found = run_safely(lambda connection: (read_current(connection, now()),), "reading the verified alert")
    if found is not None:
        remember(found[0])
        return found[0]
    last = get_board().last
    return last if last is not None and last.holds(now()) else None


def remember(notice: Notice | None) -> None:
    """Keep the last notice read, for when the database is down."""
    board = get_board()
    with board.lock:
        board.last = notice


def read_history(connection: Connection, limit: int) -> list[Notice]:
    """Return the latest notices, newest first (held, expired and cleared alike)."""
    rows = connection.execute(select(alert_notices).order_by(alert_notices.c.id.desc()).limit(limit)).mappings()
    return [to_notice(row) for row in rows]


def history(limit: int = 10) -> list[Notice]:
    """Return the latest notices for the organisation's review; raises if the database fails."""
    return in_transaction(lambda connection: read_history(connection, limit))


def answer(lang: str, spoken: bool = False) -> str:
    """Answer someone who asked, by text or on a call, in their language: the notice that holds, or none."""
    board = get_board()
    return compose(current_notice(), lang, board.words, now(), board.zone, board.report_line, spoken)


def draft(texts: Mapping[str, str], expires: str, by: str) -> Draft:
    """Check a notice an organiser wrote against this line's languages, budgets, reading targets and maximum."""
    config, engine = current_app.config, get_engine()
    return review(texts, expires, by, engine.catalog.languages, get_board().words, limits_from(config),
                  float(config["HOTLINE_ALERT_MAX_HOURS"]), engine.replies.preview)


def preview_now(checked: Draft) -> dict[str, tuple[str, SegmentCount]]:
    """Show what texters would get if this draft were published now, with its segments."""
    board = get_board()
    return preview(checked, now(), board.zone, board.words, get_engine().replies.preview)


def current_in(engine: Engine, at: dt.datetime) -> Notice | None:
    """Read the notice that holds from a database outside an app (`hotline check`); None if there is no table."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, alert_notices.name):
            return None
        return read_current(connection, at)


def live_answer(lang: str, channel: str) -> str | None:
    """Answer "alert" at request time (core/live.py): by text ("sms"), or to be read on a call ("voice")."""
    return answer(lang, spoken=channel == "voice")
