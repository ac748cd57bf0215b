"""``sandbox.widgets.batch``: the batch panel against a live server (its template, async with
an error pointing at its input row, sync with ids) and its pure drawing functions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import ApiClient, Metadata
from sandbox.batch import BatchResult
from sandbox.widgets.batch import BatchPanel, errors_table, summary_line


@pytest.fixture
def panel(fresh_api_url: str) -> Iterator[BatchPanel]:
    with ApiClient(fresh_api_url) as client:
        yield BatchPanel(client, Metadata.fetch(client))


def test_the_types_that_take_batches(panel: BatchPanel) -> None:
    assert list(panel.type.options) == ["users", "accounts", "contacts", "products", "orders"]


def test_template_sent_async_shows_progress_summary_and_the_failing_row(panel: BatchPanel) -> None:
    panel.type.value = "accounts"
    panel.fill_template()
    result = panel.send()
    assert result is not None and result.status == "success"
    assert panel.progress.value == 100
    assert panel.progress.bar_style == "warning"  # finished, with an item error
    assert "errorCount 1" in panel.status.value
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "name")]
    assert "<td>3</td><td>name</td><td>400</td>" in panel.table.value  # rows numbered from 1


def test_sync_json_rows_map_ids(panel: BatchPanel) -> None:
    panel.type.value = "accounts"
    panel.mode.value = "sync"
    panel.format.value = "json"
    panel.rows_text.value = '[{"name": "Panel 1"}, {"name": "Panel 2"}]'
    result = panel.send()
    assert result is not None and sorted(result.ids) == [0, 1]
    assert panel.progress.bar_style == "success"
    assert "2 id(s) mapped to rows" in panel.status.value


def test_a_problem_with_the_rows_is_said_not_sent(panel: BatchPanel) -> None:
    panel.rows_text.value = ""
    assert panel.send() is None
    assert "no rows" in panel.status.value


def test_drawing() -> None:
    result = BatchResult("accounts", 2)
    result.operation = {
        "id": "7",
        "attributes": {"status": "success", "summary": {"errorCount": 1}},
    }
    result.errors = [
        {
            "row": 1,
            "field": "name",
            "status": 400,
            "title": "t",
            "detail": "d<b>",
            "pointer": "/data/1",
        }
    ]
    assert summary_line(result) == (
        '<span class="oro-batch-status" style="color: #2e7d32">success</span>'
        " · operation 7 · errorCount 1"
    )
    table = errors_table(result, [{"name": "ok"}, {"name": ""}])
    assert "<td>2</td><td>name</td><td>400</td><td><b>t</b>: d&lt;b&gt;</td><td>name=</td>" in table
