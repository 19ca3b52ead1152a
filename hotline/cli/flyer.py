"""`hotline flyer` and `hotline qr`: the flyers and wallet cards as PDF, and the QR codes as SVG and PNG."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.channels import paper
from hotline.edges import qr
from hotline.edges.printing import FlyerError, make_flyers
from hotline.edges.storage.flyer_codes import counted_flyer_code, parse_flyer_code


@click.command("flyer")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out/flyers"),
              show_default=True, help="Folder to write the PDFs to.")
@click.option("--size", type=click.Choice(["letter", "a4", "both"]), default="both",
              show_default=True, help="Paper size of the flyer (the card has its own).")
@click.option("--code", help="Flyer code to count scans of this batch, e.g. A7.")
@click.option("--county", help="Add this county's place on the loaded 287(g) list, e.g. Laramie (or 'Carbon WY').")
@with_appcontext
def flyer_command(out: Path, size: str, code: str | None, county: str | None) -> None:
    """Print the bilingual flyer and the wallet card to PDF, ready for a print shop."""
    app = current_app._get_current_object()
    sizes = ("letter", "a4") if size == "both" else (size,)
    try:
        if county:
            with app.test_request_context():
                paper.county_status(county)  # say what is wrong before starting Chromium
    except paper.CountyError as error:
        raise click.ClickException(str(error)) from None
    logging.disable(logging.INFO)  # a log line per request would bury the progress bar
    try:
        with click.progressbar(make_flyers(app, out, sizes, code, county=county), length=len(sizes) + 1,
                               label="Printing PDFs", item_show_func=lambda p: p and p.name) as bar:
            written = list(bar)
    except (FlyerError, qr.QRError, subprocess.TimeoutExpired) as error:
        raise click.ClickException(str(error)) from None
    finally:
        logging.disable(logging.NOTSET)
    click.echo("\n".join(str(path) for path in written))
    remind_to_list(code)


def remind_to_list(code: str | None) -> None:
    """Say when a printed code is not in HOTLINE_FLYER_CODES yet: until it is, it counts as "other"."""
    code = parse_flyer_code(code)
    if code and counted_flyer_code(code) != code:
        listed = str(current_app.config.get("HOTLINE_FLYER_CODES", "")).strip()
        click.echo(f"Note: {code} is not in HOTLINE_FLYER_CODES, so its scans and texts count as 'other'. "
                   f"Add it where the line runs, e.g. heroku config:set "
                   f"HOTLINE_FLYER_CODES={listed + ',' if listed else ''}{code}", err=True)


@click.command("qr")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out/qr-codes"),
              show_default=True, help="Folder to write the SVG and PNG files to.")
@click.option("--code", help="Flyer code to add to the codes, e.g. A7.")
@with_appcontext
def qr_command(out: Path, code: str | None) -> None:
    """Write the QR codes (text, call, web) per topic and language as SVG and PNG."""
    app = current_app._get_current_object()
    try:
        written = qr.write_codes(app.services.engine.catalog, app.config, out, code)
    except qr.QRError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {len(written)} files to {out}/")
    remind_to_list(code)
