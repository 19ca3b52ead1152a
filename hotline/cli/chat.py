"""`hotline chat`: text the line from a terminal, through the same webhook and cookie as a real phone."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import click

from hotline.cli.apps import development_app
from hotline.edges.signature import sign_like_twilio

SAMPLE_CALLER = "+13075550123"  # a fictional 555 number: chat never sends anything anywhere
TRY_OUT_LIMIT = "1000"  # texts per window: a long try-out is not a sender in a loop


@click.command()
@click.option("--lang", help="Start the conversation in this language (a code from messages/languages.toml).")
def chat(lang: str | None) -> None:
    """Text the hotline from this terminal, through the same code as real SMS."""
    app = development_app(HOTLINE_SMS_LIMIT=TRY_OUT_LIMIT)
    logging.getLogger("hotline.requests").setLevel(logging.WARNING)  # keep the chat readable
    client = app.test_client()
    if lang:
        with client.session_transaction() as session:
            session["lang"] = lang
    base = app.config["HOTLINE_PUBLIC_URL"] or "http://localhost"
    click.echo("Type a message as if you were texting the hotline (e.g. RIGHTS, DERECHOS, MORE).\n"
               "Ctrl-D or an empty line twice to leave.")
    empty_lines = 0
    while True:
        try:
            body = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        empty_lines = empty_lines + 1 if not body.strip() else 0
        if empty_lines >= 2:
            return
        params = {"From": SAMPLE_CALLER, "To": app.config["HOTLINE_NUMBER"] or "+13075550100", "Body": body}
        headers = sign_like_twilio(app.services.validator, base, "/sms", params)  # as Twilio, when the app checks
        response = client.post("/sms", data=params, headers=headers, base_url=base)
        click.echo(format_reply(response.status_code, response.get_data(as_text=True)))


def format_reply(status: int, twiml: str) -> str:
    """Show a TwiML reply as the text a phone would display."""
    if status != 200:
        return f"[HTTP {status}]"
    messages = [m.text or "" for m in ET.fromstring(twiml).iter("Message")]
    if not messages:
        return "[no reply: on a real number, Twilio itself handles STOP and confirms]"
    return "\n".join(f"hotline> {line}" for m in messages for line in m.splitlines())
