"""Build the content, keyword index and replies once, and hand them to the channels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from .content import Catalog, default_messages_dir, load_catalog, placeholder_values
from .conversation import Replies
from .county_answers import CountyWords, load_county_words
from .matcher import KeywordIndex
from .settings import is_on


@dataclass(frozen=True)
class Engine:
    catalog: Catalog
    index: KeywordIndex
    replies: Replies
    county_words: CountyWords


def build_engine(config: dict) -> Engine:
    """Load and validate messages/ and pre-render every reply for these settings."""
    messages_dir = Path(config.get("HOTLINE_MESSAGES_DIR") or default_messages_dir())
    catalog = load_catalog(messages_dir)
    replies = Replies(catalog, placeholder_values(config), config["HOTLINE_DEFAULT_LANGUAGE"],
                      is_on(config, "HOTLINE_DISCREET_PREVIEW"))
    return Engine(catalog, KeywordIndex(catalog), replies, load_county_words(messages_dir))


def init_app(app: Flask) -> None:
    """Attach the engine to the app; content errors stop the app at start."""
    app.extensions["hotline"] = build_engine(app.config)


def get_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["hotline"]
