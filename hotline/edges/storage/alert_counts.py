"""How many asked for the verified alert, per day and language (counters only: no number, no message)."""

from __future__ import annotations

import datetime as dt

from hotline.edges.storage.usage_days import read_days

OUTCOME = "alert"  # what the SMS, voice and web channels count when someone asks


def asked_per_day(days: int = 14) -> tuple[tuple[dt.date, ...], dict[str, list[int]]]:
    """Return the last `days` days (newest first) and, per language, how many asked each day (every channel)."""
    dates, asked = read_days(days, by="lang", outcome=OUTCOME)
    return dates[::-1], {lang: counts[::-1] for lang, counts in asked.items()}
