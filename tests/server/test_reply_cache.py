"""server/reply_cache.py: a read of unchanged data answered again without running, and never a
stale answer: a write through the API, by another connection, or by another process, and another
caller, each get a fresh read — on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from server import endpoint
from server.actions.context import Reply
from server.reply_cache import KEY_OVERHEAD, ReplyCache, request_key
from tests.auth.acl_support import ADMIN, REP, call, header_user_server
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase

ACCOUNT = "/accounts/1"
SCOPE = {"path": "/api/x", "query_string": b"", "headers": (), "scheme": "http"}


@pytest.fixture(scope="module")
def live(new_database: NewDatabase) -> Iterator[LiveServer]:
    with LiveServer(new_database("replies")) as server:
        yield server


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each read action ran."""
    counts: dict[str, int] = {}
    for name in ("get", "get_list"):
        monkeypatch.setitem(endpoint.ACTIONS, name, counted(endpoint.ACTIONS[name], name, counts))
    return counts


def counted(
    action: Callable[..., Reply], name: str, counts: dict[str, int]
) -> Callable[..., Reply]:
    def run(*args: Any) -> Reply:
        counts[name] = counts.get(name, 0) + 1
        return action(*args)

    return run


def get(live: LiveServer, url: str, **headers: str) -> httpx.Response:
    response = httpx.get(live.origin + "/api" + url, headers={"Accept": JSON_API, **headers})
    assert response.status_code == 200, response.text
    return response


def name_of(live: LiveServer) -> str:
    name: str = get(live, ACCOUNT).json()["data"]["attributes"]["name"]
    return name


def test_a_repeated_read_runs_once(live: LiveServer, runs: dict[str, int]) -> None:
    url = "/accounts?page[size]=3&sort=-id&include=contacts"
    first = get(live, url)
    again = get(live, url)
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert runs == {"get_list": 1}
    get(live, url, **{"X-Include": "totalCount"})  # other headers: another answer
    assert runs == {"get_list": 2}


def test_the_total_count_header_is_kept_with_the_answer(live: LiveServer) -> None:
    url = "/contacts?page[size]=2"
    first = get(live, url, **{"X-Include": "totalCount"})
    again = get(live, url, **{"X-Include": "totalCount"})
    assert again.headers["X-Include-Total-Count"] == first.headers["X-Include-Total-Count"]


def test_a_write_through_the_api_is_read_at_once(live: LiveServer, runs: dict[str, int]) -> None:
    before = name_of(live)
    ran = runs.get("get", 0)
    response = httpx.patch(
        live.origin + "/api" + ACCOUNT,
        headers={"Accept": JSON_API, "Content-Type": JSON_API},
        content=orjson.dumps(
            {"data": {"type": "accounts", "id": "1", "attributes": {"name": before + " (API)"}}}
        ),
    )
    assert response.status_code == 200, response.text
    assert name_of(live) == before + " (API)"
    assert runs["get"] == ran + 1


def test_a_write_by_another_connection_is_read_at_once(live: LiveServer) -> None:
    before = name_of(live)
    engine = sa.create_engine(live.settings.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE account SET name = :n WHERE id = 1"), {"n": "Elsewhere"})
    engine.dispose()
    assert before != "Elsewhere"
    assert name_of(live) == "Elsewhere"


def test_a_write_by_another_process_is_read_at_once(live: LiveServer) -> None:
    name_of(live)
    code = (
        "import sqlalchemy as sa, sys\n"
        "engine = sa.create_engine(sys.argv[1])\n"
        "with engine.begin() as c:\n"
        "    c.execute(sa.text(\"UPDATE account SET name = 'Other process' WHERE id = 1\"))\n"
    )
    subprocess.run([sys.executable, "-c", code, live.settings.database_url], check=True)
    assert name_of(live) == "Other process"


def test_errors_are_not_kept(live: LiveServer, runs: dict[str, int]) -> None:
    for _ in range(2):
        response = httpx.get(live.origin + "/api/accounts/999999", headers={"Accept": JSON_API})
        assert response.status_code == 404
    assert runs == {"get": 2}


def test_another_caller_gets_their_own_answer(new_database: NewDatabase) -> None:
    for live in header_user_server(new_database("replies-acl")):
        answers: dict[int, set[str]] = {}
        for user in (REP, ADMIN, REP):
            response = call(live, user, "GET", "/accounts", params={"page[size]": "100"})
            assert response.status_code == 200
            ids = {item["id"] for item in response.json()["data"]}
            assert answers.setdefault(user, ids) == ids
        assert answers[REP] != answers[ADMIN]


def test_switched_off_every_read_runs(tmp_path: Path, runs: dict[str, int]) -> None:
    with LiveServer(tmp_path / "api.db", reply_cache=False) as live:
        get(live, ACCOUNT)
        get(live, ACCOUNT)
    assert runs == {"get": 2}


# --- the cache alone ---------------------------------------------------------------------------


def test_an_answer_is_given_at_its_version_only() -> None:
    cache = ReplyCache()
    sent = cache.put("key", 1, Reply(200, {"data": []}, {"X": "1"}), True)
    assert orjson.dumps(sent.document) == b'{"data":[]}'
    assert cache.get("key", 2) is None
    kept = cache.get("key", 1)
    assert kept is not None
    reply, json_api = kept
    assert (orjson.dumps(reply.document), reply.headers, json_api) == (
        b'{"data":[]}',
        {"X": "1"},
        True,
    )
    reply.headers["Access-Control-Allow-Origin"] = "*"  # the sender adds CORS headers
    assert cache.get("key", 1)[0].headers == {"X": "1"}  # type: ignore[index]


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(404, {"errors": []}), id="an-error"),
        pytest.param(Reply(200, None, stream=iter([b"[]"])), id="a-stream"),
        pytest.param(Reply(200, None, empty=True), id="no-body"),
    ],
)
def test_only_whole_answers_of_200_are_kept(reply: Reply) -> None:
    cache = ReplyCache()
    assert cache.put("key", 1, reply, True) is reply
    assert len(cache) == 0


def test_memory_is_bounded() -> None:
    cache = ReplyCache(max_bytes=KEY_OVERHEAD * 2 + 100)
    for n in range(10):
        cache.put(n, 1, Reply(200, {"data": "x" * 30}), True)
    assert 0 < len(cache) <= 2
    cache.put(9, 2, Reply(200, {"data": "y" * 30}), True)  # a new version replaces the old
    assert cache.get(9, 2) is not None


def test_keys_count_against_the_bound() -> None:
    """Many small answers to requests with large headers (cookies, say) stay bounded too."""
    cache = ReplyCache(max_bytes=64 * 1024)
    cookie = ((b"cookie", b"c" * 4000),)
    for n in range(100):
        key = request_key(SCOPE | {"path": f"/api/x/{n}", "headers": cookie}, "GET", None, b"")
        cache.put(key, 1, Reply(200, {}), True)
    assert len(cache) <= 64 * 1024 // 4000
