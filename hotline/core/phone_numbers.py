"""What a phone number in E.164 form looks like: a plus, a country code, then 8 to 15 digits in all."""

from __future__ import annotations

import re

E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # also rules out client:..., sip:... and "anonymous"


def is_e164(number: str) -> bool:
    """Tell whether a number is written in E.164 form, e.g. +13075550100."""
    return E164.fullmatch(number) is not None


def normalise_number(typed: str, country_code: str = "1") -> str:
    """Write a number a person typed in E.164 form: 307-555-0100 or (307) 555-0100 -> +13075550100.

    Ten digits are a North American number (the +1 every US line has); anything that is still not
    E.164 afterwards comes back as typed, for the caller to refuse with its own message.
    """
    digits = "".join(c for c in typed if c.isdigit())
    if typed.strip().startswith("+"):
        candidate = "+" + digits
    elif len(digits) == 10:
        candidate = f"+{country_code}{digits}"
    elif len(digits) == 11 and digits.startswith(country_code):
        candidate = "+" + digits
    else:
        return typed.strip()
    return candidate if is_e164(candidate) else typed.strip()
