"""`hotline alert`: publish, correct, clear and show the organisers' verified notice (ALERTA)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy.exc import SQLAlchemyError

from hotline.cli.help_text import CommandGroup
from hotline.core.alert_checks import clean_label
from hotline.core.segments import count_segments
from hotline.core.sms_flow import preview_then
from hotline.edges.storage import alerts
from hotline.services import get_engine

DEFAULT_LABEL = "command line"  # who published, unless --by says (a name or role, never a number)


class LanguageOptions(click.Command):
    """A command with one text option per language of the line (--en, --es...), read from its messages/."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        languages = ctx.ensure_object(ScriptInfo).load_app().services.engine.catalog.languages
        own = super().get_params(ctx)
        texts = [click.Option([f"--{language.code}", f"text_{language.code}"], metavar="TEXT",
                              help=f"The verified words in {language.name} (required).")
                 for language in languages.all]
        return own[:-1] + texts + own[-1:]  # --help stays last


@click.group("alert", cls=CommandGroup)
def alert_command() -> None:
    """Publish the notice your team verified; people who text ALERT or ALERTA get it (nobody is sent it)."""


@alert_command.command("publish", cls=LanguageOptions)
@click.option("--expires", help="How long it holds, e.g. 2h, 90m, 1d (default HOTLINE_ALERT_DEFAULT_HOURS; "
              "at most HOTLINE_ALERT_MAX_HOURS).")
@click.option("--by", "by", default=DEFAULT_LABEL, show_default=True,
              help="Who publishes it, kept in the history: a name or role, never a phone number.")
def publish_command(expires: str | None, by: str, **texts: str | None) -> None:
    """Publish a verified notice in every language (it replaces the one that holds); show what texters get."""
    given = {name.removeprefix("text_"): text or "" for name, text in texts.items()}
    draft = alerts.draft(given, expires or f"{current_app.config['HOTLINE_ALERT_DEFAULT_HOURS']}h", by)
    if not draft.ok:
        names = {language.code: language.name for language in get_engine().catalog.languages.all}
        lines = [f"  --{where} ({names[where]}): {reason}" if where in names else f"  --{where}: {reason}"
                 for where, reasons in draft.problems.items() for reason in reasons]
        raise click.ClickException("Nothing was published:\n" + "\n".join(lines))
    try:
        notice = alerts.publish(draft.texts, draft.holds_for, draft.by)
    except SQLAlchemyError as error:
        raise click.ClickException(f"Nothing was published: the database does not answer ({error})") from None
    click.echo(f"Published by {notice.published_by}, holds until {alerts.say_local(notice.expires_at)}.")
    show_answers()


@alert_command.command("clear")
@click.option("--by", "by", default=DEFAULT_LABEL, show_default=True, help="Who clears it, kept in the history.")
def clear_command(by: str) -> None:
    """Clear the notice that holds now: people are told that no verified report holds."""
    try:
        cleared = alerts.clear(clean_label(by))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--by") from None
    except SQLAlchemyError as error:
        raise click.ClickException(f"Nothing was cleared: the database does not answer ({error})") from None
    click.echo("Cleared the notice." if cleared else "No notice held: nothing to clear.")
    show_answers()


@alert_command.command("show")
@click.option("--history", "limit", default=5, show_default=True, type=click.IntRange(0, 500),
              help="How many past notices to list.")
def show_command(limit: int) -> None:
    """Show what people get now when they ask, and the latest notices published."""
    try:
        past = alerts.history(limit)
    except SQLAlchemyError as error:
        raise click.ClickException(f"The database does not answer ({error})") from None
    show_answers()
    if limit:
        click.echo("History (newest first):" if past else "No notice published yet.")
    for notice in past:
        cleared = f"cleared {alerts.say_local(notice.cleared_at)} by {notice.cleared_by}" if notice.cleared_at else ""
        state = cleared or ("holds" if notice.holds(alerts.now()) else "expired")
        click.echo(f"  {alerts.say_local(notice.published_at)} by {notice.published_by}, until "
                   f"{alerts.say_local(notice.expires_at)} ({state})")
        for code, text in notice.texts.items():
            click.echo(f"    {code}: {text}")


def show_answers() -> None:
    """Print what a texter gets now in each language, with its SMS segments."""
    for language in get_engine().catalog.languages.all:
        preview = get_engine().replies.preview[language.code]
        text = preview_then(preview, alerts.answer(language.code))
        count = count_segments(text)
        segments = f"{count.segments} {count.encoding} segment{'s' * (count.segments != 1)}"
        click.echo(f"\n{language.name} ({segments}, {count.characters} characters):")
        click.echo("  " + text.replace("\n", "\n  "))
    click.echo()
