"""Text a topic's SMS answer to the caller's own number ("text me this"), guarded against fraud.

SMS pumping fraud makes a service text numbers that earn the fraudster money. So the hotline
texts only the number Twilio says is calling (never one typed or spoken), only real numbers
in allowed countries, each topic once per call (the phone tree), a few times a day per number
and a few hundred times a day in all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import phonenumbers
from flask import current_app
from twilio.base.exceptions import TwilioRestException

from hotline.core.phone_numbers import is_e164
from hotline.edges.retention.callbacks import outbound_status_callback
from hotline.edges.storage import limits
from hotline.edges.twilio_client import GEO_PERMISSION, NOT_A_MOBILE, OPTED_OUT, rest_client
from hotline.services import get_engine

log = logging.getLogger(__name__)

# What Twilio puts in From for a withheld or unknown caller ID; the short ones spell
# "anonymous", "restricted", "blocked" and "unavailable" on a keypad.
WITHHELD = frozenset({"", "anonymous", "+266696687", "+7378742833", "+2562533", "+86282452253"})
DAY_SECONDS, HOUR_SECONDS = 24 * 60 * 60, 60 * 60
AREA_PREFIX = len("+1307")  # country code and area code of a North American number
# Number types that can receive a text (in North America nearly every number is "fixed line or mobile").
TEXTABLE = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Twilio errors that mean "this number cannot get our texts", not "try again later".
REFUSALS = {OPTED_OUT: "opted_out", NOT_A_MOBILE: "not_possible", GEO_PERMISSION: "not_possible"}


def read_countries(config: Mapping[str, object]) -> tuple[str, ...]:
    """List the number prefixes "text me this" may text."""
    return tuple(p.strip() for p in str(config["HOTLINE_TEXT_ME_COUNTRIES"]).split(",") if p.strip())


def can_text(number: str, countries: tuple[str, ...], verstat: str = "") -> bool:
    """Tell whether a caller ID is a real, verified, mobile-capable number in an allowed country.

    A spoofed caller ID made the hotline text premium (+1900) and Caribbean numbers inside +1:
    so the number must be valid and mobile-capable by libphonenumber's rules, a +1 number
    outside the US and Canada needs its own prefix in HOTLINE_TEXT_ME_COUNTRIES (e.g. +1787),
    and Twilio's STIR/SHAKEN verdict (StirVerstat, e.g. TN-Validation-Failed-B) must not say failed.
    """
    if number.lower() in WITHHELD or not is_e164(number) or not number.startswith(countries):
        return False
    if "failed" in verstat.lower():
        return False
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in TEXTABLE:
        return False
    if parsed.country_code == 1 and phonenumbers.region_code_for_number(parsed) not in ("US", "CA"):
        return any(number.startswith(prefix) for prefix in countries if len(prefix) > len("+1"))
    return True


def text_topic(caller: str, topic: str, lang: str, verstat: str = "") -> str:
    """Text the topic's SMS answer to the caller's own number; say what became of it."""
    config = current_app.config
    if not can_text(caller, read_countries(config), verstat):
        return "not_possible"
    client, sender = rest_client(), _read_sender(config)
    per_number = int(config["HOTLINE_TEXT_ME_DAILY_PER_NUMBER"])
    total = int(config["HOTLINE_TEXT_ME_DAILY_TOTAL"])
    if client is None or not sender or not (per_number and total):
        log.warning("Text me this is off (no Twilio credentials, no sender or a cap of 0): not sent")
        return "unavailable"
    refused = _count_text(caller, per_number, total)
    if refused:
        return refused
    try:
        client.messages.create(to=caller, body=get_engine().replies.text_me[topic, lang], **sender,
                               **outbound_status_callback())  # zero-retention mode deletes it
    except TwilioRestException as error:  # its message holds the request: log the code only
        log.warning("Text me this: Twilio refused the text, error %s", error.code)
        return REFUSALS.get(error.code, "failed")
    except Exception as error:  # a timeout or lost connection must never break the call
        log.warning("Text me this: could not reach Twilio (%s)", type(error).__name__)
        return "failed"
    return "sent"


def _count_text(caller: str, per_number: int, total: int) -> str | None:
    # Fail closed, unlike limits.allow: a database outage must not lift the caps on what
    # fraud can cost, and the caller has already heard the answer on the call.
    # Per number first, so one number at its cap cannot use up everyone's daily total.
    count = limits.count_use("text_me_number", caller, DAY_SECONDS)
    if count is None or count > per_number:
        return "limited" if count else "unavailable"
    # Then per area code and hour: an attacker with a block of numbers takes its share, not everyone's.
    count = limits.count_use("text_me_area", caller[:AREA_PREFIX], HOUR_SECONDS)
    if count is None or count > int(current_app.config["HOTLINE_TEXT_ME_HOURLY_PER_AREA"]):
        log.warning("Text me this: hourly cap for one area code reached; not sent")
        return "limited" if count else "unavailable"
    count = limits.count_use("text_me_total", None, DAY_SECONDS)
    if count is None or count > total:
        log.warning("Text me this: daily total reached or database down; not sent")
        return "unavailable"
    return None


def _read_sender(config: Mapping[str, object]) -> dict[str, str]:
    if config["HOTLINE_MESSAGING_SERVICE_SID"]:  # it also handles STOP in Spanish, if set up
        return {"messaging_service_sid": str(config["HOTLINE_MESSAGING_SERVICE_SID"])}
    return {"from_": str(config["HOTLINE_NUMBER"])} if config["HOTLINE_NUMBER"] else {}
