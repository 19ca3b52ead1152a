"""Measure the "287G <county>" answers at their longest, since they are built at run time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from hotline.cli.check.problems import Problem
from hotline.core.agreements import Agreement
from hotline.core.county_answers import AgreementList, answer_county_question, load_county_words
from hotline.core.toml_files import ContentError, default_messages_dir

# A worst case for length: a long county name, all three models with the longest dates,
# and a list old enough to carry the "may be out of date" line.
AS_OF = dt.date(2025, 12, 30)
# State and city agencies with no county are named in a county's answer, up to OTHERS_MAX characters.
OTHERS = ("Wyoming Highway Patrol", "Wyoming Department of Corrections", "Wyoming Division of Crime Lab")
LONG_LIST = AgreementList(AS_OF, tuple(
    Agreement("WY", "Sweetwater", "Sweetwater County Sheriff's Office", model, dt.date(2025, 12, 28), "County")
    for model in ("jail", "task_force", "warrant_service")) + tuple(
    Agreement("WY", "", agency, "task_force", dt.date(2025, 12, 28), "State") for agency in OTHERS))
QUESTIONS = {"county_listed": ["sweetwater"], "county_not_listed": ["hot", "springs"],
             "county_unknown": ["nowhere", "county"], "statewide": ["list"]}


def measure_county_answers(directory: Path | str | None, languages: tuple[str, ...],
                           measure: Callable[[str, str, str, str], None]) -> list[Problem]:
    """Build each kind of county answer in every language and hand it to `measure`(lang, key, where, text)."""
    try:
        words = load_county_words(Path(directory) if directory else default_messages_dir(), languages)
    except ContentError as error:
        where, _, reason = str(error).partition(" ")
        return [Problem("FAIL", where.rstrip(":"), reason)]
    for lang in languages:
        for key, question in QUESTIONS.items():
            answer = answer_county_question(question, lang, LONG_LIST, words, "WY", AS_OF + dt.timedelta(days=365),
                                            60, "https://hotline.example.org")
            measure(lang, key, f"agreements.toml:{lang}.{key}", answer or "")
    return []
