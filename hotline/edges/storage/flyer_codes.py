"""Which flyer codes are counted: only the ones the organisers printed (HOTLINE_FLYER_CODES).

A code is any letter and 1-3 digits, so anyone could make up thousands ("GET /q/Z123/...",
or a text "RIGHTS Z123") and each new one would add rows to the counters for good. Codes
the organisers did not list are all counted as one "other", so storage stays bounded
whatever strangers send.
"""

from __future__ import annotations

import functools

from flask import current_app

OTHER_CODE = "other"  # lower case, so it can never be mistaken for a printed code


def counted_flyer_code(code: str | None) -> str | None:
    """Return a printed code as it is, OTHER_CODE for any other code, None for no code."""
    if code is None:
        return None
    return code if code in printed_codes(str(current_app.config.get("HOTLINE_FLYER_CODES", ""))) else OTHER_CODE


@functools.lru_cache(maxsize=4)
def printed_codes(setting: str) -> frozenset[str]:
    """Read HOTLINE_FLYER_CODES ("A7, b12") into the codes in capitals."""
    return frozenset(code.strip().upper() for code in setting.split(",") if code.strip())
