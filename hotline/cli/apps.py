"""The one way a command gets its app: create_app, from .env and the environment."""

from __future__ import annotations

import click
from dotenv import find_dotenv, load_dotenv
from flask.cli import NoAppException

from hotline.app import create_app
from hotline.core.toml_files import ContentError
from hotline.edges.settings import SettingsError, read_settings
from hotline.services import HotlineApp


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
