"""HOTLINE_VOLUNTEER_HOURS: read, asked about a moment (weekdays, midnight, DST) and said in each language."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.core.catalog import load_catalog
from hotline.core.volunteer_hours import HoursError, describe_hours, is_open, parse_hours
from hotline.core.volunteers import hour_words

DENVER = "America/Denver"
WEEK = "Mon-Fri 09:00-21:00; Sat 10:00-16:00"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(("hours", "moment", "expected"), [
    # weekdays (December: Denver is UTC-7); the start counts, the end does not
    (WEEK, "2026-12-02 16:00", True),  # Wed 09:00
    (WEEK, "2026-12-02 15:59", False),  # Wed 08:59
    (WEEK, "2026-12-03 03:59", True),  # Wed 20:59
    (WEEK, "2026-12-03 04:00", False),  # Wed 21:00
    (WEEK, "2026-12-05 17:00", True),  # Sat 10:00
    (WEEK, "2026-12-05 23:00", False),  # Sat 16:00
    (WEEK, "2026-12-06 18:00", False),  # Sun 11:00: no shift on Sundays
    (" sat , sun 10:00-12:00 ", "2026-12-06 17:30", True),  # Sun 10:30: lists, spaces and case forgiven
    ("Fri-Mon 10:00-12:00", "2026-12-06 17:30", True),  # a range of days may wrap round the week
    ("Fri-Mon 10:00-12:00", "2026-12-02 17:30", False),  # Wednesday is not inside Fri-Mon
    # across midnight: the span belongs to the day it starts on
    ("Fri 20:00-02:00", "2026-12-05 03:30", True),  # Fri 20:30
    ("Fri 20:00-02:00", "2026-12-05 08:30", True),  # Sat 01:30, still Friday's shift
    ("Fri 20:00-02:00", "2026-12-05 09:00", False),  # Sat 02:00
    ("Fri 20:00-02:00", "2026-12-04 08:30", False),  # Fri 01:30 belongs to Thursday, which has no shift
    ("Sun 22:00-06:00", "2026-12-07 12:00", True),  # Mon 05:00 from Sunday night: the week wraps
    ("Sat 18:00-24:00", "2026-12-06 06:59", True),  # Sat 23:59
    ("Sat 18:00-24:00", "2026-12-06 07:00", False),  # Sun 00:00
    ("Mon-Sun 00:00-24:00", "2026-12-06 07:00", True),  # round the clock
    # daylight saving time: the shift keeps its wall-clock hours (MST UTC-7, MDT UTC-6)
    ("Mon-Fri 09:00-17:00", "2026-03-06 16:00", True),  # Fri 09:00 MST, before the change
    ("Mon-Fri 09:00-17:00", "2026-03-06 15:30", False),  # Fri 08:30 MST
    ("Mon-Fri 09:00-17:00", "2026-03-09 15:00", True),  # Mon 09:00 MDT, after it (16:00 UTC before)
    ("Mon-Fri 09:00-17:00", "2026-03-09 14:59", False),  # Mon 08:59 MDT
    ("Mon-Fri 09:00-17:00", "2026-03-09 23:30", False),  # Mon 17:30 MDT (16:30 by last week's offset)
    ("Sat 23:00-03:00", "2026-03-08 08:59", True),  # Sun 01:59 MST, the night the clocks jump
    ("Sat 23:00-03:00", "2026-03-08 09:00", False),  # Sun 03:00 MDT: the hour 02:00-03:00 never came
    ("Sat 23:00-01:30", "2026-11-01 07:15", True),  # Sun 01:15 MDT, the night the clocks fall back
    ("Sat 23:00-01:30", "2026-11-01 08:15", True),  # Sun 01:15 MST, the same hour again
    ("Sat 23:00-01:30", "2026-11-01 08:45", False),  # Sun 01:45 MST
])
def test_hours_are_wall_clock_hours_in_the_line_s_time_zone(hours, moment, expected):
    assert is_open(parse_hours(hours), utc(moment), DENVER) is expected


def test_the_same_moment_differs_by_time_zone():
    schedule, moment = parse_hours("Mon-Fri 09:00-17:00"), utc("2026-12-02 15:30")  # 08:30 Denver, 09:30 Chicago
    assert (is_open(schedule, moment, DENVER), is_open(schedule, moment, "America/Chicago")) == (False, True)


@pytest.mark.parametrize(("hours", "names"), [
    ("", "no hours"),
    ("Mon-Fry 09:00-17:00", "'mon-fry'"),
    ("Mon 9-17", "'mon 9-17'"),
    ("Monday 09:00", "'monday 09:00'"),
    ("Mon 25:00-26:00", "25:00"),
    ("Mon 09:60-10:00", "09:60"),
    ("Mon 10:00-10:00", "must differ"),
    ("Mon 24:00-02:00", "24:00 can only end"),
    ("Mon-Tue-Wed 09:00-10:00", "'mon-tue-wed'"),
    ("Mon-Fri 09:00-17:00; Sat", "'sat'"),
])
def test_a_mistake_in_the_hours_is_named(hours, names):
    with pytest.raises(HoursError, match=names):
        parse_hours(hours)


@pytest.mark.parametrize(("hours", "lang", "said"), [
    (WEEK, "en", "Monday to Friday, 9 AM to 9 PM; Saturday, 10 AM to 4 PM"),
    (WEEK, "es", "de lunes a viernes, de 9:00 a 21:00; sábado, de 10:00 a 16:00"),
    ("Sat,Sun 12:30-00:00", "en", "Saturday, Sunday, 12:30 PM to 12 AM"),
    ("Fri 20:00-02:00", "es", "viernes, de 20:00 a 2:00"),
    ("Sun-Mon 00:00-24:00", "en", "Sunday to Monday, 12 AM to 12 AM"),
])
def test_hours_are_said_in_each_language_s_words(hours, lang, said):
    assert describe_hours(parse_hours(hours), hour_words(load_catalog(), lang)) == said
