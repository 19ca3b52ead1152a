"""The web page of ICE's 287(g) list for one state: /en/287g/wy and /es/287g/wy, with a county lookup
(a plain GET form, no JavaScript) that gives the same answer as texting "287G <county>"."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, abort, request

from hotline.channels.web import SECURITY_HEADERS, add_security_headers, language_switch, render_page
from hotline.core.agreements import is_statewide, state_code
from hotline.core.county_answers import AgreementList, format_date, state_name
from hotline.core.matcher import normalise
from hotline.core.placeholders import fill
from hotline.edges.storage import stats
from hotline.edges.storage.agreement_lists import answer_from_current_list, current_list, list_is_stale
from hotline.services import get_engine

# ICE's own page, where its lists are published (a link target, not words).
ICE_287G_PAGE = "https://www.ice.gov/identify-and-arrest/287g"
MAX_ASKED = 80  # characters of a county name; no county's is near this long
# The same headers as every web page, but the lookup form may submit to this site (and nowhere else).
POLICY = SECURITY_HEADERS["Content-Security-Policy"].replace("form-action 'none'", "form-action 'self'")

bp = Blueprint("agreements_web", __name__)


@bp.after_request  # registered first, so it runs after add_security_headers and has the last word
def allow_own_form(response: Response) -> Response:
    """Let the lookup form submit to this page."""
    response.headers["Content-Security-Policy"] = POLICY
    return response


bp.after_request(add_security_headers)


@bp.get("/<lang:lang>/287g/<state>")
def show_state_agreements(lang: str, state: str) -> Response:
    """Show the agencies of one state on the loaded list, with their models and dates; ?county= looks one up."""
    code = state_code(state)
    if code is None or code.lower() != state.lower():
        abort(404)
    texts = get_engine().county_words.texts["sms", lang]
    loaded = current_list()
    asked = " ".join(request.args.get("county", "").split())[:MAX_ASKED]
    values = {"state_name": state_name(code, texts), "list_date": format_date(loaded.as_of, texts) if loaded else "",
              "checked_date": format_date(loaded.confirmed, texts) if loaded and loaded.confirmed else ""}
    page = {key: fill(str(text), values) for key, text in texts["web"].items()}
    return render_page("agreements.html", lang, page=page, table=state_table(loaded, code, texts),
                       loaded=loaded is not None, stale=str(texts["stale"]) if loaded and list_is_stale(loaded) else "",
                       asked=asked, answer=look_up(asked, lang, code) if asked and loaded else [],
                       ice_page=ICE_287G_PAGE, state=code.lower(),
                       switch=language_switch(lang, "agreements_web.show_state_agreements", state=code.lower()))


def state_table(loaded: AgreementList | None, code: str, texts: Mapping[str, object]) -> list[tuple[str, ...]]:
    """List the state's agreements as table rows: county, agency, model, date signed."""
    words = texts["web"]
    rows = sorted((a for a in loaded.rows if a.state == code), key=lambda a: (a.county, a.agency, a.model)) \
        if loaded else []
    return [(a.county or words["statewide" if is_statewide(a) else "no_county"], a.agency, texts["models"][a.model],
             format_date(a.signed, texts) if a.signed else "") for a in rows]


def look_up(asked: str, lang: str, code: str) -> list[str]:
    """Answer a county typed into the form exactly as a text "287G <county>" is answered, as lines."""
    answer = answer_from_current_list(normalise(asked).split(), lang, names_a_county=True, state=code)
    if answer:
        stats.record("web", get_engine().catalog.county_topic, lang, "county")  # a counter: never the county
    return answer.splitlines() if answer else []
