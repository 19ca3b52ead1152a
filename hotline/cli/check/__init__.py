"""`hotline check`: the gate before deploying words. Measures every text in messages/ and says what fails."""

from __future__ import annotations

from pathlib import Path

import click
from dotenv import find_dotenv, load_dotenv

from hotline.cli.check.output import render_table, report_json
from hotline.cli.check.report import run_check
from hotline.cli.check.translations import confirm_translations as record_translations
from hotline.core.toml_files import default_messages_dir
from hotline.edges.settings import SettingsError, read_settings


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for machines.")
@click.option("--confirm-translations", is_flag=True,
              help="Record that every language of every text is in step now (messages/translations.lock).")
@click.option("--messages", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check this messages/ folder instead of the configured one.")
@click.pass_context
def check(ctx: click.Context, as_json: bool, confirm_translations: bool, directory: Path | None) -> None:
    """Check the words in messages/: complete, within SMS budget, plain, fresh, safe and translated."""
    load_dotenv(find_dotenv(usecwd=True))
    config = read_settings()
    if confirm_translations:
        path = record_translations(Path(directory or config["HOTLINE_MESSAGES_DIR"] or default_messages_dir()))
        click.echo(f"Recorded every text's fingerprint in {path}: the languages are in step now.")
    try:
        report = run_check(directory or config["HOTLINE_MESSAGES_DIR"] or None, config, active_notice=True)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report_json(report) if as_json else render_table(report))
    ctx.exit(0 if report.ok else 1)
