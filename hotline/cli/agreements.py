"""`hotline agreements`: load ICE's 287(g) list and show what the hotline answers from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from hotline.core.agreements import AgreementsError, date_from_filename, read_spreadsheet, state_code, summarise_changes
from hotline.edges.storage.agreement_lists import current_list, store_list


@click.group("agreements", cls=AppGroup)
def agreements_command() -> None:
    """Load ICE's list of 287(g) agreements, which answers "287G <county>"."""


@agreements_command.command("load")
@click.argument("spreadsheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pending", is_flag=True, help="The file is ICE's list of pending agencies.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The date ICE published the list (default: the date in the file name).")
def load_command(spreadsheet: Path, pending: bool, as_of: dt.datetime | None) -> None:
    """Load SPREADSHEET (ICE's .xlsx) as the current list and report what changed."""
    published = as_of.date() if as_of else date_from_filename(spreadsheet)
    if published is None:
        raise click.UsageError("The file name has no date like 2025-07-18: give the list's date with --as-of.")
    click.echo(f"Reading {spreadsheet} ...")
    try:
        rows = read_spreadsheet(spreadsheet)
    except AgreementsError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    kind = "pending" if pending else "participating"
    previous = store_list(kind, published, spreadsheet.name, rows)
    click.echo(f"Loaded {len(rows)} {kind} agreements, list dated {published.isoformat()}.")
    if previous is None:
        click.echo("This is the first list of this kind.")
        return
    changes = summarise_changes(list(previous.rows), rows)
    click.echo(f"Changes since the list dated {previous.as_of.isoformat()}:" if changes else
               f"No changes since the list dated {previous.as_of.isoformat()}.")
    for state, (added, removed) in changes.items():
        click.echo(f"  {state}: {added} added, {removed} removed")


@agreements_command.command("show")
@click.argument("state", required=False)
@click.option("--pending", is_flag=True, help="Show the pending list instead.")
def show_command(state: str | None, pending: bool) -> None:
    """Show the loaded list for STATE (default: HOTLINE_STATE)."""
    code = state_code(state or current_app.config["HOTLINE_STATE"])
    loaded = current_list("pending" if pending else "participating")
    if code is None:
        raise click.UsageError("Name a state (e.g. WY), or set HOTLINE_STATE.")
    if loaded is None:
        raise click.ClickException("No list is loaded yet: run `hotline agreements load FILE.xlsx`.")
    rows = [a for a in loaded.rows if a.state == code]
    click.echo(f"ICE's 287(g) list dated {loaded.as_of.isoformat()}: {len(rows)} agreements in {code}")
    for row in rows:
        signed = row.signed.isoformat() if row.signed else "date not given"
        click.echo(f"  {row.county or '(statewide)':<16} {row.agency:<45} {row.model:<16} {signed}")
