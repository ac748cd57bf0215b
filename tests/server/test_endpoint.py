"""The API endpoint's pure helpers: unexpected errors, request headers, the API root URL."""

from __future__ import annotations

import logging

import pytest

from server.endpoint import api_root, header_map, unexpected_reply


def test_unexpected_errors_hide_their_detail(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="server"):
        reply = unexpected_reply(RuntimeError("secret table name"), debug=False)
    assert (reply.status, reply.document) == (
        500,
        {"errors": [{"status": "500", "title": "internal server error"}]},
    )
    assert "secret table name" in caplog.text  # logged for the operator, not sent


def test_debug_mode_shows_the_detail_as_oro_does() -> None:
    reply = unexpected_reply(KeyError("owner"), debug=True)
    assert reply.document == {
        "errors": [
            {"status": "500", "title": "key error exception", "detail": "*DEBUG ONLY* 'owner'"}
        ]
    }


def test_repeated_headers_are_joined() -> None:
    scope = {"headers": [(b"Accept", b"application/json"), (b"accept", b"*/*"), (b"X-A", b"1")]}
    assert header_map(scope) == {"accept": "application/json, */*", "x-a": "1"}


@pytest.mark.parametrize(
    ("scope", "headers", "expected"),
    [
        pytest.param(
            {"scheme": "http"},
            {"host": "example.com:8080"},
            "http://example.com:8080/api",
            id="host-header",
        ),
        pytest.param(
            {"scheme": "https", "root_path": "/sandbox"},
            {"host": "h"},
            "https://h/sandbox/api",
            id="behind-a-proxy-prefix",
        ),
        pytest.param(
            {"scheme": "http", "server": ("10.0.0.1", 81)},
            {},
            "http://10.0.0.1:81/api",
            id="no-host-header",
        ),
    ],
)
def test_api_root(scope: dict, headers: dict[str, str], expected: str) -> None:
    assert api_root(scope, headers, "/api") == expected
