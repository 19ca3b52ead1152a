"""The one clock the hotline's dates come from: UTC, so every worker and dyno agrees on what day it is."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Return today's date in UTC (modules that use it are the seams tests replace)."""
    return dt.datetime.now(dt.UTC).date()
