"""The verified notice as a web page: /alert, /es/alerta (any language: /<lang>/alerta). No script, no cookie;
kept in caches a minute at most, so a cleared notice does not linger."""

from __future__ import annotations

from flask import Blueprint, Response, url_for

from hotline.channels.web import add_security_headers, get_site, render_page
from hotline.core.alerts import page_words
from hotline.edges.storage import alerts, stats

bp = Blueprint("alert_web", __name__)
bp.after_request(add_security_headers)
MAX_AGE_S = 60


def address(lang: str) -> str:
    """Link the page in a language: /alert for the line's first language, /<lang>/alerta for the others."""
    if lang == get_site().languages[0]:
        return url_for("alert_web.show_alert")
    return url_for("alert_web.show_alert_in", lang=lang)


@bp.get("/alert")
def show_alert() -> Response:
    """Show the notice that holds now, in the line's first language."""
    return render_alert(get_site().languages[0])


@bp.get("/<lang:lang>/alerta")
def show_alert_in(lang: str) -> Response:
    """Show the notice that holds now, in this language."""
    return render_alert(lang)


def render_alert(lang: str) -> Response:
    """Render the page for the notice that holds (or none), and count one look at it."""
    board, notice = alerts.get_board(), alerts.current_notice()
    values = {"number": get_site().number, "report_line": board.report_line}
    page = page_words(notice, lang, board.words, alerts.now(), board.zone, values)
    stats.record("web", None, lang, "alert")  # a counter only: no address, no cookie
    response = render_page("alert.html", lang, page=page,
                           notice=notice.text_in(lang) if notice and notice.holds(alerts.now()) else "",
                           switch=[(other, address(other)) for other in get_site().languages if other != lang])
    response.cache_control.max_age = MAX_AGE_S
    return response
