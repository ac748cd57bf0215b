"""``fetch_all`` against the live bundled server (seed scale 1: 2,000 orders, 5,987 line items)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pandas as pd
import pytest

from sandbox import ApiClient, ApiResponseError, Exchange, Metadata, Query
from sandbox.frames import Frames, fetch_all, to_frames

JSON_API = "application/vnd.api+json"


class Recorder:
    """A client that keeps every exchange it made."""

    def __init__(self, api_url: str, http: httpx.Client | None = None) -> None:
        self.exchanges: list[Exchange] = []
        self.client = ApiClient(api_url, http=http, on_exchange=self.exchanges.append)

    def page_numbers(self) -> list[str | None]:
        return [e.request.url.params.get("page[number]") for e in self.exchanges]

    def x_include(self) -> list[str | None]:
        return [e.request.headers.get("x-include") for e in self.exchanges]


@pytest.fixture
def recorder(api_url: str) -> Iterator[Recorder]:
    recorder = Recorder(api_url)
    with recorder.client:
        yield recorder


@pytest.fixture(scope="module")
def client(api_url: str) -> Iterator[ApiClient]:
    with ApiClient(api_url) as client:
        yield client


@pytest.fixture(scope="module")
def all_line_items(client: ApiClient) -> Frames:
    """Every line item from one unpaged request (``page[size]=-1``)."""
    return to_frames(client.get("orderlineitems", params={"page[size]": "-1"}).raise_for_errors())


@pytest.fixture(scope="module")
def paged_line_items(api_url: str) -> tuple[Frames, Recorder]:
    """Every line item through 599 pages of 10, following ``links.next``."""
    recorder = Recorder(api_url)
    with recorder.client:
        frames = fetch_all(recorder.client, "orderlineitems", page_size=10, progress=False)
    return frames, recorder


def assert_frames_equal(got: Frames, expected: Frames) -> None:
    """Equal frames; included types (from pages or not) in any row order."""
    assert list(got) == list(expected)
    assert got.primary == expected.primary
    for kind in expected:
        if kind == expected.primary:
            pd.testing.assert_frame_equal(got[kind], expected[kind])
        else:
            pd.testing.assert_frame_equal(got[kind].sort_index(), expected[kind].sort_index())
    assert list(got.links) == list(expected.links)
    for (kind, name), table in expected.links.items():
        if kind != expected.primary:
            table = table.sort_values("id", kind="stable", ignore_index=True)
            found = got.links[kind, name].sort_values("id", kind="stable", ignore_index=True)
        else:
            found = got.links[kind, name]
        pd.testing.assert_frame_equal(found, table)


def test_hundreds_of_pages_following_links(
    paged_line_items: tuple[Frames, Recorder], all_line_items: Frames
) -> None:
    frames, recorder = paged_line_items
    assert len(recorder.exchanges) == 599
    assert frames.total == 5987
    assert_frames_equal(frames, all_line_items)
    # each request after the first is the previous page's links.next, as the server wrote it
    for before, after in zip(recorder.exchanges[:3], recorder.exchanges[1:4], strict=True):
        assert str(after.request.url) == before.document["links"]["next"]
    assert recorder.page_numbers()[:3] == [None, "2", "3"]
    assert "next" not in recorder.exchanges[-1].document["links"]
    # the total is asked for once
    assert recorder.x_include()[0] == "totalCount"
    assert set(recorder.x_include()[1:]) == {None}


def test_concurrent_pages_match_sequential_exactly(
    api_url: str, paged_line_items: tuple[Frames, Recorder]
) -> None:
    recorder = Recorder(api_url)
    with recorder.client:
        frames = fetch_all(
            recorder.client, "orderlineitems", page_size=10, concurrency=4, progress=False
        )
    assert_frames_equal(frames, paged_line_items[0])
    assert sorted(recorder.page_numbers()[1:], key=int) == [str(n) for n in range(2, 600)]
    # pages asked by number need no links: the server is spared rendering them
    assert set(recorder.x_include()[1:]) == {"noHateoas"}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_included_resources_and_link_tables_over_pages(client: ApiClient, concurrency: int) -> None:
    params = {"include": "customer,status", "filter[id][lte]": "250"}
    frames = fetch_all(
        client,
        "orders",
        params=params,
        page_size=40,
        concurrency=concurrency,
        link_tables=True,
        progress=False,
    )
    one_page = to_frames(
        client.get("orders", params={**params, "page[size]": "-1"}), link_tables=True
    )
    assert frames.total == 250
    assert_frames_equal(frames, one_page)
    assert frames.join("customer")["customer.name"].notna().all()


def test_pages_by_number_without_links(recorder: Recorder, client: ApiClient) -> None:
    frames = fetch_all(
        recorder.client,
        "orders",
        headers={"X-Include": "noHateoas"},
        page_size=50,
        progress=False,
    )
    assert recorder.page_numbers() == [None, *(str(n) for n in range(2, 41))]
    assert all("links" not in e.document for e in recorder.exchanges)
    assert recorder.x_include() == ["noHateoas;totalCount", *["noHateoas"] * 39]
    with_links = fetch_all(client, "orders", page_size=500, progress=False)
    assert_frames_equal(frames, with_links)


MAX_ROWS = [
    pytest.param(25, 10, 1, 25, [None, "2", "3"], id="stops-early"),
    pytest.param(25, 10, 4, 25, [None, "2", "3"], id="stops-early-concurrently"),
    pytest.param(5, 100, 1, 5, [None], id="smaller-than-a-page"),
    pytest.param(10_000, 500, 1, 2000, [None, "2", "3", "4"], id="more-than-there-are"),
]


@pytest.mark.parametrize(("max_rows", "page_size", "concurrency", "rows", "pages"), MAX_ROWS)
def test_max_rows(
    recorder: Recorder,
    client: ApiClient,
    max_rows: int,
    page_size: int,
    concurrency: int,
    rows: int,
    pages: list[str | None],
) -> None:
    frames = fetch_all(
        recorder.client,
        "orders",
        max_rows=max_rows,
        page_size=page_size,
        concurrency=concurrency,
        progress=False,
    )
    assert len(frames.data) == rows
    assert sorted(recorder.page_numbers(), key=lambda n: int(n or 1)) == pages
    expected = to_frames(client.get("orders", params={"page[size]": str(rows)}))
    pd.testing.assert_frame_equal(frames.data, expected.data)


def test_max_rows_zero_sends_nothing(recorder: Recorder) -> None:
    frames = fetch_all(recorder.client, "orders", max_rows=0, progress=False)
    assert recorder.exchanges == []
    assert frames.primary == "orders"
    assert frames.data.empty


def test_a_query_and_metadata_types(client: ApiClient) -> None:
    metadata = Metadata.fetch(client)
    query = Query().filter("totalValue", "gt", 5000).sort("-totalValue")
    frames = fetch_all(client, "orders", query=query, types=metadata, page_size=100, progress=False)
    total = client.get("orders", params=query, headers={"X-Include": "totalCount"}).total_count
    assert frames.total == total == len(frames.data)
    data = frames.data
    assert str(data["totalValue"].dtype) == "float64"
    assert (data["totalValue"] > 5000).all()
    assert data["totalValue"].is_monotonic_decreasing
    assert str(data["createdAt"].dtype) == "datetime64[us, UTC]"
    assert str(data["shipUntil"].dtype) == "datetime64[us]"


def test_an_empty_collection(client: ApiClient) -> None:
    metadata = Metadata.fetch(client)
    params = {"filter[identifier]": "no such order"}
    frames = fetch_all(client, "orders", params=params, types=metadata, progress=False)
    assert frames.total == 0
    assert frames.primary == "orders"
    assert frames.data.empty
    assert str(frames.data["totalValue"].dtype) == "float64"


def test_a_failed_first_page_raises(client: ApiClient) -> None:
    with pytest.raises(ApiResponseError) as caught:
        fetch_all(client, "orders", params={"filter[nope]": "1"}, progress=False)
    assert caught.value.exchange.status == 400


class FailOnPage(httpx.BaseTransport):
    """The real server, except that page ``number`` answers 500 with an error document."""

    def __init__(self, number: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.number = str(number)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page[number]") == self.number:
            error = {"status": "500", "title": "unexpected error", "detail": "page broke"}
            return httpx.Response(500, headers={"Content-Type": JSON_API}, json={"errors": [error]})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


FAILURES: list[Any] = [
    pytest.param({}, id="following-links"),
    pytest.param({"headers": {"X-Include": "noHateoas"}}, id="by-number"),
    pytest.param({"concurrency": 4}, id="concurrently"),
]


@pytest.mark.parametrize("options", FAILURES)
def test_a_failed_later_page_raises(api_url: str, options: dict[str, Any]) -> None:
    http = httpx.Client(transport=FailOnPage(3), timeout=30)
    with (
        ApiClient(api_url, http=http) as client,
        pytest.raises(ApiResponseError, match="500 unexpected error: page broke") as caught,
    ):
        fetch_all(client, "orders", page_size=100, progress=False, **options)
    assert caught.value.exchange.request.url.params["page[number]"] == "3"


def test_progress_bar_on_stderr(client: ApiClient, capsys: pytest.CaptureFixture[str]) -> None:
    fetch_all(client, "orders", page_size=500)
    err = capsys.readouterr().err
    assert "orders: 100%" in err
    assert "2000/2000" in err


def test_no_progress_bar(client: ApiClient, capsys: pytest.CaptureFixture[str]) -> None:
    fetch_all(client, "orders", page_size=500, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("options", "reports"),
    [
        pytest.param({}, [(500, 2000), (1000, 2000), (1500, 2000), (2000, 2000)], id="total"),
        pytest.param({"max_rows": 1200}, [(500, 1200), (1000, 1200), (1200, 1200)], id="capped"),
        pytest.param(
            {"concurrency": 2},
            [(500, 2000), (1000, 2000), (1500, 2000), (2000, 2000)],
            id="concurrent",
        ),
    ],
)
def test_progress_callable(
    client: ApiClient,
    capsys: pytest.CaptureFixture[str],
    options: dict[str, Any],
    reports: list[tuple[int, int | None]],
) -> None:
    calls: list[tuple[int, int | None]] = []
    frames = fetch_all(
        client, "orders", page_size=500, progress=lambda *a: calls.append(a), **options
    )
    assert calls == reports
    assert len(frames.data) == reports[-1][0]
    assert capsys.readouterr().err == ""


class NoTotal(httpx.BaseTransport):
    """The real server, except that it never sends ``X-Include-Total-Count``."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        response.headers.pop("x-include-total-count", None)
        return response

    def close(self) -> None:
        self.inner.close()


def test_progress_callable_without_a_total(api_url: str) -> None:
    calls: list[tuple[int, int | None]] = []
    http = httpx.Client(transport=NoTotal(), timeout=30)
    with ApiClient(api_url, http=http) as client:
        fetch_all(client, "accounts", page_size=120, progress=lambda *a: calls.append(a))
    assert calls == [(120, None), (240, None), (300, None)]


BAD_OPTIONS = [
    pytest.param({"page_size": 0}, "page_size must be at least 1", id="page-size"),
    pytest.param({"max_rows": -1}, "max_rows must be 0 or more", id="max-rows"),
    pytest.param({"concurrency": 0}, "concurrency must be at least 1", id="concurrency"),
]


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS)
def test_bad_options(recorder: Recorder, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fetch_all(recorder.client, "orders", **options)
    assert recorder.exchanges == []
