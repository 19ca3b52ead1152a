"""Command lists whose descriptions are shown whole (wrapped), never cut off with '...'."""

from __future__ import annotations

import click
from flask.cli import AppGroup


class WholeHelp:
    """Mixed into a click group: list each command with its whole first sentence."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands, each with its whole description, wrapped to the terminal."""
        rows = [(name, command.get_short_help_str(limit=1000)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class CommandGroup(WholeHelp, AppGroup):
    """A group of the app's commands (`hotline twilio ...`), run with the app's context."""
