"""The seeded database, made once per scale and kept in ``bench/.cache/``.

The file name carries a fingerprint of the code that decides what the seed holds (resources,
seed, data types, tables), so a change there seeds a fresh file instead of measuring stale data.
Seeding goes to a temporary name first, so an interrupted seed never leaves a half-filled cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from servers import ROOT, BenchError

CACHE = ROOT / "bench" / ".cache"
SEED_SOURCES = (
    "server/domain",
    "server/metadata",
    "server/storage/tables.py",
    "server/storage/database.py",
    "server/storage/search_tables.py",
    "server/storage/search_engine.py",
    "server/storage/search_index.py",
)


def fingerprint() -> str:
    digest = hashlib.sha256()
    for source in SEED_SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def cached_database(scale: int) -> Path:
    """The path of a database seeded at ``scale``, seeding it first when not cached."""
    path = CACHE / f"seed-scale{scale}-{fingerprint()}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"seed-scale{scale}-*.db*"):
        stale.unlink()
    partial = path.with_name(path.name + ".partial")
    print(f"Seeding {path.relative_to(ROOT)} (scale {scale}); this happens once…", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "seed",
            "--database",
            f"sqlite:///{partial}",
            "--scale",
            str(scale),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"seeding failed:\n{done.stdout}{done.stderr}")
    _checkpoint(partial)
    partial.rename(path)
    print(f"Seeded in {time.perf_counter() - started:.0f} s.", flush=True)
    return path


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so the cache is that one file."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
