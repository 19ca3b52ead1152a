"""Keep loaded copies of ICE's 287(g) list in the database, and serve the current one."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from hotline.core.agreements import Agreement, state_code
from hotline.core.clock import today  # tests replace agreement_lists.today for the stale warning
from hotline.core.county_answers import AgreementList, answer_county_question
from hotline.core.matcher import normalise
from hotline.edges.storage.database import get_db_engine, metadata, run_safely
from hotline.services import get_engine, services

KINDS = ("participating", "pending")
REFRESH_SECONDS = 60.0  # how often a worker looks for a newly loaded list

agreement_lists = Table(
    "agreement_lists", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("as_of", Date, nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("source", String(255), nullable=False),
)
agreements = Table(
    "agreements", metadata,
    Column("list_id", Integer, ForeignKey("agreement_lists.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("state", String(2), nullable=False),
    Column("county", String(64), nullable=False),
    Column("agency", String(255), nullable=False),
    Column("agency_type", String(64), nullable=False),
    Column("model", String(32), nullable=False),
    Column("signed", Date),
)


@dataclass
class _Cached:
    list_id: int | None = None
    value: AgreementList | None = None
    checked_at: float = -REFRESH_SECONDS


@dataclass
class ListCache:
    """Each app's own copy of the loaded lists (tests run several apps with several databases)."""

    kinds: dict[str, _Cached] = field(default_factory=lambda: {kind: _Cached() for kind in KINDS})
    lock: threading.Lock = field(default_factory=threading.Lock)


def latest_list_id(connection: Connection, kind: str) -> int | None:
    """Find the most recently loaded list of this kind."""
    return connection.scalar(select(func.max(agreement_lists.c.id)).where(agreement_lists.c.kind == kind))


def read_list(connection: Connection, list_id: int) -> AgreementList:
    """Read one loaded list into plain data."""
    as_of = connection.scalar(select(agreement_lists.c.as_of).where(agreement_lists.c.id == list_id))
    rows = connection.execute(select(agreements).where(agreements.c.list_id == list_id)).mappings()
    return AgreementList(as_of, tuple(sorted(
        Agreement(r["state"], r["county"], r["agency"], r["model"], r["signed"], r["agency_type"]) for r in rows)))


def store_list(kind: str, as_of: dt.date, source: str, rows: list[Agreement]) -> AgreementList | None:
    """Store a new copy of the list in one transaction; return the previous one (or None)."""
    with get_db_engine().begin() as connection:
        previous_id = latest_list_id(connection, kind)
        previous = read_list(connection, previous_id) if previous_id else None
        list_id = connection.execute(insert(agreement_lists).values(
            kind=kind, as_of=as_of, loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), source=source[:255],
        )).inserted_primary_key[0]
        connection.execute(insert(agreements), [
            {"list_id": list_id, "state": a.state, "county": a.county, "agency": a.agency,
             "agency_type": a.agency_type, "model": a.model, "signed": a.signed} for a in rows])
        # Keep the new list and the one before it, for comparing; older copies go.
        stale = select(agreement_lists.c.id).where(agreement_lists.c.kind == kind,
                                                   agreement_lists.c.id < (previous_id or list_id))
        connection.execute(delete(agreements).where(agreements.c.list_id.in_(stale)))
        connection.execute(delete(agreement_lists).where(agreement_lists.c.id.in_(stale)))
    forget_cached_lists()
    return previous


def current_list(kind: str = "participating") -> AgreementList | None:
    """Return the current list, re-read at most once a minute; None if none is loaded or the DB is down."""
    cache = services().lists
    cached, lock = cache.kinds[kind], cache.lock
    if time.monotonic() - cached.checked_at < REFRESH_SECONDS:
        return cached.value
    with lock:
        if time.monotonic() - cached.checked_at >= REFRESH_SECONDS:
            def refresh(connection: Connection) -> None:
                list_id = latest_list_id(connection, kind)
                if list_id != cached.list_id:
                    cached.value = read_list(connection, list_id) if list_id else None
                    cached.list_id = list_id

            run_safely(refresh, "reading the 287(g) list")
            cached.checked_at = time.monotonic()  # also after a failure: keep what we had, try later
    return cached.value


def forget_cached_lists() -> None:
    """Make the next question re-read the lists (after a load, and between tests)."""
    cache = services().lists
    with cache.lock:
        for kind in KINDS:
            cache.kinds[kind] = _Cached()




def answer_from_current_list(words: list[str], lang: str, channel: str = "sms",
                             names_a_county: bool = False) -> str | None:
    """Answer "287G <place>" from the current list; None (the usual 287G answer) if none is loaded."""
    loaded = current_list()
    if loaded is None:
        return None
    config = current_app.config
    return answer_county_question(words, lang, loaded, get_engine().county_words, state_code(config["HOTLINE_STATE"]),
                                  today(), int(config["HOTLINE_AGREEMENTS_MAX_AGE_DAYS"]),
                                  config["HOTLINE_PUBLIC_URL"], channel, names_a_county)


def answer_spoken_county(speech: str, lang: str) -> str | None:
    """Answer a county name said on a call; None when no list is loaded or nothing was recognised."""
    return answer_from_current_list(normalise(speech).split(), lang, channel="voice", names_a_county=True)
