"""CPU time per item of an asynchronous Batch API operation, run in process (no HTTP, no queue).

    .venv/bin/python bench/batch_cpu.py                  # 2,000 accounts + contacts, 5 runs
    .venv/bin/python bench/batch_cpu.py --items 10000 --runs 2
    .venv/bin/python bench/batch_cpu.py --profile        # cProfile of one run, top functions

The scenario of ``make bench-batch`` (B1: each account with a new contact in ``included``), on a
fresh SQLite database without authentication: the operation is stored as ``PATCH`` would store
it, then :class:`server.batch.run.Runner` runs it in this thread, timed with
``time.thread_time``. A shared machine inflates a wall clock several times and this CPU time
much less: compare it while changing the write path, the best run first.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch import account

from server.actions.context import Backend
from server.app import prepare_backend
from server.auth.authenticate import OpenAccess
from server.batch import operations
from server.batch.plan import plan
from server.batch.run import Runner
from server.settings import Settings


def submit(backend: Backend, tag: str, items: int) -> int:
    """The operation as ``PATCH /api/accounts`` stores it (what its handler does, minus HTTP)."""
    pairs = [account(tag, i) for i in range(items)]
    body = {"data": [p for p, _ in pairs], "included": [c for _, c in pairs]}
    settings = backend.settings
    (authenticator,) = backend.authenticators  # --no-auth: the demo administrator
    assert isinstance(authenticator, OpenAccess)
    with backend.engine.begin() as connection:
        return operations.create(
            connection,
            backend.schema.batch,
            entity_type="accounts",
            mode="async",
            api_url="http://localhost/api",
            principal=authenticator.principal,
            request=orjson.dumps(body),
            chunk_size=settings.batch_chunk_size,
            included_chunk_size=settings.batch_included_chunk_size,
            chunk_count=len(
                plan(body, settings.batch_chunk_size, settings.batch_included_chunk_size).chunks
            ),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile one run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}", auth=False)
        backend = prepare_backend(settings)
        gc.freeze()  # as the server does once started
        try:
            times = []
            for run in range(1 if args.profile else args.runs):
                operation = submit(backend, f"run{run}", args.items)
                profile = cProfile.Profile(time.thread_time) if args.profile else None
                started = time.thread_time()
                if profile is not None:
                    profile.enable()
                Runner(backend, operation).run()
                if profile is not None:
                    profile.disable()
                times.append((time.thread_time() - started) / args.items * 1000)
                with backend.engine.connect() as connection:
                    row = operations.load(connection, backend.schema.batch, operation)
                assert row is not None and row.status == "success", row
                assert row.create_count == args.items, row
                if profile is not None:
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        finally:
            backend.reads.close()
            backend.engine.dispose()
    print(
        f"Runner.run, {args.items:,} accounts + contacts: CPU per item {min(times):.3f} ms"
        f" (best of {len(times)}; median {statistics.median(times):.3f},"
        f" runs {', '.join(f'{t:.3f}' for t in times)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
