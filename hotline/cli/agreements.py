"""`hotline agreements`: load ICE's 287(g) list, keep it current, and show what the hotline answers from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app

from hotline.cli.agreements_update import print_changes, update_command
from hotline.cli.help_text import CommandGroup
from hotline.core.agreement_updates import Candidate
from hotline.core.agreements import AgreementsError, date_from_filename, read_spreadsheet, state_code
from hotline.edges.storage.agreement_history import FILE, Check, recent_checks
from hotline.edges.storage.agreement_lists import current_list, swap_list


@click.group("agreements", cls=CommandGroup)
def agreements_command() -> None:
    """Load ICE's list of 287(g) agreements, which answers "287G <county>", and keep it current."""


agreements_command.add_command(update_command)


@agreements_command.command("load")
@click.argument("spreadsheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pending", is_flag=True, help="The file is ICE's list of pending agencies.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The date ICE published the list (default: the date in the file name).")
def load_command(spreadsheet: Path, pending: bool, as_of: dt.datetime | None) -> None:
    """Load SPREADSHEET (ICE's .xlsx, from disk) as the current list and report what changed."""
    published = as_of.date() if as_of else date_from_filename(spreadsheet)
    if published is None:
        raise click.UsageError("The file name has no date like 2025-07-18: give the list's date with --as-of.")
    click.echo(f"Reading {spreadsheet} ...")
    try:
        rows = read_spreadsheet(spreadsheet)
    except AgreementsError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    kind = "pending" if pending else "participating"
    # A file chosen by hand is loaded as it is: only a download is checked for shrinking.
    swap = swap_list(kind, Candidate(tuple(rows), published, "file name", spreadsheet.name), method=FILE, force=True)
    if swap.outcome == "unchanged":
        click.echo(f"This is the list already loaded ({len(rows)} {kind} agreements, dated "
                   f"{published.isoformat()}): nothing changed.")
        return
    click.echo(f"Loaded {len(rows)} {kind} agreements, list dated {published.isoformat()}.")
    if swap.previous is None:
        click.echo("This is the first list of this kind.")
        return
    print_changes(swap.verdict.changes, swap.previous.as_of, None)


@agreements_command.command("show")
@click.argument("state", required=False)
@click.option("--pending", is_flag=True, help="Show the pending list instead.")
@click.option("--history", "history", default=10, show_default=True, help="How many past checks to show.")
def show_command(state: str | None, pending: bool, history: int) -> None:
    """Show the history of checks and updates, then the loaded list for STATE (default: HOTLINE_STATE)."""
    kind = "pending" if pending else "participating"
    code = state_code(state or current_app.config["HOTLINE_STATE"])
    if state and code is None:
        raise click.UsageError(f"{state!r} is no US state: name one like WY or Wyoming.")
    loaded = current_list(kind)
    print_history(kind, recent_checks(kind, history), code)
    if loaded is None:
        raise click.ClickException("No list is loaded yet: run `hotline agreements update` "
                                   "(or `hotline agreements load FILE.xlsx`).")
    if code is None:
        click.echo("Name a state (e.g. WY), or set HOTLINE_STATE, to see its agreements.")
        return
    rows = [a for a in loaded.rows if a.state == code]
    click.echo(f"ICE's 287(g) list dated {loaded.as_of.isoformat()}: {len(rows)} agreements in {code}")
    for row in rows:
        signed = row.signed.isoformat() if row.signed else "date not given"
        click.echo(f"  {row.county or '(statewide)':<16} {row.agency:<45} {row.model:<16} {signed}")


def print_history(kind: str, checks: list[Check], state: str | None) -> None:
    """Print the latest checks, newest first, and what the latest loaded list changed."""
    if not checks:
        click.echo(f"No check of the {kind} list yet.")
        return
    click.echo(f"Checks of the {kind} list, newest first:")
    for check in checks:
        click.echo(f"  {check.checked_at:%Y-%m-%d %H:%M} UTC  {describe_check(check)}")
    latest = next((c for c in checks if c.outcome == "loaded" and c.changes), None)
    if latest is not None:
        click.echo(f"What the list dated {latest.list_date} changed"
                   f"{f' in {state}' if state else ''} (against the list before it):")
        print_changes(latest.changes or {}, None, state, indent="  ")


def describe_check(check: Check) -> str:
    """Say in one line what one check found."""
    dated = f"list dated {check.list_date.isoformat()}" if check.list_date else "no list"
    if check.outcome == "failed":
        return f"FAILED    {check.source}: {check.message}"
    if check.outcome == "unchanged":
        return f"unchanged {check.source} ({dated})"
    added = sum(len(c["added"]) for c in (check.changes or {}).values())
    removed = sum(len(c["removed"]) for c in (check.changes or {}).values())
    return f"loaded    {check.source} ({dated}, {check.row_count} agreements: {added} added, {removed} removed)"
