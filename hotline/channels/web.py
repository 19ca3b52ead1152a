"""The web pages' words and parts, filled once at start: the site that site.py (pages) and paper.py (flyer) show."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Response, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from hotline.core.catalog import Catalog
from hotline.core.languages import load_languages
from hotline.core.phone_numbers import is_e164, normalise_number
from hotline.core.placeholders import check_languages_match, fill, placeholder_values
from hotline.core.toml_files import default_messages_dir, read_toml, require_texts
from hotline.edges import qr
from hotline.edges.settings import is_on
from hotline.services import services

WORD_PLACEHOLDERS = {"org", "number", "referral", "url", "keyword"}
PHONE_LIKE = re.compile(r"(?<![\w+(])[+(]?\d(?:[\s.()-]{0,2}\d){6,}")  # (307) 555-0199, 307.555.0199...
PHONE_SPLIT = re.compile(f"({PHONE_LIKE.pattern})")  # split() keeps the numbers, at odd places
# Nothing from another host, ever: no fonts, scripts, images, frames or form targets.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


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
    default_language: str  # for a browser that asks for none of them (HOTLINE_DEFAULT_LANGUAGE)
    settings: Mapping[str, object]  # what the QR codes need, and the referral the wallet card shows
    words: Mapping[str, Mapping[str, str]]  # lang -> key -> text, filled from the settings
    topics: Mapping[str, tuple[TopicView, ...]]  # lang -> topics in menu order
    number: str  # as people read it, e.g. (307) 555-0100
    tel_href: str  # "" when HOTLINE_NUMBER is not set
    svgs: dict[tuple[str, str, str], bytes] = field(default_factory=dict)

    def find_topic(self, lang: str, topic_id: str) -> TopicView | None:
        """Return the topic's page in this language, or None."""
        return next((t for t in self.topics[lang] if t.id == topic_id), None)

    def lines(self, lang: str, key: str) -> list[str]:
        """Split a word of web.toml that holds one sentence a line (flyer_rights, card_say)."""
        return [line.strip() for line in self.words[lang].get(key, "").splitlines() if line.strip()]

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
    host = str(settings.get("HOTLINE_PUBLIC_URL") or "").rstrip("/").split("://", 1)[-1]
    # {url} is the start page in the reader's language: the Spanish half of a flyer points to /es.
    values = {lang: {**placeholder_values(settings), "number": qr.display_number(number),
                     "url": f"{host}/{lang}" if host else ""} for lang in codes}
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
            paragraphs = fill(text.web, values[lang]).split("\n\n")
            views.append(TopicView(
                topic.id, keyword, text.title,
                tuple(tuple(p.strip().splitlines()) for p in paragraphs if p.strip()),
                {key: fill(t, {**values[lang], "keyword": keyword}) for key, t in raw[lang].items()},
                # "?&body=" is the form both iOS Messages and Android read the body from.
                f"sms:{number}?&body={quote(qr.typed_keyword(topic, lang))}" if number else ""))
        topics[lang] = tuple(views)
    words = {lang: {key: fill(t, values[lang]) for key, t in raw[lang].items()} for lang in codes}
    needed = {name: settings.get(name) for name in ("HOTLINE_NUMBER", "HOTLINE_PUBLIC_URL", "HOTLINE_REFERRAL")}
    default = str(settings.get("HOTLINE_DEFAULT_LANGUAGE") or "")
    return Site(catalog, codes, default if default in codes else codes[0], needed, words, topics,
                qr.display_number(number), f"tel:{number}" if number else "")


def get_site() -> Site:
    """Return the current app's pre-filled site."""
    return services().site


def render_page(template: str, lang: str, **context: object) -> Response:
    """Render one of these pages in a language; browsers and caches may keep it an hour."""
    site = get_site()
    response = Response(render_template(template, site=site, lang=lang, langs=site.languages,
                                        t=site.words[lang], **context))
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


def language_switch(lang: str, endpoint: str, **values: str) -> list[tuple[str, str]]:
    """Link the same page in the other languages: (language, address) pairs for base.html."""
    return [(other, url_for(endpoint, lang=other, **values)) for other in get_site().languages if other != lang]


def keep_number_together(text: str) -> Markup:
    """Keep each phone number in a text on one line, wherever the text around it wraps (the keep_number filter)."""
    return Markup("").join(escape(part) if index % 2 == 0 else Markup('<span class="number">%s</span>') % part
                           for index, part in enumerate(PHONE_SPLIT.split(text)))


def link_numbers(text: str) -> Markup:
    """Make each phone number in a text (a referral's) a tel: link that never wraps (the link_numbers filter)."""
    parts, last = [], 0
    for found in PHONE_LIKE.finditer(text):
        typed, number = found.group(), normalise_number(found.group())
        parts += [escape(text[last:found.start()]),
                  Markup('<a class="number" href="tel:%s">%s</a>') % (number, typed) if is_e164(number)
                  else Markup('<span class="number">%s</span>') % typed]
        last = found.end()
    return Markup("").join([*parts, escape(text[last:])])


def add_security_headers(response: Response) -> Response:
    """Forbid other hosts, referrers and type sniffing on every page (each blueprint registers it)."""
    response.headers.update(SECURITY_HEADERS)
    return response


def show_not_found(error: Exception) -> Response:
    """Say that a page does not exist, in the language of the address when there is one (/es/...)."""
    site = get_site()
    asked = ((request.view_args or {}).get("lang"), request.path.strip("/").split("/")[0])  # /q/A7/fr/... too
    lang = next((code for code in asked if code in site.languages), site.languages[0])
    page = render_template("not_found.html", site=site, lang=lang, t=site.words[lang])
    return add_security_headers(Response(page, 404, mimetype="text/html"))
