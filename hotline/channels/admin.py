"""The organisers' dashboard and its CSV export, behind HOTLINE_ADMIN_PASSWORD."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template
from sqlalchemy.exc import SQLAlchemyError

from hotline.channels.dashboard_access import protect, require_password
from hotline.core.agreement_updates import describe_change
from hotline.core.agreements import state_code
from hotline.edges.storage.agreement_history import latest_loaded, recent_checks
from hotline.edges.storage.agreement_lists import current_list, list_is_stale
from hotline.edges.storage.small_counts import Masking, masking_for
from hotline.edges.storage.stats import (
    CHANNELS,
    NONE,
    TABLES,
    Report,
    Series,
    export_csv,
    read_report,
    show_count,
)
from hotline.edges.storage.usage_days import read_days
from hotline.services import get_engine

bp = Blueprint("admin", __name__)
WEEKS, DAYS, DAY_BAR = 8, 14, 14  # weeks of weekly bars; days of daily bars, and their width
# What each outcome means, for the people who read the dashboard.
OUTCOMES = {"answered": "got the answer", "more": "asked for more", "end_of_topic": "read to the end",
            "menu": "got the menu", "help": "asked for help", "source": "asked for the source",
            "language": "changed language", "not_understood": "not understood",
            "optout_note": "asked how to stop", "opted_out": "texted STOP", "opted_in": "texted START",
            "rate_limited": "slowed down (too many texts)", "county": "asked about a county",
            "call_started": "calls started", "text_sent": "got the answer by text",
            "text_refused": "text not possible", "text_failed": "text failed",
            "hung_up": "hung up after three tries", "ended": "ended the call",
            "daily_total_reached": "not answered: HOTLINE_SMS_DAILY_TOTAL reached",
            "alert": "asked for the verified alert", "person": "asked for a person (told the hours)",
            "volunteer_offered": "rang the volunteers", "volunteer_connected": "talked with a volunteer",
            "volunteer_no_answer": "no volunteer answered", "other": "other"}
BAR_WIDTH, BAR_GAP, BAR_HEIGHT, LABEL_HEIGHT = 26, 10, 40, 12
SMALL_BAR = 3  # every small count gets this same height, so the chart tells no more than "<5"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str
    small: bool


bp.after_request(protect)


@bp.get("/admin")
@require_password
def dashboard():
    """Show the last weeks' counters as bar charts and tables, small counts hidden."""
    threshold = int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"])
    try:
        report, (days, per_day) = read_report(WEEKS), read_days(DAYS)
    except SQLAlchemyError:
        return unavailable()
    channels = [c for c in CHANNELS if c in ("sms", "voice") or report.pick("total", c)]
    mask = masking_for(report.series, report.weeks, threshold, days, per_day)  # no subtraction undoes "<5"
    return render_template("admin/dashboard.html", report=report, channels=channels, channel_names=CHANNELS,
                           tables=TABLES, threshold=threshold, mask=mask,
                           draw=functools.partial(draw_bars, threshold=threshold, mask=mask),
                           geometry=chart_geometry(len(report.weeks)), label=plain_label,
                           summary=this_week(report, mask), days=days, per_day=per_day,
                           day_geometry=chart_geometry(len(days), DAY_BAR), agreements=agreements_report(),
                           draw_days=functools.partial(draw_day_bars, threshold=threshold))


@bp.get("/admin/stats.csv")
@require_password
def stats_csv():
    """Download the dashboard's numbers as CSV, small counts hidden."""
    try:
        report = read_report(WEEKS)
    except SQLAlchemyError:
        return unavailable()
    csv = export_csv(report, int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"]))
    filename = f"hotline-stats-{report.weeks[-1].isoformat()}.csv"
    return Response(csv, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def unavailable() -> Response:
    """Say the statistics cannot be read now (the database does not answer), like /healthz: 503."""
    return Response("Statistics unavailable: the database does not answer. Texts and calls are still answered.\n",
                    503, mimetype="text/plain", headers={"Retry-After": "60"})


def agreements_report() -> dict[str, object]:
    """Gather what organisers need to know of ICE's list: its date, the last checks, the latest changes."""
    state, loaded = state_code(current_app.config["HOTLINE_STATE"]), current_list()
    latest = latest_loaded("participating")
    changes = (latest.changes or {}) if latest else {}
    return {"loaded": loaded, "stale": bool(loaded and list_is_stale(loaded)), "state": state,
            "checks": recent_checks("participating", 5), "latest": latest, "describe": describe_change,
            "changes": {s: c for s, c in changes.items() if s == state} if state else changes}


def chart_geometry(bars: int, width: int = 0) -> dict[str, int]:
    """Return the sizes the template needs to draw one bar per week (or per day)."""
    width = width or BAR_WIDTH
    step = width + BAR_GAP * width // BAR_WIDTH
    return {"width": bars * step, "height": LABEL_HEIGHT + BAR_HEIGHT, "bar": width, "step": step}


def draw_day_bars(counts: list[int], threshold: int) -> list[Bar]:
    """Place one bar per day, as draw_bars does per week."""
    bars = draw_bars(Series("total", "", "all", tuple(counts)), [Series("total", "", "all", tuple(counts))],
                     threshold)
    step = DAY_BAR + BAR_GAP * DAY_BAR // BAR_WIDTH
    return [Bar(i * step, bar.y, bar.height, bar.label, bar.small) for i, bar in enumerate(bars)]


def plain_label(table: str, name: str) -> str:
    """Name a row as organisers say it: the topic's keyword, the language's name, what happened."""
    catalog = get_engine().catalog
    if name == NONE:
        return "not known" if table == "language" else "none"
    if table == "topic" and name in catalog.topics:
        return catalog.topics[name].keywords[catalog.languages.codes[0]][0]
    if table == "language" and name in catalog.languages:
        return catalog.languages[name].name
    return OUTCOMES.get(name, name.replace("_", " ")) if table == "outcome" else name


def this_week(report: Report, mask: Masking) -> str:
    """Say in one line what this week looked like: texts, calls, and the topic most asked for."""
    def week(channel: str, table: str = "total") -> list[Series]:
        return [s for s in report.pick(table, channel) if s.name != NONE]
    texts, calls = (sum(s.counts[-1] for s in week(channel)) for channel in ("sms", "voice"))
    topics = sorted(week("sms", "topic") + week("voice", "topic"), key=lambda s: -s.counts[-1])
    most = f"; most asked: {plain_label('topic', topics[0].name)}" if topics and topics[0].counts[-1] else ""
    last = len(report.weeks) - 1
    return f"This week: {mask.cell('sms', last, texts)} texts, {mask.cell('voice', last, calls)} calls{most}."


def draw_bars(series: Series, peers: list[Series], threshold: int, mask: Masking | None = None) -> list[Bar]:
    """Place one bar per week, scaled to the largest shown count among peers."""
    top = max([c for s in peers for c in s.counts if c >= threshold], default=threshold)
    bars = []
    for week, count in enumerate(series.counts):
        small = 0 < count < threshold
        height = SMALL_BAR if small else count and max(SMALL_BAR + 1, round(count / top * BAR_HEIGHT))
        bars.append(Bar(week * (BAR_WIDTH + BAR_GAP), LABEL_HEIGHT + BAR_HEIGHT - height, height,
                        mask.cell(series.channel, week, count) if mask else show_count(count, threshold), small))
    return bars
