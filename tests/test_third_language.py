"""A line adds a language by adding data: a copy of the Spanish words under another code, and no code changes."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from hotline import create_app
from hotline.core.toml_files import default_messages_dir
from tests.conftest import TwilioClient

CODE, KEY, SWITCH, MARK = "xx", "4", "XXLANG", "[xx]"  # the new language, its call key and its switch word


def toml_value(value: object) -> str:
    """Write one value as TOML (only the kinds messages/ uses)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + "}"


def dump_toml(data: dict) -> str:
    """Write a TOML document: top-level keys, each table as an inline table."""
    return "".join(f'"{key}" = {toml_value(value)}\n' for key, value in data.items())


def marked(section: object) -> object:
    """Copy a language's section, marking each text so a test can tell which language answered."""
    if isinstance(section, dict):
        return {key: marked(value) for key, value in section.items()}
    return f"{MARK} {section}" if isinstance(section, str) else section


def add_language(data: dict, source: str = "es") -> dict:
    """Give every per-language table of a messages/ file the new language, copied from Spanish."""
    data = {key: (add_language(value) if isinstance(value, dict) and key != source else value)
            for key, value in data.items()}
    if source in data:
        data[CODE] = marked(data[source]) if isinstance(data[source], dict) else data[source]
    return data


@pytest.fixture
def app(tmp_path, settings):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages)
    for path in [*messages.glob("*.toml"), *messages.glob("topics/*.toml")]:
        if path.name != "languages.toml":
            path.write_text(dump_toml(add_language(tomllib.loads(path.read_text("utf-8")))), "utf-8")
    with (messages / "languages.toml").open("a", encoding="utf-8") as file:
        file.write(f'\n[[languages]]\ncode = "{CODE}"\nname = "Test"\nswitch = ["{SWITCH}"]\nkey = "{KEY}"\n'
                   'voice = "Polly.Mia-Neural"\nspeech = "es-MX"\nmarks = []\nreadability = "spanish"\n')
    settings["HOTLINE_MESSAGES_DIR"] = str(messages)
    return create_app(settings)


def sms_text(response) -> str:
    return ET.fromstring(response.data).find("Message").text


def test_a_texter_can_switch_to_the_new_language_and_read_a_topic(app):
    twilio = TwilioClient(app.test_client())
    assert sms_text(twilio.sms(SWITCH)).startswith(MARK)  # "language set", in the new language
    rights = sms_text(twilio.sms("DERECHOS"))  # a keyword it shares with Spanish: the conversation decides
    assert rights.startswith(MARK) and rights == app.services.engine.replies.first["rights", CODE]
    assert sms_text(twilio.sms("MAS")) == app.services.engine.replies.more["rights", CODE][0]


def test_a_caller_can_choose_the_new_language_and_hear_a_topic(app):
    twilio = TwilioClient(app.test_client())
    call = {"CallSid": "CA" + "7" * 32, "From": "+13075550123", "To": "+13075550100"}
    root = ET.fromstring(twilio.post("/voice", call).data)
    offered = [say.text for say in root.iter("Say")]
    assert any(text.startswith(MARK) and KEY in text for text in offered)  # "... press 4" in the new language

    def press(root, digits):
        action = urlsplit(root.find("Gather").get("action"))
        return ET.fromstring(twilio.post(f"{action.path}?{action.query}", {**call, "Digits": digits}).data)

    menu = press(root, KEY)
    assert all(say.text.startswith(MARK) and say.get("language") == "es-MX" for say in menu.iter("Say"))
    topic = press(menu, "3")  # rights
    heard = [say.text for say in topic.iter("Say")]
    assert heard[0].startswith(MARK)  # the topic's spoken text (its first paragraph carries the mark)
    assert {(say.get("voice"), say.get("language")) for say in topic.iter("Say")} == {("Polly.Mia-Neural", "es-MX")}


def test_the_web_pages_exist_in_the_new_language(app):
    page = app.test_client().get(f"/{CODE}/rights")
    assert page.status_code == 200 and MARK.encode() in page.data
