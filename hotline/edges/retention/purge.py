"""Sweep Twilio's records for finished texts and calls the deleter missed (`hotline twilio purge`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hotline.edges.retention.deleter import delete_record

if TYPE_CHECKING:  # the REST client is imported only when a command needs it
    from twilio.rest import Client

PURGE_PAUSES = (1.0, 4.0)  # seconds between a purge's tries at one record
UNFINISHED = frozenset({"queued", "sending", "accepted", "scheduled", "receiving", "ringing", "in-progress"})


def purge_records(client: Client, cutoff: datetime, number: str | None, dry_run: bool,
                  report: Callable[[str], object]) -> dict[str, int]:
    """Delete finished texts and calls older than cutoff, page by page, reporting progress."""
    totals = {"deleted": 0, "left": 0}
    # Twilio's To and From filters must both match: records to or from a number take two sweeps.
    directions = [("to", {"to": number}), ("from", {"from_": number})] if number else [("in", {})]
    for kind in ("message", "call"):
        for direction, filters in directions:
            counts = {"deleted": 0, "left": 0}
            page = first_page(client, kind, cutoff, filters)
            while page is not None:
                for record in page:
                    if finished_before(kind, record, cutoff):
                        outcome = "deleted" if dry_run else delete_patiently(client, kind, record.sid)
                        counts["deleted" if outcome == "deleted" else "left"] += 1
                report(f"{kind}s {direction} {number or 'the account'}: {counts['deleted']} "
                       f"{'to delete' if dry_run else 'deleted'}, {counts['left']} left")
                page = page.next_page()
            totals = {key: totals[key] + counts[key] for key in totals}
    return totals


def first_page(client: Client, kind: str, cutoff: datetime, filters: dict[str, str]):
    """Ask for the first page of records, by day: Twilio filters dates, not times."""
    day_after = (cutoff + timedelta(days=1)).date().isoformat()  # a superset; finished_before sorts it out
    if kind == "message":
        return client.messages.page(date_sent_before=day_after, page_size=100, **filters)
    return client.calls.page(start_time_before=day_after, page_size=100, **filters)


def finished_before(kind: str, record, cutoff: datetime) -> bool:
    """Tell whether a record is finished and older than cutoff."""
    when = (record.date_sent if kind == "message" else record.start_time) or record.date_created
    return when is not None and when < cutoff and record.status not in UNFINISHED


def delete_patiently(client: Client, kind: str, sid: str) -> str:
    """Delete one record, pausing and trying again while Twilio is briefly unavailable."""
    # A person runs purge and waits for it: a few seconds' pause, not the deleter's minutes of backoff.
    for pause in PURGE_PAUSES:
        outcome = delete_record(client, kind, sid)
        if outcome != "retry":
            return outcome
        time.sleep(pause)
    return delete_record(client, kind, sid)
