"""`hotline db init`: create the counters' tables (safe to repeat) and say where they are."""

from __future__ import annotations

import click

from hotline.cli.help_text import CommandGroup
from hotline.edges.storage.database import SCHEMA_VERSION, create_tables, get_storage


@click.group("db", cls=CommandGroup)
def db_command() -> None:
    """Manage the database that holds the counters."""


@db_command.command("init")
def init_command() -> None:
    """Create the tables if missing (safe to repeat) and say where they are."""
    storage = get_storage()
    try:
        create_tables(storage)
    except Exception as error:
        raise click.ClickException(f"cannot set up the database: {error}") from None
    url = storage.engine.url.render_as_string(hide_password=True)
    click.echo(f"Database ready (schema version {SCHEMA_VERSION}): {url}")
