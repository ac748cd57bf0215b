"""``sandbox.fetch_all()`` of 100,000 orders into a DataFrame against ``pandas.read_sql`` of the
same table, on the same machine, in one run.

    .venv/bin/python bench/fetch_all.py                  # scale 50: 100,000 orders, ~2 minutes
    .venv/bin/python bench/fetch_all.py --quick          # scale 1: 2,000 orders, a smoke run
    .venv/bin/python bench/fetch_all.py --page-sizes 1000 --concurrency 1 2

Our server runs from the cached seed database (``database.py``) in a subprocess of its own
(``launch.py``, without authentication), pinned to CPU 0 when ``taskset`` is there; this process,
which runs both ``fetch_all()`` and ``read_sql``, stays on CPU 1. ``read_sql`` reads the server's
own SQLite file, read-only. Each setting (page size × concurrency × links on or off) is measured
``--rounds`` times, alternating with ``read_sql``; the table shows medians, and the ratio is the
median of the per-round ratios (fetch_all time / read_sql time, measured back to back).

Exit status: 0 (target met or not), 1 on an error, 3 with ``--strict`` when even the best setting
is more than ``--target`` times slower than ``read_sql``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from database import cached_database
from servers import ROOT, BenchError, ours_args, pin_self, running

from sandbox import ApiClient, Metadata
from sandbox.frames import fetch_all
from server.domain.resources import RESOURCES

SERVER_CPU, CLIENT_CPU = 0, 1
TYPE = "orders"


@dataclass
class Setting:
    page_size: int
    concurrency: int
    links: bool
    seconds: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        links = "links" if self.links else "noHateoas"
        return f"page_size={self.page_size:<5} concurrency={self.concurrency}  {links}"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()  # each measurement starts from a clean heap
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def read_sql(database: str, table: str) -> pd.DataFrame:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return pd.read_sql(f'SELECT * FROM "{table}"', connection)
    finally:
        connection.close()


def fetch(client: ApiClient, setting: Setting, types: Metadata) -> pd.DataFrame:
    headers = {} if setting.links else {"X-Include": "noHateoas"}
    frames = fetch_all(
        client,
        TYPE,
        headers=headers,
        page_size=setting.page_size,
        concurrency=setting.concurrency,
        progress=False,
        types=types,
    )
    return frames.data


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-sizes", type=int, nargs="+", default=[100, 1000, 2000])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--links", choices=("both", "on", "off"), default="both")
    parser.add_argument("--target", type=float, default=5.0, help="the slowest acceptable ratio")
    parser.add_argument("--quick", action="store_true", help="scale 1, one round")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to CPUs")
    parser.add_argument("--strict", action="store_true", help="exit 3 when the target is missed")
    options = parser.parse_args(argv)
    if options.quick:
        options.scale, options.rounds = 1, 1
    pin = not options.no_pin and (os.cpu_count() or 1) >= 2
    pin_self(CLIENT_CPU if pin else None)

    links = {"both": (True, False), "on": (True,), "off": (False,)}[options.links]
    settings = [
        Setting(size, workers, linked)
        for linked, size, workers in itertools.product(
            links, options.page_sizes, options.concurrency
        )
    ]
    database = cached_database(options.scale)
    table = next(r.table for r in RESOURCES if r.type == TYPE)
    expected = len(read_sql(str(database), table))
    load = os.getloadavg()[0]
    sql_seconds: list[float] = []

    launch = ours_args(database, options.scale)
    with running("ours", launch, SERVER_CPU if pin else None) as server:
        client = ApiClient(server.url + "/api")
        types = Metadata.fetch(client)  # the attribute kinds, from the server's OpenAPI document
        if types is None:
            raise BenchError("the server has no OpenAPI document")
        fetch(client, Setting(100, 1, False), types)  # warm-up: imports, caches, connections
        for round_ in range(options.rounds):
            # alternate the order of the settings between rounds
            for setting in settings if round_ % 2 == 0 else settings[::-1]:
                sql, frame = timed(lambda: read_sql(str(database), table))
                if len(frame) != expected:
                    raise BenchError(f"read_sql returned {len(frame)} rows, not {expected}")
                seconds, frame = timed(lambda s=setting: fetch(client, s, types))
                if len(frame) != expected:
                    raise BenchError(f"fetch_all returned {len(frame)} rows, not {expected}")
                sql_seconds.append(sql)
                setting.seconds.append(seconds)
                setting.ratios.append(seconds / sql)
            print(f"round {round_ + 1} of {options.rounds} done", file=sys.stderr, flush=True)
        client.close()

    sql_median = statistics.median(sql_seconds)
    best = min(settings, key=lambda s: statistics.median(s.ratios))
    print(header(options.scale, expected, load, pin))
    print(f"pandas.read_sql('SELECT * FROM \"{table}\"'): median {sql_median:.3f} s")
    print(f"{'fetch_all setting':<44} {'median':>8} {'best':>8} {'ratio':>7} {'ratios':>13}")
    for s in settings:
        ratio = statistics.median(s.ratios)
        spread = f"{min(s.ratios):.1f}–{max(s.ratios):.1f}"
        mark = "  ← best" if s is best else ""
        print(
            f"{s.label:<44} {statistics.median(s.seconds):>7.3f}s {min(s.seconds):>7.3f}s"
            f" {ratio:>6.1f}× {spread:>13}{mark}"
        )
    ratio = statistics.median(best.ratios)
    verdict = "pass" if ratio <= options.target else "FAIL"
    print(
        f"best: {best.label.strip()}: {ratio:.1f}× read_sql (target ≤ {options.target:g}×)"
        f" {verdict}"
    )
    return 3 if options.strict and verdict == "FAIL" else 0


def header(scale: int, rows: int, load: float, pin: bool) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpus = f"server on CPU {SERVER_CPU}, client on CPU {CLIENT_CPU}" if pin else "not pinned"
    return (
        f"fetch_all() vs pandas.read_sql — {when}, commit {commit}\n"
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, pandas {pd.__version__};"
        f" {cpus}; load average {load:.1f} before the run\n"
        f"seed scale {scale}: {rows:,} {TYPE}; fetch_all with types=Metadata.fetch(client)"
        " (money → float64, datetimes → UTC), progress off"
    )


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
