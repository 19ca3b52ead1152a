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
    # Hosts that install the app as a regular package (scripts/install-locked): messages/,
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


def test_heroku_installs_exactly_the_locked_hashed_versions():
    # Heroku's buildpack runs `uv sync --locked` when uv.lock is there, and fails a build that has
    # two package manager files; a lock that no longer matches pyproject.toml fails it too.
    import tomllib

    assert (ROOT / "uv.lock").is_file() and not (ROOT / "requirements.txt").exists()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = {package["name"]: package for package in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    locked_requires = {requirement_name_and_specifier(r["name"] + r.get("specifier", ""))
                       for r in lock["hotline"]["metadata"]["requires-dist"]
                       if "marker" not in r}  # the optional extras (test, bench) carry a marker
    declared = {requirement_name_and_specifier(line) for line in project["dependencies"]}
    assert declared == locked_requires, "pyproject.toml's dependencies changed: run scripts/lock"
    for name, package in lock.items():
        if name == "hotline":
            continue
        files = [f for f in (package.get("sdist"), *package.get("wheels", [])) if f]
        assert files and all(f["hash"].startswith("sha256:") for f in files), f"{name} is locked without hashes"


def requirement_name_and_specifier(line: str) -> tuple[str, str]:
    """Split "psycopg[binary]>=3.1" into ("psycopg", ">=3.1"), as uv.lock records it."""
    import re

    name, extras, specifier = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?(.*)", line.strip()).groups()
    return name.lower().replace("_", "-"), ",".join(sorted(part.strip() for part in specifier.split(",") if part))
