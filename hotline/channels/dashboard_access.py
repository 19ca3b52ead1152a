"""Who may see the dashboard: the organisers' password, over https only, with wrong guesses slowed down."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable

from flask import Response, abort, current_app, redirect, request

from hotline.edges.settings import is_development
from hotline.edges.storage.limits import count_use

log = logging.getLogger(__name__)
WRONG_GUESSES, GUESS_WINDOW_SECONDS = 10, 15 * 60  # per client: ten wrong passwords in 15 minutes, then wait
HSTS = "max-age=31536000"  # browsers then never ask for the dashboard over plain http


def require_password(view: Callable) -> Callable:
    """Let in only organisers with HOTLINE_ADMIN_PASSWORD (any user name); 404 when it is unset."""

    @functools.wraps(view)
    def checked_view(*args, **kwargs):
        password = str(current_app.config["HOTLINE_ADMIN_PASSWORD"])
        if not password:
            abort(404)
        if not is_development(current_app.config) and request.headers.get("X-Forwarded-Proto", "https") == "http":
            return redirect(request.url.replace("http://", "https://", 1), code=301)  # never a password in clear
        given = (request.authorization.password or "") if request.authorization else ""
        # Compare digests: equal lengths, constant time, whatever was typed.
        if hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(password.encode()).digest()):
            return view(*args, **kwargs)
        return refuse(bool(given))

    return checked_view


def refuse(guessed: bool) -> Response:
    """Ask for the password; count a wrong one against this client, and past the limit, make it wait."""
    if guessed:
        # The client as Heroku's router saw it (the last address it added), kept only as a keyed hash.
        count = count_use("dashboard_guess", (request.access_route or [""])[-1], GUESS_WINDOW_SECONDS)
        log.warning("Wrong dashboard password (%s from this client in 15 minutes)", count or "?")
        if count and count > WRONG_GUESSES:
            return Response("Too many wrong passwords. Wait 15 minutes, then try again.\n", 429,
                            mimetype="text/plain", headers={"Retry-After": str(GUESS_WINDOW_SECONDS)})
    return Response("The statistics need the organisers' password.\n", 401, mimetype="text/plain",
                    headers={"WWW-Authenticate": 'Basic realm="hotline statistics", charset="UTF-8"'})


def protect(response: Response) -> Response:
    """Keep statistics out of caches, out of frames, off plain http, and free of anything from elsewhere."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; " \
                                                  "frame-ancestors 'none'"
    response.headers["X-Frame-Options"] = "DENY"
    if not is_development(current_app.config):
        response.headers["Strict-Transport-Security"] = HSTS
    return response
