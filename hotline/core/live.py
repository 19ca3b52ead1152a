"""Answers made at request time ("live answers"): features whose words depend on the moment.

A live action is a command of hotline.toml ([commands.<action>]) and, optionally, a voice menu
extra ([menu] extras). Its answer comes from a function the app puts in Services.live; without
one (the feature is off) its words are not understood, and no menu offers it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

# The actions answered at request time: talk to a person (docs/volunteers.md), the verified alert.
LIVE_ACTIONS = ("person", "alert")
# (language, channel "sms" or "voice") -> the text to send or say now; None: the feature is off.
LiveAnswer = Callable[[str, str], str | None]
LiveAnswers = Mapping[str, LiveAnswer]


def answer_live(live: LiveAnswers | None, action: str, lang: str, channel: str) -> str | None:
    """Ask the live answer of `action` for its text now; None when it has none or is off."""
    answer = (live or {}).get(action)
    return answer(lang, channel) if answer else None


# A live action is on only while its setting is filled; one not listed here is always on.
SWITCHES = {"person": "HOTLINE_VOLUNTEER_NUMBERS"}


def live_on(config: Mapping[str, object]) -> frozenset[str]:
    """Name the live actions whose feature these settings turn on."""
    return frozenset(a for a in LIVE_ACTIONS if a not in SWITCHES or str(config.get(SWITCHES[a]) or "").strip())


def is_off_text(name: str, on: frozenset[str]) -> bool:
    """Tell whether a hotline.toml text belongs to a live action that is off ("person", "person_closed")."""
    action = name.partition("_")[0]
    return action in LIVE_ACTIONS and action not in on
