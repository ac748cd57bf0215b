"""``json_html``: parsed JSON → collapsible, escaped, capped HTML (pure; tables of literals)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.widgets.json_html import json_html


def inner(html: str) -> str:
    assert html.startswith('<div class="oj">') and html.endswith("</div>")
    return html[len('<div class="oj">') : -len("</div>")]


def row(text: str) -> str:
    return f'<div class="oj-row">{text}</div>'


def fold(size: str, closing: str, comma: str = "") -> str:
    return f'<span class="oj-fold"> <span class="oj-p">{size}</span> {closing}{comma}</span>'


SCALARS = [
    pytest.param(None, '<span class="oj-z">null</span>', id="null"),
    pytest.param(True, '<span class="oj-b">true</span>', id="true"),
    pytest.param(False, '<span class="oj-b">false</span>', id="false"),
    pytest.param(42, '<span class="oj-n">42</span>', id="integer"),
    pytest.param(-1.5, '<span class="oj-n">-1.5</span>', id="float"),
    pytest.param("text", '<span class="oj-s">"text"</span>', id="string"),
    pytest.param(
        '<b a="1">&</b>',
        '<span class="oj-s">"&lt;b a=\\"1\\"&gt;&amp;&lt;/b&gt;"</span>',
        id="string-escaped",
    ),
    pytest.param("line\nbreak", '<span class="oj-s">"line\\nbreak"</span>', id="json-escapes"),
    pytest.param("Zürich", '<span class="oj-s">"Zürich"</span>', id="unicode-kept"),
    pytest.param({}, "{}", id="empty-object"),
    pytest.param([], "[]", id="empty-array"),
]


@pytest.mark.parametrize(("value", "expected"), SCALARS)
def test_scalars(value: Any, expected: str) -> None:
    assert inner(json_html(value)) == row(expected)


def test_object_with_nested_array() -> None:
    got = inner(json_html({"a": [1, None], "<k>": {}}))
    assert got == (
        f"<details open><summary>{{{fold('2 keys', '}')}</summary>"
        '<div class="oj-c">'
        f'<details open><summary><span class="oj-k">"a"</span>: [{fold("2 items", "]", ",")}'
        '</summary><div class="oj-c">'
        + row('<span class="oj-n">1</span>,')
        + row('<span class="oj-z">null</span>')
        + '</div><div class="oj-end">],</div></details>'
        + row('<span class="oj-k">"&lt;k&gt;"</span>: {}')
        + '</div><div class="oj-end">}</div></details>'
    )


OPEN_DEPTH = [
    pytest.param(None, ["<details open>", "<details open>"], id="all-open"),
    pytest.param(1, ["<details open>", "<details>"], id="top-open"),
    pytest.param(0, ["<details>", "<details>"], id="all-folded"),
]


@pytest.mark.parametrize(("depth", "tags"), OPEN_DEPTH)
def test_open_depth(depth: int | None, tags: list[str]) -> None:
    html = json_html({"data": [1]}, open_depth=depth)
    found = [part.split("<summary>")[0] for part in html.split("<details")[1:]]
    assert ["<details" + f for f in found] == tags


def test_one_item_and_one_key_are_singular() -> None:
    assert fold("1 key", "}") in json_html({"a": {"b": 1}})
    assert fold("1 item", "]") in json_html([[1]])


def test_node_cap_summarises_the_rest() -> None:
    got = inner(json_html(list(range(10)), max_nodes=4))
    assert got == (
        f"<details open><summary>[{fold('10 items', ']')}</summary>"
        '<div class="oj-c">'
        + row('<span class="oj-n">0</span>,')
        + row('<span class="oj-n">1</span>,')
        + row('<span class="oj-n">2</span>,')
        + '<div class="oj-row oj-p">… 7 more items not shown (Raw shows everything)</div>'
        + '</div><div class="oj-end">]</div></details>'
    )


def test_node_cap_applies_at_every_depth() -> None:
    document = {"data": [{"id": str(i), "attributes": {"n": i}} for i in range(1000)]}
    html = json_html(document, max_nodes=50)
    assert html.count('class="oj-n"') < 50
    assert "more items not shown" in html
    assert len(html) < 10_000


def test_long_strings_are_cut() -> None:
    assert inner(json_html("a" * 10, max_string=4)) == row(
        '<span class="oj-s">"aaaa…</span> <span class="oj-p">… 6 more characters</span>'
    )
    assert inner(json_html("a" * 4, max_string=4)) == row('<span class="oj-s">"aaaa"</span>')
