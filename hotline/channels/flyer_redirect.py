"""GET /q/<code>/<lang>/<topic>: count a scan of a flyer's web QR code, then open the topic's page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect

from hotline.edges.storage.flyer_codes import parse_flyer_code
from hotline.edges.storage.stats import record
from hotline.services import get_engine

bp = Blueprint("flyer_redirect", __name__)


@bp.get("/q/<code>/<lang>/<topic>")
def flyer_redirect(code: str, lang: str, topic: str):
    """Count a scan of a flyer's web QR code, then send the reader on to the topic's page."""
    catalog = get_engine().catalog
    if lang not in catalog.languages or topic not in catalog.topics:
        abort(404)
    record("qr", topic, lang, "answered", parse_flyer_code(code))
    return redirect(f"/{lang}/{topic}", code=302)
