"""What gets printed: the bilingual flyer (/flyer, ?size=letter|a4, ?county=), the wallet card
(?size=card) and the QR codes they carry (/qr/<kind>/<lang>/<topic>.svg)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from hotline.channels.web import add_security_headers, get_site, render_page
from hotline.core.agreements import state_code
from hotline.core.counties import find_county
from hotline.core.matcher import normalise
from hotline.edges import qr
from hotline.edges.storage.agreement_lists import answer_from_current_list, current_list
from hotline.services import get_engine

SIZES = ("letter", "a4", "card")
MAX_COUNTY = 80  # characters; no county's name is near this long

bp = Blueprint("paper", __name__)
bp.after_request(add_security_headers)


class CountyError(LookupError):
    """A county flyer cannot be made; the message says why and what to do."""


def county_status(asked: str) -> dict[str, list[str]]:
    """Answer "is this county on ICE's 287(g) list?" from the loaded list, as lines per language
    (the same answer as texting 287G and the county, with the list's date); raise CountyError."""
    if current_list() is None:
        raise CountyError("No 287(g) list is loaded: run `hotline agreements update` "
                          "(or `hotline agreements load FILE`) first.")
    county_words = get_engine().county_words.county  # "county", "condado"
    words = [w for w in normalise(asked[:MAX_COUNTY]).split() if w not in county_words]
    state = state_code(current_app.config["HOTLINE_STATE"])
    for size in (2, 1):  # a trailing state: "Carbon WY", "Carbon Wyoming"
        code = state_code(" ".join(words[-size:])) if len(words) > size else None
        if code:
            words, state = words[:-size], code
            break
    found = find_county(" ".join(words), state)
    if not found:
        raise CountyError(f"No county called {asked!r} was found{f' in {state}' if state else ''}: "
                          "check the spelling, e.g. --county Laramie.")
    states = sorted({s for s, _ in found})
    if len(states) > 1:
        raise CountyError(f"{asked} is a county in {', '.join(states)}: add the state, "
                          f"e.g. --county '{found[0][1]} {states[0]}' (or set HOTLINE_STATE).")
    state, county = found[0]
    return {lang: (answer_from_current_list(normalise(county).split(), lang, names_a_county=True,
                                            state=state) or "").splitlines()
            for lang in get_site().languages}


@bp.get(f"/qr/<any({', '.join(qr.KINDS)}):kind>/<lang:lang>/<topic_id>.svg")
def show_qr(kind: str, lang: str, topic_id: str) -> Response:
    """Serve one QR code as SVG; ?code=A7 adds a flyer code to the payload."""
    try:
        svg = get_site().qr_svg(kind, lang, topic_id, request.args.get("code"))
    except (KeyError, qr.QRError):
        abort(404)
    response = Response(svg, mimetype="image/svg+xml")
    response.cache_control.public, response.cache_control.max_age = True, 86400
    return response


@bp.get("/flyer")
def show_flyer() -> Response:
    """Show the printable bilingual flyer (?size=letter|a4, ?county=Laramie) or wallet card (?size=card)."""
    size, code, county = request.args.get("size", SIZES[0]), request.args.get("code"), request.args.get("county")
    if size not in SIZES:
        abort(404)
    if not get_site().tel_href:
        return show_setup()
    try:
        code = qr.check_flyer_code(code)
        status = county_status(county) if county and size != "card" else {}
    except (qr.QRError, CountyError):
        abort(404)
    return render_page("flyer.html", get_site().languages[0], size=size, code=code, sizes=SIZES,
                       county=county if status else None, county_status=status)


def show_setup() -> Response:
    """Say, in every language, what to set before the flyer can be made (HOTLINE_NUMBER)."""
    site = get_site()
    response = Response(render_template("flyer_setup.html", site=site, lang=site.languages[0],
                                        langs=site.languages, t=site.words[site.languages[0]]))
    response.cache_control.no_store = True  # it changes as soon as the number is set
    return response
