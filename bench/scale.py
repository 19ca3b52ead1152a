"""Scale out: two hotline instances (two gunicorn masters, as two dynos are) on one PostgreSQL.

Each instance gets half the connections, both at once; then both are stopped with SIGTERM, as a
deploy stops dynos, and the shared usage counters must hold every text answered.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, func, pool, select, text

from hotline.edges.storage import database as db

from .results import ScaleOut
from .servers import cpu_seconds, start_server, stop_servers
from .wrk import run_wrk

POSTGRES_URL_VARIABLE = "HOTLINE_TEST_POSTGRES_URL"  # what scripts/test-setup.d/10-postgres.sh exports


def postgres_url() -> str:
    """Return the PostgreSQL server to use, or '' when there is none."""
    return os.environ.get(POSTGRES_URL_VARIABLE, "")


def empty_database(url: str) -> str:
    """Drop the hotline's tables (the servers create them afresh) and return the server's version."""
    engine = create_engine(db.normalise_url(url), poolclass=pool.NullPool)
    try:
        db.metadata.drop_all(engine)
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    finally:
        engine.dispose()


def count_texts(url: str) -> int:
    """Return how many texts the shared usage counters hold."""
    engine = create_engine(db.normalise_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            query = select(func.coalesce(func.sum(db.usage.c.count), 0)).where(db.usage.c.channel == "sms")
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def measure_two_instances(url: str, data: Path, connections: int, seconds: int, directory: Path) -> ScaleOut:
    """Drive two instances on one database at once, stop both, and read the shared counters."""
    version = empty_database(url)
    servers = [start_server("hotline", directory / f"instance-{n}", url) for n in (1, 2)]
    try:
        before = [cpu_seconds(server) for server in servers]
        with ThreadPoolExecutor(len(servers)) as pool_:
            results = list(pool_.map(lambda s: run_wrk(s.url + "/", data, max(1, connections // 2), seconds),
                                     servers))
        cpu = sum(cpu_seconds(server) - b for server, b in zip(servers, before, strict=True))
    finally:
        stop_servers(servers)  # SIGTERM to both at once: each worker writes the counts it still holds
    requests = sum(r.requests for r in results)
    return ScaleOut(results, count_texts(url), cpu * 1000 / max(requests, 1), f"PostgreSQL {version}")
