"""Show counts so that none below the threshold can be worked out, not even by subtraction.

A count from 1 to threshold-1 shows as "<5". That alone leaks: a row "<5, 69" with its total
"71", or a week's "71 texts" beside "English 69", gives the hidden 2 away. So a total of
several counts is rounded ("~70", to the nearest multiple of the threshold) when any count
in it is hidden or rounded, and in a week where any count of a channel is hidden (in any
table, or on any day), every other count of that channel's week is rounded too, since the
tables are different splits of the same texts. Zero stays exact: it hides no one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Masking:
    threshold: int
    rounded_weeks: frozenset[tuple[str, int]]  # (channel, week index) where every count is rounded

    def hidden(self, count: int) -> bool:
        return 0 < count < self.threshold

    def rounded(self, count: int) -> str:
        step = self.threshold
        return f"~{max(step, step * int(count / step + 0.5))}"

    def cell(self, channel: str, week: int, count: int) -> str:
        """Show one week's count: exact, "<5", or "~70" in a week that hides a count."""
        if self.hidden(count):
            return f"<{self.threshold}"
        return self.rounded(count) if count and (channel, week) in self.rounded_weeks else str(count)

    def total(self, channel: str, counts: Sequence[int]) -> str:
        """Show the sum of one series' weekly counts, rounded if any week of it hides or rounds one."""
        if self.hidden(sum(counts)):
            return f"<{self.threshold}"
        inexact = any(self.hidden(c) or (c and (channel, week) in self.rounded_weeks) for week, c in enumerate(counts))
        return self.rounded(sum(counts)) if inexact else str(sum(counts))

    def sum_of_days(self, counts: Sequence[int]) -> str:
        """Show the sum of daily counts, rounded if any day hides a count."""
        whole = sum(counts)
        if self.hidden(whole):
            return f"<{self.threshold}"
        return self.rounded(whole) if any(self.hidden(c) for c in counts) else str(whole)


def masking_for(series: Iterable, weeks: Sequence[dt.date], threshold: int,
                days: Sequence[dt.date] = (), per_day: Mapping[str, Sequence[int]] | None = None) -> Masking:
    """Find the (channel, week) columns holding a hidden count, in the weekly series or on a day."""
    rounded = {(s.channel, week) for s in series for week, count in enumerate(s.counts) if 0 < count < threshold}
    for channel, counts in (per_day or {}).items():
        for day, count in zip(days, counts, strict=True):
            week = next((w for w, monday in enumerate(weeks) if monday <= day < monday + dt.timedelta(days=7)), None)
            if week is not None and 0 < count < threshold:
                rounded.add((channel, week))
    return Masking(threshold, frozenset(rounded))
