"""Find messages/ and read its TOML files, with errors that name the file and key."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path


class ContentError(ValueError):
    """The content in messages/ is incomplete or malformed; the message names file and key."""


def default_messages_dir() -> Path:
    """Find messages/ beside the source tree, or the copy installed with the package."""
    beside_source = Path(__file__).resolve().parents[2] / "messages"
    if (beside_source / "hotline.toml").is_file():
        return beside_source
    # A regular install (Heroku's `pip install .`) puts the copy inside the package. Not
    # importlib.resources: for a folder without __init__.py it gives a MultiplexedPath,
    # whose str() is not a path.
    return Path(__file__).resolve().parents[1] / "messages"


def read_toml(path: Path) -> dict:
    """Read one TOML file; raise ContentError saying what is wrong with it."""
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:  # e.g. saved as Latin-1 or UTF-16 by an editor
        raise ContentError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None


def require_table(data: Mapping, key: str, where: str) -> dict:
    """Return the table `key`, or raise ContentError naming it."""
    value = data.get(key)
    if not isinstance(value, dict):
        raise ContentError(f"{where}:{key} is missing")
    return value


def require_texts(data: Mapping, lang: str, names: tuple[str, ...], where: str) -> dict[str, str]:
    """Return a language's texts, raising ContentError if one of `names` is missing or empty."""
    section = require_table(data, lang, where)
    for name in names:
        if not isinstance(section.get(name), str) or not section[name].strip():
            raise ContentError(f"{where}:{lang}.{name} is missing or empty")
    return {name: section[name].strip() for name in section if isinstance(section[name], str)}
