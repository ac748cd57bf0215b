"""A search's aggregations (``meta.aggregatedData``) drawn as HTML (pure): a ``count`` — a list
of ``{"value", "count"}`` — as horizontal bars, one per value, their lengths proportional to the
counts; a number (``sum``, ``avg``, ``min``, ``max``) as a line of its own.

Plain HTML and CSS rather than a plotting library: the bars follow the page's width (the web
sandbox is used from 1280 px down to a phone), their labels stay text, and nothing is added to
the ``widgets`` extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["STYLE", "aggregations_html", "number_text"]

STYLE = """<style>
.oro-aggregations { font-size: 13px; }
.oro-aggregations h4 { margin: 8px 0 4px; font-size: 13px; font-weight: 600; }
.oro-aggregations code { font-size: 12px; }
.oro-bars { display: grid; grid-template-columns: minmax(4rem, max-content) minmax(0, 1fr);
  gap: 3px 8px; align-items: center; max-width: 48rem; }
.oro-bar-label { overflow-wrap: anywhere; text-align: right; }
.oro-bar-track { display: flex; align-items: center; gap: 6px; min-width: 0; }
.oro-bar-fill { height: 14px; background: var(--jp-brand-color1, #1976d2); border-radius: 2px;
  min-width: 2px; }
.oro-bar-count { color: var(--jp-content-font-color2, #616161); white-space: nowrap; }
.oro-aggregations table { border-collapse: collapse; }
.oro-aggregations td { padding: 1px 10px 1px 0; }
</style>"""


def number_text(value: Any) -> str:
    """A number as a learner reads it: ``6,998,309.14``, ``1,708``; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _bars(name: str, buckets: list[Any]) -> str:
    rows = [b for b in buckets if isinstance(b, Mapping)]
    counts = [b.get("count") for b in rows]
    top = max((c for c in counts if isinstance(c, int | float)), default=0) or 1
    cells = []
    for bucket in rows:
        count = bucket.get("count")
        share = count / top * 100 if isinstance(count, int | float) else 0
        label = escape(str(bucket.get("value")))
        cells.append(
            f'<div class="oro-bar-label">{label}</div><div class="oro-bar-track">'
            f'<div class="oro-bar-fill" style="width: {share:.1f}%"></div>'
            f'<span class="oro-bar-count">{escape(number_text(count))}</span></div>'
        )
    body = "".join(cells) or "<div><i>no values</i></div><div></div>"
    return f'<h4><code>{escape(name)}</code></h4><div class="oro-bars">{body}</div>'


def aggregations_html(aggregated: Mapping[str, Any] | None) -> str:
    """``meta.aggregatedData`` as bars (counts) and a table (numbers); ``""`` when empty."""
    if not aggregated:
        return ""
    charts = []
    numbers = []
    for name, value in aggregated.items():
        if isinstance(value, list):
            charts.append(_bars(str(name), value))
        else:
            numbers.append(
                f"<tr><td><code>{escape(str(name))}</code></td>"
                f"<td>{escape(number_text(value))}</td></tr>"
            )
    table = f"<table>{''.join(numbers)}</table>" if numbers else ""
    return f'<div class="oro-aggregations">{table}{"".join(charts)}</div>'
