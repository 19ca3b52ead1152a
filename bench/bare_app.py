"""The upper bound for this stack: Flask under the same gunicorn, answering constant TwiML."""

from __future__ import annotations

from flask import Flask, Response

# What the hotline's smallest SMS answer looks like on the wire, without any of its work.
REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Know your rights.</Message></Response>'


def create_app() -> Flask:
    """Create the bare app: /sms, /voice and /voice/step answer one constant reply."""
    app = Flask(__name__)

    def reply() -> Response:
        return Response(REPLY, mimetype="text/xml")

    for rule in ("/sms", "/voice", "/voice/step"):
        app.add_url_rule(rule, rule, reply, methods=["POST"])
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app
