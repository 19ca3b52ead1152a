"""Shared fixtures: an app with real signature checks, and a client that signs like Twilio."""

from __future__ import annotations

from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from hotline import create_app
from hotline.core.languages import load_languages
from hotline.core.toml_files import default_messages_dir

# The shipped line's languages (messages/languages.toml), for tests that walk each of them.
LANGUAGES = load_languages(default_messages_dir()).codes
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_URL = "https://hotline.example.org"
CALLER = "+13075550123"
HOTLINE_NUMBER = "+13075550100"

TEST_SETTINGS = {
    "HOTLINE_ENV": "production",
    "TESTING": True,
    "HOTLINE_SECRET_KEY": "test-secret-key-0123456789abcdef",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "HOTLINE_PUBLIC_URL": PUBLIC_URL,
    "HOTLINE_NUMBER": HOTLINE_NUMBER,
    "HOTLINE_ORG_NAME": "Example Rights Project",
    "HOTLINE_REFERRAL": "Example Legal Aid, (307) 555-0199",
    "HOTLINE_STATS_FLUSH_SECONDS": "0",  # tests read the counters right after counting
    "HOTLINE_FLYER_CODES": "A7,B12,C3",  # the flyers this test line "printed"
}


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Compute X-Twilio-Signature exactly as Twilio does."""
    return RequestValidator(token).compute_signature(url, params)


class TwilioClient:
    """Post form data to the app the way Twilio does: signed, and keeping cookies."""

    def __init__(self, client, public_url: str = PUBLIC_URL, token: str = AUTH_TOKEN):
        self.client, self.public_url, self.token = client, public_url, token

    def post(self, path: str, params: dict[str, str], **kwargs):
        """POST params to path (which may carry a query string) with a valid signature."""
        headers = {"X-Twilio-Signature": sign(self.public_url + path, params, self.token)}
        return self.client.post(path, data=params, headers=headers, **kwargs)

    def sms(self, body: str, sender: str = CALLER, **extra: str):
        """Deliver one incoming text as Twilio would."""
        params = {"MessageSid": "SM" + "1" * 32, "AccountSid": TEST_SETTINGS["TWILIO_ACCOUNT_SID"],
                  "From": sender, "To": HOTLINE_NUMBER, "Body": body, "NumMedia": "0", **extra}
        return self.post("/sms", params)


@pytest.fixture
def settings(tmp_path) -> dict:
    """Settings for one test (with a private SQLite file); tests may change them before asking for `app`."""
    return {**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}"}


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def twilio(client) -> TwilioClient:
    return TwilioClient(client)


@pytest.fixture
def fake_twilio(app):
    """Replace Twilio's HTTP client with a fake that collects what would have been sent."""
    from tests.fakes import FakeTwilioHttp

    fake = FakeTwilioHttp()
    app.services.twilio_http = fake
    return fake


# -- ICE's 287(g) list: the real sample spreadsheet and the county answers' words, read once per module


SAMPLE_LIST = Path(__file__).parent.parent / "data" / "ice-287g-participating-agencies-2025-07-18.xlsx"


@pytest.fixture(scope="module")
def rows():
    """The agreements of ICE's sample list (2025-07-18), as the app reads them."""
    from hotline.core.agreements import read_spreadsheet

    return read_spreadsheet(SAMPLE_LIST)


@pytest.fixture(scope="module")
def county_words():
    """The words of messages/agreements.toml, as the county answers use them."""
    from hotline.core.county_answers import load_county_words

    return load_county_words(default_messages_dir())


# -- storage: each storage test runs on SQLite, then on a real PostgreSQL server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Give the URL of an empty database: a SQLite file, then the server scripts/test started."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotline.db'}"
    return empty_postgres_url("test PostgreSQL")


def empty_postgres_url(what: str) -> str:
    """Give the test server's URL with the hotline's tables dropped; CI fails without one, elsewhere it skips."""
    import os

    url = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "")
    if not url:
        why = ("HOTLINE_TEST_POSTGRES_URL is not set (scripts/test sets it; "
               "or source scripts/test-setup.d/10-postgres.sh)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must {what}, but {why}")
        pytest.skip(f"PostgreSQL not tested: {why}")
    drop_tables(url)
    return url


def drop_tables(url: str) -> None:
    """Empty the test database of the hotline's tables."""
    from sqlalchemy import create_engine, pool

    from hotline.edges.storage import database as db

    engine = create_engine(db.normalise_url(url), poolclass=pool.NullPool)
    db.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def db_app(settings, database_url):
    """The app on `database_url`, its connections closed after the test."""
    settings["DATABASE_URL"] = database_url
    app = create_app(settings)
    yield app
    app.services.storage.engine.dispose()


# -- hypothesis: property tests stay bounded and fast (tests/test_hardening.py)


def load_hypothesis_profile() -> None:
    """Register and load the suite's profile: 200 examples at most, no per-example deadline."""
    from hypothesis import HealthCheck  # here, to keep this appended block to itself
    from hypothesis import settings as hypothesis_settings

    # Deadlines flake on a busy 2-core CI machine; the example cap keeps the time bounded instead.
    # The app fixture is shared across a test's examples on purpose: state carries over, as in production.
    hypothesis_settings.register_profile("hotline", max_examples=200, deadline=None,
                                         suppress_health_check=[HealthCheck.function_scoped_fixture])
    hypothesis_settings.load_profile("hotline")


load_hypothesis_profile()
