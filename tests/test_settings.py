"""Settings: refuse to start unsafe, and keep .env.example in step with the code."""

from pathlib import Path

import pytest

from hotline import create_app
from hotline.edges.settings import SETTINGS, SettingsError, example_env


@pytest.mark.parametrize(("change", "message"), [
    ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN"),
    ({"HOTLINE_SECRET_KEY": ""}, "HOTLINE_SECRET_KEY"),
    ({"HOTLINE_SECRET_KEY": "short"}, "HOTLINE_SECRET_KEY"),
    ({"HOTLINE_SECRET_KEY": "development-only-not-secret"}, "HOTLINE_SECRET_KEY"),
    ({"HOTLINE_PUBLIC_URL": ""}, "HOTLINE_PUBLIC_URL"),
    ({"HOTLINE_PUBLIC_URL": "http://hotline.example.org"}, "HOTLINE_PUBLIC_URL"),
    ({"HOTLINE_DEFAULT_LANGUAGE": "fr"}, "HOTLINE_DEFAULT_LANGUAGE"),
])
def test_production_refuses_unsafe_settings(settings, change, message):
    settings.update(change)
    with pytest.raises(SettingsError, match=message):
        create_app(settings)


def test_development_mode_runs_without_secrets(caplog, tmp_path):
    # No secrets, but a database of its own: nothing is written into the checkout's instance/.
    app = create_app({"HOTLINE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}"})
    assert "signatures are NOT checked" in caplog.text
    response = app.test_client().post("/sms", data={"Body": "DERECHOS"})
    assert response.status_code == 200 and b"Tiene derecho" in response.data


def test_development_mode_still_checks_signatures_when_a_token_is_set(settings):
    settings.update({"HOTLINE_ENV": "development"})
    assert create_app(settings).test_client().post("/sms", data={"Body": "x"}).status_code == 403


def test_env_example_lists_every_setting():
    text = (Path(__file__).parent.parent / ".env.example").read_text(encoding="utf-8")
    assert text == example_env(), "run: hotline settings --example > .env.example"
    for setting in SETTINGS:
        assert f"\n{setting.name}=" in text


def test_a_bad_time_zone_and_alert_hours_are_reported_with_every_other_problem(settings):
    settings.update(HOTLINE_TIMEZONE="Mountain", HOTLINE_ALERT_DEFAULT_HOURS="30", HOTLINE_ALERT_MAX_HOURS="24",
                    HOTLINE_FLYER_CODES="LAUNCH")
    with pytest.raises(SettingsError) as raised:
        create_app(settings)
    for name in ("HOTLINE_TIMEZONE", "HOTLINE_ALERT_DEFAULT_HOURS", "HOTLINE_FLYER_CODES"):
        assert name in str(raised.value)  # all at once, not one per start
