"""The app as a deployment installs it (`pip install .`, no source tree): it must find its words."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
BUILD_LEFTOVERS = ("build", "dist", "hotline.egg-info")  # what setuptools writes beside the sources it builds


def copy_sources(target: Path) -> Path:
    """Copy what the wheel is built from, so that its build leaves nothing in the checkout."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target)
    for name in ("hotline", "messages"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_an_installed_wheel_starts_and_answers(tmp_path):
    # Heroku's buildpack installs requirements.txt (".") as a regular package: messages/,
    # templates and static files must travel inside it and be found there.
    leftovers = {name for name in BUILD_LEFTOVERS if (ROOT / name).exists()}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(copy_sources(tmp_path / "source"))], check=True, cwd=tmp_path)
    assert {name for name in BUILD_LEFTOVERS if (ROOT / name).exists()} <= leftovers  # nothing new in the checkout
    wheel = next((tmp_path / "dist").glob("hotline-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("hotline/messages/hotline.toml", "hotline/messages/topics/rights.toml",
                   "hotline/messages/agreements.toml", "hotline/templates/base.html", "hotline/static/hotline.css"):
        assert needed in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "from hotline import create_app\n"
        "app = create_app({'HOTLINE_ENV': 'development', 'DATABASE_URL': 'sqlite:///' + __import__('sys').argv[1]})\n"
        "r = app.test_client().post('/sms', data={'Body': 'DERECHOS'})\n"
        "print(r.status_code, r.get_data(as_text=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "h.db")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("200 ") and "Tiene derecho a guardar silencio" in result.stdout
    assert str(site) in subprocess.run([sys.executable, "-c", "import hotline; print(hotline.__file__)"],
                                       cwd=tmp_path, env=env, capture_output=True, text=True).stdout
