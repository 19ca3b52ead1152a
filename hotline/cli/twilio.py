"""`hotline twilio …`: point the Twilio number at the hotline, check it, sweep old records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click
from flask import current_app
from twilio.base.exceptions import TwilioException, TwilioRestException

if TYPE_CHECKING:  # the REST client is imported only when a command needs it
    from twilio.rest import Client

from hotline.cli.help_text import CommandGroup
from hotline.core.phone_numbers import normalise_number
from hotline.edges import twilio_client as twilio_rest
from hotline.edges.retention.callbacks import CALL_STATUS_PATH
from hotline.edges.retention.purge import purge_records
from hotline.edges.settings import FLAG_VALUES, is_on

NUMBER = re.compile(r"\+[1-9][0-9]{6,14}|PN[0-9a-fA-F]{32}")
AGE = re.compile(r"([1-9][0-9]*)([mhdw])")
AGE_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Fallback URLs are left alone: a fallback on this same app is down whenever the app is.
# Point them at something hosted elsewhere (a TwiML Bin, see docs/deploy.md) if you like.
SHOWN_ONLY = ("sms_fallback_url", "voice_fallback_url")
# Any of these makes Twilio ignore the number's own webhook URLs.
OVERRIDES = {"sms_application_sid": "a TwiML App handles its texts", "voice_application_sid":
             "a TwiML App handles its calls", "trunk_sid": "a SIP trunk handles its calls"}


@click.group("twilio", cls=CommandGroup)
def twilio_command() -> None:
    """Set up and look after the hotline's Twilio number."""


@twilio_command.command()
@click.option("--number", help="The hotline's number (+1NNNNNNNNNN) or its SID (PN…). [default: HOTLINE_NUMBER]")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
def setup(number: str | None, dry_run: bool) -> None:
    """Point the number's SMS and voice webhooks at this hotline, then read them back."""
    config = current_app.config
    wanted, number = wanted_config(config), pick_number(number, config)
    client = twilio_rest.rest_client()
    if client is None and dry_run:
        return show_intended(number, wanted)
    with twilio_errors(number):
        record = find_number(require(client), number)
        changes = {key: value for key, value in wanted.items() if getattr(record, key) != value}
        click.echo("Twilio reports now:")
        show_config(record, wanted)
        if dry_run or not changes:
            click.echo(f"Dry run: would change {', '.join(changes) or 'nothing'}; nothing changed." if dry_run
                       else "Already set up: nothing to change.")
            return
        record.update(**changes)
        record = require(client).incoming_phone_numbers(record.sid).fetch()  # read back what Twilio kept
    click.echo("\nAfter the change, Twilio reports:")
    if not show_config(record, wanted):
        raise click.ClickException("Twilio did not keep every setting: see the lines marked 'wanted'.")


@twilio_command.command()
@click.option("--number", help="The hotline's number (+1NNNNNNNNNN) or its SID (PN…). [default: HOTLINE_NUMBER]")
def status(number: str | None) -> None:
    """Show how the number is configured now and whether that matches this hotline."""
    config = current_app.config
    wanted, number = wanted_config(config), pick_number(number, config)
    with twilio_errors(number):
        record = find_number(require(twilio_rest.rest_client()), number)
    if not show_config(record, wanted):
        raise click.ClickException("The number does not match: run `hotline twilio setup`.")


@twilio_command.command()
@click.option("--older-than", "age", default="1d", show_default=True,
              help="Age of records to delete: 30m, 12h, 1d, 2w.")
@click.option("--number", help="Only records to or from this number. [default: HOTLINE_NUMBER]")
@click.option("--all-numbers", is_flag=True, help="Every record in the account (only if it serves the hotline alone).")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, and delete nothing.")
def purge(age: str, number: str | None, all_numbers: bool, dry_run: bool) -> None:
    """Delete finished texts and calls older than --older-than from Twilio's records."""
    cutoff = datetime.now(UTC) - parse_age(age)
    config = current_app.config
    number = None if all_numbers else pick_number(number, config, sid_allowed=False)
    client = require(twilio_rest.rest_client())
    with twilio_errors(number or "this account"):
        totals = purge_records(client, cutoff, number, dry_run, report=click.echo)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"Done: {verb} {totals['deleted']} record(s), left {totals['left']} for the next run.")


def wanted_config(config: Mapping[str, object]) -> dict[str, str]:
    """Say what the number's webhooks must be for these settings."""
    base = str(config["HOTLINE_PUBLIC_URL"]).rstrip("/")
    if not base.startswith("https://") or "?" in base:
        raise click.ClickException(
            f"HOTLINE_PUBLIC_URL must be the https:// address Twilio calls, not {base or '(empty)'!r}; "
            "for a laptop, use the https URL your tunnel prints (docs/deploy.md).")
    if str(config.get("HOTLINE_DELETE_TWILIO_RECORDS", "")).strip().lower() not in FLAG_VALUES:
        raise click.ClickException("HOTLINE_DELETE_TWILIO_RECORDS must be true or false")
    deleting = is_on(config, "HOTLINE_DELETE_TWILIO_RECORDS")
    return {"sms_url": base + "/sms", "sms_method": "POST", "voice_url": base + "/voice", "voice_method": "POST",
            # Twilio calls this when a call ends; only zero-retention mode needs it.
            "status_callback": base + CALL_STATUS_PATH if deleting else "",
            "status_callback_method": "POST"}


def pick_number(number: str | None, config: Mapping[str, object], sid_allowed: bool = True) -> str:
    """Take --number or HOTLINE_NUMBER, in E.164 form or (if allowed) as a PN SID."""
    number = (number or str(config.get("HOTLINE_NUMBER", ""))).strip()
    number = number if number.startswith("PN") else normalise_number(number)  # 307-555-0100 -> +13075550100
    if not NUMBER.fullmatch(number) or (number.startswith("PN") and not sid_allowed):
        forms = "+1NNNNNNNNNN or PN…" if sid_allowed else "+1NNNNNNNNNN"
        raise click.UsageError(f"give --number as {forms} (or set HOTLINE_NUMBER), not {number!r}")
    return number


def require(client: Client | None) -> Client:
    """Insist on Twilio credentials."""
    if client is None:
        raise click.ClickException("Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (Twilio console, Account Info).")
    return client


def find_number(client: Client, number: str):
    """Fetch the account's IncomingPhoneNumber for an E.164 number or PN SID."""
    if number.startswith("PN"):
        return client.incoming_phone_numbers(number).fetch()
    for record in client.incoming_phone_numbers.list(phone_number=number, limit=20):
        if record.phone_number == number:  # the filter also matches partial numbers
            return record
    raise click.ClickException(f"This Twilio account does not own {number}: check the number and the credentials.")


def show_intended(number: str, wanted: Mapping[str, str]) -> None:
    """Print the configuration setup would make, for a dry run without credentials."""
    click.echo(f"Would set {number} to:")
    click.echo("\n".join(f"  {key:<24}{value or '(empty)'}" for key, value in wanted.items()))
    click.echo("(TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: the current configuration was not read.)")


def show_config(record, wanted: Mapping[str, str]) -> bool:
    """Print the number's webhooks against the wanted ones; tell whether all match."""
    click.echo(f"{record.phone_number} ({record.sid})")
    matches = True
    for key, value in wanted.items():
        now = getattr(record, key) or ""
        matches &= now == value
        click.echo(f"  {key:<24}{now or '(empty)'}" + ("" if now == value else f"   wanted: {value or '(empty)'}"))
    for key in SHOWN_ONLY:
        fallback, host = getattr(record, key) or "", urlsplit(wanted["sms_url"]).netloc
        same_app = urlsplit(fallback).netloc == host  # down whenever the hotline is
        click.echo(f"  {key:<24}{fallback or '(empty: see docs/deploy.md)'}"
                   + ("   on this same app, so no help when it is down: see docs/deploy.md" if same_app else ""))
    for key, meaning in OVERRIDES.items():
        if getattr(record, key, None):
            matches = False
            click.echo(f"  {key:<24}{getattr(record, key)}   {meaning}, so Twilio ignores the URLs above: "
                       "remove it in the Twilio console")
    click.echo("Matches this hotline." if matches else "Does NOT match this hotline.")
    return matches


def parse_age(age: str) -> timedelta:
    """Read an age like 30m, 12h, 1d or 2w."""
    match = AGE.fullmatch(age.strip())
    if not match:
        raise click.BadParameter("use a number and a unit: 30m, 12h, 1d or 2w", param_hint="--older-than")
    return timedelta(**{AGE_UNITS[match[2]]: int(match[1])})


@contextmanager
def twilio_errors(number: str) -> Iterator[None]:
    """Turn Twilio's errors into messages a volunteer can act on."""
    try:
        yield
    except TwilioException as error:
        status, code = error_details(error)
        if code == twilio_rest.AUTHENTICATION or status == 401:
            raise click.ClickException("Twilio refused TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (error 20003): "
                                       "copy both again from the Twilio console.") from None
        if code == twilio_rest.NOT_FOUND or status == 404:
            raise click.ClickException(f"This Twilio account does not own {number}.") from None
        raise click.ClickException(f"Twilio answered with error {code} (HTTP {status}): try again later, or see "
                                   f"https://www.twilio.com/docs/api/errors/{code}") from None
    except OSError as error:  # no connection, or a timeout
        raise click.ClickException(f"Could not reach Twilio ({type(error).__name__}): try again.") from None


def error_details(error: TwilioException) -> tuple[int | None, int | None]:
    """Read the HTTP status and Twilio error code of a failed call or of a page that would not load."""
    if isinstance(error, TwilioRestException):
        return error.status, error.code
    response = next((arg for arg in error.args if hasattr(arg, "status_code")), None)
    if response is None:
        return None, None
    try:
        return response.status_code, json.loads(response.text).get("code")
    except (ValueError, AttributeError):
        return response.status_code, None
