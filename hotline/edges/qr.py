"""Make the QR codes a flyer carries: text a keyword, call the line, read a topic online."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

import segno

from hotline.core.catalog import Catalog, Topic
from hotline.core.phone_numbers import is_e164
from hotline.edges.storage.stats import parse_flyer_code

KINDS = ("sms", "call", "web")


class QRError(ValueError):
    """A QR code cannot be made from these settings; the message says what to set."""


def check_flyer_code(code: str | None) -> str | None:
    """Return a flyer code in capitals (None for none), or raise QRError."""
    if code is None:
        return None
    parsed = parse_flyer_code(code)  # the one definition, which the scan counts share
    if parsed is None:
        raise QRError(f"flyer code {code!r}: use a letter and one to three digits, e.g. A7")
    return parsed


def hotline_number(settings: Mapping[str, object]) -> str:
    """Return HOTLINE_NUMBER, or raise QRError saying how to set it."""
    number = str(settings.get("HOTLINE_NUMBER") or "")
    if not number:
        raise QRError("HOTLINE_NUMBER is not set: put the hotline's number in .env, e.g. "
                      "HOTLINE_NUMBER=+13075550100")
    if not is_e164(number):
        raise QRError(f"HOTLINE_NUMBER={number} is not in E.164 form: write it like +13075550100")
    return number


def public_url(settings: Mapping[str, object]) -> str:
    """Return HOTLINE_PUBLIC_URL without a trailing slash, or raise QRError."""
    url = str(settings.get("HOTLINE_PUBLIC_URL") or "").rstrip("/")
    if not url:
        raise QRError("HOTLINE_PUBLIC_URL is not set: put the hotline's web address in .env, e.g. "
                      "HOTLINE_PUBLIC_URL=https://hotline.example.org")
    return url


def display_number(number: str) -> str:
    """Write a North American number as (307) 555-0100; leave others in E.164 form."""
    if len(number) == 12 and number.startswith("+1"):
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


def sms_keyword(topic: Topic, lang: str) -> str:
    """Return the keyword a flyer asks people to text for this topic."""
    return topic.keywords[lang][0]


def typed_keyword(topic: Topic, lang: str) -> str:
    """Return the keyword as a code or link types it for the person: without accents (RETENCIÓN -> RETENCION).

    The line ignores accents anyway, and some scanners read UTF-8 in a QR code as Shift-JIS
    (RETENCIÓN came out as RETENCI粍 in zbar); plain ASCII reads the same everywhere.
    """
    return unicodedata.normalize("NFKD", sms_keyword(topic, lang)).encode("ascii", "ignore").decode()


def make_payload(kind: str, lang: str, topic: Topic, settings: Mapping[str, object],
                 code: str | None = None) -> str:
    """Return what a code holds: a prefilled text, a call, or the topic's web page."""
    code = check_flyer_code(code)
    if kind == "sms":
        # SMSTO:number:body is the one form that opens a new text with the body already
        # typed from both the iPhone and Android camera apps; sms: URIs disagree between
        # them on "?body=" versus "&body=", and some scanners drop the body altogether.
        body = typed_keyword(topic, lang) + (f" {code}" if code else "")
        return f"SMSTO:{hotline_number(settings)}:{body}"
    if kind == "call":
        return f"tel:{hotline_number(settings)}"
    if kind == "web":
        path = f"/q/{code}/{lang}/{topic.id}" if code else f"/{lang}/{topic.id}"
        return public_url(settings) + path
    raise QRError(f"unknown kind of QR code {kind!r}: use one of {', '.join(KINDS)}")


def make_qr(payload: str) -> segno.QRCode:
    """Encode a payload, never as a Micro QR code, which phone cameras cannot read."""
    return segno.make(payload, error="m", micro=False)


def render_svg(payload: str) -> bytes:
    """Render a scalable SVG that takes its size from the page (no width or height)."""
    buffer = io.BytesIO()
    # A white quiet zone of its own, so the code scans on a dark screen or coloured paper too.
    make_qr(payload).save(buffer, kind="svg", border=4, xmldecl=False, omitsize=True, light="#fff")
    return buffer.getvalue()


def render_png(payload: str, scale: int = 10) -> bytes:
    """Render a PNG with the four-module quiet zone scanners need."""
    buffer = io.BytesIO()
    make_qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def iter_payloads(catalog: Catalog, settings: Mapping[str, object],
                  code: str | None = None) -> Iterator[tuple[str, str, str, str]]:
    """Yield (kind, lang, topic id, payload) for every topic, language and kind."""
    for topic in catalog.topics.values():
        for lang in catalog.languages.codes:
            for kind in KINDS:
                yield kind, lang, topic.id, make_payload(kind, lang, topic, settings, code)


def write_codes(catalog: Catalog, settings: Mapping[str, object], out: Path,
                code: str | None = None) -> list[Path]:
    """Write an SVG and a PNG per topic, language and kind; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    suffix = f"-{check_flyer_code(code)}" if code else ""
    for kind, lang, topic_id, payload in list(iter_payloads(catalog, settings, code)):
        stem = out / f"{topic_id}-{lang}-{kind}{suffix}"
        for extension, render in (("svg", render_svg), ("png", render_png)):
            path = stem.with_suffix(f".{extension}")
            path.write_bytes(render(payload))
            written.append(path)
    return written
