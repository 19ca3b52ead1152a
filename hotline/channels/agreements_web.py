"""The web page of ICE's 287(g) list for one state: /en/287g/wy and /es/287g/wy."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from hotline.channels.web import add_security_headers, language_switch, render_page
from hotline.core.agreements import is_statewide, state_code
from hotline.core.county_answers import format_date, state_name
from hotline.core.placeholders import fill
from hotline.edges.storage.agreement_lists import current_list
from hotline.services import get_engine

# ICE's own page, where its lists are published (a link target, not words).
ICE_287G_PAGE = "https://www.ice.gov/identify-and-arrest/287g"

bp = Blueprint("agreements_web", __name__)
bp.after_request(add_security_headers)


@bp.get("/<lang:lang>/287g/<state>")
def show_state_agreements(lang: str, state: str) -> Response:
    """Show the agencies of one state on the loaded list, with their models and dates."""
    code = state_code(state)
    if code is None or code.lower() != state.lower():
        abort(404)
    texts = get_engine().county_words.texts["sms", lang]
    words = texts["web"]
    loaded = current_list()
    rows = sorted((a for a in loaded.rows if a.state == code), key=lambda a: (a.county, a.agency, a.model)) \
        if loaded else []
    values = {"state_name": state_name(code, texts), "list_date": format_date(loaded.as_of, texts) if loaded else ""}
    page = {key: fill(str(text), values) for key, text in words.items()}
    table = [(a.county or words["statewide" if is_statewide(a) else "no_county"], a.agency, texts["models"][a.model],
              format_date(a.signed, texts) if a.signed else "") for a in rows]
    return render_page("agreements.html", lang, page=page, table=table, loaded=loaded is not None,
                       ice_page=ICE_287G_PAGE,
                       switch=language_switch(lang, "agreements_web.show_state_agreements", state=code.lower()))
