"""/try: text and call the line from a browser in development, through the real webhooks; edits show up live."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hotline import create_app
from hotline.core.toml_files import default_messages_dir
from hotline.edges.printing import serve_app
from tests.browser import axe_source, launch_browser
from tests.conftest import TEST_SETTINGS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The line in development mode, with a token set so every webhook request is really signed."""
    settings = {**TEST_SETTINGS, "HOTLINE_ENV": "development",
                "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('try') / 'hotline.db'}"}
    app = create_app(settings)
    with serve_app(app) as base:
        yield app, base


@pytest.fixture
def page(server):
    with launch_browser() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(server[1] + "/try")
        yield page
        context.close()


def text(page, message: str) -> str:
    """Send one text from the page and return what came back."""
    before = page.locator("#thread .received").count()
    page.fill("#body", message)
    page.click("#sms-form button")
    page.locator("#thread .received").nth(before).wait_for()
    return page.locator("#thread .received").last.inner_text()


def test_a_conversation_in_both_languages_gets_the_real_answers(page, server):
    replies = server[0].services.engine.replies
    assert text(page, "RIGHTS") == replies.first["rights", "en"]
    assert text(page, "MORE") == replies.more["rights", "en"][0]
    assert text(page, "DERECHOS") == replies.first["rights", "es"]
    assert text(page, "MAS") == replies.more["rights", "es"][0]
    page.click("#sms-new")  # a new phone: nothing remembered
    page.locator("#thread li").first.wait_for(state="detached")
    assert text(page, "MORE") == replies.texts["en"]["menu"]  # no topic remembered: the menu, not a follow-up
    assert page.errors == []


def test_a_call_walked_by_keys_and_by_speech_reaches_a_topic_and_comes_back(page, server):
    script = server[0].services.script

    def heard_after(action) -> list[str]:
        before = page.locator("#heard .said").count()
        action()
        page.locator("#heard .said").nth(before).wait_for()
        return [item.inner_text().removesuffix("Play").strip() for item in page.locator("#heard .said").all()[before:]]

    assert heard_after(lambda: page.click("#call-start"))[:2] == [" ".join(script.lines[lang, "choose_language"])
                                                                   for lang in ("en", "es")]
    assert " ".join(script.lines["es", "welcome"]) in heard_after(lambda: page.click("#keypad [data-key='2']"))

    def say(words: str) -> None:
        page.fill("#speech", words)
        page.click("#say-form button")

    spoken = heard_after(lambda: say("mis derechos"))
    assert spoken[0] == script.lines["es", "topic:rights"][0]
    assert script.lines["es", "topic_menu"][0] in heard_after(lambda: page.click("#keypad [data-key='2']"))
    assert page.locator("#keypad [data-key='1']").is_enabled()  # the call goes on: never a dead end
    page.evaluate(axe_source())
    violations = page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
    assert violations == [] and page.errors == []


def test_try_is_not_there_in_production(client):
    assert client.get("/try").status_code == 404
    assert client.post("/try/sms", data={"Body": "RIGHTS"}).status_code == 404


def test_an_edit_to_messages_is_served_without_a_restart(tmp_path):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HOTLINE_MESSAGES_DIR": str(messages), "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
           "HOTLINE_ENV": "development", "TWILIO_AUTH_TOKEN": "", "HOTLINE_PUBLIC_URL": ""}
    hotline = Path(sys.executable).parent / "hotline"
    server = subprocess.Popen([str(hotline), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert "stay silent" in wait_for_reply(port, lambda reply: "stay silent" in reply)
        rights = messages / "topics" / "rights.toml"
        rights.write_text(rights.read_text("utf-8").replace("Don't run.", "EDITED: don't run.", 1), "utf-8")
        assert "EDITED" in wait_for_reply(port, lambda reply: "EDITED" in reply)
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_reply(port: int, done, seconds: float = 30) -> str:
    """Text RIGHTS to the dev server until the reply passes `done` (it reloads after an edit)."""
    deadline, reply = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/sms", data=b"Body=RIGHTS")
            reply = urllib.request.urlopen(request, timeout=5).read().decode()
            if done(reply):
                return reply
        except OSError:
            pass  # starting, or restarting after the edit
        time.sleep(0.3)
    return reply


def test_asking_for_a_person_in_try_plays_nobody_answering_and_goes_back_to_the_menu(tmp_path):
    # /try has no volunteer phones: a <Dial> would be a dead end, so it plays Twilio's "no-answer" outcome.
    settings = {**TEST_SETTINGS, "HOTLINE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
                "HOTLINE_VOLUNTEER_NUMBERS": "+13075550112", "HOTLINE_VOLUNTEER_HOURS": "Mon-Sun 00:00-24:00"}
    client = create_app(settings).test_client()
    first = client.post("/try/call", data={"path": "/voice"}).get_json()
    menu = client.post("/try/call", data={"path": first["next"], "Digits": "1"}).get_json()
    person = client.post("/try/call", data={"path": menu["next"], "Digits": "0"}).get_json()
    notes = [say for say in person["says"] if say.get("note")]
    assert len(notes) == 1 and "1 volunteer" in notes[0]["text"]
    assert person["says"][-1] != notes[0] and not person["hangup"]  # the caller hears what follows
    assert person["next"] and "s=menu" in person["next"]  # and is back at the menu
