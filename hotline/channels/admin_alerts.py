"""Publish, correct and clear the verified notice from /admin/alert: behind the organisers' password, every
form signed against cross-site requests, and a preview of exactly what texters will get before it goes out."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from hotline.channels.admin import unavailable
from hotline.channels.dashboard_access import protect, require_password
from hotline.core.alert_checks import Draft, clean_label
from hotline.edges.storage import alerts
from hotline.edges.storage.alert_counts import asked_per_day
from hotline.edges.storage.stats import show_count
from hotline.services import get_engine

bp = Blueprint("admin_alerts", __name__)
bp.after_request(protect)
TOKEN_MAX_AGE_S = 2 * 3600  # a form left open longer asks to be reloaded
HISTORY, DAYS = 10, 14  # notices listed; days of counts
DEFAULT_LABEL = "dashboard"  # who published, when the user name is empty or looks like a number


def signer() -> URLSafeTimedSerializer:
    """Sign form tokens with the app's secret key, for this form only."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="hotline admin alert form")


def user_label() -> str:
    """Name who is signed in (the user name typed with the password), never a number."""
    try:
        return clean_label(request.authorization.username if request.authorization else "")
    except ValueError:
        return DEFAULT_LABEL


def check_token() -> None:
    """Refuse a form not made by this dashboard for this user within the last hours (a cross-site request)."""
    try:
        signed_for = signer().loads(request.form.get("csrf_token", ""), max_age=TOKEN_MAX_AGE_S)
    except BadSignature:
        abort(400, "This form has expired or did not come from the dashboard: reload the page and try again.")
    if signed_for != user_label():
        abort(400, "This form was made for someone else: reload the page and try again.")


@bp.get("/admin/alert")
@require_password
def show_alert_form():
    """Show the notice that holds, the form to publish a new one (or clear it), and the recent history."""
    return render_form(status=request.args.get("done", ""))


@bp.post("/admin/alert")
@require_password
def change_alert():
    """Preview, publish or clear the notice, as the button pressed says."""
    check_token()
    action = request.form.get("action", "preview")
    if action == "clear":
        try:
            alerts.clear(user_label())
        except SQLAlchemyError:
            return unavailable()
        return redirect(url_for("admin_alerts.show_alert_form", done="cleared"), code=303)
    codes = get_engine().catalog.languages.codes
    texts = {code: request.form.get(f"text_{code}", "") for code in codes}
    draft = alerts.draft(texts, request.form.get("expires", ""), request.form.get("by", "") or user_label())
    if action == "publish" and draft.ok:
        try:
            alerts.publish(draft.texts, draft.holds_for, draft.by)
        except SQLAlchemyError:
            return unavailable()
        return redirect(url_for("admin_alerts.show_alert_form", done="published"), code=303)
    return render_form(draft=draft, preview=alerts.preview_now(draft), status="")


def render_form(status: str, draft: Draft | None = None, preview: dict | None = None) -> Response | str:
    """Render the form with what holds now and what was published before."""
    try:
        history, (days, asked) = alerts.history(HISTORY), asked_per_day(DAYS)
    except SQLAlchemyError:
        return unavailable()
    board, languages = alerts.get_board(), get_engine().catalog.languages
    threshold = int(current_app.config["HOTLINE_SMALL_COUNT_THRESHOLD"])
    current = next((n for n in history if n.holds(alerts.now())), None)
    when = {n.id: {"published": alerts.say_local(n.published_at), "expires": alerts.say_local(n.expires_at),
                   "cleared": alerts.say_local(n.cleared_at) if n.cleared_at else ""} for n in history}
    return render_template("admin/alert.html", current=current, history=history, when=when, draft=draft,
                           preview=preview or {}, languages=languages.all, status=status, zone=board.zone.key,
                           token=signer().dumps(user_label()), by=user_label(),
                           default_hours=current_app.config["HOTLINE_ALERT_DEFAULT_HOURS"],
                           max_hours=current_app.config["HOTLINE_ALERT_MAX_HOURS"],
                           answers={code: alerts.answer(code) for code in languages.codes},
                           samples={code: board.words.texts[code]["sample"] for code in languages.codes},
                           days=days, asked=asked, show=lambda n: show_count(n, threshold), threshold=threshold)
