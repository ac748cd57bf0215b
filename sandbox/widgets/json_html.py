"""Parsed JSON → collapsible HTML: :func:`json_html` (pure, no widgets).

Objects and arrays are nested ``<details>`` elements, open down to ``open_depth``, so the browser
folds and unfolds them without any front-end extension (Voila and JupyterLab alike). Keys,
strings, numbers and literals carry classes coloured by :data:`JSON_CSS`, which uses JupyterLab's
editor colours when they are defined. Every text is HTML-escaped. Huge documents are capped:
after ``max_nodes`` values the rest is summarised ("… 250 more items"), and strings longer than
``max_string`` characters are cut — the Raw view shows the exact bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["JSON_CSS", "MAX_NODES", "MAX_STRING", "json_html"]

MAX_NODES = 5000  # values rendered before the rest is summarised
MAX_STRING = 2000  # characters of one string before it is cut

JSON_CSS = """
.oj { font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px);
  line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
.oj .oj-c { margin-left: 1.2em; }
.oj summary { cursor: pointer; }
.oj .oj-row, .oj .oj-end { padding-left: 1.1em; }
.oj details[open] > summary .oj-fold { display: none; }
.oj-k { color: var(--jp-mirror-editor-property-color, #881391); }
.oj-s { color: var(--jp-mirror-editor-string-color, #a31515); }
.oj-n { color: var(--jp-mirror-editor-number-color, #116644); }
.oj-b { color: var(--jp-mirror-editor-keyword-color, #0000ff); }
.oj-z { color: var(--jp-content-font-color2, #767676); }
.oj-p { color: var(--jp-content-font-color2, #767676); font-style: italic; }
"""


@dataclass
class _Budget:
    left: int
    max_string: int
    open_depth: int | None


def json_html(
    value: Any,
    *,
    max_nodes: int = MAX_NODES,
    max_string: int = MAX_STRING,
    open_depth: int | None = None,
) -> str:
    """``value`` (as parsed from JSON) as HTML: ``<div class="oj">…</div>``.

    ``open_depth`` is how many levels start unfolded (``None``: all, ``0``: none).
    Style it with :data:`JSON_CSS` in a ``<style>`` element.
    """
    budget = _Budget(max(max_nodes, 1), max_string, open_depth)
    return f'<div class="oj">{_entry(None, value, 0, last=True, budget=budget)}</div>'


def _entry(key: str | None, value: Any, depth: int, *, last: bool, budget: _Budget) -> str:
    """One value with its key (inside an object) and its trailing comma."""
    budget.left -= 1
    label = (
        ""
        if key is None
        else f'<span class="oj-k">{_text(json.dumps(key, ensure_ascii=False))}</span>: '
    )
    comma = "" if last else ","
    if isinstance(value, dict) and value:
        items = list(value.items())
        return _container(label, "{", "}", items, _count(len(items), "key"), depth, comma, budget)
    if isinstance(value, list) and value:
        items = [(None, item) for item in value]
        return _container(label, "[", "]", items, _count(len(items), "item"), depth, comma, budget)
    return f'<div class="oj-row">{label}{_scalar(value, budget)}{comma}</div>'


def _container(
    label: str,
    opening: str,
    closing: str,
    items: list[tuple[str | None, Any]],
    size: str,
    depth: int,
    comma: str,
    budget: _Budget,
) -> str:
    is_open = budget.open_depth is None or depth < budget.open_depth
    fold = f'<span class="oj-fold"> <span class="oj-p">{size}</span> {closing}{comma}</span>'
    opened = " open" if is_open else ""
    parts = [f'<details{opened}><summary>{label}{opening}{fold}</summary><div class="oj-c">']
    for position, (key, item) in enumerate(items):
        if budget.left <= 0:
            rest = len(items) - position
            noun = "key" if closing == "}" else "item"
            parts.append(
                f'<div class="oj-row oj-p">… {_count(rest, f"more {noun}")} not shown'
                " (Raw shows everything)</div>"
            )
            break
        key_text = None if key is None else str(key)
        last = position == len(items) - 1
        parts.append(_entry(key_text, item, depth + 1, last=last, budget=budget))
    parts.append(f'</div><div class="oj-end">{closing}{comma}</div></details>')
    return "".join(parts)


def _scalar(value: Any, budget: _Budget) -> str:
    if value is None:
        return '<span class="oj-z">null</span>'
    if value is True or value is False:
        return f'<span class="oj-b">{"true" if value else "false"}</span>'
    if isinstance(value, int | float):
        return f'<span class="oj-n">{_text(json.dumps(value))}</span>'
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    text = str(value)
    cut = ""
    if len(text) > budget.max_string:
        more = len(text) - budget.max_string
        text = text[: budget.max_string]
        cut = f' <span class="oj-p">… {_count(more, "more character")}</span>'
    literal = json.dumps(text, ensure_ascii=False)
    if cut:
        literal = literal[:-1] + "…"
    return f'<span class="oj-s">{_text(literal)}</span>{cut}'


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _text(text: str) -> str:
    return escape(text, quote=False)
