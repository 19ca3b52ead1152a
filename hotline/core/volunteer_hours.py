"""When volunteers answer the phone: HOTLINE_VOLUNTEER_HOURS read, asked about a moment, and said in words.

"Mon-Fri 09:00-21:00; Sat 10:00-16:00" is two spans. Times are wall-clock times in the line's
time zone (HOTLINE_TIMEZONE), so a shift keeps its hours across daylight-saving changes. A span
whose end comes before its start runs past midnight into the next day ("Fri 20:00-02:00" ends
early on Saturday); 24:00 is the end of the day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as the setting writes them, Monday first
SPAN = re.compile(r"(?P<days>[a-z ,-]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})")
END_OF_DAY = 24 * 60


class HoursError(ValueError):
    """HOTLINE_VOLUNTEER_HOURS cannot be read; the message says which part and how to write it."""


@dataclass(frozen=True)
class Span:
    days: tuple[tuple[int, int], ...]  # (first, last) weekday runs as written, 0 = Monday; Fri-Mon wraps
    start: int  # minutes after midnight
    end: int  # minutes after midnight, up to 24:00; at or before start: the span ends the next day

    @property
    def weekdays(self) -> frozenset[int]:
        """List every weekday the span starts on."""
        return frozenset(d % 7 for first, last in self.days for d in range(first, first + (last - first) % 7 + 1))


Schedule = tuple[Span, ...]


def parse_hours(text: str) -> Schedule:
    """Read "Mon-Fri 09:00-21:00; Sat 10:00-16:00"; raise HoursError naming the part that is wrong."""
    spans = []
    for part in filter(None, (p.strip() for p in text.casefold().split(";"))):
        found = SPAN.fullmatch(part)
        if not found:
            raise HoursError(f"{part!r}: write days, then a time range, e.g. 'Mon-Fri 09:00-21:00'")
        start, end = _minutes(found["start"], part), _minutes(found["end"], part)
        if start == END_OF_DAY or start == end:
            raise HoursError(f"{part!r}: the start and end must differ, and 24:00 can only end a span")
        spans.append(Span(_days(found["days"], part), start, end))
    if not spans:
        raise HoursError("no hours given: write e.g. 'Mon-Fri 09:00-21:00; Sat 10:00-16:00'")
    return tuple(spans)


def _days(text: str, part: str) -> tuple[tuple[int, int], ...]:
    runs = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        names = [n.strip()[:3] for n in piece.split("-")]
        if len(names) > 2 or any(n not in DAYS for n in names):
            raise HoursError(f"{part!r}: {piece!r} is not a day or a range of days like Mon-Fri")
        runs.append((DAYS.index(names[0]), DAYS.index(names[-1])))
    return tuple(runs)


def _minutes(clock: str, part: str) -> int:
    hours, minutes = (int(n) for n in clock.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise HoursError(f"{part!r}: {clock} is not a time between 00:00 and 24:00")
    return hours * 60 + minutes


def is_open(schedule: Schedule, moment: dt.datetime, zone: str) -> bool:
    """Tell whether volunteers answer at this moment (an aware datetime), by the clock on the wall in `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    now, today, yesterday = local.hour * 60 + local.minute, local.weekday(), (local.weekday() - 1) % 7
    for span in schedule:
        if span.end > span.start:
            if today in span.weekdays and span.start <= now < span.end:
                return True
        elif (today in span.weekdays and now >= span.start) or (yesterday in span.weekdays and now < span.end):
            return True
    return False


def describe_hours(schedule: Schedule, words: Mapping[str, object]) -> str:
    """Say the hours in one language's words (voice.toml [<lang>.hours]): 'Monday to Friday, 9 AM to 9 PM'."""
    names = words["days"]
    runs = (", ".join(str(names[first]) if first == last else str(words["days_range"]).format(
        first=names[first], last=names[last]) for first, last in span.days) for span in schedule)
    return str(words["join"]).join(
        str(words["span"]).format(days=days, start=_say_time(span.start, words), end=_say_time(span.end, words))
        for days, span in zip(runs, schedule, strict=True))


def _say_time(minutes: int, words: Mapping[str, object]) -> str:
    hours, rest = divmod(minutes, 60)
    if words.get("clock") != 12:
        return f"{hours}:{rest:02d}"
    half = words["pm"] if 12 <= hours < 24 else words["am"]
    return f"{hours % 12 or 12}{f':{rest:02d}' if rest else ''} {half}"
