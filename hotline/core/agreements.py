"""Read ICE's 287(g) spreadsheet of participating (or pending) agencies into plain rows."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import us

# ICE's published column names; extra columns are ignored, missing ones are an error.
COLUMNS = {"STATE": "state", "LAW ENFORCEMENT AGENCY": "agency", "TYPE": "agency_type",
           "COUNTY": "county", "SUPPORT TYPE": "model", "SIGNED": "signed"}
# ICE's names for the three 287(g) models, folded to the keys messages/agreements.toml uses.
MODELS = {"jail enforcement model": "jail", "task force model": "task_force",
          "warrant service officer": "warrant_service", "warrant service officer model": "warrant_service"}
NO_COUNTY = {"", "#N/A", "N/A", "NA", "NONE", "STATEWIDE"}
# Dates in file names, tried in this order: ISO (our own copies), then ICE's month-day-year.
DATES_IN_NAMES = ((re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), "ymd"),
                  (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)"), "mdy"),
                  (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?=am|pm|AM|PM|\.|_|-|$)"), "mdy"))


def is_statewide(agreement: Agreement) -> bool:
    """Tell a state agency (no county: it acts statewide) from a city agency ICE gave no county."""
    return not agreement.county and agreement.agency_type.lower().startswith("state")


class AgreementsError(ValueError):
    """The spreadsheet is not ICE's 287(g) list in the expected format."""


@dataclass(frozen=True, order=True)
class Agreement:
    state: str  # postal code, e.g. "WY"
    county: str  # display name without "County", e.g. "Laramie"; "" for a statewide agency
    agency: str
    model: str  # a key of MODELS' values
    signed: dt.date | None
    agency_type: str = ""


def clean_name(value: object) -> str:
    """Fold stray spaces and curly apostrophes the way ICE's spreadsheet varies them."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def county_name(value: object) -> str:
    """Drop the 'County' suffix (and 'Parish'/'Borough') to get the name people say."""
    return re.sub(r"\s+(county|parish|borough)$", "", clean_name(value), flags=re.IGNORECASE)


@functools.cache
def _state_codes() -> dict[str, str]:
    states = [*us.states.STATES_AND_TERRITORIES, us.states.DC]
    return {key: state.abbr for state in states for key in (state.abbr.lower(), state.name.lower())}


def state_code(value: object) -> str | None:
    """Turn 'WYOMING', 'Wyoming' or 'WY' into 'WY'; only exact names (us.lookup guesses by sound)."""
    return _state_codes().get(clean_name(value).lower())


def date_from_filename(path: Path | str) -> dt.date | None:
    """Find the list's publication date in a file name: ours '...-2025-07-18.xlsx', ICE's
    'participatingAgencies10092026.xlsx' or '287gParticipatingAgencies091526pm.xlsx'."""
    name = Path(str(path)).name
    for pattern, order in DATES_IN_NAMES:
        for found in pattern.finditer(name):
            parts = dict(zip(order, map(int, found.groups()), strict=True))
            try:
                return dt.date(parts["y"] + (2000 if parts["y"] < 100 else 0), parts["m"], parts["d"])
            except ValueError:
                continue  # digits that are no date, e.g. 13452026
    return None


def read_spreadsheet(path: Path | str | BinaryIO, name: str | None = None) -> list[Agreement]:
    """Read every agreement row; raise AgreementsError for anything unexpected."""
    return read_workbook(path, name)[0]


def read_workbook(source: Path | str | BinaryIO, name: str | None = None) -> tuple[list[Agreement], dt.date | None]:
    """Read every agreement row and the date the workbook was last saved (None if it does not say)."""
    from openpyxl import load_workbook  # only the loading commands need it

    path = name or source
    unreadable = (zipfile.BadZipFile, OSError, KeyError, ValueError, IndexError, TypeError)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except unreadable as error:
        raise AgreementsError(f"{path}: not a readable .xlsx spreadsheet ({error})") from None
    try:  # a zip file that opens can still hold a damaged or empty sheet
        saved = workbook.properties.modified
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    except unreadable as error:
        raise AgreementsError(f"{path}: not a readable .xlsx spreadsheet ({error})") from None
    finally:
        workbook.close()
    header_at = next((i for i, row in enumerate(rows[:10])
                      if {clean_name(c).upper() for c in row if c} >= COLUMNS.keys()), None)
    if header_at is None:
        raise AgreementsError(f"{path}: no header row with the columns {', '.join(COLUMNS)}")
    header = [clean_name(c).upper() for c in rows[header_at]]
    where = {field: header.index(column) for column, field in COLUMNS.items()}
    agreements = [_agreement(row, where, f"{path}: row {header_at + 1 + n}")
                  for n, row in enumerate(rows[header_at + 1:], start=1) if any(row)]
    if not agreements:
        raise AgreementsError(f"{path}: the spreadsheet has no agreement rows")
    return agreements, saved.date() if isinstance(saved, dt.datetime) else None


def _agreement(row: tuple, where: dict[str, int], place: str) -> Agreement:
    cell = {field: row[index] if index < len(row) else None for field, index in where.items()}
    state = state_code(cell["state"])
    if state is None:
        raise AgreementsError(f"{place}: unknown state {cell['state']!r}")
    model = MODELS.get(clean_name(cell["model"]).lower())
    if model is None:
        raise AgreementsError(f"{place}: unknown support type {cell['model']!r}")
    signed = cell["signed"]
    if isinstance(signed, dt.datetime):
        signed = signed.date()
    elif not isinstance(signed, dt.date):
        signed = None  # ICE leaves some dates blank; the answer then leaves the date out
    # State agencies have "#N/A" for a county: they act statewide.
    county = "" if county_name(cell["county"]).upper() in NO_COUNTY else county_name(cell["county"])
    return Agreement(state, county, clean_name(cell["agency"]), model, signed, clean_name(cell["agency_type"]))


def summarise_changes(old: list[Agreement], new: list[Agreement]) -> dict[str, tuple[int, int]]:
    """Count agreements added and removed per state between two lists."""
    def keys(rows):
        return {(a.state, a.agency, a.model) for a in rows}

    added, removed = keys(new) - keys(old), keys(old) - keys(new)
    changes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for state, *_ in added:
        changes[state][0] += 1
    for state, *_ in removed:
        changes[state][1] += 1
    return {state: (a, r) for state, (a, r) in sorted(changes.items())}
