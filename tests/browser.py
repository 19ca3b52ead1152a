"""Real tools for the web, QR and flyer tests: Debian's Chromium, zbar and axe-core.

scripts/test-setup.d/20-browser.sh installs them. In CI (CI=true) a missing tool fails
the test that needs it; on a developer's machine it skips with the command to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hotline.edges.settings import SETTINGS
from tests.conftest import TEST_SETTINGS

SETUP = "run scripts/test-setup.d/20-browser.sh as root (scripts/test does)"
# The closed network refuses Chromium's own calls home; these flags stop it making them.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions", "--disable-quic"]


def require(what: str, found: object) -> None:
    """Skip when a tool is missing, but fail in CI, where the setup script installs it."""
    if found:
        return
    message = f"{what} is missing: {SETUP}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    """Return Chromium's path, or skip (fail in CI)."""
    path = shutil.which(os.environ.get("HOTLINE_CHROMIUM") or "chromium")
    require("Chromium (apt-get install chromium)", path)
    return str(path)


def axe_source() -> str:
    """Return axe.min.js, from HOTLINE_AXE_JS or the setup script's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hotline-tests"
    candidates = [Path(os.environ.get("HOTLINE_AXE_JS", "")), *sorted(cache.glob("axe-core-*/package/axe.min.js"))]
    found = next((path for path in candidates if path.is_file()), None)
    require("axe-core (npm pack axe-core)", found)
    return found.read_text(encoding="utf-8")


def decode_qr(image: Path) -> list[str]:
    """Decode every QR code in an image with zbar's zbarimg; return their payloads."""
    require("zbarimg (apt-get install zbar-tools)", shutil.which("zbarimg"))
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                             str(image)], capture_output=True, text=True, timeout=60, check=False)
    # zbarimg exits 4 when it found no code: an empty list, for the assertion to report.
    assert result.returncode in (0, 4), result.stderr
    return result.stdout.splitlines()


@contextmanager
def launch_browser() -> Iterator[object]:
    """Start Debian's Chromium under Playwright (no browser download) and yield it."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("Playwright for Python (pip install -e '.[test]')", None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def cli_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    """Give the CLI every setting at its default, whatever the shell or .env holds, but the
    hotline's number, address and names from the test settings and a database in tmp_path."""
    env = {setting.name: "" for setting in SETTINGS}
    env.update({name: str(TEST_SETTINGS[name]) for name in (
        "HOTLINE_NUMBER", "HOTLINE_PUBLIC_URL", "HOTLINE_ORG_NAME", "HOTLINE_REFERRAL")})
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **changes}


def module_settings(tmp_path: Path) -> dict[str, object]:
    """Return the shared test settings, with a database of this test module's own."""
    return {**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}"}
