"""History (recording through the client hook, the frame, replay, maxlen) and saved requests
(JSON and YAML files, folders, sending) against the live API server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd  # type: ignore[import-untyped]
import pytest
import yaml

from sandbox.auth import BearerToken, ClientCredentials
from sandbox.client import JSON_API, ApiClient, Exchange
from sandbox.history import (
    History,
    SavedRequest,
    SavedRequestError,
    load_requests,
    rebuild,
    replay,
    save_requests,
)
from tests.live_server import LiveServer


@pytest.fixture
def history() -> History:
    return History()


@pytest.fixture
def client(api_url: str, history: History) -> Iterator[ApiClient]:
    with ApiClient(api_url, on_exchange=history.record) as api:
        yield api


def fake_exchange(method: str = "GET", url: str = "http://h/api/x", status: int = 200) -> Exchange:
    request = httpx.Request(method, url)
    return Exchange(request, httpx.Response(status, request=request), 1.0, 0.0)


# --- recording -----------------------------------------------------------------------------------


def test_the_client_hook_records_every_exchange(client: ApiClient, history: History) -> None:
    assert (len(history), history.last, list(history)) == (0, None, [])
    first = client.get("/tasks/1")
    second = client.get("/tasks", params={"filter[id]": "nope"})
    assert len(history) == 2
    assert list(history) == [first, second]
    assert history[0] is first
    assert history[-1] is history.last is second
    assert history[0:1] == [first]
    assert repr(history) == "<History 2 exchanges, at most 1000>"
    with pytest.raises(IndexError, match="history index 5 is out of range: it holds 2 exchanges"):
        history[5]
    history.clear()
    assert (len(history), history.last) == (0, None)


def test_maxlen_keeps_the_newest() -> None:
    history = History(maxlen=2)
    exchanges = [fake_exchange(url=f"http://h/api/x/{i}") for i in range(3)]
    for exchange in exchanges:
        history.record(exchange)
    assert history.maxlen == 2
    assert list(history) == exchanges[1:]
    assert History().maxlen == 1000
    assert repr(History(maxlen=None)) == "<History 0 exchanges>"


# --- the frame -----------------------------------------------------------------------------------


def test_to_frame_has_one_typed_row_per_exchange(client: ApiClient, history: History) -> None:
    ok = client.get("/tasks", params={"filter[id]": "1,2", "page[size]": "2"})
    missing = client.get("/tasks/999999")
    created = client.options("/tasks")
    frame = history.to_frame()
    assert list(frame.columns) == [
        "time",
        "method",
        "url",
        "status",
        "reason",
        "ms",
        "bytes",
        "type",
    ]
    assert isinstance(frame["time"].dtype, pd.DatetimeTZDtype)
    assert str(frame["time"].dt.tz) == "UTC"
    assert [str(frame[c].dtype) for c in ("status", "ms", "bytes")] == ["int64", "float64", "int64"]
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in ("method", "url", "reason", "type"))
    assert frame["method"].tolist() == ["GET", "GET", "OPTIONS"]
    assert frame["url"].tolist() == [str(e.request.url) for e in (ok, missing, created)]
    assert frame["status"].tolist() == [200, 404, created.status]
    assert frame["reason"].tolist() == ["OK", "Not Found", created.reason]
    assert frame["bytes"].tolist() == [ok.size, missing.size, created.size]
    assert frame["ms"].tolist() == [e.elapsed_ms for e in (ok, missing, created)]
    assert frame["type"].iloc[0] == "tasks"
    assert frame["type"].iloc[1:].isna().all()
    assert frame["time"].iloc[0] == pd.Timestamp(ok.sent_at, unit="s", tz="UTC")
    assert frame["time"].is_monotonic_increasing


def test_an_empty_history_gives_an_empty_frame_with_the_same_dtypes() -> None:
    frame = History().to_frame()
    assert frame.empty
    assert list(frame.columns) == [
        "time",
        "method",
        "url",
        "status",
        "reason",
        "ms",
        "bytes",
        "type",
    ]
    assert isinstance(frame["time"].dtype, pd.DatetimeTZDtype)
    assert [str(frame[c].dtype) for c in ("status", "ms", "bytes")] == ["int64", "float64", "int64"]


# --- replay --------------------------------------------------------------------------------------


def test_replay_sends_the_same_request_again(client: ApiClient, history: History) -> None:
    original = client.get(
        "/tasks",
        params={"filter[dueDate][gt]": "2026-01-01T00:00:00+02:00", "page[size]": "3"},
        headers={"X-Include": "totalCount"},
    )
    again = history.replay(0, client)
    assert again is history.last
    assert len(history) == 2
    assert str(again.request.url) == str(original.request.url)
    assert again.request.headers["x-include"] == "totalCount"
    assert (again.status, again.raw) == (original.status, original.raw)
    assert history.replay(original, client).raw == original.raw
    position = history.to_frame().index.to_numpy()[0]  # a numpy integer
    assert history.replay(position, client).request.url == original.request.url


def test_replay_of_a_write_sends_the_same_body(fresh_api_url: str) -> None:
    history = History()
    with ApiClient(fresh_api_url, on_exchange=history.record) as client:
        document = {"data": {"type": "tasks", "attributes": {"subject": "Twice"}}}
        first = client.post("/tasks", json=document)
        second = history.replay(-1, client)
        assert (first.status, second.status) == (201, 201)
        assert second.request.content == first.request.content
        assert second.request.headers["content-type"] == JSON_API
        assert second.data["attributes"]["subject"] == "Twice"
        assert second.data["id"] != first.data["id"]


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("auth") / "sandbox.db", auth=True) as server:
        yield server


def test_replay_lets_the_client_auth_replace_the_recorded_one(auth_server: LiveServer) -> None:
    history = History()
    api = auth_server.origin + "/api"
    with ApiClient(api, BearerToken("stale"), on_exchange=history.record) as stale:
        refused = stale.get("/tasks/1")
    assert refused.status == 401
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    with ApiClient(api, auth) as fresh:
        again = replay(refused, fresh)
        assert again.status == 200
        assert again.request.headers.get_list("authorization") == [f"Bearer {auth.access_token}"]
        # a client without auth sends the recorded credentials as they were
        with ApiClient(api) as plain:
            assert rebuild(again.request, plain).headers["authorization"] == (
                f"Bearer {auth.access_token}"
            )
            assert replay(again, plain).status == 200


# --- saved requests ------------------------------------------------------------------------------

OPEN_TASKS = SavedRequest(
    "Open tasks (high)",
    "GET",
    "/tasks",
    params={"filter[taskPriority]": "high", "filter[id]": ["1", "2"], "page[size]": "5"},
    headers={"X-Include": "totalCount"},
)
NEW_TASK = SavedRequest(
    "New task",
    "POST",
    "/tasks",
    body={"data": {"type": "tasks", "attributes": {"subject": "Café — “quoted”"}}},
)


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
@pytest.mark.parametrize("saved", [OPEN_TASKS, NEW_TASK], ids=["get", "post"])
def test_save_and_load_round_trip(tmp_path: Path, suffix: str, saved: SavedRequest) -> None:
    path = saved.save(tmp_path / f"request{suffix}")
    assert SavedRequest.load(path) == saved


def test_saved_files_are_plain_and_human_editable(tmp_path: Path) -> None:
    yaml_text = OPEN_TASKS.save(tmp_path / "open.yaml").read_text("utf-8")
    assert yaml_text == (
        "name: Open tasks (high)\n"
        "method: GET\n"
        "path: /tasks\n"
        "params:\n"
        "  filter[taskPriority]: high\n"
        "  filter[id]:\n"
        "  - '1'\n"
        "  - '2'\n"
        "  page[size]: '5'\n"
        "headers:\n"
        "  X-Include: totalCount\n"
    )
    json_text = NEW_TASK.save(tmp_path / "new.json").read_text("utf-8")
    assert json.loads(json_text) == {
        "name": "New task",
        "method": "POST",
        "path": "/tasks",
        "body": {"data": {"type": "tasks", "attributes": {"subject": "Café — “quoted”"}}},
    }
    assert "Café — “quoted”" in json_text
    # a hand-written file: lower-case method, numbers left to YAML, no name → error
    (tmp_path / "hand.yml").write_text("name: by hand\nmethod: delete\npath: /tasks/7\n")
    assert SavedRequest.load(tmp_path / "hand.yml") == SavedRequest("by hand", "DELETE", "/tasks/7")
    (tmp_path / "numbers.yaml").write_text("name: n\nparams:\n  page[size]: 5\n")
    assert SavedRequest.load(tmp_path / "numbers.yaml").params == {"page[size]": "5"}


@pytest.mark.parametrize(
    ("file_name", "text", "message"),
    [
        pytest.param(
            "a.txt", "", "a.txt: unknown extension '.txt'; use .yaml, .yml or .json", id="ext"
        ),
        pytest.param("a.yaml", "- 1\n", "a.yaml: expected a mapping, got list", id="not-a-mapping"),
        pytest.param(
            "a.json",
            '{"name": "x", "url": "/x", "verb": "GET"}',
            "a.json: unknown key(s) 'url', 'verb';"
            " expected name, method, path, params, headers, body",
            id="unknown-keys",
        ),
        pytest.param(
            "a.yaml", "method: GET\n", "a.yaml: 'name' must be a non-empty string", id="no-name"
        ),
        pytest.param(
            "a.yaml", "name: x\nheaders: [1]\n", "a.yaml: 'headers' must be a mapping", id="headers"
        ),
        pytest.param("a.json", "{nope", "a.json: not valid JSON", id="bad-json"),
    ],
)
def test_a_file_that_is_not_a_saved_request(
    tmp_path: Path, file_name: str, text: str, message: str
) -> None:
    path = tmp_path / file_name
    path.write_text(text)
    with pytest.raises(SavedRequestError) as raised:
        SavedRequest.load(path)
    assert str(raised.value).startswith(f"{tmp_path}/{message}")


def test_a_folder_of_requests(tmp_path: Path) -> None:
    folder = tmp_path / "requests"
    paths = save_requests(folder, [OPEN_TASKS, NEW_TASK])
    assert [p.name for p in paths] == ["open-tasks-high.yaml", "new-task.yaml"]
    NEW_TASK.save(folder / "copy.json")
    (folder / "notes.txt").write_text("not a request")
    with pytest.raises(SavedRequestError, match="the name 'New task' is already used by"):
        load_requests(folder)
    (folder / "copy.json").unlink()
    assert load_requests(folder) == {"New task": NEW_TASK, "Open tasks (high)": OPEN_TASKS}
    save_requests(tmp_path / "json", [OPEN_TASKS], suffix=".json")
    assert load_requests(tmp_path / "json") == {"Open tasks (high)": OPEN_TASKS}
    with pytest.raises(SavedRequestError, match=r"would both be saved as a-b\.yaml"):
        save_requests(tmp_path / "clash", [SavedRequest("a b"), SavedRequest("A-B")])


def test_send_with_builds_the_request_the_client_would(client: ApiClient) -> None:
    exchange = OPEN_TASKS.send_with(client)
    assert exchange.status == 200
    assert exchange.request.url.params.multi_items() == [
        ("filter[taskPriority]", "high"),
        ("filter[id]", "1"),
        ("filter[id]", "2"),
        ("page[size]", "5"),
    ]
    assert exchange.request.headers["x-include"] == "totalCount"
    assert exchange.total_count is not None
    text = SavedRequest("raw", "POST", "/tasks", headers={"Content-Type": JSON_API}, body="{}")
    assert text.to_request(client).content == b"{}"


def test_a_recorded_exchange_saved_and_sent_again(
    client: ApiClient, history: History, tmp_path: Path
) -> None:
    original = client.get(
        "/tasks",
        params={"filter[dueDate][gt]": "2026-01-01T00:00:00+02:00", "sort": "-id"},
        headers={"X-Include": "totalCount"},
    )
    saved = SavedRequest.of(history.last or original, "Due soon", base_url=client.base_url)
    assert saved == SavedRequest(
        "Due soon",
        "GET",
        "/tasks",
        params={"filter[dueDate][gt]": "2026-01-01T00:00:00+02:00", "sort": "-id"},
        headers={"Accept": JSON_API, "X-Include": "totalCount"},
    )
    loaded = SavedRequest.load(saved.save(tmp_path / "due.yaml"))
    again = loaded.send_with(client)
    assert str(again.request.url) == str(original.request.url)
    assert (again.status, again.raw) == (original.status, original.raw)
    # another root keeps the full URL; a JSON body stays a JSON value
    assert SavedRequest.of(original, "x").path == client.base_url + "/tasks"
    post = client.build_request("POST", "/tasks", json={"data": {"type": "tasks"}})
    assert SavedRequest.of(post, "p").body == {"data": {"type": "tasks"}}
    parsed = yaml.safe_load(yaml.safe_dump(SavedRequest.of(post, "p").to_dict()))
    assert SavedRequest.from_dict(parsed) == SavedRequest.of(post, "p")
