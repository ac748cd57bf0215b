"""``sandbox.widgets.search``: the search panel against a live server — simple search with
paging and the found records in the table, types narrowing the fields offered, aggregations as
bars, a malformed query or aggregation marked as one types, refused once, then sent and marked
where the server's 400 says — and its pure drawing functions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import ApiClient
from sandbox.search import SearchCatalog
from sandbox.widgets.search import SearchPanel, marked_text_html, summary_html
from sandbox.widgets.search_request import SearchForm


@pytest.fixture
def panel(api_url: str) -> Iterator[SearchPanel]:
    with ApiClient(api_url) as client:
        yield SearchPanel(client)


def test_simple_search_pages_with_the_total(panel: SearchPanel) -> None:
    panel.text.value = "john"
    exchange = panel.search()
    assert exchange is not None and exchange.status == 200
    total = exchange.total_count
    assert total is not None and total > 10  # two pages at least
    assert panel.tabs.selected_index == 0  # Results
    assert panel.table.frames is not None and panel.table.frames.primary == "search"
    assert "contacts" in panel.table.kinds.options  # the found records, included
    assert f"<b>{total:,} found</b> · page 1 of" in panel.status.value
    assert "GET /api/search?filter[searchText]=john&amp;include=entity" in panel.status.value
    assert (panel.previous_button.disabled, panel.next_button.disabled) == (True, False)

    second = panel.search(+1)
    assert second is not None and second.request.url.params["page[number]"] == "2"
    assert panel.previous_button.disabled is False
    assert {i["id"] for i in second.data}.isdisjoint({i["id"] for i in exchange.data})


def test_types_narrow_the_fields_and_the_search(panel: SearchPanel) -> None:
    panel.types.value = ["orders"]
    labels = [o["label"] for o in panel.query.completions if o["type"] == "property"]
    assert "totalValue" in labels and "firstName" not in labels
    assert "Fields of orders" in panel.fields.value
    panel.mode.value = "advanced"
    panel.query.value = "totalValue > 1000"
    exchange = panel.search()
    assert exchange is not None and exchange.status == 200
    assert {i["relationships"]["entity"]["data"]["type"] for i in exchange.data} == {"orders"}


def test_aggregations_are_drawn_as_bars(panel: SearchPanel) -> None:
    panel.types.value = ["orders"]
    panel.aggregations.value = "status count, totalValue sum"
    exchange = panel.search()
    assert exchange is not None and exchange.status == 200
    counts = exchange.document["meta"]["aggregatedData"]["statusCount"]
    assert panel.chart.value.count('class="oro-bar-label"') == len(counts)
    assert "<code>totalValueSum</code>" in panel.chart.value


def test_a_malformed_query_is_marked_as_typed_refused_once_then_the_servers_400(
    panel: SearchPanel,
) -> None:
    panel.mode.value = "advanced"
    panel.query.value = "firstName ~ john and"
    assert [(m["from"], m["to"], m["kind"]) for m in panel.query.marks] == [(20, 20, "parse")]
    assert "Unexpected end of the query at position 20" in panel.problem_line.value
    assert panel.search() is None  # refused once: what the checks found is said
    assert "Not sent" in panel.problem_line.value and panel.exchange is None

    exchange = panel.search()  # again: sent as it is, for the server's answer
    assert exchange is not None and exchange.status == 400
    assert panel.problem is not None and panel.problem.parameter == "filter[searchQuery]"
    assert panel.problem.position == 20
    assert [(m["from"], m["to"]) for m in panel.query.marks] == [(20, 20)]  # the end
    assert "(marked in the query)" in panel.problem_line.value
    assert panel.tabs.selected_index == 2  # the Response: the error document itself

    panel.query.value = "firstName ~ john"  # mended: the marks go
    assert (panel.query.marks, panel.problem_line.value) == ([], "")
    assert panel.search() is not None and panel.exchange.status == 200  # type: ignore[union-attr]


def test_a_field_the_chosen_types_lack_is_marked(panel: SearchPanel) -> None:
    panel.mode.value = "advanced"
    panel.types.value = ["orders"]
    panel.query.value = "status = open and firstName ~ john"
    assert [panel.query.value[m["from"] : m["to"]] for m in panel.query.marks] == ["firstName"]
    assert panel.query.marks[0]["kind"] == "error"
    panel.types.value = ["orders", "contacts"]  # now a field of the types chosen
    assert panel.query.marks == []


def test_a_malformed_aggregation_is_shown_marked(panel: SearchPanel) -> None:
    panel.aggregations.value = "status cnt"
    assert "oro-error" in panel.aggregations._dom_classes
    assert "<code>status <mark>cnt</mark></code>" in panel.problem_line.value
    assert panel.search() is None
    exchange = panel.search()
    assert exchange is not None and exchange.status == 400
    assert "<code>status <mark>cnt</mark></code>" in panel.problem_line.value
    panel.aggregations.value = "status count"
    assert "oro-error" not in panel.aggregations._dom_classes


def test_a_server_without_search_offers_nothing(api_url: str) -> None:
    with ApiClient(api_url) as client:
        panel = SearchPanel(client, SearchCatalog([]))
    assert panel.types.allowed_tags == []
    assert "none: this server lists no search fields" in panel.fields.value


@pytest.mark.parametrize(
    ("text", "position", "html"),
    [
        pytest.param("status cnt", 7, "<code>status <mark>cnt</mark></code>", id="a-word"),
        pytest.param("a <b", 2, "<code>a <mark>&lt;</mark>b</code>", id="escaped"),
        pytest.param("status", 6, "<code>status<mark>\u2002</mark></code>", id="the-end"),
    ],
)
def test_marked_text_html(text: str, position: int, html: str) -> None:
    assert marked_text_html(text, position) == html


def test_summary_html_without_a_total(panel: SearchPanel) -> None:
    form = SearchForm(text="john")
    exchange = panel.client.get("search", params=form.params())
    line = summary_html(exchange, form)
    assert "on this page" in line and "page 1 of" not in line
