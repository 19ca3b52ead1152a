"""`hotline settings` shows what is in effect, where it came from, and never a secret."""

from pathlib import Path

from click.testing import CliRunner

from hotline.cli.main import main
from hotline.edges.settings import SETTINGS


def test_values_in_effect_with_their_source_and_secrets_masked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("HOTLINE_NUMBER=+13075550100\nTWILIO_AUTH_TOKEN=from-the-file\n", "utf-8")
    env = {setting.name: "" for setting in SETTINGS} | {
        "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",  # the environment wins over .env
        "DATABASE_URL": "postgres://hotline:hunter2secret@db.example.org/hotline"}
    result = CliRunner().invoke(main, ["settings"], env=env)
    assert result.exit_code == 0, result.output
    lines = {line.split("=", 1)[0]: line for line in result.output.splitlines() if "=" in line}
    assert lines["HOTLINE_NUMBER"].endswith("(.env)") and "+13075550100" in lines["HOTLINE_NUMBER"]
    assert "(environment)" in lines["TWILIO_AUTH_TOKEN"] and "32 characters" in lines["TWILIO_AUTH_TOKEN"]
    assert lines["HOTLINE_SMS_LIMIT"] == "HOTLINE_SMS_LIMIT=20  (default)"
    assert "0123456789abcdef" not in result.output and "from-the-file" not in result.output
    assert "hunter2secret" not in result.output and "db.example.org" in lines["DATABASE_URL"]


def test_example_prints_the_template():
    result = CliRunner().invoke(main, ["settings", "--example"])
    assert result.exit_code == 0 and result.output.startswith("# Settings for the hotline.")


def test_read_only_commands_work_right_after_copying_the_example_env(tmp_path, monkeypatch):
    # The shipped .env.example says production and has no Twilio secrets yet: a volunteer's first hour.
    monkeypatch.chdir(tmp_path)
    example = (Path(__file__).parent.parent / ".env.example").read_text(encoding="utf-8")
    (tmp_path / ".env").write_text(example + f"\nDATABASE_URL=sqlite:///{tmp_path / 'h.db'}\n", "utf-8")
    env = {setting.name: None for setting in SETTINGS}  # none in the environment: .env decides
    for args in (["stats"], ["agreements", "show", "WY"], ["settings"], ["check"]):
        result = CliRunner().invoke(main, args, env=env)
        assert "cannot start" not in result.output and "TWILIO_AUTH_TOKEN is not set" not in result.output, args
        assert result.exit_code == 0 or "No list is loaded yet" in result.output, (args, result.output)
