"""`hotline serve`: run the line on this computer in development mode, and reload it when messages/ changes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click
from flask import Flask, Response
from werkzeug.serving import run_simple

from hotline.cli.apps import development_app
from hotline.cli.chat import TRY_OUT_LIMIT
from hotline.core.toml_files import default_messages_dir
from hotline.edges.settings import read_settings

FIRST_PORT, PORTS_TRIED = 5000, 10  # macOS's AirPlay receiver takes 5000


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, help="Port to listen on.  [default: the first free one from 5000]")
def serve(host: str, port: int | None) -> None:
    """Run the hotline locally in development mode (no Twilio account needed); open /try to use it."""
    reloaded = os.environ.get("WERKZEUG_RUN_MAIN") == "true"  # the server's own restart after an edit
    port = port or int(os.environ.get("HOTLINE_SERVE_PORT", 0)) or free_port(host)
    os.environ["HOTLINE_SERVE_PORT"] = str(port)  # a restart after an edit keeps the same address
    try:
        app = development_app(HOTLINE_SMS_LIMIT=TRY_OUT_LIMIT)
    except click.ClickException as error:  # an edit broke the words: say so in the browser, keep watching
        app = broken_words_app(error.message)
        click.echo(f"\nThe words in messages/ have a problem; every page shows it until it is fixed:\n"
                   f"{error.message}\n", err=True)
    base = f"http://{host}:{port}"
    if not reloaded:
        click.echo(f"\nHotline running at {base} in development mode.\n"
                   f"Try it in a browser: {base}/try  (texts and a phone call)\n"
                   f"  or: curl -s -d Body=RIGHTS {base}/sms   or, in another terminal: .venv/bin/hotline chat\n"
                   "Edit a file in messages/ and the server reloads with the new words.\n")
    # Werkzeug's server itself: Flask ignores app.run() under its own command group.
    run_simple(host, port, app, use_reloader=True, extra_files=watched_files(), reloader_type="stat", threaded=True)


def free_port(host: str) -> int:
    """Find the first port from 5000 nobody listens on, or say how to choose one."""
    for port in range(FIRST_PORT, FIRST_PORT + PORTS_TRIED):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if probe.connect_ex((host, port)) != 0:
                return port
    raise click.ClickException(f"Ports {FIRST_PORT}-{FIRST_PORT + PORTS_TRIED - 1} are all in use: "
                               "choose another with --port, e.g. hotline serve --port 8080")


def watched_files() -> list[str]:
    """List the words' files, so an edit restarts the server with them."""
    folder = Path(read_settings()["HOTLINE_MESSAGES_DIR"] or default_messages_dir())
    return [str(path) for path in sorted(folder.rglob("*.toml"))]


def broken_words_app(problem: str) -> Flask:
    """Serve the content problem on every page until messages/ is fixed (the reloader then restarts)."""
    app = Flask("hotline-broken-words")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def show_problem(path: str) -> Response:
        text = f"The words in messages/ have a problem. Fix it and save; this page then shows the line again.\n\n" \
               f"{problem}\n\nRun `.venv/bin/hotline check` for the full report.\n"
        return Response(text, status=500, mimetype="text/plain")

    return app
