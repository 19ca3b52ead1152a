"""A bilingual know-your-rights hotline for SMS and voice, on Twilio.

`hotline.create_app` is defined in hotline/app.py; importing a core module (hotline.core.matcher)
loads no Flask, Twilio or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hotline.app import create_app


def __getattr__(name: str):
    """Import the app only when create_app is asked for (gunicorn's 'hotline:create_app()', the tests)."""
    if name == "create_app":
        from hotline.app import create_app

        return create_app
    raise AttributeError(f"module 'hotline' has no attribute {name!r}")


__all__ = ["create_app"]
