"""`hotline stats`: how the line was used, week by week, small counts hidden as on /admin."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.edges.storage.stats import export_csv, format_text, read_report

WEEKS = 8  # as many as the dashboard shows


@click.command("stats")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, as downloaded from /admin/stats.csv.")
@click.option("--weeks", default=WEEKS, show_default=True, type=click.IntRange(1, 520), help="Weeks to show.")
@with_appcontext
def stats_command(as_csv: bool, weeks: int) -> None:
    """Print how the hotline was used, week by week (small counts hidden, as on /admin)."""
    threshold = int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"])
    report = read_report(weeks)
    click.echo(export_csv(report, threshold) if as_csv else format_text(report, threshold), nl=False)
