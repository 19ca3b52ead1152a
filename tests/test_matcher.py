"""The keyword matcher: what people really type, mapped to topic, command and language."""

import pytest

from hotline.core.catalog import load_catalog
from hotline.core.matcher import KeywordIndex, normalise


@pytest.fixture(scope="module")
def index() -> KeywordIndex:
    return KeywordIndex(load_catalog())


TOPIC_TABLE = [
    # text, topic, language (None: the text itself does not tell)
    # "detainer" is used in Spanish too: the rest of the text (or the conversation) decides.
    ("DETAINER", "detainer", None),
    ("detainer", "detainer", None),
    (" Detainer! ", "detainer", None),
    ("detainers", "detainer", None),
    ("detainr", "detainer", None),
    ("detaner", "detainer", None),
    ("detaimer", "detainer", None),
    ("what is a detainer?", "detainer", "en"),
    ("What's an ICE detainer", "detainer", "en"),
    ("ice hold", "detainer", None),
    ("¿Qué es un detainer?", "detainer", "es"),
    ("Mi esposo tiene un detainer", "detainer", "es"),
    ("DETENCION", "detainer", "es"),
    ("detención", "detainer", "es"),
    ("Detencion?", "detainer", "es"),
    ("retencion", "detainer", "es"),
    ("RETENCIÓN", "detainer", "es"),
    ("retenciones", "detainer", "es"),
    ("detenciones", "detainer", "es"),
    ("retencíon", "detainer", "es"),
    ("retencin", "detainer", "es"),
    ("¿Qué es una retención?", "detainer", "es"),
    ("que es una detencion", "detainer", "es"),
    ("287G", "287g", None),
    ("287g", "287g", None),
    ("287(g)", "287g", None),
    ("287 g", "287g", None),
    ("287-G", "287g", None),
    ("287 (g)", "287g", None),
    ("287g.", "287g", None),
    ("what is 287(g)?", "287g", "en"),
    ("Does my county have a 287g", "287g", "en"),
    ("¿Qué es 287(g)?", "287g", "es"),
    ("que es el 287g", "287g", "es"),
    ("mi condado tiene 287 g?", "287g", "es"),
    ("RIGHTS", "rights", "en"),
    ("rights", "rights", "en"),
    (" rights!", "rights", "en"),
    ("Rights?", "rights", "en"),
    ("right", "rights", "en"),
    ("rihgts", "rights", "en"),
    ("rigths", "rights", "en"),
    ("know your rights", "rights", "en"),
    ("what are my rights", "rights", "en"),
    ("DERECHOS", "rights", "es"),
    ("Derechos?", "rights", "es"),
    ("derecho", "rights", "es"),
    ("derechoz", "rights", "es"),
    ("dereechos", "rights", "es"),
    ("mis derechos", "rights", "es"),
    ("¿Cuáles son mis derechos?", "rights", "es"),
    ("¡derechos!", "rights", "es"),
    ("1", "detainer", None),
    ("2", "287g", None),
    ("3", "rights", None),
    (" 3. ", "rights", None),
]


@pytest.mark.parametrize(("text", "topic", "lang"), TOPIC_TABLE, ids=[row[0] for row in TOPIC_TABLE])
def test_topic_keywords(index, text, topic, lang):
    match = index.match(text)
    assert (match.action, match.topic, match.lang) == ("topic", topic, lang)


COMMAND_TABLE = [
    ("MORE", "more", "en"),
    ("more", "more", "en"),
    ("tell me more", "more", "en"),
    ("MAS", "more", "es"),
    ("más", "more", "es"),
    ("MÁS", "more", "es"),
    ("MENU", "menu", None),
    ("menú", "menu", None),
    ("HELP", "help", "en"),
    ("help!", "help", "en"),
    ("AYUDA", "help", "es"),
    ("ayuda por favor", "help", "es"),
    ("INFO", "help", None),
    ("hola", "greeting", "es"),
    ("Hi", "greeting", "en"),
    ("hello", "greeting", "en"),
    ("Buenos días", "greeting", "es"),
    ("STOP", "stop", None),
    ("stop", "stop", None),
    ("Unsubscribe", "stop", None),
    ("STOPALL", "stop", None),
    ("cancel", "stop", None),
    ("QUIT", "stop", None),
    ("ALTO", "optout_note", "es"),
    ("parar", "optout_note", "es"),
    ("BAJA", "optout_note", "es"),
    ("cancelar", "optout_note", "es"),
]


@pytest.mark.parametrize(("text", "action", "lang"), COMMAND_TABLE, ids=[row[0] for row in COMMAND_TABLE])
def test_commands(index, text, action, lang):
    match = index.match(text)
    assert (match.action, match.lang) == (action, lang)


# The words that switch language come from messages/languages.toml: each says which language it switches to.
@pytest.mark.parametrize(("text", "switch_to"), [
    ("ESPAÑOL", "es"), ("espanol", "es"), ("Spanish", "es"), ("english", "en"), ("INGLES", "en"), ("inglés", "en"),
])
def test_language_switch_words(index, text, switch_to):
    match = index.match(text)
    assert (match.action, match.switch_to) == ("language", switch_to)


@pytest.mark.parametrize("text", [
    "", "   ", "?!", "xyz", "asdfgh", "pizza", "\u200b", "🙂",
    "stop sending me detainer and rights info please now ok thanks bye",  # long: not searched
    "detainer or rights",  # two topics: ask which one
])
def test_unknown_or_empty(index, text):
    assert index.match(text).action in ("unknown", "empty")


@pytest.mark.parametrize("text", ["I want to stop", "please stop that", "stop detainer"])
def test_stop_only_as_the_whole_message(index, text):
    # Twilio opts a number out only when STOP is the whole message; so do we.
    assert index.match(text).action != "stop"


@pytest.mark.parametrize(("raw", "normalised"), [
    ("287(g)", "287g"), ("287 (G)", "287g"), ("287-g!", "287g"), ("Detención", "detencion"),
    ("ESPAÑOL", "espanol"), ("  ¿Qué   es?  ", "que es"), ("a b\u200b", "a b"), ("ﬁ", "fi"),
    ("DERE\u200bCHOS", "derechos"), ("deten\u00adcion", "detencion"), ("\u202eRIGHTS\u202c", "rights"),
])
def test_normalise(raw, normalised):
    assert normalise(raw) == normalised


def test_no_keyword_collides_after_normalisation(index):
    # KeywordIndex raises on a collision when it is built; prove it really would.
    catalog = load_catalog()
    words = {}
    for topic in catalog.topics.values():
        for lang_words in topic.keywords.values():
            for word in lang_words:
                words.setdefault(normalise(word), set()).add(("topic", topic.id))
    for action, by_lang in catalog.commands.items():
        for lang_words in by_lang.values():
            for word in lang_words:
                words.setdefault(normalise(word), set()).add((action, None))
    assert {w: m for w, m in words.items() if len(m) > 1} == {}
    assert index.meanings  # built without raising


def test_collision_is_refused(tmp_path):
    import shutil

    from hotline.core.catalog import ContentError

    shutil.copytree(load_catalog.__globals__["default_messages_dir"](), tmp_path / "m")
    path = tmp_path / "m" / "topics" / "rights.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('en = ["RIGHTS"', 'en = ["Détainer", "RIGHTS"'),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="collides"):
        KeywordIndex(load_catalog(tmp_path / "m"))
