"""The web pages a flyer's codes open: the hotline, each topic, its QR codes, the flyer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from hotline.core.catalog import Catalog
from hotline.core.languages import load_languages
from hotline.core.placeholders import check_languages_match, fill, placeholder_values
from hotline.core.toml_files import default_messages_dir, read_toml, require_texts
from hotline.edges import qr
from hotline.edges.settings import is_on
from hotline.edges.storage import stats
from hotline.services import services

WORD_PLACEHOLDERS = {"org", "number", "referral", "url", "keyword"}
SIZES = ("letter", "a4", "card")
# Nothing from another host, ever: no fonts, scripts, images, frames or form targets.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

bp = Blueprint("web", __name__)


def language_converter(codes: tuple[str, ...]) -> type[BaseConverter]:
    """Make the <lang:...> URL part match only the line's languages (so /voice/step stays a 405, not a 404)."""
    return type("LanguageConverter", (BaseConverter,), {"regex": "|".join(codes)})


@dataclass(frozen=True)
class TopicView:
    id: str
    keyword: str
    title: str
    paragraphs: tuple[tuple[str, ...], ...]  # lines within paragraphs
    words: Mapping[str, str]  # web.toml filled with this topic's keyword
    sms_href: str  # "" when HOTLINE_NUMBER is not set


@dataclass(frozen=True)
class Site:
    catalog: Catalog
    languages: tuple[str, ...]  # in the order pages offer them
    settings: Mapping[str, object]  # only what the QR codes need
    words: Mapping[str, Mapping[str, str]]  # lang -> key -> text, filled from the settings
    topics: Mapping[str, tuple[TopicView, ...]]  # lang -> topics in menu order
    number: str  # as people read it, e.g. (307) 555-0100
    tel_href: str
    svgs: dict[tuple[str, str, str], bytes] = field(default_factory=dict)

    def find_topic(self, lang: str, topic_id: str) -> TopicView | None:
        """Return the topic's page in this language, or None."""
        return next((t for t in self.topics[lang] if t.id == topic_id), None)

    def qr_svg(self, kind: str, lang: str, topic_id: str, code: str | None = None) -> bytes:
        """Render a topic's code once and keep it (raises KeyError or QRError)."""
        key = (kind, lang, topic_id) if code is None else None
        if key in self.svgs:
            return self.svgs[key]
        svg = qr.render_svg(qr.make_payload(kind, lang, self.catalog.topics[topic_id],
                                            self.settings, code))
        if key:
            self.svgs[key] = svg
        return svg


def load_words(directory: Path, languages: tuple[str, ...] | None = None) -> dict[str, dict[str, str]]:
    """Read messages/web.toml; raise ContentError unless every language has the same words."""
    languages = languages or load_languages(directory).codes
    data = read_toml(directory / "web.toml")  # the catalog's own checks
    words = {lang: require_texts(data, lang, (), "web.toml") for lang in languages}
    check_languages_match("web.toml", words, WORD_PLACEHOLDERS)
    return words


def build_site(catalog: Catalog, settings: Mapping[str, object]) -> Site:
    """Fill every word of every page for these settings, once."""
    directory = Path(str(settings.get("HOTLINE_MESSAGES_DIR") or default_messages_dir()))
    codes = catalog.languages.codes
    number = str(settings.get("HOTLINE_NUMBER") or "")
    url = str(settings.get("HOTLINE_PUBLIC_URL") or "").rstrip("/")
    values = {**placeholder_values(settings), "number": qr.display_number(number),
              "url": url.split("://", 1)[-1]}
    raw = load_words(directory, codes)
    if not is_on(settings, "HOTLINE_DELETE_TWILIO_RECORDS"):  # say only what this line really does
        for lang_words in raw.values():
            lang_words.pop("zero_retention", None)
    order = list(dict.fromkeys([*catalog.menu.values(), *catalog.topics]))
    topics = {}
    for lang in codes:
        views = []
        for topic in (catalog.topics[topic_id] for topic_id in order):
            keyword, text = qr.sms_keyword(topic, lang), topic.texts[lang]
            paragraphs = fill(text.web, values).split("\n\n")
            views.append(TopicView(
                topic.id, keyword, text.title,
                tuple(tuple(p.strip().splitlines()) for p in paragraphs if p.strip()),
                {key: fill(t, {**values, "keyword": keyword}) for key, t in raw[lang].items()},
                # "?&body=" is the form both iOS Messages and Android read the body from.
                f"sms:{number}?&body={quote(qr.typed_keyword(topic, lang))}" if number else ""))
        topics[lang] = tuple(views)
    words = {lang: {key: fill(t, values) for key, t in raw[lang].items()} for lang in codes}
    needed = {name: settings.get(name) for name in ("HOTLINE_NUMBER", "HOTLINE_PUBLIC_URL")}
    return Site(catalog, codes, needed, words, topics, values["number"],
                f"tel:{number}" if number else "")


def get_site() -> Site:
    """Return the current app's pre-filled site."""
    return services().site


def render_page(template: str, lang: str, **context: object) -> Response:
    """Render one of these pages in a language; browsers and caches may keep it an hour."""
    response = Response(render_template(template, site=get_site(), lang=lang, langs=get_site().languages,
                                        t=get_site().words[lang], **context))
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


def language_switch(lang: str, endpoint: str, **values: str) -> list[tuple[str, str]]:
    """Link the same page in the other languages: (language, address) pairs for base.html."""
    return [(other, url_for(endpoint, lang=other, **values)) for other in get_site().languages if other != lang]


@bp.app_template_filter("keep_number")
def keep_number_together(text: str) -> Markup:
    """Keep the hotline's number on one line, wherever the text around it wraps."""
    number = get_site().number
    if not number:
        return escape(text)
    return escape(text).replace(number, Markup('<span class="number">%s</span>') % number)


@bp.after_request
def add_security_headers(response: Response) -> Response:
    """Forbid other hosts, referrers and type sniffing on every page of this blueprint."""
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.errorhandler(404)
def show_not_found(error: Exception) -> tuple[str, int]:
    """Say that a page does not exist, in the language of the address when there is one."""
    lang = (request.view_args or {}).get("lang", get_site().languages[0])
    return render_template("not_found.html", site=get_site(), lang=lang,
                           t=get_site().words[lang]), 404


@bp.get("/")
def show_home() -> Response:
    """Show what the hotline is, how to text and call it, and its topics, in both languages."""
    return render_page("home.html", get_site().languages[0])


@bp.get("/<lang:lang>/<topic_id>")
def show_topic(lang: str, topic_id: str) -> Response:
    """Show a topic's web text with links to text the keyword or call."""
    topic = get_site().find_topic(lang, topic_id)
    if topic is None:
        abort(404)
    stats.record("web", topic.id, lang, "answered")  # a counter only: no address, no cookie
    return render_page("topic.html", lang, topic=topic,
                       switch=language_switch(lang, "web.show_topic", topic_id=topic.id))


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
    """Show the printable bilingual flyer (?size=letter|a4) or wallet card (?size=card)."""
    size, code = request.args.get("size", SIZES[0]), request.args.get("code")
    if size not in SIZES or not get_site().tel_href:
        abort(404)
    try:
        code = qr.check_flyer_code(code)
    except qr.QRError:
        abort(404)
    return render_page("flyer.html", get_site().languages[0], size=size, code=code, sizes=SIZES)
