"""Benchmark our server against a ceiling, in one run, with wrk: ``make bench``.

    .venv/bin/python bench/run.py            # scale 50 (100,000 orders), about 2.5 minutes
    .venv/bin/python bench/run.py --quick    # smoke run: scale 1, 1-second wrk runs
    .venv/bin/python bench/run.py --strict   # also fail (exit 3) when a target is missed

The ceiling (``ceiling.py``) is a raw ASGI app under the same uvicorn options, serving the very
bytes our server answered. The two are measured alternately, scenario by scenario, round by
round; the table shows medians over the rounds, and the ratio is the median of the per-round
ratios (each one measured back to back), with their range.

Exit status: 0 fine (targets missed or not), 1 error, 3 a target missed with --strict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from ceiling import Response, save_responses
from database import cached_database
from report import FullList, Row, format_report
from scenarios import FULL_LIST, JSON_API, SCENARIOS, Scenario
from servers import ROOT, BenchError, Server, ours_args, pin_self, running
from wrk import Load, WrkResult, run_wrk

SERVER_CPU, CLIENT_CPU = 0, 1
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Options:
    scale: int
    seconds: int
    warmup: int
    rounds: int
    threads: int
    connections: int
    pin: bool
    strict: bool
    database: str | None = None  # ours on this URL (say, PostgreSQL) instead of the cached file
    reply_cache: bool = (
        True  # ours keeps answers to reads of unchanged data (server/reply_cache.py)
    )

    @property
    def server_cpu(self) -> int | None:
        return SERVER_CPU if self.pin else None

    @property
    def client_cpu(self) -> int | None:
        return CLIENT_CPU if self.pin else None

    def load(self, scenario: Scenario, seconds: int) -> Load:
        return Load(
            self.threads, scenario.connections or self.connections, seconds, self.client_cpu
        )


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes
    seconds: float = 0.0
    first_byte_seconds: float = 0.0


@dataclass
class Measurements:
    """wrk results by scenario key, then by server name, one per round."""

    results: dict[str, dict[str, list[WrkResult]]] = field(default_factory=dict)

    def add(self, key: str, server: str, result: WrkResult) -> None:
        self.results.setdefault(key, {}).setdefault(server, []).append(result)


def parse_args(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: scale 1, one round of 1-second runs"
    )
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    parser.add_argument("--scale", type=int, help="seed scale (default 50; --quick: 1)")
    parser.add_argument("--seconds", type=int, help="length of each measured wrk run (default 3)")
    parser.add_argument("--warmup", type=int, help="wrk warm-up before each run, s (default 1)")
    parser.add_argument(
        "--rounds", type=int, help="measurements per server and scenario (default 3)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="run ours on this database (seeded at --scale if empty), e.g. PostgreSQL's",
    )
    parser.add_argument(
        "--no-reply-cache",
        dest="reply_cache",
        action="store_false",
        help="ours runs every read (as when each request reads data changed since the last)",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin the servers and wrk to separate CPUs",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    pin = args.pin and (os.cpu_count() or 1) >= 2
    return Options(
        scale=args.scale or (1 if quick else 50),
        seconds=args.seconds or (1 if quick else 3),
        warmup=args.warmup if args.warmup is not None else 1,
        rounds=args.rounds or (1 if quick else 3),
        threads=args.threads,
        connections=args.connections,
        pin=pin,
        strict=args.strict,
        database=args.database,
        reply_cache=args.reply_cache,
    )


# --- talking to a server ------------------------------------------------------------------


def fetch(base_url: str, target: str) -> Fetched:
    """GET ``target`` with the JSON:API media type, timing the first byte and the last."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=300)
    try:
        started = time.perf_counter()
        connection.request("GET", target, headers={"Accept": JSON_API})
        response = connection.getresponse()
        first_byte = time.perf_counter() - started
        body = response.read()
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    return Fetched(
        response.status, response.getheader("content-type") or "", body, seconds, first_byte
    )


def item_count(fetched: Fetched, target: str) -> int:
    if fetched.status != 200:
        raise BenchError(f"GET {target} answered {fetched.status}: {fetched.body[:500]!r}")
    data = orjson.loads(fetched.body).get("data")
    return len(data) if isinstance(data, list) else int(data is not None)


def ceiling_responses(ours: Server) -> dict[str, Response]:
    """Our real answers to every scenario, checked to hold data, ready for the ceiling."""
    responses = {}
    for scenario in SCENARIOS:
        fetched = fetch(ours.url, scenario.target)
        count = item_count(fetched, scenario.target)
        if count < scenario.min_items:
            raise BenchError(
                f"GET {scenario.target} returned {count} items, expected at least "
                f"{scenario.min_items}: adjust the scenario to the seeded data"
            )
        responses[scenario.target] = Response(fetched.body, fetched.content_type)
    return responses


# --- measuring ----------------------------------------------------------------------------


def measure(server: Server, scenario: Scenario, options: Options) -> WrkResult:
    """A warm-up run (checked, then dropped), then the measured run."""
    url = server.url + scenario.target
    runs = ([options.warmup] if options.warmup else []) + [options.seconds]
    for seconds in runs:
        result = run_wrk(url, options.load(scenario, seconds))
        if result.error_count or not result.requests:
            raise BenchError(
                f"{server.name}: GET {scenario.target}: {result.requests} requests, "
                f"errors {result.errors}"
            )
    return result


def measure_alternately(servers: Sequence[Server], options: Options) -> Measurements:
    """Every scenario on every server, ``rounds`` times, the order flipping at each step."""
    measurements = Measurements()
    step = 0
    for round_ in range(1, options.rounds + 1):
        for scenario in SCENARIOS:
            order = servers if step % 2 == 0 else list(reversed(servers))
            for server in order:
                result = measure(server, scenario, options)
                measurements.add(scenario.key, server.name, result)
                print(
                    f"  round {round_}/{options.rounds}  {scenario.key:<3} {server.name:<8}"
                    f"{result.rps:>9,.0f} req/s  p50 {result.p50_ms:6.2f} ms",
                    flush=True,
                )
            step += 1
    return measurements


def summarize(measurements: Measurements) -> list[Row]:
    rows = []
    for scenario in SCENARIOS:
        ours = measurements.results[scenario.key]["ours"]
        ceiling = measurements.results[scenario.key]["ceiling"]
        ratios = [o.rps / c.rps for o, c in zip(ours, ceiling, strict=True)]
        ratio = statistics.median(ratios)
        p50 = statistics.median(r.p50_ms for r in ours)
        rows.append(
            Row(
                scenario=scenario,
                ratio=ratio,
                ratio_low=min(ratios),
                ratio_high=max(ratios),
                passed=scenario.passed(ratio, p50),
                ours_rps=statistics.median(r.rps for r in ours),
                ours_p50_ms=p50,
                ours_p99_ms=statistics.median(r.p99_ms for r in ours),
                ceiling_rps=statistics.median(r.rps for r in ceiling),
                ceiling_p50_ms=statistics.median(r.p50_ms for r in ceiling),
                ceiling_p99_ms=statistics.median(r.p99_ms for r in ceiling),
            )
        )
    return rows


def measure_full_list(database: Path | str, options: Options) -> FullList:
    """Scenario 5: the whole order collection once, from a freshly started server."""
    with running(
        "ours",
        ours_args(database, options.scale, reply_cache=options.reply_cache),
        options.server_cpu,
    ) as server:
        before = server.memory_kb()
        fetched = fetch(server.url, FULL_LIST)
        after = server.memory_kb()
    return FullList(
        target=FULL_LIST,
        items=item_count(fetched, FULL_LIST),
        size_bytes=len(fetched.body),
        seconds=fetched.seconds,
        first_byte_seconds=fetched.first_byte_seconds,
        hwm_before_kb=before["VmHWM"],
        hwm_after_kb=after["VmHWM"],
    )


# --- the run ------------------------------------------------------------------------------


def environment(ours: Server, options: Options, load_average: float) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average": load_average,  # 1-minute, before the run: others competing for the CPUs
        "server": {key: ours.info[key] for key in ("uvicorn", "http", "loop")},
        "options": asdict(options),
    }


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--", "server") else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def save(report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return path


def benchmark(options: Options) -> int:
    pin_self(options.client_cpu)
    load_average = os.getloadavg()[0]
    database: Path | str = options.database or cached_database(options.scale)
    with running(
        "ours",
        ours_args(database, options.scale, reply_cache=options.reply_cache),
        options.server_cpu,
    ) as ours:
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            responses = Path(scratch) / "responses.json"
            save_responses(responses, ceiling_responses(ours))
            ceiling_args = ["ceiling", "--responses", str(responses)]
            with running("ceiling", ceiling_args, options.server_cpu) as ceiling:
                print(
                    f"Measuring ({options.rounds} rounds, {options.warmup} s warm-up + "
                    f"{options.seconds} s per run)…",
                    flush=True,
                )
                measurements = measure_alternately([ours, ceiling], options)
                peaks = {"ours": ours.memory_kb()["VmHWM"], "ceiling": ceiling.memory_kb()["VmHWM"]}
        env = environment(ours, options, load_average)
    rows = summarize(measurements)
    full_list = measure_full_list(database, options)
    print()
    print(format_report(env, rows, full_list, peaks))
    path = save(
        {
            "environment": env,
            "rows": [asdict(row) for row in rows],
            "full_list": asdict(full_list),
            "peak_rss_kb": peaks,
            "runs": {
                key: {name: [asdict(r) for r in results] for name, results in by_server.items()}
                for key, by_server in measurements.results.items()
            },
        }
    )
    print(f"\nResults saved to {path.relative_to(ROOT)}")
    missed = [row for row in rows if row.passed is False] + ([] if full_list.passed else [None])
    return 3 if options.strict and missed else 0


def main(argv: Sequence[str]) -> int:
    options = parse_args(argv)
    try:
        return benchmark(options)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
