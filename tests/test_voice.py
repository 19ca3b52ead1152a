"""The voice menu, walked as Twilio would: every key and every phrase, in both languages."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest

from hotline import create_app
from hotline.core import call_flow as phonetree
from hotline.core.placeholders import fill, placeholder_values
from hotline.core.toml_files import ContentError, default_messages_dir
from hotline.edges.settings import SettingsError
from hotline.edges.storage import stats
from hotline.services import get_engine
from tests.conftest import CALLER, HOTLINE_NUMBER, PUBLIC_URL, TEST_SETTINGS, TwilioClient, sign
from tests.fakes import FakeTwilioHttp

CALL = {"CallSid": "CA" + "0" * 32, "AccountSid": TEST_SETTINGS["TWILIO_ACCOUNT_SID"],
        "From": CALLER, "To": HOTLINE_NUMBER, "CallStatus": "in-progress", "Direction": "inbound"}
KEYS = list("0123456789*#")
NONSENSE = "purple elephant on a bicycle"
SPANISH = {"es-US", "es-MX"}


def parse(response) -> ET.Element:
    """Check a webhook answer is TwiML Twilio accepts, keeps no cookie and never the number."""
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert "Set-Cookie" not in response.headers  # the call's state lives in the action URL
    assert CALLER.lstrip("+") not in response.get_data(as_text=True)
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def path_of(url: str) -> str:
    assert url.startswith(PUBLIC_URL + "/voice/step?")
    url.encode("ascii")  # plain ASCII, so the signature Twilio computes matches ours
    return url.removeprefix(PUBLIC_URL)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def says(root: ET.Element) -> list[ET.Element]:
    return list(root.iter("Say"))


def prompt(app, lang: str, name: str) -> str:
    """The words of a voice.toml prompt, as the caller hears them (keys and settings filled in)."""
    return " ".join(app.services.script.lines[lang, name])


def check_structure(root: ET.Element, lang: str | None, app) -> None:
    """Check one answer: Gather with action and fallback, or Hangup; voices and languages."""
    children = list(root)
    gathers = root.findall("Gather")
    if gathers:
        assert len(gathers) == 1 and root.find("Hangup") is None
        gather = gathers[0]
        assert children[-2] is gather and children[-1].tag == "Redirect"  # the fallback
        assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
        assert gather.get("hints") and int(gather.get("timeout")) > 0 and gather.get("language")
        path_of(gather.get("action"))
        path_of(children[-1].text)
        assert query_of(children[-1].text) == {**query_of(gather.get("action")), "x": "1"}
        assert len(says(gather)) >= 1  # the menu is said inside, so callers can barge in
    else:
        assert children and children[-1].tag == "Hangup"  # never silence, never a dead end
    voices = {speech: voice for voice, speech in app.services.script.voices.values()}  # language -> its voice
    for say in says(root):
        assert say.text and voices.get(say.get("language")) == say.get("voice")
    languages = {e.get("language") for e in [*says(root), *gathers]}
    if lang == "en":
        assert languages == {"en-US"}
    elif lang == "es":
        assert languages <= SPANISH and languages
    else:  # the language choice and its re-prompts speak both languages
        assert "en-US" in languages and languages & SPANISH


def all_phrases(app) -> list[str]:
    with app.app_context():
        voice = get_engine().catalog.voice
    return sorted({p for lang in voice for name in ("say_language", "say_topics", "say_after_topic")
                   for p in (voice[lang][name] if isinstance(voice[lang][name], list)
                             else [p for ps in voice[lang][name].values() for p in ps])})


def walk(twilio, app) -> list[tuple[dict, str, ET.Element]]:
    """Follow every key, every phrase and every silence from POST /voice; return each answer."""
    phrases = all_phrases(app)
    start = parse(twilio.post("/voice", CALL))
    answers, queue, seen = [({}, "start", start)], deque([start]), set()
    while queue:
        root = queue.popleft()
        gather, fallback = root.find("Gather"), root.find("Redirect")
        if gather is None:
            continue
        state = {k: v for k, v in query_of(gather.get("action")).items() if k != "sent"}
        if tuple(sorted(state.items())) in seen:
            continue
        seen.add(tuple(sorted(state.items())))
        inputs = [(path_of(fallback.text), {}, "silence")]
        inputs += [(path_of(gather.get("action")), {"Digits": key}, "dtmf") for key in KEYS]
        inputs += [(path_of(gather.get("action")), {"SpeechResult": p, "Confidence": "0.9"},
                    "speech") for p in [*phrases, NONSENSE]]
        for path, params, how in inputs:
            answer = parse(twilio.post(path, {**CALL, **params}))
            answers.append((query_of(path), how, answer))
            queue.append(answer)
    return answers


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory):
    """One app for the whole walk, with a fake Twilio, so the walk runs once per module."""
    db = tmp_path_factory.mktemp("walk") / "hotline.db"
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{db}", "HOTLINE_STATE": "WY"})
    app.services.twilio_http = FakeTwilioHttp()
    with app.app_context():  # with ICE's list loaded, the walk reaches "say a county" too
        from hotline.core.agreements import read_spreadsheet
        from hotline.edges.storage.agreement_lists import store_list
        from tests.test_agreements import AS_OF, SAMPLE

        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))
    return app


@pytest.fixture(scope="module")
def walked(walk_app):
    return walk(TwilioClient(walk_app.test_client()), walk_app)


def test_every_answer_is_well_formed_and_speaks_its_language(walked, walk_app):
    spoken = {"en": set(), "es": set()}
    for request_query, _, root in walked:
        gather = root.find("Gather")
        lang = query_of(gather.get("action")).get("l") if gather is not None else None
        check_structure(root, lang or request_query.get("l"), walk_app)
        for say in says(root):
            spoken[say.get("language")[:2]].add(say.text)
    assert spoken["en"] and spoken["es"] and not spoken["en"] & spoken["es"]


def test_the_walk_reaches_every_step_and_both_endings(walked):
    steps = {(query_of(r.find("Gather").get("action")).get("s"),
              query_of(r.find("Gather").get("action")).get("l"))
             for _, _, r in walked if r.find("Gather") is not None}
    assert steps == {("language", None), *((s, lang) for s in ("menu", "after", "county")
                                           for lang in ("en", "es"))}
    endings = {r[-1].tag for _, _, r in walked}
    assert endings == {"Redirect", "Hangup"}


def test_each_topic_script_is_reachable_by_key_and_by_voice_in_both_languages(walked, walk_app):
    app = walk_app
    with app.app_context():
        catalog = get_engine().catalog
    reached = set()
    for _, how, root in walked:
        heard = {(s.get("language")[:2], s.text) for s in says(root)}
        for topic in catalog.topics.values():
            for lang in ("en", "es"):
                script = fill(topic.texts[lang].voice, placeholder_values(app.config))
                paragraphs = [" ".join(p.split()) for p in script.split("\n\n") if p.strip()]
                if all((lang, p) in heard for p in paragraphs):
                    assert len(root.findall("Pause")) >= len(paragraphs) - 1
                    reached.add((topic.id, lang, how))
    assert reached >= {(t, lang, how) for t in catalog.topics for lang in ("en", "es")
                       for how in ("dtmf", "speech")}


def test_the_greeting_offers_english_then_spanish_inside_one_gather(twilio, app):
    root = parse(twilio.post("/voice", CALL))
    check_structure(root, None, app)
    gather = root.find("Gather")
    assert [s.get("language") for s in says(root)] == ["en-US", "es-US"] == [
        s.get("language") for s in says(gather)]
    assert [s.text for s in says(gather)] == [prompt(app, lang, "choose_language")
                                              for lang in ("en", "es")]


def test_each_step_is_counted_without_the_caller(twilio, app, fake_twilio):
    root = parse(twilio.post("/voice", CALL))
    for params in ({"Digits": "2"}, {"SpeechResult": "mis derechos"}, {"Digits": "9"},
                   {"Digits": "5"}, {"Digits": "0"}):
        root = parse(twilio.post(path_of(root.find("Gather").get("action")), {**CALL, **params}))
    assert root.find("Hangup") is not None
    with app.app_context():
        outcomes = {s.name: sum(s.counts) for s in stats.read_report().pick("outcome", "voice")}
        topics = {s.name for s in stats.read_report().pick("topic", "voice")}
    assert outcomes == {"call_started": 1, "menu": 1, "answered": 1, "text_sent": 1,
                        "not_understood": 1, "ended": 1}
    assert "rights" in topics


STARTS = [("/voice/step?s=language", None), ("/voice/step?s=menu&l=en", "en"),
          ("/voice/step?s=menu&l=es", "es"), ("/voice/step?s=after&l=en&t=rights", "en"),
          ("/voice/step?s=after&l=es&t=287g", "es")]


@pytest.mark.parametrize(("path", "lang"), STARTS)
@pytest.mark.parametrize(("mistake", "prompt_name"), [
    ({}, "no_input"), ({"Digits": "*"}, "wrong_key"), ({"Digits": "7"}, "wrong_key"),
    ({"SpeechResult": NONSENSE}, "wrong_key"), ({"SpeechResult": ""}, "no_input")])
@pytest.mark.parametrize("referral", [TEST_SETTINGS["HOTLINE_REFERRAL"], ""])
def test_silence_and_wrong_keys_end_the_call_on_the_third_try(
        settings, tmp_path, path, lang, mistake, prompt_name, referral):
    # Production refuses to start without a referral; development (signatures still checked) may lack one.
    settings.update(HOTLINE_REFERRAL=referral, DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}",
                    HOTLINE_ENV="production" if referral else "development")
    app = create_app(settings)
    twilio = TwilioClient(app.test_client())
    expected = {prompt(app, lang or "en", prompt_name), prompt(app, lang or "es", prompt_name)}
    for attempt in (1, 2, 3):
        if not mistake:  # silence arrives through the fallback <Redirect>
            path = path + "&x=1" if "x=1" not in path else path
        root = parse(twilio.post(path, {**CALL, **mistake}))
        check_structure(root, lang, app)
        heard = [s.text for s in says(root)]
        assert heard[0] in expected
        if attempt < 3:
            assert root.find("Gather") is not None
            path = path_of(root.find("Gather").get("action"))
    assert root.find("Hangup") is not None
    assert prompt(app, lang or "en", "goodbye") in heard
    said = any(TEST_SETTINGS["HOTLINE_REFERRAL"] in text for text in heard)
    assert said == bool(referral)  # the referral when set; never an empty sentence


@pytest.mark.parametrize(("default", "params", "topic", "lang"), [
    ("en", {"Digits": "3"}, "rights", "en"),
    ("es", {"Digits": "3"}, "rights", "es"),
    ("en", {"SpeechResult": "quiero saber mis derechos"}, "rights", "es"),
    ("es", {"SpeechResult": "what are my rights"}, "rights", "en"),
    ("es", {"SpeechResult": "287 G"}, "287g", "es"),
    ("en", {"SpeechResult": "287 G"}, "287g", "en"),
])
def test_a_topic_chosen_at_the_language_prompt_plays_at_once(settings, default, params, topic, lang):
    settings["HOTLINE_DEFAULT_LANGUAGE"] = default
    app = create_app(settings)
    root = parse(TwilioClient(app.test_client()).post("/voice/step?s=language", {**CALL, **params}))
    assert query_of(root.find("Gather").get("action")) == {"s": "after", "l": lang, "t": topic}
    check_structure(root, lang, app)


@pytest.mark.parametrize(("path", "signature"), [
    ("/voice", "forged"),
    ("/voice", ""),
    ("/voice/step?s=menu&l=es", sign(PUBLIC_URL + "/voice/step?s=menu&l=en", CALL)),
    ("/voice/step?s=after&l=en&t=rights", sign(PUBLIC_URL + "/voice/step", CALL)),
    ("/voice/step?s=language", sign(PUBLIC_URL + "/voice/step?s=language", {**CALL, "Digits": "2"})),
])
def test_a_forged_or_altered_request_is_refused(client, path, signature):
    response = client.post(path, data={**CALL, "Digits": "1"},
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


@pytest.mark.parametrize(("lang_es", "voice_es"), [("es-MX", "Polly.Mia-Neural"),
                                                   ("es-US", "Polly.Pedro-Neural"),
                                                   ("es-US", "Google.es-US-Neural2-A")])
def test_spanish_speaks_the_configured_language_and_voice(settings, lang_es, voice_es):
    settings.update(HOTLINE_VOICE_LANGUAGE_ES=lang_es, HOTLINE_VOICE_ES=voice_es)
    app = create_app(settings)
    root = parse(TwilioClient(app.test_client()).post("/voice/step?s=language",
                                                      {**CALL, "Digits": "2"}))
    check_structure(root, "es", app)
    assert {s.get("language") for s in says(root)} == {lang_es}
    assert root.find("Gather").get("language") == lang_es


@pytest.mark.parametrize("change", [
    {"HOTLINE_VOICE_EN": "Polly.Lupe-Neural"},
    {"HOTLINE_VOICE_ES": "Polly.Joanna-Neural"},
    {"HOTLINE_VOICE_LANGUAGE_ES": "es-MX"},  # the default Lupe speaks es-US, not es-MX
    {"HOTLINE_VOICE_LANGUAGE_ES": "es-ES"},
    {"HOTLINE_VOICE_ES": "Google.en-US-Neural2-A"},
    {"HOTLINE_VOICE_EN": "alice"},
])
def test_a_voice_that_cannot_speak_its_language_stops_the_app(settings, change):
    settings.update(change)
    with pytest.raises(SettingsError, match="HOTLINE_VOICE"):
        create_app(settings)


@pytest.mark.parametrize(("speech", "expected"), [
    ("I want to know my rights please", "rights"),
    ("RIGHTS", "rights"),
    ("Derechos.", None),
    ("what is a 287 (g)", "287g"),
    ("rights and detainers", None),  # two topics: ask again rather than guess
    ("copyrights", None),  # whole words only
    ("", None),
])
def test_match_phrase_finds_one_option_inside_an_utterance(speech, expected):
    options = {"rights": ("rights", "my rights"), "287g": ("287g",), "detainer": ("detainers",)}
    assert phonetree.match_phrase(speech, options) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"s": "after", "l": "es", "t": "rights", "n": "2", "sent": "rights,287g"},
     phonetree.Call("after", "es", "rights", 2, ("rights", "287g"))),
    ({"s": "after", "l": "en"}, phonetree.Call("menu", "en")),  # no topic: back to the menu
    ({"s": "menu"}, phonetree.Call()),  # no language: ask for one
    ({"s": "menu", "l": "fr", "n": "9"}, phonetree.Call()),
    ({"s": "nowhere", "l": "en", "t": "../etc", "sent": "x,rights,rights", "n": "-1"},
     phonetree.Call("language", "en", None, 0, ("rights",))),
])
def test_read_call_accepts_only_known_values(app, query, expected):
    tree = app.services.script.tree
    call = phonetree.read_call(query, tree)
    assert call == expected
    assert phonetree.read_call(dict(parse_qsl(phonetree.write_call(call))), tree) == call


@pytest.mark.parametrize(("old", "new", "where"), [
    ('rights = ["derechos", "mis derechos", "guardar silencio"]', "", "es.say_topics"),
    ('rights = "your rights"', "", "en.topic_names.rights"),
    ('again = ["again", "repeat"', 'again = ["menu", "repeat"', "en.say_after_topic"),
    ('text_limit = "Sorry', 'text_limits = "Sorry', "en.text_limit"),
    ('say_language = ["español", "Spanish"]', 'say_language = "español"', "es"),
])
def test_a_gap_in_voice_toml_stops_the_app_naming_the_key(settings, tmp_path, old, new, where):
    messages = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), messages)
    voice = messages / "voice.toml"
    assert old in voice.read_text(encoding="utf-8")
    voice.write_text(voice.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    settings["HOTLINE_MESSAGES_DIR"] = str(messages)
    with pytest.raises(ContentError, match=f"voice.toml:{where}"):
        create_app(settings)
