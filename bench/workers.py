"""Requests per second with 2 worker processes against 1, on the list endpoint (scenario 1).

    .venv/bin/python bench/workers.py                     # the cached SQLite file at scale 50
    .venv/bin/python bench/workers.py --database URL      # say, PostgreSQL

Neither server nor wrk is pinned (two workers need both cores, which wrk shares with them); the
two are measured alternately, three rounds of a 1 s warm-up and a 3 s run with 16 connections over
2 wrk threads; the ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence

from database import cached_database
from scenarios import SCENARIOS
from servers import BenchError, ours_args, running
from wrk import Load, run_wrk

TARGET = SCENARIOS[0].target  # 30 accounts, with links


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL", help="default: the cached SQLite file")
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument(
        "--no-reply-cache",
        dest="reply_cache",
        action="store_false",
        help="the servers run every read (no answers kept for unchanged data)",
    )
    args = parser.parse_args(argv)
    cache = args.reply_cache
    database = args.database or cached_database(args.scale)
    rps: dict[int, list[float]] = {1: [], 2: []}
    try:
        with (
            running("one", ours_args(database, args.scale, 1, reply_cache=cache), None) as one,
            running("two", ours_args(database, args.scale, 2, reply_cache=cache), None) as two,
        ):
            for round_ in range(args.rounds):
                order = [(1, one), (2, two)] if round_ % 2 == 0 else [(2, two), (1, one)]
                for workers, server in order:
                    run_wrk(server.url + TARGET, Load(2, 16, 1, None))  # warm-up
                    result = run_wrk(server.url + TARGET, Load(2, 16, args.seconds, None))
                    if result.error_count or not result.requests:
                        raise BenchError(f"{workers} worker(s): errors {result.errors}")
                    rps[workers].append(result.rps)
                    print(f"  round {round_ + 1}  {workers} worker(s)  {result.rps:9,.0f} req/s")
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    ratios = [two_ / one_ for one_, two_ in zip(rps[1], rps[2], strict=True)]
    print(
        f"GET {TARGET}: 1 worker {statistics.median(rps[1]):,.0f} req/s, 2 workers "
        f"{statistics.median(rps[2]):,.0f} req/s: {statistics.median(ratios):.2f}× "
        f"(rounds {min(ratios):.2f}–{max(ratios):.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
