"""``sandbox.search.run``: searches sent to a live server with authentication (one for the
module), answers as frames; text checked before anything is sent; a Sales Rep finds only their
records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import (
    ApiClient,
    ClientCredentials,
    Exchange,
    Metadata,
    PasswordGrant,
    Query,
    QueryError,
    SearchCatalog,
    SearchSyntaxError,
    advanced_search,
    legacy_search,
    search_records,
)
from sandbox.search import AdvancedQuery, F, SearchCheckError
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database: Path = tmp_path_factory.mktemp("search") / "search.db"
    with LiveServer(database, auth=True) as live:
        yield live


@pytest.fixture(scope="module")
def sent() -> list[Exchange]:
    return []


@pytest.fixture(scope="module")
def api(server: LiveServer, sent: list[Exchange]) -> Iterator[ApiClient]:
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    with ApiClient(server.origin + "/api", auth=auth, on_exchange=sent.append) as client:
        yield client


def test_search_records_hits_records_and_total(api: ApiClient) -> None:
    result = search_records(api, "john", size=5)
    assert result.exchange.status == 200
    assert result.exchange.request.url.params["filter[searchText]"] == "john"
    hits = result.hits
    assert len(hits) == 5
    assert result.total is not None and result.total > 5
    assert list(hits.columns) == ["entityName", "entity.type", "entity.id", "entityUrl"]
    # one frame per type found, each holding exactly the records the hits point at
    found = {kind: sorted(group["entity.id"]) for kind, group in hits.groupby("entity.type")}
    assert {kind: sorted(frame.index) for kind, frame in result.records.items()} == found
    assert repr(result).startswith(f"<SearchResult 5 hits of {result.total} (")


def test_a_query_and_aggregations(api: ApiClient) -> None:
    result = search_records(
        api,
        query=(F("totalValue") > 5000) & F("currency").in_("EUR"),
        entities=["orders"],
        aggregations=[F("status").count(), F("totalValue").min("smallest")],
        size=3,
        types=Metadata.fetch(api),  # typed columns: totalValue a number
    )
    assert result.exchange.request.url.params["filter[searchQuery]"] == (
        "totalValue > 5000 and currency in (EUR)"
    )
    orders = api.get(
        "orders",
        params=Query().filter("totalValue", "gt", 5000).filter("currency", "EUR").page(size=1),
        headers={"X-Include": "totalCount"},
    )
    assert result.total == orders.total_count
    counts = result.aggregations.query("aggregation == 'statusCount'")
    assert counts["count"].sum() == result.total
    [smallest] = result.aggregations.query("aggregation == 'smallest'")["value"]
    assert smallest > 5000
    assert (result.records["orders"]["totalValue"] > 5000).all()


def test_text_is_parsed_and_checked_before_sending(api: ApiClient, sent: list[Exchange]) -> None:
    catalog = SearchCatalog.fetch(api)
    before = len(sent)
    with pytest.raises(SearchSyntaxError) as syntax:
        search_records(api, query="name ~")
    assert syntax.value.position == 6
    with pytest.raises(SearchCheckError) as checked:
        search_records(api, query="totalValue ~ 5", entities=["orders"], catalog=catalog)
    assert [p.position for p in checked.value.problems] == [0]
    with pytest.raises(SearchCheckError):
        advanced_search(api, "from oro_order where integer totalValue > 5", catalog=catalog)
    with pytest.raises(QueryError, match="names fields without a type"):
        search_records(api, query=F("totalValue", "decimal") > 5)
    with pytest.raises(QueryError, match=r"of filter\[searchQuery\] only"):
        advanced_search(api, AdvancedQuery(where=F("owner").exists()))
    assert len(sent) == before


def test_an_error_answer_is_held_not_raised(api: ApiClient) -> None:
    result = search_records(api, entities=["roles"])
    assert result.exchange.status == 400
    assert [e.detail for e in result.exchange.errors] == [
        'The "roles" is not a searchable entity type.'
    ]
    assert result.hits.empty and result.records == {}
    legacy = advanced_search(api, "from oro_nothing")
    assert legacy.exchange.status == 400
    assert legacy.frame.empty and legacy.records_count is None


def test_legacy_simple_search(api: ApiClient) -> None:
    everything = legacy_search(api, "john")
    page = legacy_search(api, "john", from_=["oro_contact"], offset=1, max_results=2)
    assert everything.exchange.headers["content-type"].startswith("application/json")
    assert page.count == 2 == len(page.frame)
    assert page.records_count is not None and page.records_count < everything.records_count  # type: ignore[operator]
    assert set(page.frame["entity_name"]) == {"Oro\\Bundle\\ContactBundle\\Entity\\Contact"}
    assert list(page.frame.columns) == ["entity_name", "record_id", "record_string"]


def test_legacy_advanced_search(api: ApiClient) -> None:
    query = (
        "select (identifier, totalValue as total) from oro_order where decimal totalValue > 1000"
        " order_by totalValue desc max_results 3"
    )
    result = advanced_search(api, query)
    assert result.exchange.request.url.params["query"] == query
    frame = result.frame
    assert list(frame.columns) == [
        "entity_name",
        "record_id",
        "record_string",
        "record_url",
        "selected_data.identifier",
        "selected_data.total",
    ]
    totals = frame["selected_data.total"].tolist()
    assert totals == sorted(totals, reverse=True) and min(totals) > 1000
    assert frame["record_string"].tolist() == frame["selected_data.identifier"].tolist()


def test_a_sales_rep_finds_only_their_records(server: LiveServer, api: ApiClient) -> None:
    user = api.get("users/4").data["attributes"]["username"]
    grant = PasswordGrant("sandbox-password", "password-secret", user, user)
    with ApiClient(server.origin + "/api", auth=grant) as rep:
        theirs = search_records(rep, entities=["orders"], size=1, include=False)
        visible = rep.get("orders", params=Query().page(size=1).x_include("totalCount"))
        everyone = search_records(api, entities=["orders"], size=1, include=False)
        assert theirs.total == visible.total_count
        assert theirs.total is not None and everyone.total is not None
        assert 0 < theirs.total < everyone.total
        catalog = SearchCatalog.fetch(rep)
        assert "orders" in catalog.entities
