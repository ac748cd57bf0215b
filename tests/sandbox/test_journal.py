"""The web sandbox's history file: exchanges to JSON lines and back, shared by writers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sandbox import Exchange
from sandbox.journal import BODY_LIMIT, Journal, default_path, exchange_from_dict, exchange_to_dict


def exchange(
    status: int = 200, body: bytes = b'{"data":[]}', url: str = "http://h/api/users"
) -> Exchange:
    request = httpx.Request(
        "POST",
        url,
        headers={"Authorization": "Bearer secret", "X-Include": "totalCount"},
        content=b'{"data":{"type":"users"}}',
    )
    response = httpx.Response(
        status, headers={"content-type": "application/vnd.api+json"}, content=body, request=request
    )
    return Exchange(request, response, 12.5, 1_700_000_000.0)


def test_an_exchange_round_trips_without_its_credentials() -> None:
    original = exchange()
    again = exchange_from_dict(exchange_to_dict(original))
    assert (again.request.method, str(again.request.url)) == ("POST", "http://h/api/users")
    assert again.request.headers["x-include"] == "totalCount"
    assert "authorization" not in again.request.headers
    assert again.request.content == b'{"data":{"type":"users"}}'
    assert (again.status, again.raw, again.elapsed_ms, again.sent_at) == (
        200,
        b'{"data":[]}',
        12.5,
        1_700_000_000.0,
    )
    assert again.headers["content-type"] == "application/vnd.api+json"


@pytest.mark.parametrize(
    ("body", "kept", "truncated"),
    [
        pytest.param(b"", b"", False, id="empty"),
        pytest.param(b"\xff\xfe binary", b"\xff\xfe binary", False, id="not-utf8"),
        pytest.param(b"x" * (BODY_LIMIT + 1), b"x" * BODY_LIMIT, True, id="too-long"),
    ],
)
def test_bodies(body: bytes, kept: bytes, truncated: bool) -> None:
    raw = exchange_to_dict(exchange(body=body))
    assert (raw["response"]["truncated"], raw["response"]["size"]) == (truncated, len(body))
    assert exchange_from_dict(raw).raw == kept


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({"ORO_SANDBOX_HISTORY": "/x/h.jsonl"}, Path("/x/h.jsonl"), id="named"),
        pytest.param(
            {"XDG_STATE_HOME": "/s"}, Path("/s/oro-sandbox/history.jsonl"), id="xdg-state"
        ),
    ],
)
def test_default_path(environ: dict[str, str], expected: Path) -> None:
    assert default_path(environ) == expected


def test_two_journals_on_one_file_share_it(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "history.jsonl"
    first, second = Journal(path), Journal(path, keep=3)
    assert first.read() == []
    first.append(exchange(200, url="http://h/api/a"))
    second.append(exchange(404, url="http://h/api/b"))
    assert [(str(e.request.url), e.status) for e in second.read()] == [
        ("http://h/api/a", 200),
        ("http://h/api/b", 404),
    ]
    with path.open("a", encoding="utf-8") as file:
        file.write('{"cut short\n')  # a line another version wrote, or a crash cut
    for n in range(10):
        second.append(exchange(url=f"http://h/api/n{n}"))
    kept = second.read()
    assert [str(e.request.url) for e in kept] == [f"http://h/api/n{n}" for n in (7, 8, 9)]
    assert len(path.read_text().splitlines()) <= 2 * 3 + 1  # cut back now and then
    first.clear()
    assert second.read() == []
