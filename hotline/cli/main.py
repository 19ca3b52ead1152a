"""The `hotline` command: run, try and manage the hotline from a terminal."""

from __future__ import annotations

import logging
import sys
import xml.etree.ElementTree as ET

import click
from dotenv import find_dotenv, load_dotenv
from flask.cli import FlaskGroup, NoAppException, ScriptInfo
from twilio.request_validator import RequestValidator

from hotline.app import create_app
from hotline.cli.check import check
from hotline.cli.commands import APP_COMMANDS
from hotline.core.catalog import ContentError
from hotline.edges.settings import SettingsError, example_env, read_settings
from hotline.services import HotlineApp

APP_COMMAND_NAMES = frozenset(command.name for command in APP_COMMANDS)
SAMPLE_CALLER = "+13075550123"  # a fictional 555 number: chat never sends anything anywhere


class HotlineGroup(FlaskGroup):
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


def app_for_command() -> HotlineApp:
    """Build the app a command works on: the settings of .env and the environment, no webhook secrets needed."""
    try:
        return create_app(serving=False)
    except (SettingsError, ContentError) as error:
        raise NoAppException(str(error)) from None


def development_app(**overrides: str) -> HotlineApp:
    """Build the app in development mode, for trying the line out (serve, chat)."""
    load_dotenv(find_dotenv(usecwd=True))
    try:
        return create_app({**read_settings(), "HOTLINE_ENV": "development", **overrides})
    except (SettingsError, ContentError) as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=HotlineGroup, create_app=app_for_command, add_default_commands=False, add_version_option=False,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
def main() -> None:
    """Run and manage a bilingual know-your-rights hotline on Twilio."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Run the hotline locally in development mode (no Twilio account needed)."""
    app = development_app()
    base = f"http://{host}:{port}"
    click.echo(f"\nHotline running at {base} in development mode.\nTry it:\n"
               f"  curl -s -d Body=RIGHTS {base}/sms\n"
               f"  or, in another terminal: .venv/bin/hotline chat\n")
    app.run(host=host, port=port, debug=False, load_dotenv=False)


@main.command()
@click.option("--lang", help="Start the conversation in this language (a code from messages/languages.toml).")
def chat(lang: str | None) -> None:
    """Text the hotline from this terminal, through the same code as real SMS."""
    app = development_app(HOTLINE_SMS_LIMIT="1000")  # a long try-out is not a sender in a loop
    logging.getLogger("hotline.requests").setLevel(logging.WARNING)  # keep the chat readable
    client = app.test_client()
    if lang:
        with client.session_transaction() as session:
            session["lang"] = lang
    token, base = app.config["TWILIO_AUTH_TOKEN"], app.config["HOTLINE_PUBLIC_URL"] or "http://localhost"
    validator = RequestValidator(token) if token else None  # sign like Twilio when the app checks
    click.echo("Type a message as if you were texting the hotline (e.g. RIGHTS, DERECHOS, MORE).\n"
               "Ctrl-D or an empty line twice to leave.")
    empty_lines = 0
    while True:
        try:
            body = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        empty_lines = empty_lines + 1 if not body.strip() else 0
        if empty_lines >= 2:
            return
        params = {"From": SAMPLE_CALLER, "To": app.config["HOTLINE_NUMBER"] or "+13075550100", "Body": body}
        headers = {"X-Twilio-Signature": validator.compute_signature(base + "/sms", params)
                   } if validator else {}
        response = client.post("/sms", data=params, headers=headers, base_url=base)
        click.echo(format_reply(response.status_code, response.get_data(as_text=True)))


@main.command()
def settings() -> None:
    """Print every setting with its comment and default (the contents of .env.example)."""
    click.echo(example_env(), nl=False)


main.add_command(check)


def format_reply(status: int, twiml: str) -> str:
    """Show a TwiML reply as the text a phone would display."""
    if status != 200:
        return f"[HTTP {status}]"
    messages = [m.text or "" for m in ET.fromstring(twiml).iter("Message")]
    if not messages:
        return "[no reply: on a real number, Twilio itself handles STOP and confirms]"
    return "\n".join(f"hotline> {line}" for m in messages for line in m.splitlines())


if __name__ == "__main__":
    sys.exit(main())
