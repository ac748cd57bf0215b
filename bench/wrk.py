"""Run wrk and read its summary (printed as JSON by ``summary.lua``)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import orjson
from scenarios import JSON_API
from servers import BENCH, BenchError, pinned

MARKER = b"WRK-JSON "
TIMEOUT_S = 10  # a request slower than this counts as an error


@dataclass(frozen=True)
class Load:
    """How wrk drives the server."""

    threads: int
    connections: int
    seconds: int
    cpu: int | None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: dict[str, int]
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    return path


def run_wrk(url: str, load: Load) -> WrkResult:
    argv = pinned(
        [
            wrk_path(),
            f"-t{load.threads}",
            f"-c{load.connections}",
            f"-d{load.seconds}s",
            f"--timeout={TIMEOUT_S}s",
            "-H",
            f"Accept: {JSON_API}",
            "-s",
            str(BENCH / "summary.lua"),
            url,
        ],
        load.cpu,
    )
    done = subprocess.run(argv, capture_output=True, timeout=load.seconds + TIMEOUT_S + 30)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    for line in done.stdout.splitlines():
        if line.startswith(MARKER):
            return _result(orjson.loads(line[len(MARKER) :]))
    raise BenchError(f"no summary in wrk's output:\n{done.stdout.decode(errors='replace')}")


def _result(summary: dict[str, Any]) -> WrkResult:
    latency = summary["latency_us"]
    return WrkResult(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        errors=summary["errors"],
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
    )
