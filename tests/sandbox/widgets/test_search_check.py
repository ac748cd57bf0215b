"""``sandbox.widgets.search_check``: a query and aggregations checked before sending — the
parser's syntax error, then the catalog's objections, at their positions (pure)."""

from __future__ import annotations

import pytest

from sandbox.search import SearchCatalog
from sandbox.widgets.search_check import aggregation_problems, query_problems

CATALOG = SearchCatalog.from_document(
    {
        "data": [
            {
                "id": "orders",
                "attributes": {
                    "entityType": "orders",
                    "searchable": True,
                    "fields": [
                        {"name": "status", "type": "text"},
                        {"name": "totalValue", "type": "decimal"},
                    ],
                },
            },
            {
                "id": "contacts",
                "attributes": {
                    "entityType": "contacts",
                    "searchable": True,
                    "fields": [{"name": "firstName", "type": "text"}],
                },
            },
        ]
    }
)
EMPTY = SearchCatalog([])


@pytest.mark.parametrize(
    ("catalog", "text", "entities", "positions", "syntax"),
    [
        pytest.param(CATALOG, "", (), [], False, id="empty"),
        pytest.param(CATALOG, "firstName ~ john", (), [], False, id="fine"),
        pytest.param(CATALOG, "firstName ~ john and", (), [20], True, id="syntax-at-the-end"),
        pytest.param(CATALOG, "status = (", (), [9], True, id="syntax-inside"),
        pytest.param(CATALOG, "firstName ~ john", ("orders",), [0], False, id="not-a-field-here"),
        pytest.param(CATALOG, "totalValue > abc", (), [0], False, id="not-a-number"),
        pytest.param(EMPTY, "anything ~ x", (), [], False, id="no-catalog-no-objection"),
        pytest.param(EMPTY, "anything ~", (), [10], True, id="no-catalog-still-parsed"),
    ],
)
def test_query_problems(
    catalog: SearchCatalog,
    text: str,
    entities: tuple[str, ...],
    positions: list[int],
    syntax: bool,
) -> None:
    checked = query_problems(catalog, text, entities)
    assert [p.position for p in checked.problems] == positions
    assert checked.syntax is syntax
    assert bool(checked) is bool(positions)


@pytest.mark.parametrize(
    ("text", "positions", "syntax"),
    [
        pytest.param(" ", [], False, id="blank"),
        pytest.param("status count, totalValue sum", [], False, id="fine"),
        pytest.param("status cnt", [7], True, id="no-such-function"),
        pytest.param("status count, firstName sum", [14], False, id="sum-of-text"),
    ],
)
def test_aggregation_problems(text: str, positions: list[int], syntax: bool) -> None:
    checked = aggregation_problems(CATALOG, text)
    assert [p.position for p in checked.problems] == positions
    assert checked.syntax is syntax
