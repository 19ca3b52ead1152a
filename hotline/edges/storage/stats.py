"""Count how the hotline is used, per day, without ever knowing who used it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import time
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from hotline.core.clock import today  # tests replace stats.today to fill past weeks
from hotline.edges.storage.database import get_db_engine, run_safely, upsert_for, usage
from hotline.edges.storage.flyer_codes import counted_flyer_code, parse_flyer_code
from hotline.edges.storage.rollup import roll_up_if_due
from hotline.edges.storage.small_counts import masking_for
from hotline.services import get_engine, services

CHANNELS = {"sms": "Texts", "voice": "Calls", "web": "Web pages", "qr": "QR scans"}
TABLES = {"total": "in all", "topic": "by topic", "language": "by language", "outcome": "by outcome",
          "flyer": "by flyer code"}
OUTCOME = re.compile(r"[a-z_]{1,32}")
NONE = "(none)"
COUNTED = ("day", "channel", "topic", "lang", "outcome", "flyer_code")  # a counter's key columns
# Each worker adds up its counts in memory and writes them in one transaction with the first
# count after HOTLINE_STATS_FLUSH_SECONDS, before a report and at exit: a write per text was the
# biggest cost under load (docs/benchmarks.md). A worker killed outright loses its unwritten counts.
ADD_STATEMENTS: dict[str, Executable] = {}  # database kind -> the adding upsert


def record(channel: str, topic: str | None, lang: str | None, outcome: str, flyer_code: str | None = None) -> None:
    """Add one to today's counter for this channel, topic, language, outcome and flyer code."""
    # Only known words are kept, so a mistake upstream can never store a message or a number.
    values = {"day": today(), "channel": channel if channel in CHANNELS else "other",
              "topic": topic if topic in get_engine().catalog.topics else "",
              "lang": lang if lang in get_engine().catalog.languages else "",
              "outcome": outcome if OUTCOME.fullmatch(outcome or "") else "other",
              "flyer_code": counted_flyer_code(parse_flyer_code(flyer_code)) or ""}
    if has_request_context():  # the same sanitised fields go into the request's log line
        g.event = {name: values[name] for name in ("channel", "topic", "lang", "outcome")}
    pending, interval = get_pending(), float(current_app.config["HOTLINE_STATS_FLUSH_SECONDS"])
    with pending.lock:
        pending.counts[tuple(values[c] for c in COUNTED)] += 1
        wait = pending.flushed_at + interval - time.monotonic()
        if wait > 0 and pending.timer is None:  # a quiet line's last counts must not wait for the next text
            pending.timer = threading.Timer(wait, flush_later, (weakref.ref(current_app._get_current_object()),))
            pending.timer.daemon = True
            pending.timer.start()
    if wait <= 0:
        flush_counts()


@dataclass
class Pending:
    """Counts this worker has not written yet."""

    counts: Counter = field(default_factory=Counter)  # (day, channel, topic, lang, outcome, flyer_code) -> n
    lock: threading.Lock = field(default_factory=threading.Lock)
    flushed_at: float = field(default_factory=time.monotonic)
    timer: threading.Timer | None = None  # writes the counts when the interval ends, if no text does first


def get_pending() -> Pending:
    """Return the current app's pending counts."""
    return services().pending


def flush_later(app_ref: weakref.ref) -> None:
    """Write the counts a worker still holds once the interval is over (the timer's work)."""
    app = app_ref()
    if app is not None:
        app.services.pending.timer = None
        with app.app_context():
            flush_counts()
            roll_up_if_due()  # here, on the timer's thread: a request never waits for it


def flush_at_exit(app_ref: weakref.ref) -> None:
    """Write what a stopping worker still holds (registered by create_app; gunicorn workers exit via sys.exit)."""
    app = app_ref()
    if app is not None and app.services.pending.counts:
        with app.app_context():
            flush_counts()


def flush_counts() -> None:
    """Write the pending counts in one transaction; if the database fails, keep them for the next try."""
    pending = get_pending()
    with pending.lock:
        counts, pending.counts, pending.flushed_at = pending.counts, Counter(), time.monotonic()
    if not counts:
        return
    # In key order: workers that write at the same moment then lock the rows in the same order.
    # In each worker's own order, two PostgreSQL transactions deadlocked and one worker's counts
    # were lost at exit (tests/test_two_instances.py).
    rows = [{**dict(zip(COUNTED, key, strict=True)), "n": n} for key, n in sorted(counts.items())]

    def add_all(connection: Connection) -> bool:
        connection.execute(add_statement(connection), rows)
        return True

    def keep_for_next_try() -> None:
        with pending.lock:
            pending.counts.update(counts)

    run_safely(add_all, "usage counter", keep_for_next_try)


def add_statement(connection: Connection) -> Executable:
    """Return the adding upsert for this database, built once: building it cost more than running it."""
    name = connection.dialect.name
    if name not in ADD_STATEMENTS:
        insert = upsert_for(connection)(usage).values(**{c: bindparam(c) for c in COUNTED}, count=bindparam("n"))
        ADD_STATEMENTS[name] = insert.on_conflict_do_update(index_elements=list(usage.primary_key),
                                                            set_={"count": usage.c.count + insert.excluded.count})
    return ADD_STATEMENTS[name]


@dataclass(frozen=True)
class Series:
    table: str  # a key of TABLES
    channel: str
    name: str  # the topic, language, outcome or flyer code, "all" in "total", NONE for none
    counts: tuple[int, ...]  # one per week, oldest first


@dataclass(frozen=True)
class Report:
    weeks: tuple[dt.date, ...]  # Mondays, oldest first
    series: tuple[Series, ...]

    def pick(self, table: str, channel: str | None = None) -> list[Series]:
        """Return the series of one table, for one channel or all."""
        return [s for s in self.series if s.table == table and channel in (None, s.channel)]


def read_report(weeks: int = 8, until: dt.date | None = None) -> Report:
    """Sum the daily counters into weeks, Monday to Sunday, the current week last."""
    flush_counts()  # this worker's own latest counts too
    until = until or today()
    mondays = tuple(until - dt.timedelta(days=until.weekday(), weeks=n) for n in range(weeks - 1, -1, -1))
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * weeks)
    query = select(usage).where(usage.c.day >= mondays[0], usage.c.day <= until)
    with get_db_engine().connect() as connection:
        for row in connection.execute(query):
            week = (row.day - mondays[0]).days // 7
            for table, name in (("total", "all"), ("topic", row.topic), ("language", row.lang),
                                ("outcome", row.outcome), ("flyer", row.flyer_code)):
                if table != "flyer" or name:
                    sums[table, row.channel, name or NONE][week] += row.count
    order = list(TABLES), [*CHANNELS, "other"]
    keys = sorted(sums, key=lambda k: (order[0].index(k[0]), order[1].index(k[1]), k[2]))
    return Report(mondays, tuple(Series(*key, tuple(sums[key])) for key in keys))


def show_count(count: int, threshold: int) -> str:
    """Show a count, or "<threshold" when so few that it could point at someone; 0 stays 0."""
    return f"<{threshold}" if 0 < count < threshold else str(count)


def list_rows(report: Report, threshold: int) -> list[list[str]]:
    """Lay the report out as rows: a header, then one row per series with its total."""
    header = ["channel", "table", "name", *(monday.isoformat() for monday in report.weeks), "total"]
    mask = masking_for(report.series, report.weeks, threshold)  # no subtraction can undo "<5"
    rows = [[s.channel, s.table, s.name, *(mask.cell(s.channel, w, c) for w, c in enumerate(s.counts)),
             mask.total(s.channel, s.counts)] for s in report.series]
    return [header, *rows]


def export_csv(report: Report, threshold: int) -> str:
    """Render the report as CSV, small counts hidden."""
    out = io.StringIO()
    csv.writer(out).writerows(list_rows(report, threshold))
    return out.getvalue()


def format_text(report: Report, threshold: int) -> str:
    """Render the report as aligned plain-text tables, one per channel and table."""
    header, *rows = list_rows(report, threshold)
    if not rows:
        return f"No use counted in the {len(report.weeks)} weeks from {header[3]}.\n"
    width = max(len(row[2]) for row in rows) + 2
    lines, section = [], None
    for row in rows:
        if (row[0], row[1]) != section:
            section = row[0], row[1]
            title = f"{CHANNELS.get(row[0], row[0])} {TABLES[row[1]]}"
            lines += ["", title.ljust(width) + " ".join(f"{h[5:]:>6}" for h in header[3:-1]) + "  total"]
        lines.append(f"  {row[2]}".ljust(width) + " ".join(f"{c:>6}" for c in row[3:-1]) + f" {row[-1]:>6}")
    return "\n".join(lines[1:]) + "\n"
