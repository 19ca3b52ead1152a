"""Print the flyers and wallet cards to PDF through headless Chromium (for `hotline flyer`).

Why headless Chromium and not a PDF library (reportlab, fpdf2): the flyer is laid out
once, in HTML and print CSS, and that one layout is what /flyer shows, what a browser
prints and what goes to the print shop. A second layout in Python drawing calls would
drift from the first, and would need its own text wrapping, Spanish accents and vertical
tear-off strips. Chromium prints vector QR codes and real text, and honours the CSS page
sizes (US Letter, A4, card). The cost: the machine that makes flyers needs Chromium or
Google Chrome (HOTLINE_CHROMIUM names it when it is not on PATH); the app never does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from hotline.edges import qr

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
PRINT_TIMEOUT = 120  # seconds; a flyer takes one or two


class FlyerError(RuntimeError):
    """A flyer could not be printed; the message says why and what to do."""


def find_chromium(configured: str = "") -> str:
    """Return the path of Chromium or Chrome, or raise FlyerError saying how to get one."""
    for name in (configured,) if configured else BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise FlyerError((f"HOTLINE_CHROMIUM={configured} was not found. " if configured else
                      "Making PDF flyers needs Chromium or Google Chrome, and neither was found. ")
                     + "Install one (Debian/Ubuntu: apt-get install chromium) or set "
                       "HOTLINE_CHROMIUM to its path. The page /flyer prints from any browser too.")


def chromium_command(browser: str, profile: str, url: str, out: Path) -> list[str]:
    """Build the command that prints one page to PDF, talking to no one but the app."""
    return [browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            "--disable-default-apps", "--disable-extensions",
            # A new empty profile, or Chrome would hand the job to a Chrome already open.
            f"--user-data-dir={profile}",
            # Chrome's sandbox cannot start as root (as in containers and CI).
            *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={out}", url]


class QuietHandler(WSGIRequestHandler):
    """Handle requests without logging each one to the terminal."""

    def log_request(self, *args: object, **kwargs: object) -> None:
        """Log nothing: the progress bar says what is happening."""


@contextmanager
def serve_app(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port while the block runs; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def flyer_pages(sizes: tuple[str, ...], code: str | None, county: str | None = None) -> list[tuple[str, str]]:
    """List (file name, /flyer address) for each flyer size and the wallet card (which has no county)."""
    suffix, query = (f"-{code}", f"&code={code}") if code else ("", "")
    place, where = (f"-{slug(county)}", f"&county={quote(county)}") if county else ("", "")
    pages = [(f"hotline-flyer-{size}{place}{suffix}.pdf", f"/flyer?size={size}{where}{query}") for size in sizes]
    return [*pages, (f"hotline-card{suffix}.pdf", f"/flyer?size=card{query}")]


def slug(name: str) -> str:
    """Write a county's name for a file name: 'Hot Springs WY' -> 'hot-springs-wy'."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def print_pdf(browser: str, base: str, path: str, out: Path) -> None:
    """Print one page of the running app to a PDF file."""
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="hotline-chromium-") as profile:
        result = subprocess.run(chromium_command(browser, profile, base + path, out.resolve()),
                                capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False)
    if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise FlyerError(f"{browser} could not print {path} to {out}:\n{result.stderr[-2000:]}")


def make_flyers(app: Flask, out: Path, sizes: tuple[str, ...], code: str | None = None,
                browser: str = "", county: str | None = None) -> Iterator[Path]:
    """Print each flyer and the card to PDF in out/, yielding each file as it is done."""
    qr.hotline_number(app.config)  # fail before starting anything, with a clear message
    code = qr.check_flyer_code(code)
    browser = find_chromium(browser or str(app.config.get("HOTLINE_CHROMIUM") or ""))
    out.mkdir(parents=True, exist_ok=True)
    pages = flyer_pages(sizes, code, county)
    for _, path in pages:  # refuse before printing a 404 page to PDF
        status = app.test_client().get(path).status_code
        if status != 200:
            raise FlyerError(f"{path} answered {status}: check the settings and messages/")
    with serve_app(app) as base:
        for name, path in pages:
            print_pdf(browser, base, path, out / name)
            yield out / name
