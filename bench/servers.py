"""Benchmark servers as subprocesses: start one through ``launch.py``, wait for its URL, read its
memory figures from ``/proc``, stop it.

Each server runs in its own process (its own GIL, its own RSS), pinned to one CPU when ``taskset``
is available so that wrk, pinned to another, never competes with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
START_TIMEOUT = 120.0


class BenchError(Exception):
    """Something went wrong (not a missed target): the run cannot be trusted."""


def ours_args(
    database: Path | str, scale: int, workers: int = 1, *, reply_cache: bool = True
) -> list[str]:
    """``launch.py`` arguments for our server on the SQLite file or database URL ``database``."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    args = ["ours", "--database", url, "--scale", str(scale), "--workers", str(workers)]
    return args if reply_cache else [*args, "--no-reply-cache"]


def pinned(argv: Sequence[str], cpu: int | None) -> list[str]:
    """``argv`` run on CPU ``cpu`` (unpinned when ``cpu`` is None or taskset is missing)."""
    taskset = shutil.which("taskset")
    if cpu is None or taskset is None:
        return list(argv)
    return [taskset, "-c", str(cpu), *argv]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    info: dict[str, Any]  # what launch.py announced: url, uvicorn, http, loop
    log: Path

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory_kb(self) -> dict[str, int]:
        """``VmHWM`` (peak resident set) and ``VmRSS`` of the server process, in kB."""
        figures = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                figures[key] = int(value.split()[0])
        return figures


@contextmanager
def running(name: str, launch_args: Sequence[str], cpu: int | None) -> Iterator[Server]:
    """Start ``launch.py <launch_args>``; yield once it serves; stop it on the way out."""
    with tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    argv = pinned([sys.executable, str(BENCH / "launch.py"), *launch_args], cpu)
    with log_path.open("wb") as sink:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        info = _wait_for_announce(name, process, log_path)
        yield Server(name, process, info, log_path)
        _check_alive(name, process, log_path)
    finally:
        _stop(process)
    log_path.unlink(missing_ok=True)


def _wait_for_announce(name: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for line in log.read_bytes().splitlines():
            if line.startswith(b'{"url"'):
                return dict(orjson.loads(line))
        _check_alive(name, process, log)
        time.sleep(0.05)
    raise BenchError(f"{name} server did not start within {START_TIMEOUT:.0f} s; log: {log}")


def _check_alive(name: str, process: subprocess.Popen[bytes], log: Path) -> None:
    if process.poll() is not None:
        output = log.read_text(errors="replace")[-3000:]
        raise BenchError(f"{name} server exited with {process.returncode}:\n{output}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pin_self(cpu: int | None) -> None:
    """Keep this orchestrating process off the servers' CPU."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
