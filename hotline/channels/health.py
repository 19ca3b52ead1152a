"""GET /healthz: whether this instance can answer, for the platform's health checks."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from hotline.edges.storage.database import run_safely
from hotline.services import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Say whether this instance can answer: content loaded and database reachable."""
    engine = services().engine
    checks = {"content": engine is not None and bool(engine.catalog.topics), "database": database_answers()}
    healthy = all(checks.values())
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def database_answers() -> bool:
    """Run SELECT 1 through the storage edge, whose short timeouts keep this fast when it is down."""
    return run_safely(lambda connection: connection.scalar(text("SELECT 1")), "health check") == 1
