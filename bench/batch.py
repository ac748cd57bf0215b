"""The Batch API against single requests: ``make bench-batch``.

    .venv/bin/python bench/batch.py             # 10,000 accounts, each with a new contact
    .venv/bin/python bench/batch.py --items 500 # a quicker run

1. the async Batch API: one ``PATCH /api/accounts`` of N accounts, each with one new contact in
   ``included``, timed from the request to the operation's ``success`` (polled every 20 ms) — the
   issue's figure — and on to the moment the search index has all 2N records (it follows an
   asynchronous operation after it is saved, as Oro's message queue has it); 2 starts then;
2. the same records as N ``POST /api/accounts`` with ``included``, one after the other over one
   keep-alive connection (target: the batch at least 20 times faster);
3. ``X-Mode: sync`` batches of 100 accounts, 20 of them: the median time (target < 300 ms).

A server process of its own on a fresh database (``--no-auth``, one embedded queue worker). On
Linux it also prints the server process's CPU time per item of 1 and 2, which a busy machine
inflates far less than the wall clock.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
JSON_API = "application/vnd.api+json"
HEADERS = {"Content-Type": JSON_API, "Accept": JSON_API}


def account(tag: str, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    key = f"{tag}-c{i}"
    primary = {
        "type": "accounts",
        "id": f"{tag}-a{i}",
        "attributes": {"name": f"{tag} account {i}"},
        "relationships": {"contacts": {"data": [{"type": "contacts", "id": key}]}},
    }
    contact = {
        "type": "contacts",
        "id": key,
        "attributes": {"firstName": "Bench", "lastName": f"{tag} {i}"},
    }
    return primary, contact


def cpu_seconds(pid: int) -> float | None:
    """A process's CPU time so far (user + system; Linux's /proc), None elsewhere: on a shared
    machine it says what the server spent, whatever the wall clock says."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(database: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "server", "serve", "--no-auth", "--port", str(port),
        "--database", str(database),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    for _ in range(600):
        try:
            httpx.get(f"{url}/accountsources")
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def indexed(http: httpx.Client, word: str) -> int:
    """How many accounts and contacts the search finds by ``word``."""
    response = http.get(
        "/search",
        params={"filter[searchText]": word, "filter[entities]": "accounts,contacts"},
        headers={"X-Include": "totalCount"},
    )
    assert response.status_code == 200, response.text[:500]
    return int(response.headers["X-Include-Total-Count"])


def async_batch(http: httpx.Client, items: int) -> tuple[float, float]:
    """Seconds to ``success``, and to all records found by the search."""
    pairs = [account("batch", i) for i in range(items)]
    body = orjson.dumps({"data": [p for p, _ in pairs], "included": [c for _, c in pairs]})
    started = time.perf_counter()
    response = http.patch("/accounts", content=body, headers=HEADERS)
    assert response.status_code == 202, response.text
    url = response.headers["content-location"]
    while True:
        attributes = http.get(url).json()["data"]["attributes"]
        if attributes["status"] not in ("new", "running"):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    summary = attributes["summary"]
    assert attributes["status"] == "success", attributes
    assert (summary["createCount"], summary["errorCount"]) == (items, 0), summary
    while indexed(http, "batch") < 2 * items:
        time.sleep(0.02)
    return elapsed, time.perf_counter() - started


def single_posts(http: httpx.Client, items: int) -> float:
    started = time.perf_counter()
    for i in range(items):
        primary, contact = account("single", i)
        body = orjson.dumps({"data": primary, "included": [contact]})
        response = http.post("/accounts", content=body, headers=HEADERS)
        assert response.status_code == 201, response.text
    return time.perf_counter() - started


def sync_batches(http: httpx.Client, rounds: int) -> list[float]:
    times = []
    for r in range(rounds):
        body = orjson.dumps(
            {
                "data": [
                    {"type": "accounts", "attributes": {"name": f"sync {r}.{i}"}}
                    for i in range(100)
                ]
            }
        )
        started = time.perf_counter()
        response = http.patch("/accounts", content=body, headers={**HEADERS, "X-Mode": "sync"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
        assert len(response.json()["data"]) == 100
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--sync-rounds", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        process, url = start(Path(folder) / "bench.db")
        try:
            with httpx.Client(base_url=url, headers={"Accept": JSON_API}, timeout=600) as http:
                cpu = [cpu_seconds(process.pid)]
                batch, batch_indexed = async_batch(http, args.items)
                cpu.append(cpu_seconds(process.pid))
                singles = single_posts(http, args.items)
                cpu.append(cpu_seconds(process.pid))
                sync = sync_batches(http, args.sync_rounds)
        finally:
            process.terminate()
            process.wait(30)
    n = args.items
    print(
        f"async batch, {n:,} accounts + {n:,} included contacts: {batch:.2f} s"
        f" ({n / batch:,.0f} items/s); all of them found by the search at {batch_indexed:.2f} s"
    )
    print(
        f"{n:,} single POSTs with included, keep-alive:      {singles:.2f} s ({n / singles:,.0f}/s)"
    )
    before, after_batch, after_singles = cpu
    if before is not None and after_batch is not None and after_singles is not None:
        b1, b2 = (after_batch - before) / n * 1000, (after_singles - after_batch) / n * 1000
        print(
            f"server CPU per item, indexing included: batch {b1:.2f} ms,"
            f" single POST {b2:.2f} ms ({b2 / b1:.1f}x)"
        )
    ratio = singles / batch
    print(
        f"batch speed-up: {ratio:.1f}x to success (target >= 20x: "
        f"{'met' if ratio >= 20 else 'missed'}), {singles / batch_indexed:.1f}x to indexed"
    )
    median = statistics.median(sync) * 1000
    print(
        f"sync batch of 100 accounts, {len(sync)} rounds: median {median:.0f} ms"
        f" (min {min(sync) * 1000:.0f}, max {max(sync) * 1000:.0f}; target < 300 ms:"
        f" {'met' if median < 300 else 'missed'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
