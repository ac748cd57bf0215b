"""``TableView`` against the live server (300 seeded accounts), and its pure parts."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pandas as pd
import pytest

from sandbox import ApiClient, Exchange
from sandbox.widgets.table import TableView, collection_request, display_frame, status_text


@pytest.fixture
def recorded(api_url: str) -> Iterator[tuple[ApiClient, list[Exchange]]]:
    exchanges: list[Exchange] = []
    with ApiClient(api_url, on_exchange=exchanges.append) as client:
        yield client, exchanges


REQUESTS = [
    pytest.param(
        "http://h/api/accounts?page%5Bsize%5D=5&sort=-id&page%5Bnumber%5D=2&filter%5Bid%5D%5Bgt%5D=3",
        {},
        ("/accounts", [("sort", "-id"), ("filter[id][gt]", "3")], {}),
        id="paging-dropped",
    ),
    pytest.param(
        "http://h/api/accounts/1/contacts?include=owner",
        {"X-Include": "totalCount;noHateoas"},
        ("/accounts/1/contacts", [("include", "owner")], {"X-Include": "totalCount;noHateoas"}),
        id="subresource-x-include",
    ),
    pytest.param(
        "http://elsewhere/v2/things",
        {},
        ("http://elsewhere/v2/things", [], {}),
        id="outside-the-api-root",
    ),
]


@pytest.mark.parametrize(("url", "headers", "expected"), REQUESTS)
def test_collection_request(
    url: str, headers: dict[str, str], expected: tuple[str, list[tuple[str, str]], dict[str, str]]
) -> None:
    assert collection_request(httpx.Request("GET", url, headers=headers), "http://h/api/") == (
        expected
    )


STATUS = [
    pytest.param(
        (10, "accounts"),
        {"total": 300, "all_pages": False},
        "10 of 300 accounts (this page)",
        id="page",
    ),
    pytest.param(
        (10, "accounts"),
        {"total": None, "all_pages": False},
        "10 accounts (this page)",
        id="page-no-total",
    ),
    pytest.param(
        (1000, "accounts"),
        {"total": 1000, "all_pages": True},
        "1,000 of 1,000 accounts (all pages)",
        id="all",
    ),
    pytest.param(
        (100, "orders"),
        {"total": 2000, "all_pages": True, "capped": True},
        "100 of 2,000 orders (all pages, capped at 100 rows)",
        id="capped",
    ),
    pytest.param(
        (4, "users"),
        {"total": 300, "all_pages": True, "primary": False},
        "4 users (included)",
        id="included",
    ),
]


@pytest.mark.parametrize(("args", "options", "expected"), STATUS)
def test_status_text(args: tuple[int, str], options: dict[str, object], expected: str) -> None:
    options = {"primary": True, **options}
    assert status_text(*args, **options) == expected  # type: ignore[arg-type]


def test_display_frame_makes_datetimes_naive_utc() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2024-01-02T07:41:02+02:00"], utc=True), "n": [1]})
    shown = display_frame(frame)
    assert str(shown["at"].dtype) == "datetime64[us]"
    assert shown["at"].iloc[0] == pd.Timestamp("2024-01-02 05:41:02")
    assert frame["at"].dt.tz is not None  # the frame itself is left alone


def test_display_frame_shows_the_id_as_a_column_and_missing_values_blank() -> None:
    frame = pd.DataFrame(
        {"name": ["Acme", None], "share": [0.5, float("nan")]},
        index=pd.Index(["1", "2"], name="id"),
    )
    shown = display_frame(frame)
    assert shown.to_dict("list") == {"id": ["1", "2"], "name": ["Acme", ""], "share": [0.5, ""]}
    assert frame["name"].isna().sum() == 1  # the frame itself is left alone


def test_page_then_all_pages(recorded: tuple[ApiClient, list[Exchange]]) -> None:
    client, exchanges = recorded
    first = client.get(
        "accounts",
        params={"page[size]": "50", "sort": "-id", "include": "owner"},
        headers={"X-Include": "totalCount;noHateoas"},
    )
    view = TableView()
    view.show(first, client)
    assert view.message == ""
    assert view.kinds.options == ("accounts", "users")
    assert (view.kind, view.frame.shape[0], view.frame.index[0]) == ("accounts", 50, 300)
    assert view.status.value == "50 of 300 accounts (this page)"
    assert view.table.df is not None and len(view.table.df) == 50

    view.kinds.value = "users"
    assert view.kind == "users"
    assert view.frame is view.frames["users"]
    assert view.status.value.endswith("users (included)")

    view.max_rows.value = 120
    del exchanges[:]
    view.load_button.click()
    assert (view.loading, view.all_pages, view.capped) == (False, True, True)
    assert view.kind == "accounts"
    assert list(view.frame.index[:2]) == [300, 299]  # the same sort, and every page's included
    assert len(view.frame) == 120
    assert (view.progress.value, view.progress.max) == (120, 120)
    assert view.status.value == "120 of 300 accounts (all pages, capped at 120 rows)"
    sent = [e.request for e in exchanges]
    assert [r.url.params.get("include") for r in sent] == ["owner"] * len(sent)
    assert all("noHateoas" in r.headers["x-include"] for r in sent)

    view.max_rows.value = 10_000
    view.load_button.click()
    assert (len(view.frame), view.capped) == (300, False)
    assert (view.progress.value, view.progress.max) == (300, 300)
    assert view.status.value == "300 of 300 accounts (all pages)"
    assert view.table.df is not None and len(view.table.df) == 300


NO_TABLE = [
    pytest.param("accounts/1", "This response holds one resource, not a collection", id="one"),
    pytest.param("accounts/999999", "The request failed (404 Not Found)", id="error"),
]


@pytest.mark.parametrize(("path", "message"), NO_TABLE)
def test_no_collection(api_url: str, path: str, message: str) -> None:
    with ApiClient(api_url) as client:
        view = TableView()
        view.show(client.get("accounts", params={"page[size]": "1"}), client)
        view.show(client.get(path), client)
    assert view.message.startswith(message)
    assert (view.frames, view.frame, view.kind) == (None, None, None)
    assert view.table.layout.display == "none"
    assert view.controls.layout.display == "none"


def test_empty_collection(api_url: str) -> None:
    with ApiClient(api_url) as client:
        view = TableView()
        view.show(client.get("accounts", params={"filter[id]": "999999"}), client)
    assert view.message == ""
    assert len(view.frame) == 0
    assert view.status.value == "The collection is empty."
