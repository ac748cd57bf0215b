"""``ResponseView`` and its pure parts: the status line, headers, and the body as JSON or raw."""

from __future__ import annotations

import html

import httpx
import pytest

from sandbox import ApiClient, ConnectionFailed, Exchange
from sandbox.widgets.response import (
    RAW_LIMIT,
    ResponseView,
    body_html,
    headers_html,
    include_ids_html,
    status_html,
)

JSON_API = "application/vnd.api+json"


def exchange(
    status: int = 200, content: bytes = b"", headers: dict[str, str] | None = None
) -> Exchange:
    request = httpx.Request("GET", "http://api.test/api/users?filter%5Bid%5D=1")
    response = httpx.Response(status, content=content, headers=headers, request=request)
    return Exchange(request, response, elapsed_ms=12.4)


STATUS_LINES = [
    pytest.param(
        (200, "OK", 12.4, 1234),
        '<span class="oro-badge" style="background:#2e7d32">200 OK</span>'
        '<span class="oro-meta">12 ms</span><span class="oro-meta">1,234 bytes</span>',
        id="2xx-green",
    ),
    pytest.param(
        (204, "No Content", 3.0, 0),
        '<span class="oro-badge" style="background:#2e7d32">204 No Content</span>'
        '<span class="oro-meta">3 ms</span><span class="oro-meta">0 bytes</span>',
        id="empty",
    ),
    pytest.param(
        (404, "Not Found", 1.0, 1),
        '<span class="oro-badge" style="background:#d84315">404 Not Found</span>'
        '<span class="oro-meta">1 ms</span><span class="oro-meta">1 byte</span>',
        id="4xx-orange",
    ),
    pytest.param(
        (500, "Internal Server Error", 1500.0, 10),
        '<span class="oro-badge" style="background:#b71c1c">500 Internal Server Error</span>'
        '<span class="oro-meta">1,500 ms</span><span class="oro-meta">10 bytes</span>',
        id="5xx-red",
    ),
    pytest.param(
        (None, "No response", None, None),
        '<span class="oro-badge" style="background:#b71c1c">No response</span>',
        id="no-answer",
    ),
]


@pytest.mark.parametrize(("args", "expected"), STATUS_LINES)
def test_status_html(args: tuple[int | None, str, float | None, int | None], expected: str) -> None:
    assert status_html(*args) == expected


def test_headers_html_keeps_order_and_escapes() -> None:
    assert headers_html([("content-type", JSON_API), ("x-a", "<b>")]) == (
        '<div class="oro-copy-scope"><button class="oro-copy" type="button"'
        ' title="Copy to the clipboard">Copy headers</button>'
        '<textarea class="oro-copy-source" hidden>content-type: application/vnd.api+json\n'
        "x-a: &lt;b&gt;</textarea>"
        '<table class="oro-headers"><tr><td>content-type</td><td>application/vnd.api+json</td>'
        "</tr><tr><td>x-a</td><td>&lt;b&gt;</td></tr></table></div>"
    )


COPY_BODY = (
    '<button class="oro-copy" type="button" title="Copy to the clipboard">Copy body</button>'
)
BODIES = [
    pytest.param(
        exchange(204),
        False,
        '<p class="oro-note">No content: the response body is empty (204).</p>',
        id="empty",
    ),
    pytest.param(
        exchange(200, b'{"a":"<x>"}'),
        True,
        f'<div class="oro-copy-scope">{COPY_BODY}'
        '<pre class="oro-raw oro-copy-source">{"a":"&lt;x&gt;"}</pre></div>',
        id="raw-exact-bytes",
    ),
    pytest.param(
        exchange(500, b"<h1>boom</h1>", {"content-type": "text/html"}),
        False,
        '<p class="oro-note">Not JSON (text/html): the body as text.</p>'
        f'<div class="oro-copy-scope">{COPY_BODY}'
        '<pre class="oro-raw oro-copy-source">&lt;h1&gt;boom&lt;/h1&gt;</pre></div>',
        id="not-json",
    ),
]


@pytest.mark.parametrize(("item", "raw", "expected"), BODIES)
def test_body_html(item: Exchange, raw: bool, expected: str) -> None:
    assert body_html(item, raw=raw) == expected


def test_body_html_json_is_the_tree() -> None:
    html = body_html(exchange(200, b'{"data":[]}'), raw=False)
    assert html.startswith(
        f'<div class="oro-copy-scope">{COPY_BODY}'
        '<textarea class="oro-copy-source" hidden>{&quot;data&quot;:[]}</textarea>'
        '<div class="oj"><details open>'
    )
    assert '<span class="oj-k">"data"</span>: []' in html


def test_raw_is_capped() -> None:
    html = body_html(exchange(200, b"x" * (RAW_LIMIT + 5)), raw=True)
    assert html.startswith(f'<p class="oro-note">The first {RAW_LIMIT:,} of {RAW_LIMIT + 5:,}')
    assert html.count("x") == RAW_LIMIT


def test_include_ids_html_maps_each_temporary_id_to_its_record() -> None:
    document = {
        "data": {"type": "accounts", "id": "52"},
        "included": [
            {"type": "contacts", "id": "79", "meta": {"includeId": "john<1>"}},
            {"type": "users", "id": "1"},  # asked for with ?include=: not written
        ],
    }
    assert include_ids_html(document) == (
        '<details class="oro-include-ids" open><summary>Included records: temporary id → id'
        "</summary><table><tr><th>type</th><th>includeId (sent)</th><th>id</th></tr>"
        "<tr><td>contacts</td><td>john&lt;1&gt;</td><td>→ 79</td></tr></table></details>"
    )


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"data": []}, id="no-included"),
        pytest.param({"included": [{"type": "users", "id": "1"}]}, id="nothing-written"),
        pytest.param([1, 2], id="not-a-document"),
        pytest.param(None, id="no-document"),
    ],
)
def test_include_ids_html_is_empty_without_written_items(document: object) -> None:
    assert include_ids_html(document) == ""


def test_view_shows_a_live_collection(api_url: str) -> None:
    with ApiClient(api_url) as client:
        item = client.get("accounts", params={"page[size]": "2"})
    view = ResponseView()
    view.show(item)
    assert view.exchange is item
    assert view.status_text == "200 OK"
    assert ">200 OK</span>" in view.status.value
    assert f"{item.size:,} bytes" in view.status.value
    assert view.url.value == (
        '<div class="oro-copy-scope"><span class="oro-label">Request URL</span>'
        '<span class="oro-url"><b>GET</b> <span class="oro-copy-source">'
        f"{api_url}/accounts?page%5Bsize%5D=2</span></span>"
        '<button class="oro-copy" type="button" title="Copy to the clipboard">Copy</button></div>'
    )
    assert view.headers.selected_index is None  # folded until asked for
    sent = item.response.request
    assert view.headers.get_title(0) == f"Request sent (GET, {len(sent.headers)} headers)"
    assert view.headers.get_title(1) == f"Response headers ({len(item.headers)})"
    # the request as it went out: the auth flow's and httpx's headers too
    assert "<td>accept</td><td>application/vnd.api+json</td>" in view.sent.value
    assert "<td>user-agent</td>" in view.sent.value
    assert "<td>content-type</td><td>application/vnd.api+json</td>" in view.headers_table.value
    assert view.raw is False
    assert '<div class="oj">' in view.body.value

    view.raw_toggle.value = True
    assert view.raw is True
    assert view.body.value == body_html(item, raw=True)
    pre = view.body.value.split('oro-copy-source">', 1)[1].removesuffix("</pre></div>")
    assert html.unescape(pre) == item.raw.decode()


def test_view_error_response_then_clear(api_url: str) -> None:
    with ApiClient(api_url) as client:
        item = client.get("accounts/999999")
    view = ResponseView()
    view.raw = True  # the switch stays as the user left it
    view.show(item)
    assert view.status_text == "404 Not Found"
    assert "background:#d84315" in view.status.value
    assert view.body.value == body_html(item, raw=True)
    view.clear()
    assert (view.exchange, view.status_text, view.status.value) == (None, "", "")
    assert view.headers.layout.display == "none"


def test_view_failure() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:9/api/users")
    error = ConnectionFailed(request, httpx.ConnectError("connection refused"))
    view = ResponseView()
    view.show_failure(error)
    assert (view.exchange, view.failure, view.status_text) == (None, error, "No response")
    assert "http://127.0.0.1:9/api/users" in view.url.value
    assert "ConnectError: connection refused" in view.body.value
    assert view.raw_toggle.layout.display == "none"
    assert view.headers.layout.display == "none"
