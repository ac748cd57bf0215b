"""Search over the scale-50 demo data (100,000 orders and the rest): ``python bench/search.py``.

Measured, each as the median of many requests over one keep-alive connection to a uvicorn server
in this process:
1. ``GET /api/search?filter[searchText]=<common word>&page[size]=30`` with
   ``X-Include: totalCount`` (target: median < 20 ms);
2. a ``count`` aggregation over all orders (target: median < 50 ms);
3. the index's extra cost on a single create: the same insert through ``storage.write.Writer``
   with the index kept and with its upkeep switched off, in rolled-back transactions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from database import cached_database  # noqa: E402

from server.app import create_app  # noqa: E402
from server.domain.resources import build_registry  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.storage import search_index  # noqa: E402
from server.storage.database import create_engine  # noqa: E402
from server.storage.tables import build_schema  # noqa: E402
from server.storage.write import Writer  # noqa: E402

JSON_API = "application/vnd.api+json"
SCENARIOS = (
    (
        "searchText, first 30, totalCount",
        "/api/search?filter[searchText]=usd&page[size]=30",
        20.0,
    ),
    (
        "count aggregation over all orders",
        "/api/search?filter[entities]=orders&filter[aggregations]=status%20count&page[size]=1",
        50.0,
    ),
)


def serve(database: Path) -> tuple[uvicorn.Server, str]:
    app = create_app(Settings(database_url=f"sqlite:///{database}", auth=False))
    server = uvicorn.Server(uvicorn.Config(app, port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def median_ms(client: httpx.Client, url: str, count: int) -> tuple[float, httpx.Response]:
    headers = {"Accept": JSON_API, "X-Include": "totalCount"}
    response = client.get(url, headers=headers)  # warm-up
    response.raise_for_status()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(url, headers=headers).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), response


def create_cost(database: Path, count: int) -> tuple[float, float]:
    """Median ms of one account insert with the index kept, and without its upkeep."""
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(f"sqlite:///{database}")
    accounts = registry["accounts"]
    values = {"name": "Bench Account", "owner_id": 1, "organization_id": 1}

    def run() -> float:
        times = []
        for _ in range(count):
            with engine.connect() as connection:
                transaction = connection.begin()
                writer = Writer(connection, registry, schema)
                started = time.perf_counter()
                writer.insert(accounts, values)
                times.append((time.perf_counter() - started) * 1000)
                transaction.rollback()
        return statistics.median(times)

    with_index = run()
    refresh = search_index.Indexer.refresh
    search_index.Indexer.refresh = lambda *_args, **_kw: None  # type: ignore[method-assign]
    try:
        without = run()
    finally:
        search_index.Indexer.refresh = refresh  # type: ignore[method-assign]
    engine.dispose()
    return with_index, without


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    database = cached_database(args.scale)
    server, origin = serve(database)
    failed = False
    try:
        with httpx.Client(base_url=origin, timeout=60) as client:
            for name, url, target in SCENARIOS:
                median, response = median_ms(client, url, args.requests)
                total = response.headers.get("X-Include-Total-Count")
                verdict = "ok" if median < target else "MISSED"
                failed = failed or median >= target
                print(
                    f"{name}: median {median:.1f} ms (target < {target:.0f} ms, {verdict});"
                    f" {total} found"
                )
    finally:
        server.should_exit = True
    with_index, without = create_cost(database, args.requests)
    print(
        f"one account insert: {with_index:.2f} ms with the index, {without:.2f} ms without"
        f" (+{with_index - without:.2f} ms)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
