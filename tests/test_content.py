"""Loading messages/: a broken file stops the app with a message naming file and key."""

import re
import shutil

import pytest

from hotline import create_app
from hotline.core.catalog import load_catalog
from hotline.core.placeholders import fill
from hotline.core.toml_files import ContentError, default_messages_dir
from tests.conftest import LANGUAGES


@pytest.fixture
def messages(tmp_path):
    """A private copy of the shipped messages/ to break."""
    target = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), target)
    return target


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_catalog_is_complete():
    catalog = load_catalog()
    assert set(catalog.topics) == {"detainer", "287g", "rights"}
    assert set(catalog.menu.values()) == set(catalog.topics)
    for topic in catalog.topics.values():
        assert topic.sources and topic.reviewed
        for lang in LANGUAGES:
            text = topic.texts[lang]
            # The first text carries what keeps a person safe; the rest of the commentary's argument
            # and the other safety points come one MORE at a time, each paid only when asked for.
            assert text.sms and text.voice and text.web and 1 <= len(text.more) <= 5


@pytest.mark.parametrize(("file", "old", "new", "error"), [
    ("topics/rights.toml", '\n[es]\ntitle = "Sus derechos"', '\n[fr]\ntitle = "Sus derechos"',
     r"topics/rights.toml:es is missing"),
    ("topics/detainer.toml", "sms = ", "sms_text = ", r"topics/detainer.toml:en.sms is missing"),
    ("topics/287g.toml", "reviewed = 2026-12-01", 'reviewed = "recently"', r"287g.toml:reviewed must be a date"),
    ("topics/rights.toml", "Legal help: {referral}", "Legal help: {referal}", r"rights.toml:en.sms.*referal"),
    ("topics/rights.toml", "Ayuda legal: {referral}\n", "", r"rights.toml:\*.sms: placeholders differ"),
    ("hotline.toml", 'help = """', 'hlep = """', r"hotline.toml:en.help is missing"),
    ("hotline.toml", 'topic = "rights"', 'topic = "rigths"', r"unknown topic 'rigths'"),
    ("hotline.toml", "[menu]", "[menu", r"hotline.toml: not valid TOML"),
])
def test_broken_content_names_file_and_key(messages, file, old, new, error):
    edit(messages / file, old, new)
    with pytest.raises(ContentError, match=error):
        load_catalog(messages)


def test_missing_file_is_named(messages):
    (messages / "voice.toml").unlink()
    with pytest.raises(ContentError, match=r"voice.toml: file is missing"):
        load_catalog(messages)


def test_app_refuses_to_start_with_broken_content(messages, settings):
    edit(messages / "topics/rights.toml", "sms = ", "sms_text = ")
    settings["HOTLINE_MESSAGES_DIR"] = str(messages)
    with pytest.raises(ContentError, match="rights.toml"):
        create_app(settings)


def test_app_uses_edited_content(messages, settings):
    edit(messages / "topics/rights.toml", "You can stay silent.", "EDITED: stay silent.")
    settings["HOTLINE_MESSAGES_DIR"] = str(messages)
    from tests.conftest import TwilioClient

    response = TwilioClient(create_app(settings).test_client()).sms("RIGHTS")
    assert b"EDITED: stay silent." in response.data


@pytest.mark.parametrize(("template", "values", "expected"), [
    ("A\nHelp: {referral}\nB", {"referral": "Legal Aid"}, "A\nHelp: Legal Aid\nB"),
    ("A\nHelp: {referral}\nB", {"referral": ""}, "A\nB"),
    ("{org} line", {"org": ""}, ""),
])
def test_fill_drops_lines_with_unset_placeholders(template, values, expected):
    assert fill(template, values) == expected


def test_content_has_no_invented_contacts():
    # Referrals come from settings; the content itself never names a number or address.
    pattern = re.compile(r"\d{3}[-. )]+\d{3}[-. ]\d{4}|https?://|www\.|@\w")
    for path in default_messages_dir().rglob("*.toml"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
