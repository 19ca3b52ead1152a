"""Recognise a US county name as people type it: any case, accents, 'County', one typo."""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from importlib import resources

import us
from rapidfuzz import process
from rapidfuzz.distance import OSA

from hotline.core.agreements import county_name
from hotline.core.matcher import normalise

TYPO_MIN_LENGTH = 5  # as for keywords: one wrong letter is forgiven in names this long


@functools.cache
def counties_by_state() -> dict[str, dict[str, str]]:
    """Map state code -> normalised county name -> display name, from the Census list in addfips."""
    names = {state.fips: state.abbr for state in us.states.STATES_AND_TERRITORIES + [us.states.DC]}
    table: dict[str, dict[str, str]] = defaultdict(dict)
    data = resources.files("addfips") / "data" / "counties_2020.csv"
    with data.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            state = names.get(row["statefp"])
            if state:
                display = county_name(row["name"])
                table[state][normalise(display)] = display
    return dict(table)


@functools.cache
def typo_choices(state: str) -> list[str]:
    """List a state's county names long enough to forgive a typo in, built once per state."""
    return [name for name in counties_by_state().get(state, {}) if len(name) >= TYPO_MIN_LENGTH]


def find_county(words: str, state: str | None) -> list[tuple[str, str]]:
    """Return (state, county) pairs the words could name, best first; [] if none."""
    key = normalise(words)
    if not key:
        return []
    states = [state] if state else sorted(counties_by_state())
    exact = [(s, counties_by_state().get(s, {})[key]) for s in states if key in counties_by_state().get(s, {})]
    if exact:
        return exact
    close = []
    for s in states:
        names = counties_by_state().get(s, {})
        for choice, _, _ in process.extract(key, typo_choices(s), scorer=OSA.distance, score_cutoff=1, limit=None):
            close.append((s, names[choice]))
    return close
