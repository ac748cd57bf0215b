"""The figures of a run and their plain-text report (readable in a terminal and in Markdown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scenarios import FULL_LIST_MAX_RSS_MB, Scenario

COLUMNS = (
    ("scenario", "<", 34),
    ("ours req/s", ">", 10),
    ("ceiling req/s", ">", 13),
    ("ratio", ">", 6),
    ("rounds", ">", 9),
    ("target", "<", 12),
    ("result", "<", 6),
    ("ours p50", ">", 9),
    ("ours p99", ">", 9),
    ("ceil p50", ">", 9),
    ("ceil p99", ">", 9),
)


@dataclass
class Row:
    scenario: Scenario
    ours_rps: float
    ceiling_rps: float
    ratio: float
    ratio_low: float  # the lowest and highest per-round ratio
    ratio_high: float
    passed: bool | None
    ours_p50_ms: float
    ours_p99_ms: float
    ceiling_p50_ms: float
    ceiling_p99_ms: float


@dataclass
class FullList:
    target: str
    items: int
    size_bytes: int
    seconds: float
    first_byte_seconds: float
    hwm_before_kb: int
    hwm_after_kb: int

    @property
    def passed(self) -> bool:
        return self.hwm_after_kb / 1024 < FULL_LIST_MAX_RSS_MB


def verdict(passed: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "-"}[passed]


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def table(rows: Sequence[Row]) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, COLUMNS, strict=True)
        )

    lines = [line([name for name, _, _ in COLUMNS]), line(["-" * width for _, _, width in COLUMNS])]
    for row in rows:
        scenario = row.scenario
        name = f"{scenario.key} {scenario.title}"
        lines.append(
            line(
                [
                    name,
                    f"{row.ours_rps:,.0f}",
                    f"{row.ceiling_rps:,.0f}",
                    f"{row.ratio:.0%}",
                    f"{row.ratio_low:.0%}–{row.ratio_high:.0%}",
                    scenario.target_text(),
                    verdict(row.passed),
                    ms(row.ours_p50_ms),
                    ms(row.ours_p99_ms),
                    ms(row.ceiling_p50_ms),
                    ms(row.ceiling_p99_ms),
                ]
            )
        )
    return lines


def full_list_lines(full: FullList) -> list[str]:
    mb = 1024 * 1024
    return [
        f"5 whole collection: GET {full.target}",
        f"  {full.items:,} orders, {full.size_bytes / mb:,.1f} MiB in {full.seconds:.2f} s "
        f"(first byte after {full.first_byte_seconds * 1000:.0f} ms, "
        f"{full.size_bytes / mb / full.seconds:,.1f} MiB/s)",
        f"  server peak RSS (VmHWM): {full.hwm_before_kb / 1024:,.0f} MiB after start → "
        f"{full.hwm_after_kb / 1024:,.0f} MiB after the response; target < "
        f"{FULL_LIST_MAX_RSS_MB} MB: {verdict(full.passed)}",
    ]


def format_report(
    env: dict[str, Any], rows: Sequence[Row], full: FullList, peaks: dict[str, int]
) -> str:
    options = env["options"]
    server = env["server"]
    pinning = "server on CPU 0, wrk on CPU 1" if options["pin"] else "not pinned"
    header = [
        f"Oro API Sandbox benchmark — {env['date']}, commit {env['commit']}",
        f"{env['cpus']} × {env['cpu']}, Python {env['python']}, uvicorn {server['uvicorn']} "
        f"(1 worker, {server['http']}, {server['loop']}, access log off), {pinning}; "
        f"load average {env['load_average']:.1f} before the run",
        f"seed scale {options['scale']} ({options['scale'] * 2000:,} orders); wrk "
        f"-t{options['threads']} -c{options['connections']} (4a: -c1), {options['rounds']} × "
        f"{options['seconds']} s after {options['warmup']} s warm-up; medians over the rounds",
        "",
    ]
    peak = (
        f"peak RSS during the runs: ours {peaks['ours'] / 1024:,.0f} MiB, "
        f"ceiling {peaks['ceiling'] / 1024:,.0f} MiB"
    )
    return "\n".join([*header, *table(rows), "", peak, "", *full_list_lines(full)])
