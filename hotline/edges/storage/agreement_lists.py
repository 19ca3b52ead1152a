"""Keep loaded copies of ICE's 287(g) list in the database, swap a new one in whole, and serve the current one."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from hotline.core.agreement_updates import Candidate, Verdict, judge
from hotline.core.agreements import Agreement, state_code
from hotline.core.clock import today  # tests replace agreement_lists.today for the stale warning
from hotline.core.county_answers import AgreementList, answer_county_question, is_stale
from hotline.core.matcher import normalise
from hotline.edges.storage.agreement_history import (
    DOWNLOAD,
    FILE,
    Check,
    confirmed_on,
    hold_swap_lock,
    now,
    record_check,
    release_swap_lock,
)
from hotline.edges.storage.database import create_tables, get_db_engine, get_storage, metadata, run_safely
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
    """Read one loaded list into plain data, with the last day a check confirmed it."""
    as_of = connection.scalar(select(agreement_lists.c.as_of).where(agreement_lists.c.id == list_id))
    rows = connection.execute(select(agreements).where(agreements.c.list_id == list_id)).mappings()
    return AgreementList(as_of, tuple(sorted(
        Agreement(r["state"], r["county"], r["agency"], r["model"], r["signed"], r["agency_type"]) for r in rows)),
        confirmed_on(connection, list_id))


def store_list(kind: str, as_of: dt.date, source: str, rows: list[Agreement]) -> AgreementList | None:
    """Load a list from a file as the current one, checked only for being the same; return the previous one."""
    return swap_list(kind, Candidate(tuple(rows), as_of, "file name", source), method=FILE, force=True).previous


@dataclass(frozen=True)
class Swap:
    outcome: str  # loaded, unchanged or refused
    previous: AgreementList | None  # the list that was current before
    verdict: Verdict


def swap_list(kind: str, candidate: Candidate, *, method: str = DOWNLOAD, force: bool = False) -> Swap:
    """Make candidate the current list in one transaction, unless it is the same list or (without force)
    implausible; record the check either way. One swap at a time; readers see the old list or the new one."""
    if not get_storage().ready:
        create_tables(get_storage())  # a command run while the database was down at start
    with get_db_engine().begin() as connection:
        try:
            hold_swap_lock(connection, kind)
            previous_id = latest_list_id(connection, kind)
            previous = read_list(connection, previous_id) if previous_id else None
            verdict = judge(previous.rows if previous else None, previous.as_of if previous else None, candidate,
                            check_shrinking=kind == "participating" and not force)
            list_id = _insert_list(connection, kind, candidate) if verdict.outcome == "loaded" else previous_id
            record_check(connection, Check(
                kind, now(), method, "failed" if verdict.outcome == "refused" else verdict.outcome, candidate.source,
                None if verdict.outcome == "refused" else list_id, candidate.as_of, len(candidate.rows),
                candidate.etag, candidate.last_modified, verdict.changes, broken(verdict)))
        finally:
            release_swap_lock(connection)
    forget_cached_lists()
    return Swap(verdict.outcome, previous, verdict)


def broken(verdict: Verdict) -> str:
    """Say why a list was refused ("" if it was not)."""
    return f"the new list looks broken: {'; '.join(verdict.problems)}" if verdict.problems else ""


def _insert_list(connection: Connection, kind: str, candidate: Candidate) -> int:
    """Insert a list and its rows; keep it and the one before it (for comparing), drop older copies."""
    list_id = connection.execute(insert(agreement_lists).values(
        kind=kind, as_of=candidate.as_of, loaded_at=now(), source=candidate.source[:255])).inserted_primary_key[0]
    connection.execute(insert(agreements), [
        {"list_id": list_id, "state": a.state, "county": a.county, "agency": a.agency,
         "agency_type": a.agency_type, "model": a.model, "signed": a.signed} for a in candidate.rows])
    older = select(agreement_lists.c.id).where(agreement_lists.c.kind == kind, agreement_lists.c.id < list_id) \
        .order_by(agreement_lists.c.id.desc()).offset(1)
    stale = [row[0] for row in connection.execute(older)]
    if stale:
        connection.execute(delete(agreements).where(agreements.c.list_id.in_(stale)))
        connection.execute(delete(agreement_lists).where(agreement_lists.c.id.in_(stale)))
    return list_id


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
                elif cached.value is not None:  # the same list, perhaps confirmed again by a check since
                    cached.value = replace(cached.value, confirmed=confirmed_on(connection, list_id))

            run_safely(refresh, "reading the 287(g) list")
            cached.checked_at = time.monotonic()  # also after a failure: keep what we had, try later
    return cached.value


def forget_cached_lists() -> None:
    """Make the next question re-read the lists (after a load, and between tests)."""
    cache = services().lists
    with cache.lock:
        for kind in KINDS:
            cache.kinds[kind] = _Cached()


def list_is_stale(loaded: AgreementList) -> bool:
    """Tell whether answers from this list add that it may be out of date (HOTLINE_AGREEMENTS_MAX_AGE_DAYS)."""
    return is_stale(loaded, today(), int(current_app.config["HOTLINE_AGREEMENTS_MAX_AGE_DAYS"]))


def answer_from_current_list(words: list[str], lang: str, channel: str = "sms",
                             names_a_county: bool = False, state: str | None = None) -> str | None:
    """Answer "287G <place>" from the current list (in HOTLINE_STATE, or in state when given: the web page's);
    None (the usual 287G answer) if none is loaded."""
    loaded = current_list()
    if loaded is None:
        return None
    config = current_app.config
    return answer_county_question(words, lang, loaded, get_engine().county_words,
                                  state or state_code(config["HOTLINE_STATE"]), today(),
                                  int(config["HOTLINE_AGREEMENTS_MAX_AGE_DAYS"]), config["HOTLINE_PUBLIC_URL"],
                                  channel, names_a_county)


def answer_spoken_county(speech: str, lang: str) -> str | None:
    """Answer a county name said on a call; None when no list is loaded or nothing was recognised."""
    return answer_from_current_list(normalise(speech).split(), lang, channel="voice", names_a_county=True)
