"""Where does our server spend its time on one scenario? Sample it with py-spy under wrk load.

    .venv/bin/pip install py-spy        # a tool, not a dependency of the project
    .venv/bin/python bench/hotspots.py 2 --seconds 8

Starts our server (the benchmark's database and uvicorn options), drives the scenario with wrk,
records the server's active (non-idle) Python stacks with ``py-spy record --format raw``, and
prints the share of samples by layer (self time, by the file of the innermost frame), the
functions with the most self time, and our own functions with the most inclusive time. Time in C
(orjson, sqlite) counts against the Python line that called it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from database import cached_database
from scenarios import SCENARIOS, Scenario
from servers import ROOT, BenchError, ours_args, pinned, running
from wrk import Load, run_wrk, wrk_path

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")
HTTP, THREADS, LOOP, SQL = (
    "HTTP: uvicorn + h11",
    "thread hand-off: anyio + threading",
    "event loop: asyncio",
    "SQLAlchemy (+ sqlite3 in C)",
)
LAYERS = (  # (file prefix, layer); the first match wins
    ("uvicorn/", HTTP),
    ("h11/", HTTP),
    ("starlette/", "Starlette"),
    ("anyio/", THREADS),
    ("threading.py", THREADS),
    ("concurrent/", THREADS),
    ("queue.py", THREADS),
    ("asyncio/", LOOP),
    ("selectors.py", LOOP),
    ("socket.py", LOOP),
    ("sqlalchemy/", SQL),
    ("sqlite3/", SQL),
)

IDLE = frozenset(
    {
        "threading.py:Condition.wait",
        "threading.py:Event.wait",
        "selectors.py:EpollSelector.select",
        "queue.py:Queue.get",
    }
)


@dataclass(frozen=True)
class Frame:
    function: str
    file: str

    @property
    def name(self) -> str:
        return f"{self.file}:{self.function}"


def short_file(path: str) -> str:
    """``server/…`` for ours, ``package/…`` for libraries, ``module.py`` for the stdlib."""
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail if marker == "/site-packages/" else tail.partition("/")[2]
    root = ROOT.as_posix() + "/"
    return path[len(root) :] if path.startswith(root) else path


def is_idle(frame: Frame) -> bool:
    """A thread waiting (pool workers for work, the event loop for I/O) is not using the CPU."""
    return frame.name in IDLE


def parse_stacks(lines: Iterable[str]) -> list[tuple[list[Frame], int]]:
    stacks = []
    for line in lines:
        stack_text, _, count = line.rstrip().rpartition(" ")
        if not stack_text:
            continue
        frames = []
        for part in stack_text.split(";"):
            match = FRAME.match(part)
            if match:
                frames.append(Frame(match["function"], short_file(match["file"])))
        if frames and not is_idle(frames[-1]):
            stacks.append((frames, int(count)))
    return stacks


def layer(file: str) -> str:
    if file.startswith("server/"):
        package = file.rpartition("/")[0].replace("/", ".")
        return package if file.count("/") > 1 else f"{package} ({Path(file).stem})"
    for prefix, name in LAYERS:
        if file.startswith(prefix):
            return name
    return "other: " + file


def tally(
    stacks: Sequence[tuple[list[Frame], int]],
) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    by_layer: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for frames, count in stacks:
        total += count
        leaf = frames[-1]
        by_layer[layer(leaf.file)] += count
        self_time[leaf.name] += count
        for name in {frame.name for frame in frames if frame.file.startswith("server/")}:
            inclusive[name] += count
    return by_layer, self_time, inclusive, total


def share_lines(title: str, counter: Counter[str], total: int, top: int) -> list[str]:
    lines = [title]
    for name, count in counter.most_common(top):
        lines.append(f"  {count / total:6.1%}  {name}")
    return lines


def record(
    scenario: Scenario, scale: int, seconds: int, rate: int, output: Path, gil: bool = False
) -> float:
    """Drive ``scenario`` with wrk while py-spy records the server; return wrk's req/s."""
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if py_spy is None:
        raise BenchError("py-spy is not installed: .venv/bin/pip install py-spy")
    database = cached_database(scale)
    # the reply cache off: the read path itself is what is sampled
    with running("ours", ours_args(database, scale, reply_cache=False), 0) as server:
        run_wrk(server.url + scenario.target, Load(1, scenario.connections or 8, 1, 1))
        wrk = subprocess.Popen(
            pinned(
                [
                    wrk_path(),
                    "-t1",
                    f"-c{scenario.connections or 8}",
                    f"-d{seconds + 2}s",
                    "-H",
                    "Accept: application/vnd.api+json",
                    server.url + scenario.target,
                ],
                1,
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        spy = subprocess.run(
            pinned(
                [
                    py_spy,
                    "record",
                    "--pid",
                    str(server.pid),
                    "-d",
                    str(seconds),
                    "-r",
                    str(rate),
                    "-f",
                    "raw",
                    "-o",
                    str(output),
                    "--nonblocking",
                    "--full-filenames",
                    *(["--gil"] if gil else []),
                ],
                1,
            ),
            capture_output=True,
            text=True,
        )
        report = wrk.communicate()[0]
    if spy.returncode != 0:
        raise BenchError(f"py-spy failed: {spy.stderr[-2000:]}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", report)
    return float(found[1]) if found else 0.0


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=[s.key for s in SCENARIOS])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument(
        "--gil",
        action="store_true",
        help="sample only the thread holding the GIL: Python work, without the "
        "time threads spend waiting for it (or in C code that releases it)",
    )
    args = parser.parse_args(argv)
    scenario = next(s for s in SCENARIOS if s.key == args.scenario)
    with tempfile.TemporaryDirectory(prefix="bench-hotspots-") as scratch:
        output = Path(scratch) / "stacks.txt"
        try:
            rps = record(scenario, args.scale, args.seconds, args.rate, output, args.gil)
        except BenchError as error:
            print(f"hotspots: error: {error}", file=sys.stderr)
            return 1
        stacks = parse_stacks(output.read_text().splitlines())
    by_layer, self_time, inclusive, total = tally(stacks)
    print(f"Scenario {scenario.key}: GET {scenario.target}")
    print(f"{rps:,.0f} req/s under py-spy; {total:,} active samples\n")
    print(
        "\n".join(
            [
                *share_lines("Self time by layer:", by_layer, total, args.top),
                "",
                *share_lines("Self time by function:", self_time, total, args.top),
                "",
                *share_lines("Inclusive time, server functions:", inclusive, total, args.top),
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
