"""Every setting the hotline reads, declared once with a default, a reason and the kind of value it takes.

hotline/edges/settings/checks.py checks them all at start and reports every problem at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
FLAG_VALUES = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False,
               "off": False, "": False}


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: str = "text"  # text, flag (true/false), whole (0, 1, ...), positive (1, 2, ...) or number


SETTINGS: tuple[Setting, ...] = (
    Setting("HOTLINE_ENV", "production",
            "'development' skips Twilio signature checks and allows missing secrets; never in production"),
    Setting("HOTLINE_SECRET_KEY", "",
            "Long random string that signs the conversation cookie "
            "(python -c 'import secrets; print(secrets.token_hex(32))')"),
    Setting("TWILIO_ACCOUNT_SID", "",
            "Your Twilio account SID (ACxxxx), used to send 'text me this' and manage the number"),
    Setting("TWILIO_AUTH_TOKEN", "", "Your Twilio auth token; checks that webhook requests really come from Twilio"),
    Setting("HOTLINE_PUBLIC_URL", "",
            "Public https base URL Twilio calls, exactly as configured in Twilio, e.g. https://hotline.example.org"),
    Setting("HOTLINE_NUMBER", "", "The hotline's own phone number in E.164 form, e.g. +13075550100"),
    Setting("HOTLINE_ORG_NAME", "",
            "Name of the organisation running the hotline, said in HELP and on calls; required outside development"),
    Setting("HOTLINE_REFERRAL", "",
            "Who to contact for legal help (name and phone or web address); required outside development"),
    Setting("HOTLINE_DISCREET_PREVIEW", "false",
            "true: every text starts with a neutral line (e.g. 'Info you asked for:') so a locked screen "
            "shows nothing about immigration", kind="flag"),
    Setting("HOTLINE_DEFAULT_LANGUAGE", "",
            "Language used when a message gives no clue: a code from messages/languages.toml (en, es); "
            "empty means the first language listed there"),
    Setting("HOTLINE_MESSAGES_DIR", "",
            "Folder with the hotline's words; empty means the messages/ shipped with the app"),
    Setting("HOTLINE_MAX_BODY_BYTES", "32768",
            "Larger webhook requests are refused with 413 (Twilio's are far smaller)", kind="whole"),
    # -- content check (hotline/check.py)
    Setting("HOTLINE_BUDGET_SEGMENTS_GSM", "2",
            "Most SMS segments one answer may take when plain GSM-7 text (153 characters each when split)",
            kind="positive"),
    Setting("HOTLINE_BUDGET_SEGMENTS_UCS2", "4",
            "Most SMS segments one answer may take when UCS-2, e.g. Spanish with accents (67 characters each)",
            kind="positive"),
    Setting("HOTLINE_PRICE_PER_SEGMENT", "0.0083",
            "Price of one outbound SMS segment in USD for cost estimates (Twilio US list price; check yours)",
            kind="number"),
    Setting("HOTLINE_MAX_ENGLISH_GRADE", "6",
            "Highest Flesch-Kincaid grade allowed for English answers (courts aim for 5-6)", kind="number"),
    Setting("HOTLINE_MIN_FERNANDEZ_HUERTA", "70",
            "Lowest Fernandez-Huerta reading ease allowed for Spanish answers (70: fairly easy)", kind="number"),
    Setting("HOTLINE_MIN_SZIGRISZT_PAZOS", "65",
            "Lowest Szigriszt-Pazos perspicuity allowed for Spanish answers (65: INFLESZ fairly easy)", kind="number"),
    Setting("HOTLINE_REVIEW_MAX_AGE_DAYS", "365",
            "`hotline check` warns about a topic whose 'reviewed' date is older than this many days", kind="whole"),
    # -- voice (hotline/voice.py, hotline/outbound.py)
    # HOTLINE_VOICE_<CODE> and HOTLINE_VOICE_LANGUAGE_<CODE> work for any language of
    # messages/languages.toml; empty means the voice and speech language named there.
    Setting("HOTLINE_VOICE_EN", "",
            "Voice that reads English on calls; must speak en-US (e.g. Polly.Matthew-Neural); "
            "empty: messages/languages.toml's (Polly.Joanna-Neural)"),
    Setting("HOTLINE_VOICE_ES", "",
            "Voice that reads Spanish on calls; must speak HOTLINE_VOICE_LANGUAGE_ES "
            "(es-US: Polly.Lupe-Neural, Polly.Pedro-Neural; es-MX: Polly.Mia-Neural); "
            "empty: messages/languages.toml's (Polly.Lupe-Neural)"),
    Setting("HOTLINE_VOICE_LANGUAGE_ES", "",
            "Spanish for voices and speech recognition on calls: es-US or es-MX; "
            "empty: messages/languages.toml's (es-US)"),
    Setting("HOTLINE_MESSAGING_SERVICE_SID", "",
            "Messaging Service (MGxxxx) that sends 'text me this'; empty sends from HOTLINE_NUMBER"),
    Setting("HOTLINE_TEXT_ME_COUNTRIES", "+1",
            "Comma-separated number prefixes 'text me this' may text, e.g. +1 or +1307,+1720; "
            "also restrict the account's SMS Geo Permissions"),
    Setting("HOTLINE_TEXT_ME_DAILY_PER_NUMBER", "3",
            "'Text me this' texts one caller may get per day; 0 turns the feature off", kind="whole"),
    Setting("HOTLINE_TEXT_ME_DAILY_TOTAL", "200",
            "'Text me this' texts the whole hotline may send per day (a cap on fraud and cost)", kind="whole"),
    Setting("HOTLINE_TEXT_ME_HOURLY_PER_AREA", "10",
            "'Text me this' texts per hour to numbers of one area code (+1 307...), so one source of "
            "numbers cannot use up the daily total for everyone", kind="positive"),
    # -- storage, statistics and rate limits (hotline/db.py, hotline/stats.py, hotline/limits.py)
    Setting("DATABASE_URL", "",
            "Where counters live; empty means a SQLite file in instance/; postgres://... uses PostgreSQL"),
    Setting("HOTLINE_SMS_LIMIT", "20", "Texts one sender may send per window before the hotline stops answering",
            kind="positive"),
    Setting("HOTLINE_SMS_LIMIT_WINDOW_SECONDS", "600", "Length of that window in seconds (600 = 10 minutes)",
            kind="positive"),
    Setting("HOTLINE_SMS_DAILY_TOTAL", "0",
            "Most replies the whole line sends per day (a cost cap); past it, texts get no answer until "
            "midnight UTC, logged once and shown on /admin; 0 = no cap", kind="whole"),
    Setting("HOTLINE_STATS_FLUSH_SECONDS", "2",
            "Each worker writes its counters at most this often (0 = at every count, as the tests do)", kind="whole"),
    Setting("HOTLINE_FLYER_CODES", "",
            "The flyer codes you printed (hotline flyer --code A7), comma-separated, e.g. A7,B12: scans and "
            "texts with these codes are counted per code; any other code counts as 'other', so strangers "
            "cannot add rows to the database"),
    Setting("HOTLINE_SMALL_COUNT_THRESHOLD", "5",
            "Counts below this number show as '<N' on the dashboard and in exports, so no one stands out",
            kind="positive"),
    Setting("HOTLINE_ADMIN_PASSWORD", "",
            "Password for the /admin statistics dashboard (any user name); empty turns /admin off"),
    # -- web pages, QR codes and flyers (hotline/web.py, hotline/qr.py, hotline/flyer.py)
    Setting("HOTLINE_CHROMIUM", "",
            "Chromium or Chrome that `hotline flyer` prints PDFs with; empty looks for chromium, "
            "google-chrome (or Chrome on a Mac)"),
    # -- 287(g) agreements (hotline/agreements.py)
    Setting("HOTLINE_STATE", "",
            "Two-letter state (e.g. WY) that '287G <county>' answers for; empty means any state (a county "
            "name found in several states is asked about, unless the list has it in only one)"),
    Setting("HOTLINE_AGREEMENTS_MAX_AGE_DAYS", "60",
            "Answers add that the 287(g) list may be out of date when neither its date nor its last successful "
            "check (`hotline agreements update`) is within this many days", kind="whole"),
    # ICE publishes the spreadsheets on its 287(g) page under a new name each time
    # (e.g. /doclib/about/offices/ero/287g/participatingAgencies10092026.xlsx), so the
    # page is the address that stays: the update finds the spreadsheet's link there.
    Setting("HOTLINE_AGREEMENTS_URL", "https://www.ice.gov/identify-and-arrest/287g",
            "Where `hotline agreements update` gets ICE's list of participating agencies: ICE's 287(g) page "
            "(the spreadsheet it links to is used) or the spreadsheet's own https address"),
    Setting("HOTLINE_AGREEMENTS_PENDING_URL", "https://www.ice.gov/identify-and-arrest/287g",
            "Where it gets ICE's list of pending agencies; when ICE's page links none, there is nothing to update"),
    Setting("HOTLINE_AGREEMENTS_TIMEOUT_SECONDS", "30",
            "Longest a download of ICE's page or list may take before the update gives up", kind="positive"),
    # -- verified alerts: ALERTA / ALERT (hotline/core/alerts.py, hotline/cli/alert.py, docs/alerts.md)
    Setting("HOTLINE_TIMEZONE", "America/Denver",
            "Time zone for times people are told (when an alert was verified, volunteer hours), e.g. America/Chicago"),
    Setting("HOTLINE_REPORT_LINE", "",
            "Your rapid-response number, told to people who ask for verified alerts so they can report what "
            "they see; empty leaves that sentence out (never invent one)"),
    Setting("HOTLINE_ALERT_DEFAULT_HOURS", "6",
            "How long a verified alert holds when `hotline alert publish` gets no --expires", kind="positive"),
    Setting("HOTLINE_ALERT_MAX_HOURS", "24",
            "The longest a verified alert may hold: a stale alert is worse than none", kind="positive"),
    # -- talk to a person (hotline/core/volunteers.py, hotline/channels/volunteer_calls.py, docs/volunteers.md)
    Setting("HOTLINE_VOLUNTEER_NUMBERS", "",
            "Volunteers' phones (E.164, comma-separated, at most 10) that calls can reach: all on shift ring at "
            "once; empty turns 'talk to a person' off everywhere"),
    Setting("HOTLINE_VOLUNTEER_HOURS", "",
            "When volunteers answer, in HOTLINE_TIMEZONE, e.g. 'Mon-Fri 09:00-21:00; Sat 10:00-16:00' "
            "(Fri 20:00-02:00 runs past midnight); needed with HOTLINE_VOLUNTEER_NUMBERS"),
    Setting("HOTLINE_VOLUNTEER_LANGUAGES", "",
            "Languages of volunteers who speak more than the default, e.g. '+13075550111=es/en, +13075550112=es'; "
            "a caller rings those who speak their language (everyone, if none does)"),
    Setting("HOTLINE_VOLUNTEER_RING_SECONDS", "20",
            "How long volunteers' phones ring before the caller hears the referral and the menu again (5-60; "
            "shorter than their voicemail's pick-up)", kind="positive"),
    # -- operations (hotline/ops.py)
    Setting("HOTLINE_DELETE_TWILIO_RECORDS", "false",
            "true: delete each text and call from Twilio's logs once finished (zero-retention, docs/privacy.md); "
            "needs TWILIO_ACCOUNT_SID, then run `hotline twilio setup` again", kind="flag"),
    Setting("HOTLINE_DEBUG_NUMBERS", "false",
            "true: request logs show the caller's number masked (+1******1234); for debugging only, turn off after",
            kind="flag"),
)

class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message says what to set."""


def read_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Read every declared setting from the environment, falling back to its default."""
    environ = os.environ if environ is None else environ
    return {s.name: environ.get(s.name, "").strip() or s.default for s in SETTINGS}


def is_development(config: Mapping[str, object]) -> bool:
    """Tell whether the app runs in the documented development mode."""
    return str(config.get("HOTLINE_ENV", "")).lower() == "development"


def is_on(config: Mapping[str, object], name: str) -> bool:
    """Read a true/false setting (checked at start, so anything unknown here is off)."""
    return FLAG_VALUES.get(str(config.get(name, "")).strip().lower(), False)


def per_language(config: Mapping[str, object], prefix: str, code: str) -> str:
    """Read a per-language setting such as HOTLINE_VOICE_ES; empty when unset."""
    return str(config.get(f"{prefix}_{code.upper()}", "") or "")


def example_env() -> str:
    """Render .env.example: every setting with its one-line comment and default."""
    lines = ["# Settings for the hotline. Copy to .env and fill in; never commit .env.",
             "# Generated from hotline/edges/settings/__init__.py by `hotline settings`."]
    for setting in SETTINGS:
        lines += ["", f"# {setting.help}", f"{setting.name}={setting.default}"]
    return "\n".join(lines) + "\n"
