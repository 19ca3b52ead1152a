"""Judge a downloaded copy of ICE's 287(g) list before it may replace the current one: plain data in, verdicts out."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from hotline.core.agreements import Agreement, AgreementsError, date_from_filename, read_workbook

# A list that loses more than this share of its agreements at once is more likely a broken file than news.
SHRINK_LIMIT = 1 / 3
# A state with at least this many agreements that vanishes whole is a broken file too (a state whose one or
# two agreements end is news, and must not stop every later update).
STATE_MIN_ROWS = 3
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # ICE's file unpacks to a few MB; a zip bomb to far more
# Words in the name of ICE's spreadsheet of each kind ("participatingAgencies10092026.xlsx").
LINK_WORDS = {"participating": "participat", "pending": "pending"}
# ICE's own names of the models (the keys of core.agreements.MODELS' values), for organisers' reports.
ICE_MODEL_NAMES = {"jail": "Jail Enforcement Model", "task_force": "Task Force Model",
                   "warrant_service": "Warrant Service Officer"}


@dataclass(frozen=True)
class Candidate:
    """A list read from a download or a file, not yet loaded."""

    rows: tuple[Agreement, ...]
    as_of: dt.date
    date_from: str  # where as_of came from: "file name", "spreadsheet", "server" or "check"
    source: str  # the file's address (or name), without credentials or query
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "loaded", "unchanged" or "refused"
    changes: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def read_download(data: bytes, name: str) -> tuple[list[Agreement], dt.date | None]:
    """Read a downloaded spreadsheet after checking it is a zip file of sane size (.xlsx is one)."""
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise AgreementsError(f"{name}: not a readable .xlsx spreadsheet ({error})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise AgreementsError(f"{name}: unpacks to {unpacked // 1_000_000} MB, far more than ICE's list")
    return read_workbook(io.BytesIO(data), name)


def choose_date(name: str, saved: dt.date | None, last_modified: str, checked: dt.date) -> tuple[dt.date, str]:
    """Date the list: by its file name (ICE's own label), else the spreadsheet, else the server, else today."""
    if found := date_from_filename(name):
        return found, "file name"
    if saved:
        return saved, "spreadsheet"
    try:
        return email.utils.parsedate_to_datetime(last_modified).date(), "server"
    except (TypeError, ValueError):
        return checked, "check"


def judge(previous: Sequence[Agreement] | None, previous_date: dt.date | None, candidate: Candidate,
          check_shrinking: bool) -> Verdict:
    """Decide whether candidate replaces the previous list: the same list, a plausible change, or a broken file."""
    if previous is not None and sorted(previous) == sorted(candidate.rows) and (
            previous_date == candidate.as_of or candidate.date_from == "check"):
        return Verdict("unchanged")
    changes = list_changes(previous or (), candidate.rows)
    problems = implausible(previous, candidate.rows) if previous and check_shrinking else ()
    return Verdict("refused" if problems else "loaded", changes, tuple(problems))


def implausible(old: Sequence[Agreement], new: Sequence[Agreement]) -> list[str]:
    """Say why a new list looks broken rather than changed: most of it gone, or a whole state."""
    problems = []
    if len(new) < len(old) * (1 - SHRINK_LIMIT):
        problems.append(f"it has {len(new)} agreements where the current list has {len(old)}: "
                        f"{round(100 * (1 - len(new) / len(old)))}% of them gone at once")
    before, after = _per_state(old), _per_state(new)
    gone = sorted(s for s, n in before.items() if n >= STATE_MIN_ROWS and not after.get(s))
    if gone:
        named = ", ".join(f"{s} (had {before[s]})" for s in gone[:5]) + (f" and {len(gone) - 5} more"
                                                                          if len(gone) > 5 else "")
        problems.append(f"it has no agreements at all in {named}")
    return problems


def list_changes(old: Sequence[Agreement], new: Sequence[Agreement]) -> dict[str, dict[str, list[list[str]]]]:
    """Name the agreements added and removed, per state: {"WY": {"added": [[agency, model]], "removed": []}}."""
    def keys(rows: Sequence[Agreement]) -> set[tuple[str, str, str]]:
        return {(a.state, a.agency, a.model) for a in rows}

    changes: dict[str, dict[str, list[list[str]]]] = {}
    for what, rows in (("added", keys(new) - keys(old)), ("removed", keys(old) - keys(new))):
        for state, agency, model in sorted(rows):
            changes.setdefault(state, {"added": [], "removed": []})[what].append([agency, model])
    return dict(sorted(changes.items()))


def describe_change(agency: str, model: str) -> str:
    """Write one changed agreement for organisers: "Laramie County Sheriff's Office (Task Force Model)"."""
    return f"{agency} ({ICE_MODEL_NAMES.get(model, model)})"


def find_spreadsheet_link(page: str, page_url: str, kind: str) -> tuple[str | None, list[str]]:
    """Find the link to ICE's spreadsheet of this kind on its 287(g) page; also return every .xlsx link seen."""
    finder = _LinkFinder()
    finder.feed(page)
    sheets = [urljoin(page_url, href) for href in finder.hrefs if _file_name(href).endswith(".xlsx")]
    word = LINK_WORDS[kind]
    return next((url for url in sheets if word in _file_name(url)), None), sheets


def looks_like_a_page(data: bytes, content_type: str) -> bool:
    """Tell a web page (ICE's 287(g) page, or an error page sent with status 200) from a spreadsheet."""
    if data.startswith(b"PK"):
        return False
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def file_name_of(url: str) -> str:
    """Return the file name at the end of an address, e.g. participatingAgencies10092026.xlsx."""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def _file_name(url: str) -> str:
    return file_name_of(url).lower()


def _per_state(rows: Sequence[Agreement]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    return counts


class _LinkFinder(HTMLParser):
    """Collect the href of every <a> on a page (the standard library's tolerant parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value.strip() for name, value in attrs if name == "href" and value]
