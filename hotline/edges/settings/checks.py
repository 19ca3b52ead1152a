"""Check every setting at start and report all the problems at once, so an operator fixes them in one go."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import us

from hotline.core.languages import Languages
from hotline.edges.settings import (
    DEVELOPMENT_SECRET_KEY,
    FLAG_VALUES,
    SETTINGS,
    SettingsError,
    is_development,
    is_on,
    per_language,
)
from hotline.edges.storage.flyer_codes import FLYER_CODE

# Amazon Polly voices Twilio offers per language (-Neural etc. are variants); Twilio only
# finds out at call time that a voice cannot speak the language, so check at start-up.
POLLY_VOICES = {
    "en-US": {"Danielle", "Gregory", "Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kevin",
              "Kimberly", "Matthew", "Ruth", "Salli", "Stephen"},
    "es-US": {"Lupe", "Penelope", "Miguel", "Pedro"},
    "es-MX": {"Mia", "Andres"},
}
MIN_ADMIN_PASSWORD = 12  # characters; a passphrase of four words is easier to remember and longer
KINDS = {"flag": "true or false", "whole": "a whole number (0, 1, 2 ...)",
         "positive": "a whole number of at least 1", "number": "a number"}


def check_settings(config: Mapping[str, object], languages: Languages, serving: bool = True) -> None:
    """Raise SettingsError listing every problem; `serving` adds what answering Twilio needs."""
    problems = [*check_kinds(config), *check_values(config, languages)]
    if serving and not is_development(config):
        problems += check_production(config)
    if problems:
        raise SettingsError("The hotline cannot start:\n  - " + "\n  - ".join(problems)
                            + "\nSet these in the environment or in .env (see .env.example)."
                            + "\nFor a local try-out without Twilio, set HOTLINE_ENV=development.")


def check_kinds(config: Mapping[str, object]) -> list[str]:
    """Check each declared setting's value against its kind."""
    problems = []
    for setting in SETTINGS:
        value = str(config.get(setting.name, setting.default)).strip()
        if setting.kind == "flag":
            ok = value.lower() in FLAG_VALUES
        elif setting.kind in ("whole", "positive"):
            ok = value.isdigit() and (setting.kind == "whole" or int(value) >= 1)
        elif setting.kind == "number":
            ok = _is_number(value)
        else:
            ok = True
        if not ok:
            problems.append(f"{setting.name} must be {KINDS[setting.kind]}, not {value!r}")
    return problems


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def check_values(config: Mapping[str, object], languages: Languages) -> list[str]:
    """Check the settings whose values must make sense together or name something real."""
    problems = []
    if config.get("HOTLINE_DEFAULT_LANGUAGE") and config["HOTLINE_DEFAULT_LANGUAGE"] not in languages:
        problems.append(f"HOTLINE_DEFAULT_LANGUAGE must be one of {', '.join(languages.codes)} "
                        "(messages/languages.toml)")
    public_url = str(config.get("HOTLINE_PUBLIC_URL", ""))
    if public_url and not public_url.startswith(("https://", "http://")):
        problems.append("HOTLINE_PUBLIC_URL must start with https:// (e.g. https://hotline.example.org)")
    if config.get("HOTLINE_STATE") and not us.states.lookup(str(config["HOTLINE_STATE"])):
        problems.append("HOTLINE_STATE must be a US state code such as WY")
    url = str(config.get("DATABASE_URL", ""))
    if url and not url.startswith(("sqlite:", "postgres://", "postgresql:", "postgresql+psycopg:")):
        problems.append("DATABASE_URL must be a SQLite or PostgreSQL URL, e.g. postgresql://user:password@host/db")
    prefixes = [p.strip() for p in str(config.get("HOTLINE_TEXT_ME_COUNTRIES", "")).split(",") if p.strip()]
    if not all(re.fullmatch(r"\+[1-9][0-9]{0,5}", prefix) for prefix in prefixes):
        problems.append("HOTLINE_TEXT_ME_COUNTRIES must be prefixes like +1 or +1307,+1720")
    zone = str(config.get("HOTLINE_TIMEZONE", "") or "")
    if zone and not is_time_zone(zone):
        problems.append(f"HOTLINE_TIMEZONE: {zone!r} is not a time zone like America/Denver")
    hours = [str(config.get(name, "")) for name in ("HOTLINE_ALERT_DEFAULT_HOURS", "HOTLINE_ALERT_MAX_HOURS")]
    if all(h.isdigit() for h in hours) and int(hours[0]) > int(hours[1]):
        problems.append("HOTLINE_ALERT_DEFAULT_HOURS must not be more than HOTLINE_ALERT_MAX_HOURS")
    codes = [c.strip() for c in str(config.get("HOTLINE_FLYER_CODES", "")).split(",") if c.strip()]
    if not all(FLYER_CODE.fullmatch(code.upper()) for code in codes):
        problems.append("HOTLINE_FLYER_CODES must be codes like A7,B12 (a letter and 1 to 3 digits)")
    service = str(config.get("HOTLINE_MESSAGING_SERVICE_SID", ""))
    if service and not service.startswith("MG"):
        problems.append("HOTLINE_MESSAGING_SERVICE_SID must start with MG (or be empty)")
    password = str(config.get("HOTLINE_ADMIN_PASSWORD", ""))
    if password and len(password) < MIN_ADMIN_PASSWORD and not is_development(config):
        problems.append(f"HOTLINE_ADMIN_PASSWORD is too short: use {MIN_ADMIN_PASSWORD} characters or more, "
                        "e.g. four random words")
    if is_on(config, "HOTLINE_DELETE_TWILIO_RECORDS") and not config.get("TWILIO_ACCOUNT_SID") \
            and not is_development(config):
        problems.append("HOTLINE_DELETE_TWILIO_RECORDS=true needs TWILIO_ACCOUNT_SID (and TWILIO_AUTH_TOKEN) "
                        "to delete records")
    return problems + [p for language in languages.all for p in check_voice(config, language.code, languages)]


def voice_of(config: Mapping[str, object], code: str, languages: Languages) -> tuple[str, str]:
    """Return (voice, speech language) for a language: its setting, else languages.toml's."""
    language = languages[code]
    return (per_language(config, "HOTLINE_VOICE", code) or language.voice,
            per_language(config, "HOTLINE_VOICE_LANGUAGE", code) or language.speech)


def check_voice(config: Mapping[str, object], code: str, languages: Languages) -> list[str]:
    """Check that a language's voice can speak its speech language."""
    voice, speech = voice_of(config, code, languages)
    name = f"HOTLINE_VOICE_{code.upper()}"
    if speech not in POLLY_VOICES and not voice.startswith(f"Google.{speech}-"):
        return [f"HOTLINE_VOICE_LANGUAGE_{code.upper()}={speech} is not a language Twilio's voices speak here; "
                f"use one of {', '.join(POLLY_VOICES)}"]
    polly = re.fullmatch(r"Polly\.([A-Za-z]+)(-[A-Za-z]+)?", voice)
    if polly and polly[1] in POLLY_VOICES.get(speech, ()) or voice.startswith(f"Google.{speech}-"):
        return []
    choices = ", ".join(f"Polly.{v}-Neural" for v in sorted(POLLY_VOICES.get(speech, ())))
    return [f"{name}={voice} does not speak {speech}; use one of {choices} or a Google.{speech}-... voice"]


def check_production(config: Mapping[str, object]) -> list[str]:
    """Check what answering real texts and calls needs: secrets, the public address, who runs the line."""
    problems = []
    if not config.get("TWILIO_AUTH_TOKEN"):
        problems.append("TWILIO_AUTH_TOKEN is not set: copy it from the Twilio console")
    secret = str(config.get("HOTLINE_SECRET_KEY", ""))
    if len(secret) < 16 or secret == DEVELOPMENT_SECRET_KEY:
        problems.append("HOTLINE_SECRET_KEY must be a long random string (at least 16 characters)")
    if not str(config.get("HOTLINE_PUBLIC_URL", "")).startswith("https://"):
        problems.append("HOTLINE_PUBLIC_URL must be the https address Twilio calls")
    if not config.get("HOTLINE_ORG_NAME"):
        problems.append("HOTLINE_ORG_NAME is not set: carriers expect HELP to name who sends the texts")
    if not config.get("HOTLINE_REFERRAL"):
        problems.append("HOTLINE_REFERRAL is not set: a person in trouble needs to know where to find a "
                        "lawyer (a name and a phone number or web address)")
    return problems


def is_time_zone(name: str) -> bool:
    """Tell whether the tz database knows this zone (e.g. America/Denver)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
