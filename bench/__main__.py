"""Run the benchmark: `.venv/bin/python -m bench` (bench/run also installs wrk). See docs/benchmarks.md."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .mix import build_mix, close_app, make_app
from .openloop import run_open_loop
from .peer_mix import write_words
from .report import describe_machine, render_results, render_table, write_results
from .results import APPS, SCENARIOS, Measured, build_rows, list_notes, verdict
from .scale import measure_two_instances, postgres_url
from .servers import ROOT, Server, cpu_seconds, measure_workers, start_server, stop_server, worker_pids
from .wrk import find_wrk, run_wrk, write_data


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the options; the defaults take about five minutes."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="closed-loop rounds, apps alternating (default 2)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per closed-loop run (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--rate", type=float, default=0, help="fixed rate, req/s (default: half the peer's "
                                                                "measured SMS throughput)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the two instances on PostgreSQL")
    parser.add_argument("--rate-seconds", type=int, default=15, help="seconds at the fixed rate (default 15)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="where to write the results (default docs/benchmarks.md)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--profile", type=Path, help="record a py-spy flame graph (SVG) of one hotline worker "
                                                     "during the first SMS run (pip install -e '.[bench]'); "
                                                     "profiling slows it, so nothing is written")
    args = parser.parse_args(argv)
    args.no_write = args.no_write or bool(args.profile)
    if not (1 <= args.rounds <= 5 and 1 <= args.seconds <= 60 and 1 <= args.connections <= 64
            and 0 <= args.rate <= 20000 and 1 <= args.rate_seconds <= 60):
        parser.error("keep the run bounded: rounds 1-5, seconds 1-60, connections 1-64, rate 0-20000")
    return args


def measure_closed_loop(name: str, data: dict[str, Path], args: argparse.Namespace, directory: Path,
                        measured: Measured) -> None:
    """Start the app, drive each scenario with wrk, then read its workers' memory."""
    server = start_server(name, directory, extra_env=args.peer_env)
    try:
        measured.startup_s.append(server.startup_s)
        for scenario in SCENARIOS:
            cpu_before = cpu_seconds(server)
            profiler = start_profiler(server, args) if name == "hotline" and scenario == "sms" else None
            result = run_wrk(server.url + "/", data[scenario], args.connections, args.seconds)
            if profiler:
                profiler.wait(timeout=60)
                args.profile = None  # one profile is enough
            measured.closed[scenario].append(result)
            if scenario == "sms":
                measured.cpu_ms_per_sms.append((cpu_seconds(server) - cpu_before) * 1000 / max(result.requests, 1))
            print(f"  {name:8} {scenario:6} {result.rate:8.0f} req/s  p50 {result.p50_ms:6.2f}  "
                  f"p99 {result.p99_ms:6.2f} ms  errors {result.errors}", flush=True)
        measured.rss_mib.extend(measure_workers(server))
    finally:
        stop_server(server)


def start_profiler(server: Server, args: argparse.Namespace) -> subprocess.Popen | None:
    """Start py-spy on one worker for the length of a run, when asked to."""
    if not args.profile:
        return None
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install -e '.[bench]'")
    worker = worker_pids(server.process.pid)[0]
    return subprocess.Popen([py_spy, "record", "--pid", str(worker), "--duration", str(args.seconds),
                             "--output", str(args.profile)], stdout=subprocess.DEVNULL)


def measure_open_loop(name: str, rate: float, args: argparse.Namespace, directory: Path,
                      measured: Measured) -> None:
    """Start the app and send it SMS at a fixed rate with the open-loop driver."""
    server = start_server(name, directory, extra_env=args.peer_env)
    try:
        measured.startup_s.append(server.startup_s)
        result = run_open_loop(server.port, build_mix("sms", name), rate, args.rate_seconds)
        measured.open_loop.append(result)
        print(f"  {name:8} {rate:.0f} req/s fixed: p50 {result.percentile(result.latencies_ms, 50):6.2f}  "
              f"p99 {result.percentile(result.latencies_ms, 99):6.2f} ms  errors {result.error_count}", flush=True)
    finally:
        stop_server(server)


def order(round_number: int) -> tuple[str, ...]:
    """Rotate the apps from round to round, so drift in the machine hits each alike."""
    shift = round_number % len(APPS)
    return APPS[shift:] + APPS[:shift]


def main(argv: list[str] | None = None) -> int:
    """Run the three apps through every phase, print the table and verdict, and write docs/benchmarks.md."""
    args = parse_args(argv)
    find_wrk()
    machine = describe_machine()
    measured = {name: Measured() for name in APPS}
    scale = None
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        directory = Path(tmp)
        print("Building signed requests ...", flush=True)
        words_app = make_app(directory)
        args.peer_env = {"BENCH_TUTORIAL_WORDS": str(write_words(words_app, directory / "peer-words.json"))}
        close_app(words_app)
        data = {name: {s: write_data(build_mix(s, name), directory / f"{s}-{name}.lua") for s in SCENARIOS}
                for name in APPS}
        for round_number in range(args.rounds):  # bounded
            print(f"Round {round_number + 1} of {args.rounds}: fixed concurrency", flush=True)
            for name in order(round_number):
                measure_closed_loop(name, data[name], args, directory / f"{name}-{round_number}", measured[name])
        rate = args.rate or max(10.0, measured["tutorial"].median("sms", "rate") // 20 * 10)
        for round_number in range(args.rounds):
            print(f"Round {round_number + 1} of {args.rounds}: fixed rate, {rate:.0f} req/s", flush=True)
            for name in order(round_number):
                measure_open_loop(name, rate, args, directory / f"{name}-open-{round_number}", measured[name])
        if postgres_url() and not args.no_postgres:
            print("Two hotline instances on one PostgreSQL", flush=True)
            scale = measure_two_instances(postgres_url(), data["hotline"]["sms"], args.connections, args.seconds,
                                          directory / "scale")
            print(f"  together {scale.rate:.0f} req/s; counted {scale.counted} for {scale.answered} answered; "
                  f"errors {scale.errors(args.connections)}", flush=True)
    rows = build_rows(measured, rate, args.connections, args.seconds, scale)
    table, summary = render_table(rows), verdict(rows)
    print("\n" + table + "\n\n" + summary + "\n")
    if not args.no_write:
        notes = list_notes(measured, rate, scale, args.connections)
        write_results(args.output, render_results(machine, table, summary, notes))
        print(f"Wrote {args.output}")
    missed = [row.metric for row in rows if row.met == "NO"]
    print(f"Targets missed: {len(missed)} of {sum(1 for row in rows if row.target)}.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
