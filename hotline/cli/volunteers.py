"""`hotline volunteers check`: are the volunteers' numbers and hours right, and whose phone would ring now?"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.core.volunteers import hours_in_words
from hotline.edges.request_log import mask_number


@click.group("volunteers")
def volunteers_command() -> None:
    """Talk to a person: check the volunteers' settings (docs/volunteers.md)."""


@volunteers_command.command("check")
@click.option("--at", "moment", metavar="'YYYY-MM-DD HH:MM'",
              help="Say who would be rung at this local time (HOTLINE_TIMEZONE) instead of now.")
@with_appcontext
def check_command(moment: str | None) -> None:
    """Check HOTLINE_VOLUNTEER_* and print who a call would ring now, per language (numbers masked)."""
    app = current_app
    volunteers, catalog = app.services.volunteers, app.services.engine.catalog
    if volunteers is None:  # a mistake in the settings already stopped the app, with every problem listed
        click.echo("Talk to a person is off: HOTLINE_VOLUNTEER_NUMBERS is empty, so no text, call menu "
                   "or `hotline check` offers it.")
        return
    zone = ZoneInfo(volunteers.zone)
    try:
        when = (dt.datetime.fromisoformat(moment).replace(tzinfo=zone) if moment
                else dt.datetime.now(dt.UTC).astimezone(zone))
    except ValueError:
        raise click.BadParameter(f"{moment!r} is not a time like '2026-12-05 14:00'", param_hint="--at") from None
    default = str(app.config["HOTLINE_DEFAULT_LANGUAGE"])
    click.echo(f"OK: {len(volunteers.people)} volunteer number(s), each rung for "
               f"{volunteers.ring_seconds} s; they see the hotline's number {volunteers.caller_id} as caller ID.")
    click.echo(f"Hours ({volunteers.zone}): {hours_in_words(app.config, catalog, default)}")
    for person in volunteers.people:
        click.echo(f"  {mask_number(person.number)} speaks {', '.join(person.languages)}")
    on_shift = volunteers.open_at(when)
    click.echo(f"{when:%a %Y-%m-%d %H:%M %Z}: {'on shift' if on_shift else 'off shift'}")
    for language in catalog.languages.all:
        if on_shift:
            rung = ", ".join(mask_number(n) for n in volunteers.to_ring(language.code))
            click.echo(f"  A call in {language.name} rings at once: {rung}")
        else:
            click.echo(f"  A call in {language.name} hears the hours and the referral, then the menu")
