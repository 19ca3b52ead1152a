"""Which flyer codes are counted: only the ones the organisers printed (HOTLINE_FLYER_CODES).

A code is any letter and 1-3 digits, so anyone could make up thousands ("GET /q/Z123/...",
or a text "RIGHTS Z123") and each new one would add rows to the counters for good. Codes
the organisers did not list are all counted as one "other", so storage stays bounded
whatever strangers send.
"""

from __future__ import annotations

import functools
import re

from flask import current_app

# The one definition of a flyer code: a letter and one to three digits, e.g. A7 (any case).
FLYER_CODE = re.compile(r"[A-Z][0-9]{1,3}")
OTHER_CODE = "other"  # lower case, so it can never be mistaken for a printed code


def parse_flyer_code(code: str | None) -> str | None:
    """Return a flyer code in capitals, or None when it is not one."""
    code = (code or "").strip().upper()
    return code if FLYER_CODE.fullmatch(code) else None


def find_flyer_code(text: str, topic: str | None) -> str | None:
    """Return the code of a flyer's prefilled text, exactly "<keyword> <code>" such as "RIGHTS A7"."""
    # Only that exact shape counts, so a word like "B12" in someone's own message is never kept.
    words = text.split()
    return parse_flyer_code(words[1]) if len(words) == 2 and topic else None


def counted_flyer_code(code: str | None) -> str | None:
    """Return a printed code as it is, OTHER_CODE for any other code, None for no code."""
    if code is None:
        return None
    return code if code in printed_codes(str(current_app.config.get("HOTLINE_FLYER_CODES", ""))) else OTHER_CODE


@functools.lru_cache(maxsize=4)
def printed_codes(setting: str) -> frozenset[str]:
    """Read HOTLINE_FLYER_CODES ("A7, b12") into the codes in capitals."""
    return frozenset(code.strip().upper() for code in setting.split(",") if code.strip())
