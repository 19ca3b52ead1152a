"""GET /healthz: whether this instance can answer, for the platform's health checks, and how current
ICE's 287(g) list is (reported, never a reason for 503: answers still go out from an old list)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from hotline.edges.storage.agreement_history import recent_checks
from hotline.edges.storage.agreement_lists import current_list, list_is_stale
from hotline.edges.storage.database import run_safely
from hotline.services import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Say whether this instance can answer: content loaded and database reachable; and the list's state."""
    engine = services().engine
    checks = {"content": engine is not None and bool(engine.catalog.topics), "database": database_answers()}
    healthy = all(checks.values())
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks,
                       agreements=agreements_state() if checks["database"] else None)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def database_answers() -> bool:
    """Write as the counters do (an update that changes nothing), with the storage edge's short timeouts.

    A SELECT succeeded on a SQLite file that had turned read-only while counts were being lost.
    """
    probe = text("UPDATE hotline_schema SET version = version WHERE id = 1")
    return run_safely(lambda connection: connection.execute(probe).rowcount, "health check") == 1


def agreements_state() -> dict[str, object]:
    """Report the list answers come from: whether one is loaded, its date, the last check, whether it is stale."""
    loaded = current_list()
    last = next(iter(recent_checks("participating", 1)), None)
    return {"loaded": loaded is not None,
            "list_date": loaded.as_of.isoformat() if loaded else None,
            "checked_at": last.checked_at.isoformat(timespec="seconds") + "Z" if last else None,
            "last_check": last.outcome if last else None,
            "confirmed": loaded.confirmed.isoformat() if loaded and loaded.confirmed else None,
            "stale": list_is_stale(loaded) if loaded else None}
