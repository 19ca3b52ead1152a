"""The web pages people read: the start page in their language (/, /en, /es) and each topic's page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from hotline.channels.web import (
    add_security_headers,
    get_site,
    keep_number_together,
    language_switch,
    link_numbers,
    render_page,
)
from hotline.edges.storage import stats

# Named "web" (not "site") so that every template's url_for('web.show_topic') keeps working.
bp = Blueprint("web", __name__)
bp.add_app_template_filter(keep_number_together, "keep_number")
bp.add_app_template_filter(link_numbers, "link_numbers")
bp.after_request(add_security_headers)


def choose_language() -> str:
    """Pick the start page's language from the browser's Accept-Language (es-MX reads as es); no cookie."""
    site = get_site()
    return request.accept_languages.best_match(site.languages) or site.default_language


@bp.get("/")
def show_home() -> Response:
    """Show the start page in the language the browser prefers, with every language one tap away."""
    response = render_page("home.html", choose_language(), choices=language_choices())
    response.vary.add("Accept-Language")  # a cache must keep one copy per language asked for
    return response


@bp.get("/<lang:lang>")
def show_landing(lang: str) -> Response:
    """Show the start page in one language: what the line is, how to text and call it, the topics."""
    return render_page("home.html", lang, choices=language_choices())


def language_choices() -> list[tuple[str, str]]:
    """List (language, start page) for the language choice at the top of the start page."""
    return [(lang, url_for("web.show_landing", lang=lang)) for lang in get_site().languages]


@bp.get("/<lang:lang>/<topic_id>")
def show_topic(lang: str, topic_id: str) -> Response:
    """Show a topic's web text, after the next step: text the keyword, call, where to get legal help."""
    topic = get_site().find_topic(lang, topic_id)
    if topic is None:
        abort(404)
    stats.record("web", topic.id, lang, "answered")  # a counter only: no address, no cookie
    return render_page("topic.html", lang, topic=topic,
                       switch=language_switch(lang, "web.show_topic", topic_id=topic.id))
