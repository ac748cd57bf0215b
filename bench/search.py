"""Search over the scale-50 demo data (100,000 orders and the rest): ``python bench/search.py``.

The issue's scenarios, each measured as the median of many requests over one keep-alive
connection to a uvicorn server in this process (no access control, as bench/run.py's server;
the reply cache off, so that each request searches):
1. ``GET /api/search?filter[searchText]=<common word>&page[size]=30`` with
   ``X-Include: totalCount`` (target: median < 20 ms);
2. a ``count`` aggregation over all orders (target: median < 50 ms);
3. the index's extra cost on a single create: the same insert through ``storage.write.Writer``
   with the index kept and with its upkeep switched off, in rolled-back transactions (mean CPU
   time: a single insert is too short for a wall clock on a shared machine).

Beside each wall-clock median, the CPU time this process spent per request (server and client:
the figure to trust on a busy machine), and the median of the same search statements run under
the demo administrator's access rule (organization-wide: every item's organization is checked).
On SQLite (the cached seed) and, with ``--database URL``, on that database too (PostgreSQL,
seeded at ``--scale`` first when empty).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import uvicorn  # noqa: E402
from database import cached_database  # noqa: E402

from server.app import create_app  # noqa: E402
from server.auth.acl import Acl  # noqa: E402
from server.auth.principal import load_principal  # noqa: E402
from server.domain.resources import build_registry  # noqa: E402
from server.jsonapi.search_query import parse_aggregations  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.storage import search_index  # noqa: E402
from server.storage.access import AccessFilter  # noqa: E402
from server.storage.database import create_engine  # noqa: E402
from server.storage.search_select import Plan, SearchSelector  # noqa: E402
from server.storage.tables import build_schema  # noqa: E402
from server.storage.write import Writer  # noqa: E402

JSON_API = "application/vnd.api+json"
WORD = "usd"  # in most orders' allText (their currency)
SCENARIOS = (
    (
        "searchText, first 30, totalCount",
        f"/api/search?filter[searchText]={WORD}&page[size]=30",
        20.0,
    ),
    (
        "count aggregation over all orders",
        "/api/search?filter[entities]=orders&filter[aggregations]=status%20count&page[size]=1",
        50.0,
    ),
)
ADMIN = 1  # the demo administrator


def serve(url: str, scale: int) -> tuple[uvicorn.Server, str]:
    # every request searches: the same request asked again would otherwise be answered from
    # the reply cache (server/reply_cache.py), which measures no search at all
    settings = Settings(database_url=url, scale=scale, auth=False, reply_cache=False)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def timed(run: Callable[[], Any], count: int) -> tuple[float, float]:
    """Median wall-clock ms of ``run`` and this process's CPU ms per run."""
    run()  # warm-up
    times = []
    cpu = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), (time.process_time() - cpu) * 1000 / count


def over_http(origin: str, count: int) -> bool:
    """The scenarios over HTTP; False when a target is missed."""
    met = True
    headers = {"Accept": JSON_API, "X-Include": "totalCount"}
    with httpx.Client(base_url=origin, timeout=60) as client:
        for name, url, target in SCENARIOS:
            response = client.get(url, headers=headers)
            response.raise_for_status()

            def get(url: str = url) -> None:
                client.get(url, headers=headers).raise_for_status()

            median, cpu = timed(get, count)
            verdict = "ok" if median < target else "MISSED"
            met = met and median < target
            found = response.headers.get("X-Include-Total-Count")
            print(
                f"  {name}: median {median:.1f} ms (target < {target:.0f} ms, {verdict});"
                f" CPU {cpu:.1f} ms per request; {found} found"
            )
    return met


def as_admin(url: str, count: int) -> None:
    """The scenarios' statements (count, page; the aggregation) under the administrator's rule."""
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(url)
    selector = SearchSelector(schema, AccessFilter(registry, schema), engine.dialect.name)
    types = [r for r in registry if r.search is not None]
    with engine.connect() as connection:
        principal = load_principal(connection, schema, ADMIN)
        assert principal is not None
        acl = Acl.load(connection, schema)

        def rule_of(resource: Any) -> Any:
            return acl.rule(principal, resource, "VIEW")

        plan = Plan()
        found = selector.matched(plan, types, rule_of, None, WORD)
        statements = [selector.count(found), selector.page(plan, found, types, None, 0, 31)]
        orders = [registry["orders"]]
        plan2 = Plan()
        (status,) = parse_aggregations("status count")
        aggregation = selector.aggregate(
            plan2, selector.matched(plan2, orders, rule_of), orders, status
        )

        def search() -> None:
            for statement in statements:
                connection.execute(statement, plan.params).all()

        def aggregate() -> None:
            connection.execute(aggregation, plan2.params).all()

        for name, run in (
            ("searchText count + first page", search),
            ("count aggregation", aggregate),
        ):
            median, cpu = timed(run, count)
            print(f"  as the administrator, {name}: median {median:.1f} ms, CPU {cpu:.1f} ms")
    engine.dispose()


def create_cost(url: str, count: int) -> tuple[float, float]:
    """Mean CPU ms of one account insert with the index kept, and without its upkeep."""
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(url)
    accounts = registry["accounts"]
    values = {"name": "Bench Account", "owner_id": 1, "organization_id": 1}

    def run() -> float:
        times = []
        for _ in range(count):
            with engine.connect() as connection:
                transaction = connection.begin()
                writer = Writer(connection, registry, schema)
                started = time.process_time()
                writer.insert(accounts, values)
                times.append((time.process_time() - started) * 1000)
                transaction.rollback()
        return statistics.mean(times)

    with_index = run()
    refresh = search_index.Indexer.refresh
    search_index.Indexer.refresh = lambda *_args, **_kw: None  # type: ignore[method-assign]
    try:
        without = run()
    finally:
        search_index.Indexer.refresh = refresh  # type: ignore[method-assign]
    engine.dispose()
    return with_index, without


def measure(url: str, scale: int, count: int) -> bool:
    print(f"{sa.make_url(url).get_backend_name()}:")
    server, origin = serve(url, scale)
    try:
        met = over_http(origin, count)
    finally:
        server.should_exit = True
    as_admin(url, count)
    with_index, without = create_cost(url, count)
    print(
        f"  one account insert, CPU: {with_index:.2f} ms with the index, {without:.2f} ms without"
        f" (+{with_index - without:.2f} ms)"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", help="also on this database URL (e.g. PostgreSQL's)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} before the run")
    met = measure(f"sqlite:///{cached_database(args.scale)}", args.scale, args.requests)
    if args.database:
        met = measure(args.database, args.scale, args.requests) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
