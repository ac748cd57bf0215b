"""CPU time per request of each scenario, the ASGI app called directly (no HTTP, no wrk).

    .venv/bin/python bench/inprocess.py                    # SQLite, the cached scale-50 seed
    .venv/bin/python bench/inprocess.py --database postgresql+psycopg://…  --requests 500
    .venv/bin/python bench/inprocess.py --profile 2        # cProfile of scenario 2, top functions

A shared machine moves wall-clock figures by a third or more; the CPU time of the one thread that
serves the requests (``time.thread_time``) moves much less, so this is what to compare while
changing the server. Each scenario is warmed up first, then timed in ``--runs`` runs (5) of
``--requests`` requests (300) each: the median, and the range (on a busy machine the best run
is the one least disturbed).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from database import cached_database
from scenarios import JSON_API, ORDERS_RANGE_SORTED, SCENARIOS

from server.app import create_app
from server.settings import Settings

TARGETS = {s.key: s.target for s in SCENARIOS if s.connections is None}
TARGETS["6"] = ORDERS_RANGE_SORTED


def scope(target: str) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", JSON_API.encode())],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }


async def request(app: Any, target: str) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope(target), receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def lifespan(app: Any) -> tuple[asyncio.Queue[Any], asyncio.Task[None]]:
    inbox: asyncio.Queue[Any] = asyncio.Queue()
    outbox: asyncio.Queue[Any] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put)
    )
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise SystemExit(f"start-up failed: {started}")
    return inbox, task


async def measure(args: argparse.Namespace) -> None:
    database = args.database or f"sqlite:///{cached_database(50)}"
    # the reply cache off: each request runs its statements and rendering, the work measured here
    settings = Settings(
        database_url=database, scale=50, auth=False, queue_workers=0, reply_cache=False
    )
    app = create_app(settings)
    inbox, task = await lifespan(app)
    try:
        keys = [args.profile] if args.profile else args.scenarios
        for key in keys:
            target = TARGETS[key]
            for _ in range(50):
                status, body = await request(app, target)
            if status != 200:
                raise SystemExit(f"scenario {key}: {status} {body[:300]!r}")
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.requests):
                    await request(app, target)
                profile.disable()
                pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
                continue
            runs = []
            for _ in range(args.runs):
                started = time.thread_time()
                for _ in range(args.requests):
                    await request(app, target)
                runs.append((time.thread_time() - started) / args.requests * 1000)
            print(
                f"{key:>2} {target[:70]:<70} {statistics.median(runs):6.3f} ms"
                f"  ({min(runs):.3f}–{max(runs):.3f}; {len(body):,} bytes)",
                flush=True,
            )
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await task


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: the cached scale-50 seed)")
    parser.add_argument("--requests", type=int, default=300, help="requests per timed run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario")
    parser.add_argument("--scenarios", nargs="+", default=list(TARGETS), choices=list(TARGETS))
    parser.add_argument("--profile", choices=list(TARGETS), help="cProfile this scenario instead")
    parser.add_argument("--sort", default="tottime", help="pstats sort key for --profile")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    asyncio.run(measure(parser.parse_args(argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
