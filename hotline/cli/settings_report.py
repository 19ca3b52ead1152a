"""`hotline settings`: every setting's value in effect, where it came from, secrets masked."""

from __future__ import annotations

import os
from collections.abc import Mapping

import click
from dotenv import dotenv_values, find_dotenv

from hotline.edges.settings import SETTINGS, example_env

SECRETS = frozenset({"HOTLINE_SECRET_KEY", "TWILIO_AUTH_TOKEN", "HOTLINE_ADMIN_PASSWORD"})


@click.command("settings")
@click.option("--example", is_flag=True, help="Print the template .env.example is made from (every default).")
def settings_command(example: bool) -> None:
    """Show each setting's value in effect and where it came from (environment, .env, default)."""
    if example:
        click.echo(example_env(), nl=False)
        return
    env_file = find_dotenv(usecwd=True)
    from_file = {key: value for key, value in dotenv_values(env_file).items() if value} if env_file else {}
    click.echo(f"Settings in effect (.env: {env_file or 'none found'}); secrets are masked.")
    for line in describe(os.environ, from_file):
        click.echo(line)


def describe(environ: Mapping[str, str], from_file: Mapping[str, str | None]) -> list[str]:
    """Say, for each setting, its value (masked when secret) and its source; the environment wins, as at start."""
    lines = []
    for setting in SETTINGS:
        if environ.get(setting.name, "").strip():
            value, source = environ[setting.name].strip(), "environment"
        elif (from_file.get(setting.name) or "").strip():
            value, source = str(from_file[setting.name]).strip(), ".env"
        else:
            value, source = setting.default, "default"
        lines.append(f"{setting.name}={mask(setting.name, value)}  ({source})")
    return lines


def mask(name: str, value: str) -> str:
    """Hide a secret, or a database URL's password, but say whether it is set."""
    if name in SECRETS and value:
        return f"******** ({len(value)} characters)"
    if name == "DATABASE_URL" and "@" in value and ":" in value.split("@")[0].split("//")[-1]:
        scheme, rest = value.split("//", 1)
        user = rest.split("@")[0].split(":")[0]
        return f"{scheme}//{user}:********@{rest.split('@', 1)[1]}"
    return value
