"""What a phone number in E.164 form looks like: a plus, a country code, then 8 to 15 digits in all."""

from __future__ import annotations

import re

E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # also rules out client:..., sip:... and "anonymous"


def is_e164(number: str) -> bool:
    """Tell whether a number is written in E.164 form, e.g. +13075550100."""
    return E164.fullmatch(number) is not None
