"""The `hotline` command: run, try and manage the hotline from a terminal."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup, ScriptInfo

from hotline.cli.apps import app_for_command
from hotline.cli.chat import chat
from hotline.cli.check import check
from hotline.cli.commands import APP_COMMANDS
from hotline.cli.help_text import WholeHelp
from hotline.cli.serve import serve
from hotline.cli.settings_report import settings_command

APP_COMMAND_NAMES = frozenset(command.name for command in APP_COMMANDS)


class HotlineGroup(WholeHelp, FlaskGroup):
    """`hotline`: its own commands, then the app's (app.cli), built from .env and the environment."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Flask's --app, --env-file and --debug mean nothing to a volunteer: the app is always this one.
        self.params = [param for param in self.params if param.name not in ("app", "env_file", "debug")]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Find a command; for one of the app's, a broken setting is said plainly, not as "no such command"."""
        command = click.Group.get_command(self, ctx, name)
        if command is not None or name not in APP_COMMAND_NAMES:
            return command
        return ctx.ensure_object(ScriptInfo).load_app().cli.get_command(ctx, name)


@click.group(cls=HotlineGroup, create_app=app_for_command, add_default_commands=False, add_version_option=False,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
def main() -> None:
    """Run and manage a bilingual know-your-rights hotline on Twilio."""


main.add_command(settings_command)
main.add_command(serve)
main.add_command(chat)
main.add_command(check)


if __name__ == "__main__":
    sys.exit(main())
