"""`hotline agreements update`: download ICE's current 287(g) lists, check them and swap them in;
with --every, keep doing it (a clock process for hosts with no scheduler)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.core.agreement_updates import describe_change
from hotline.core.agreements import state_code
from hotline.edges.agreement_updater import Update, update_list
from hotline.edges.storage.agreement_lists import KINDS

log = logging.getLogger("hotline.agreements")
sleep = time.sleep  # tests replace agreements_update.sleep to stop the loop
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SHOWN_CHANGES = 20  # agreements named per state, at most, before counting the rest


class Duration(click.ParamType):
    """A time like 24h, 90m or 1d."""

    name = "duration"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        found = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", str(value).lower())
        if not found or int(found[1]) * UNITS[found[2] or "s"] < 60:
            self.fail(f"{value!r} is not a time of a minute or more, like 24h, 90m or 1d", param, ctx)
        return float(int(found[1]) * UNITS[found[2] or "s"])


@click.command("update")
@with_appcontext  # added to the group with add_command, which (unlike group.command) does not wrap it
@click.option("--url", help="ICE's 287(g) page, or the spreadsheet's own address (default: HOTLINE_AGREEMENTS_URL).")
@click.option("--pending-url", help="Where to find the list of pending agencies (default: "
                                    "HOTLINE_AGREEMENTS_PENDING_URL).")
@click.option("--force", is_flag=True, help="Load the new list even if it lost more than a third of its "
                                            "agreements or a whole state.")
@click.option("--every", type=Duration(), help="Keep running, checking again after this long (e.g. 24h).")
def update_command(url: str | None, pending_url: str | None, force: bool, every: float | None) -> None:
    """Download ICE's lists, check them, and load them if they changed; exit 1 if one could not be updated."""
    config = current_app.config
    sources = {"participating": url or config["HOTLINE_AGREEMENTS_URL"],
               "pending": pending_url or config["HOTLINE_AGREEMENTS_PENDING_URL"]}
    timeout = float(config["HOTLINE_AGREEMENTS_TIMEOUT_SECONDS"])
    if every is None:
        if not run_updates(sources, force, timeout):
            raise click.exceptions.Exit(1)
        return
    while True:  # a clock process: a failure is logged and shown on the dashboard, and tried again next time
        try:
            run_updates(sources, force, timeout)
        except Exception:  # the database down, say: the next round may find it back
            log.exception("287(g) list update failed")
        click.echo(f"Next check at {dt.datetime.now(dt.UTC) + dt.timedelta(seconds=every):%Y-%m-%d %H:%M} UTC.")
        sleep(every)


def run_updates(sources: dict[str, str], force: bool, timeout: float) -> bool:
    """Update each kind of list in turn; print what happened; say whether none failed."""
    pages: dict = {}  # ICE's page, fetched once for both lists
    state = state_code(current_app.config["HOTLINE_STATE"])
    results = [update_list(kind, sources[kind], force=force, timeout=timeout, pages=pages) for kind in KINDS]
    for result in results:
        print_update(result, state)
    return all(result.outcome != "failed" for result in results)


def print_update(result: Update, state: str | None) -> None:
    """Say what one update did, or why the current list stays."""
    click.echo(f"ICE's list of {result.kind} agencies:" + (f" found on {result.found_on}" if result.found_on else ""))
    if result.source:
        click.echo(f"  {'From' if result.outcome == 'failed' else 'Spreadsheet'}: {result.source}")
    current = result.current
    if result.outcome == "failed":
        stays = (f"Answers keep using the list dated {current.as_of.isoformat()}." if current else
                 f"No {result.kind} list is loaded yet." + (" \"287G <county>\" gets the general 287(g) answer."
                                                             if result.kind == "participating" else ""))
        click.echo(f"  Error: not updated: {result.message}. Nothing was changed. {stays}", err=True)
        if result.swap is not None:
            click.echo("  If ICE really did shrink its list that much, run again with --force.", err=True)
    elif result.outcome == "absent":
        click.echo(f"  {result.message}: nothing to check.")
    elif result.outcome == "unchanged":
        why = "the server says it has not changed" if result.candidate is None else "it is the list already loaded"
        click.echo(f"  Unchanged ({why}): answers use the list dated "
                   f"{current.as_of.isoformat() if current else '?'}.")
    else:
        candidate, previous = result.candidate, result.swap.previous
        click.echo(f"  Loaded {len(candidate.rows)} agreements, list dated {candidate.as_of.isoformat()} "
                   f"(date from the {candidate.date_from}).")
        if previous is None:
            click.echo("  This is the first list of this kind.")
        else:
            print_changes(result.swap.verdict.changes, previous.as_of, state, indent="  ")


def print_changes(changes: dict, since: dt.date | None, state: str | None, indent: str = "") -> None:
    """Print agreements added and removed per state; name them for the line's state."""
    if since is not None:
        click.echo(f"{indent}Changes since the list dated {since.isoformat()}:" if changes else
                   f"{indent}No changes since the list dated {since.isoformat()}.")
    for code, change in changes.items():
        if state and code != state:
            continue
        click.echo(f"{indent}  {code}: {len(change['added'])} added, {len(change['removed'])} removed")
        if state:
            for what in ("added", "removed"):
                for agency, model in change[what][:SHOWN_CHANGES]:
                    click.echo(f"{indent}    {what}: {describe_change(agency, model)}")
    if state and state not in changes and changes:
        click.echo(f"{indent}  {state}: no changes")
