"""Build the content, keyword index and replies once, and hand them to the channels."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from .content import Catalog, load_catalog, placeholder_values
from .conversation import Replies
from .matcher import KeywordIndex


@dataclass(frozen=True)
class Engine:
    catalog: Catalog
    index: KeywordIndex
    replies: Replies


def build_engine(config: dict) -> Engine:
    """Load and validate messages/ and pre-render every reply for these settings."""
    catalog = load_catalog(config.get("HOTLINE_MESSAGES_DIR") or None)
    replies = Replies(catalog, placeholder_values(config), config["HOTLINE_DEFAULT_LANGUAGE"])
    return Engine(catalog, KeywordIndex(catalog), replies)


def init_app(app: Flask) -> None:
    """Attach the engine to the app; content errors stop the app at start."""
    app.extensions["hotline"] = build_engine(app.config)


def get_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["hotline"]
