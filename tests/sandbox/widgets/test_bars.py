"""``sandbox.widgets.bars``: aggregations as bars and numbers (pure)."""

from __future__ import annotations

import re

import pytest

from sandbox.widgets.bars import aggregations_html, number_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(1708, "1,708", id="int"),
        pytest.param(6998309.13759999, "6,998,309.14", id="float"),
        pytest.param(12.0, "12", id="whole-float"),
        pytest.param(None, "None", id="none"),
        pytest.param("2024-01-02", "2024-01-02", id="a-date-as-it-is"),
        pytest.param(True, "True", id="bool-not-a-number"),
    ],
)
def test_number_text(value: object, text: str) -> None:
    assert number_text(value) == text


def test_counts_are_bars_in_proportion_and_numbers_a_table() -> None:
    html = aggregations_html(
        {
            "statusCount": [
                {"value": "closed", "count": 800},
                {"value": "<open>", "count": 200},
            ],
            "totalValueSum": 1234.5,
        }
    )
    assert "<td><code>totalValueSum</code></td><td>1,234.50</td>" in html
    assert "<h4><code>statusCount</code></h4>" in html
    bars = re.findall(
        r'oro-bar-label">([^<]*)</div>.*?width: ([\d.]+)%.*?oro-bar-count">([^<]*)<', html
    )
    assert bars == [("closed", "100.0", "800"), ("&lt;open&gt;", "25.0", "200")]


@pytest.mark.parametrize("aggregated", [None, {}], ids=["none", "empty"])
def test_nothing_to_draw(aggregated: dict[str, object] | None) -> None:
    assert aggregations_html(aggregated) == ""


def test_a_count_without_values_says_so() -> None:
    assert "<i>no values</i>" in aggregations_html({"statusCount": []})
