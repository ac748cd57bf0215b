"""``HistoryView``: newest first, selecting, replaying and clearing (live server, read-only)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from sandbox import ApiClient, Exchange, History
from sandbox.widgets.history import HistoryView, history_label


def test_history_label() -> None:
    request = httpx.Request("GET", "http://h/api/users?filter%5Bid%5D%5Bgt%5D=8&page%5Bsize%5D=2")
    response = httpx.Response(404, request=request)
    item = Exchange(request, response, elapsed_ms=1234.4, sent_at=3600 * 7 + 62)
    assert history_label(item, local=time.gmtime) == (
        "07:01:02  GET     /api/users?filter[id][gt]=8&page[size]=2  404 Not Found  1,234 ms"
    )


@pytest.fixture
def recorded(api_url: str) -> Iterator[tuple[History, ApiClient]]:
    history = History()
    with ApiClient(api_url, on_exchange=history.record) as client:
        client.get("accounts/1")
        client.get("accounts/2")
        client.get("accounts/999999")
        yield history, client


def test_newest_first_and_select(recorded: tuple[History, ApiClient]) -> None:
    history, client = recorded
    chosen: list[Exchange] = []
    view = HistoryView(history, client=client, on_select=chosen.append)
    assert [value for _, value in view.list.options] == list(reversed(list(history)))
    assert view.list.options[0][0].endswith(
        f"/accounts/999999  404 Not Found  {history[-1].elapsed_ms:,.0f} ms"
    )
    assert view.selected is None and view.replay_button.disabled

    view.list.value = history[0]
    assert view.selected is history[0]
    assert chosen == [history[0]]
    assert not view.replay_button.disabled

    client.get("accounts/3")
    view.refresh()  # a new exchange comes first; the selection stays, without a new on_select
    assert view.list.options[0][1] is history[-1]
    assert (view.selected, view.list.value) == (history[0], history[0])
    assert chosen == [history[0]]


@pytest.mark.parametrize("hooked", [True, False], ids=["client-records", "view-records"])
def test_replay_records_once(api_url: str, hooked: bool) -> None:
    history = History()
    with ApiClient(api_url, on_exchange=history.record if hooked else None) as client:
        first = client.get("accounts/2", params={"fields[accounts]": "name"})
        if not hooked:
            history.record(first)
        chosen: list[Exchange] = []
        view = HistoryView(history, client=client, on_select=chosen.append)
        view.select(history[0])
        view.replay_button.click()
    assert len(history) == 2
    new = history[-1]
    assert new is not history[0]
    assert (new.status, str(new.request.url)) == (200, str(history[0].request.url))
    assert view.selected is new and view.list.value is new
    assert view.list.options[0][1] is new
    assert chosen == [history[0], new]


def test_replay_without_a_client(recorded: tuple[History, ApiClient]) -> None:
    history, _ = recorded
    view = HistoryView(history)
    view.select(history[-1])
    view.replay_button.click()
    assert len(history) == 3
    assert view.message == "Replay needs a client: set the view's client."


def test_clear(recorded: tuple[History, ApiClient]) -> None:
    history, client = recorded
    view = HistoryView(history, client=client)
    view.select(history[1])
    view.clear_button.click()
    assert len(history) == 0
    assert (view.selected, view.list.options, view.message) == (None, (), "No requests yet.")
    assert view.clear_button.disabled and view.replay_button.disabled
    client.get("accounts/1")
    view.refresh()
    assert len(view.list.options) == 1 and view.message == ""
