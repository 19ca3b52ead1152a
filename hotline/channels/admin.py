"""The organisers' dashboard and its CSV export, behind HOTLINE_ADMIN_PASSWORD."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request

from hotline.core.agreement_updates import describe_change
from hotline.core.agreements import state_code
from hotline.edges.storage.agreement_history import latest_loaded, recent_checks
from hotline.edges.storage.agreement_lists import current_list, list_is_stale
from hotline.edges.storage.stats import (
    CHANNELS,
    TABLES,
    Report,
    Series,
    export_csv,
    read_report,
    show_count,
)

bp = Blueprint("admin", __name__)
WEEKS = 8
BAR_WIDTH, BAR_GAP, BAR_HEIGHT, LABEL_HEIGHT = 26, 10, 40, 12
SMALL_BAR = 3  # every small count gets this same height, so the chart tells no more than "<5"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str
    small: bool


def require_password(view: Callable) -> Callable:
    """Let in only organisers with HOTLINE_ADMIN_PASSWORD (any user name); 404 when it is unset."""

    @functools.wraps(view)
    def checked_view(*args, **kwargs):
        password = str(current_app.config["HOTLINE_ADMIN_PASSWORD"])
        if not password:
            abort(404)
        given = (request.authorization.password or "") if request.authorization else ""
        # Compare digests: equal lengths, constant time, whatever was typed.
        if not hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                                   hashlib.sha256(password.encode()).digest()):
            return Response("The statistics need the organisers' password.\n", 401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Basic realm="hotline statistics", charset="UTF-8"'})
        return view(*args, **kwargs)

    return checked_view


@bp.after_request
def forbid_caching(response: Response) -> Response:
    """Keep statistics out of shared caches and the page free of anything from elsewhere."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/admin")
@require_password
def dashboard():
    """Show the last weeks' counters as bar charts and tables, small counts hidden."""
    threshold = int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"])
    report = read_report(WEEKS)
    channels = [c for c in CHANNELS if c in ("sms", "voice") or report.pick("total", c)]
    return render_template("admin/dashboard.html", report=report, channels=channels, channel_names=CHANNELS,
                           tables=TABLES, threshold=threshold, draw=functools.partial(draw_bars, threshold=threshold),
                           show=functools.partial(show_count, threshold=threshold), geometry=chart_geometry(report),
                           agreements=agreements_report())


@bp.get("/admin/stats.csv")
@require_password
def stats_csv():
    """Download the dashboard's numbers as CSV, small counts hidden."""
    report = read_report(WEEKS)
    csv = export_csv(report, int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"]))
    filename = f"hotline-stats-{report.weeks[-1].isoformat()}.csv"
    return Response(csv, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def agreements_report() -> dict[str, object]:
    """Gather what organisers need to know of ICE's list: its date, the last checks, the latest changes."""
    state, loaded = state_code(current_app.config["HOTLINE_STATE"]), current_list()
    latest = latest_loaded("participating")
    changes = (latest.changes or {}) if latest else {}
    return {"loaded": loaded, "stale": bool(loaded and list_is_stale(loaded)), "state": state,
            "checks": recent_checks("participating", 5), "latest": latest, "describe": describe_change,
            "changes": {s: c for s, c in changes.items() if s == state} if state else changes}


def chart_geometry(report: Report) -> dict[str, int]:
    """Return the sizes the template needs to draw one bar per week."""
    step = BAR_WIDTH + BAR_GAP
    return {"width": len(report.weeks) * step, "height": LABEL_HEIGHT + BAR_HEIGHT, "bar": BAR_WIDTH, "step": step}


def draw_bars(series: Series, peers: list[Series], threshold: int) -> list[Bar]:
    """Place one bar per week, scaled to the largest shown count among peers."""
    top = max([c for s in peers for c in s.counts if c >= threshold], default=threshold)
    bars = []
    for week, count in enumerate(series.counts):
        small = 0 < count < threshold
        height = SMALL_BAR if small else count and max(SMALL_BAR + 1, round(count / top * BAR_HEIGHT))
        bars.append(Bar(week * (BAR_WIDTH + BAR_GAP), LABEL_HEIGHT + BAR_HEIGHT - height, height,
                        show_count(count, threshold), small))
    return bars
