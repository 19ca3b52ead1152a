"""On a call, after the 287(g) topic: say a county and hear whether it is on ICE's list."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from hotline.core.agreements import read_spreadsheet
from hotline.edges.storage.agreement_lists import store_list
from hotline.services import get_engine
from tests.conftest import CALLER, HOTLINE_NUMBER, PUBLIC_URL, TwilioClient
from tests.test_agreements import AS_OF, SAMPLE

CALL = {"CallSid": "CA" + "1" * 32, "From": CALLER, "To": HOTLINE_NUMBER, "CallStatus": "in-progress"}


class Caller:
    """Follow a call as Twilio would: post each input to the last <Gather>'s action."""

    def __init__(self, app):
        self.twilio, self.root = TwilioClient(app.test_client()), None

    def post(self, path: str, **params: str) -> ET.Element:
        response = self.twilio.post(path, {**CALL, **params})
        assert response.status_code == 200
        self.root = ET.fromstring(response.data)
        return self.root

    def answer(self, **params: str) -> ET.Element:
        action = self.root.find("Gather").get("action")
        return self.post(action.removeprefix(PUBLIC_URL), **params)

    def heard(self) -> str:
        return " ".join(say.text for say in self.root.iter("Say"))


@pytest.fixture
def app(settings, tmp_path, monkeypatch):
    from hotline import create_app

    settings.update(DATABASE_URL=f"sqlite:///{tmp_path / 'hotline.db'}", HOTLINE_STATE="WY")
    monkeypatch.setattr("hotline.edges.storage.agreement_lists.today", lambda: AS_OF + dt.timedelta(days=5))
    return create_app(settings)


def load_sample(app) -> None:
    with app.app_context():
        store_list("participating", AS_OF, SAMPLE.name, read_spreadsheet(SAMPLE))


def reach_county_question(caller: Caller, language_key: str) -> None:
    caller.post("/voice")
    caller.answer(Digits=language_key)
    caller.answer(Digits="2")  # the 287(g) topic
    caller.answer(Digits="3")  # "to hear if a county is on ICE's list, press 3"
    assert urlsplit(caller.root.find("Gather").get("action")).query.startswith("s=county")


@pytest.mark.parametrize(("key", "speech", "expected"), [
    ("1", "Laramie", ["Laramie County, Wyoming", "July 18, 2025", "jail model", "task force model",
                      "warrant service model", "May 20, 2025"]),
    ("1", "laramie county", ["Laramie County"]),
    ("2", "condado de Natrona", ["El condado de Natrona", "18 de julio de 2025", "grupo de trabajo"]),
])
def test_a_listed_county_is_read_with_models_and_the_list_date(app, key, speech, expected):
    load_sample(app)
    caller = Caller(app)
    reach_county_question(caller, key)
    caller.answer(SpeechResult=speech, Confidence="0.8")
    heard = caller.heard()
    for words in expected:
        assert words in heard
    gather = caller.root.find("Gather")
    assert gather is not None and urlsplit(gather.get("action")).query.startswith("s=after")  # back to the options
    assert {say.get("language") for say in caller.root.iter("Say")} == ({"en-US"} if key == "1" else {"es-US"})


def test_a_county_not_on_the_list_is_never_a_flat_no(app):
    load_sample(app)
    caller = Caller(app)
    reach_county_question(caller, "1")
    caller.answer(SpeechResult="Teton")
    assert ("No agency in Teton County, Wyoming, is on ICE's two eighty-seven g list dated July 18, 2025"
            in caller.heard())


def test_without_a_loaded_list_the_county_question_is_not_offered(app):
    caller = Caller(app)
    caller.post("/voice")
    caller.answer(Digits="1")
    caller.answer(Digits="2")  # the 287(g) topic
    with app.app_context():
        voice = get_engine().catalog.voice["en"]
    offer = " ".join(app.services.script.lines["en", "after:county"])  # "... press 3", as spoken
    assert offer not in caller.heard()
    caller.answer(Digits="3")
    assert voice["wrong_key"] in caller.heard()
    assert urlsplit(caller.root.find("Gather").get("action")).query.startswith("s=after")


def test_a_county_the_list_cannot_answer_is_said_so(app, monkeypatch):
    load_sample(app)
    monkeypatch.setattr("hotline.channels.voice.answer_spoken_county", lambda speech, lang: None)
    caller = Caller(app)
    reach_county_question(caller, "1")
    caller.answer(SpeechResult="mumble")
    with app.app_context():
        assert get_engine().catalog.voice["en"]["county_unavailable"] in caller.heard()
    assert caller.root.find("Gather") is not None


def test_the_county_question_hints_the_states_counties(app):
    load_sample(app)
    caller = Caller(app)
    reach_county_question(caller, "1")
    hints = caller.root.find("Gather").get("hints")
    assert "Laramie" in hints and "Sweetwater" in hints and "Hot Springs" in hints


def test_keys_still_work_at_the_county_question(app):
    load_sample(app)
    caller = Caller(app)
    reach_county_question(caller, "1")
    caller.answer(Digits="0")
    assert caller.root.find("Hangup") is not None


def test_only_the_287g_topic_offers_the_county_question(app):
    caller = Caller(app)
    caller.post("/voice")
    caller.answer(Digits="1")
    caller.answer(Digits="3")  # rights
    offer = " ".join(app.services.script.lines["en", "after:county"])  # "... press 3", as spoken
    assert offer not in caller.heard()
    caller.answer(Digits="3")
    assert urlsplit(caller.root.find("Gather").get("action")).query.startswith("s=after")  # a wrong key here


def test_an_unknown_county_name_is_said_so(app):
    load_sample(app)
    caller = Caller(app)
    reach_county_question(caller, "2")
    caller.answer(SpeechResult="purple elephant")
    assert "no encontré ese condado en Wyoming" in caller.heard()
