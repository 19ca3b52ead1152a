"""The README's first command, as a newcomer runs it: scripts/dev sets up quietly and explains itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from hotline.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def test_scripts_dev_installs_quietly_and_its_help_explains_the_port():
    stamp = ROOT / ".venv" / ".hotline-installed"
    stamp.unlink(missing_ok=True)  # as on a fresh clone: it must install, and say so in one line
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    result = subprocess.run([str(ROOT / "scripts" / "dev"), "--help"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    ours = [line for line in output.splitlines() if "Location 'file:" not in line]  # this machine's pip index
    assert not [line for line in ours if "warning" in line.lower()], output
    assert "Installing the hotline" in output and "--port" in output and stamp.is_file()
    again = subprocess.run([str(ROOT / "scripts" / "dev"), "--help"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120, check=False)
    assert again.returncode == 0 and "Installing" not in again.stdout  # installed once, not at every start


def test_every_command_group_lists_its_commands_whole():
    for group in ([], ["twilio"], ["agreements"], ["db"]):
        result = CliRunner().invoke(main, [*group, "--help"], env={"HOTLINE_ENV": "development"})
        assert result.exit_code == 0, result.output
        listed = result.output.split("Commands:", 1)[1]
        assert listed.strip() and "..." not in listed, result.output  # whole descriptions, wrapped
