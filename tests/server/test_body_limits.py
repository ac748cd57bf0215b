"""Request bodies cost no more than the limit: a request without valid credentials is refused
before its body is read, and a body past ``max_body_size`` answers 413 as soon as that is known
(its Content-Length, or while it streams in), without the server buffering it.
"""

from __future__ import annotations

import json
import socket
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from tests.live_server import JSON_API, LiveServer

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(
        tmp_path_factory.mktemp("body") / "api.db", auth=True, max_body_size=LIMIT
    ) as live:
        yield live


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("open") / "api.db", max_body_size=LIMIT) as live:
        yield live


def head(server: LiveServer, lines: list[str]) -> socket.socket:
    """A connection with the request line and headers sent, the body not yet."""
    host, port = server.origin.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(("\r\n".join([*lines, f"Host: {host}:{port}", "", ""])).encode())
    return sock


def answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the response (read until the body is complete)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("content_type", ["application/json", JSON_API], ids=["plain", "json-api"])
def test_a_huge_unauthenticated_body_is_refused_before_it_is_sent(
    secured: LiveServer, content_type: str
) -> None:
    """1 GB announced, nothing sent: the answer comes at once (401, or 413 for a JSON:API body,
    which may carry an access token, and is too large to)."""
    start = time.monotonic()
    with head(
        secured,
        [
            "POST /api/accounts HTTP/1.1",
            f"Content-Type: {content_type}",
            "Content-Length: 1000000000",
        ],
    ) as sock:
        status, headers, body = answer(sock)
    assert time.monotonic() - start < 5
    if content_type == JSON_API:
        assert status == 413
        assert headers["content-type"] == JSON_API
        assert json.loads(body) == {
            "errors": [
                {
                    "status": "413",
                    "title": "request entity too large http exception",
                    "detail": f"The request body is larger than {LIMIT} bytes.",
                }
            ]
        }
    else:
        assert (status, body) == (401, b"")


def test_a_body_streamed_past_the_limit_is_refused_without_buffering_it(
    open_server: LiveServer,
) -> None:
    """A chunked body (no Content-Length) of up to 64 MB: 413 once past the limit, and the
    server process (this one) does not grow by the body's size."""
    tracemalloc.start()  # the server runs in this process: its allocations are traced too
    chunk = b"x" * 65536
    with head(
        open_server,
        ["POST /api/accounts HTTP/1.1", f"Content-Type: {JSON_API}", "Transfer-Encoding: chunked"],
    ) as sock:
        sent = 0
        try:
            while sent < 64 * 1024 * 1024:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:  # the server answered and closed: it stopped reading
            pass
        status, headers, body = answer(sock)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert status == 413, body[:300]
    assert headers["content-type"] == JSON_API
    assert json.loads(body)["errors"][0]["status"] == "413"
    assert peak < 16 * 1024 * 1024, f"peak of {peak} bytes"


def test_a_body_within_the_limit_is_served(open_server: LiveServer) -> None:
    doc = json.dumps({"data": {"type": "accounts", "attributes": {"name": "Small"}}}).encode()
    with head(
        open_server,
        ["POST /api/accounts HTTP/1.1", f"Content-Type: {JSON_API}", f"Content-Length: {len(doc)}"],
    ) as sock:
        sock.sendall(doc)
        status, _, body = answer(sock)
    assert status == 201, body[:300]
