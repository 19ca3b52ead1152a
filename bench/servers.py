"""Start an app exactly as the Procfile does (gunicorn, gunicorn.conf.py) on loopback, and measure it."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .mix import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
# None: the Procfile's own app. The peer reads its words from BENCH_TUTORIAL_WORDS (bench/peer_mix.py).
APPS = {"hotline": None, "tutorial": "bench.tutorial_app:create_app()", "bare": "bench.bare_app:create_app()"}
START_TIMEOUT_S = 60


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    startup_s: float
    log: Path

    @property
    def url(self) -> str:
        """Return the loopback base URL."""
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """Find a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(app_spec: str | None, port: int) -> list[str]:
    """Read the Procfile's web command; point it at the venv's gunicorn, this repo's config and loopback."""
    line = next(li for li in (ROOT / "Procfile").read_text().splitlines() if li.startswith("web:"))
    args = [a.replace("$PORT", str(port)) for a in shlex.split(line.removeprefix("web:"))]
    args[0] = str(Path(sys.executable).parent / args[0])
    if "-c" in args:  # run from a scratch folder (no developer .env), so name the config by path
        args[args.index("-c") + 1] = str(ROOT / args[args.index("-c") + 1])
    if app_spec:
        args[-1] = app_spec
    # Loopback only: gunicorn.conf.py binds 0.0.0.0, and the command line wins over the config.
    return [*args, "--bind", f"127.0.0.1:{port}"]


def server_env(port: int, database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production settings with a test token and public URL; nothing inherited from the shell's hotline settings."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("HOTLINE_", "TWILIO_", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_"))}
    return {**inherited, **SETTINGS, "PORT": str(port), "WEB_CONCURRENCY": "2",
            "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **(extra or {})}


def start_server(name: str, directory: Path, database_url: str = "", extra_env: dict[str, str] | None = None) -> Server:
    """Start one app under gunicorn in a fresh folder (and SQLite file, unless a database URL is given).

    Timed until /healthz answers 200.
    """
    directory.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), directory / "gunicorn.log"
    env = server_env(port, database_url or f"sqlite:///{directory / 'hotline.db'}", extra_env)
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the workers' logging
        started = time.perf_counter()
        process = subprocess.Popen(procfile_command(APPS[name], port), cwd=directory, stdout=out,
                                   stderr=subprocess.STDOUT, env=env)
    deadline = started + START_TIMEOUT_S
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{log.read_text()[-3000:]}")
        if healthz_status(port) == 200:
            return Server(name, process, port, time.perf_counter() - started, log)
        time.sleep(0.01)
    stop_server(Server(name, process, port, 0.0, log))
    raise RuntimeError(f"{name}: /healthz did not answer 200 within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def healthz_status(port: int) -> int | None:
    """GET /healthz once; None while nothing listens yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=START_TIMEOUT_S) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status_line = s.makefile("rb").readline()
    except OSError:
        return None
    parts = status_line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def worker_pids(master: int) -> list[int]:
    """Find the gunicorn workers: the master's children, from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            if int(stat.rpartition(")")[2].split()[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def rss_mib(pid: int) -> float:
    """Read a process's resident set size (VmRSS) from /proc, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def measure_workers(server: Server) -> list[float]:
    """Return each worker's RSS in MiB."""
    pids = worker_pids(server.process.pid)
    if len(pids) != 2:
        raise RuntimeError(f"{server.name}: expected 2 gunicorn workers, found {pids}")
    return [rss_mib(pid) for pid in pids]


def stop_server(server: Server) -> None:
    """Stop gunicorn gracefully (SIGTERM), as a deploy would; kill it if it hangs."""
    stop_servers([server])


def stop_servers(servers: list[Server]) -> None:
    """Send SIGTERM to every server at once, as a deploy stops every dyno, then wait for each."""
    for server in servers:
        server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def cpu_seconds(server: Server) -> float:
    """Return the CPU time (user + system) the workers have used so far, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in worker_pids(server.process.pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15 of stat(5)
    return total / ticks
