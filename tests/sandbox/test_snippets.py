"""Snippets: the exact text for literal requests, the exact bytes they put on the wire (an echo
server records what curl, HTTPie and httpx send), and round trips against the live API server.

HTTPie tests run when the ``http`` command is installed (the ``test`` extra installs it).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sandbox.auth import BearerToken, ClientCredentials, wsse_headers
from sandbox.client import JSON_API, ApiClient, Exchange
from sandbox.snippets import Snippet, request_parts, requests_url, to_curl, to_httpie, to_httpx
from tests.live_server import LiveServer

PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
HTTPIE = shutil.which("http", path=PATH)
needs_httpie = pytest.mark.skipif(HTTPIE is None, reason="HTTPie (`http`) is not installed")
TOOLS = ["curl", pytest.param("httpie", marks=needs_httpie), "httpx"]
SNIPPETS: dict[str, Callable[..., Snippet]] = {
    "curl": to_curl,
    "httpie": to_httpie,
    "httpx": to_httpx,
}
# what a tool may add or set by itself; everything else must arrive as the original had it
TRANSPORT = {"host", "user-agent", "accept-encoding", "connection", "content-length", "expect"}


def build(method: str, url: str, **kwargs: Any) -> httpx.Request:
    with httpx.Client() as http:
        return http.build_request(method, url, **kwargs)


# --- the text ------------------------------------------------------------------------------------

POST = build(
    "POST",
    "http://127.0.0.1:8765/api/tasks?filter[id]=1,2",
    headers={"Accept": JSON_API, "Content-Type": JSON_API, "Authorization": "Bearer t0k3n"},
    content=b'{"data":{"type":"tasks","attributes":{"subject":"it\'s"}}}',
)


@pytest.mark.parametrize(
    ("render", "expected"),
    [
        pytest.param(
            to_curl,
            """curl --globoff \\
  'http://127.0.0.1:8765/api/tasks?filter[id]=1,2' \\
  -H 'Accept: application/vnd.api+json' \\
  -H 'Content-Type: application/vnd.api+json' \\
  -H 'Authorization: Bearer t0k3n' \\
  --data-binary '{"data":{"type":"tasks","attributes":{"subject":"it'"'"'s"}}}'""",
            id="curl",
        ),
        pytest.param(
            to_httpie,
            """http --ignore-stdin POST 'http://127.0.0.1:8765/api/tasks?filter%5Bid%5D=1,2' \\
  Accept:application/vnd.api+json \\
  Content-Type:application/vnd.api+json \\
  'Authorization:Bearer t0k3n' \\
  --raw '{"data":{"type":"tasks","attributes":{"subject":"it'"'"'s"}}}'""",
            id="httpie",
        ),
        pytest.param(
            to_httpx,
            """import httpx

response = httpx.request(
    "POST",
    "http://127.0.0.1:8765/api/tasks?filter[id]=1,2",
    headers={
        "Accept": "application/vnd.api+json",
        "Content-Type": "application/vnd.api+json",
        "Authorization": "Bearer t0k3n",
    },
    content='{"data":{"type":"tasks","attributes":{"subject":"it\\'s"}}}'.encode(),
)
print(response.status_code, response.reason_phrase)
print(response.text)""",
            id="httpx",
        ),
    ],
)
def test_snippet_text(render: Callable[..., Snippet], expected: str) -> None:
    assert render(POST).text == expected


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        pytest.param(
            build("GET", "http://h/api/users", params={"filter[id]": "1"}),
            "curl --globoff \\\n  'http://h/api/users?filter%5Bid%5D=1' \\\n  -H 'Accept: */*'",
            id="get-encoded-query-as-sent",
        ),
        pytest.param(
            build("DELETE", "http://h/api/tasks?filter[id]=5", headers={"X-Include": "a;b"}),
            "curl --globoff -X DELETE \\\n  'http://h/api/tasks?filter[id]=5' \\\n"
            "  -H 'Accept: */*' \\\n  -H 'X-Include: a;b'",
            id="delete",
        ),
        pytest.param(
            build("HEAD", "http://h/x"),
            "curl --globoff --head \\\n  http://h/x \\\n  -H 'Accept: */*'",
            id="head",
        ),
        pytest.param(
            build("PUT", "http://h/x", headers={"X-Empty": ""}, content=b"@file"),
            "printf '@file' \\\n| curl --globoff -X PUT \\\n  http://h/x \\\n"
            "  -H 'Accept: */*' \\\n  -H 'X-Empty;' \\\n  -H Content-Type: \\\n"
            "  --data-binary @-",
            id="at-sign-body-piped-empty-header-no-content-type",
        ),
        pytest.param(
            build("POST", "http://h/x", content=b"\x00\xff%'\\"),
            "printf '\\000\\377\\045\\047\\134' \\\n| curl --globoff \\\n  http://h/x \\\n"
            "  -H 'Accept: */*' \\\n  -H Content-Type: \\\n  --data-binary @-",
            id="binary-body-piped",
        ),
    ],
)
def test_curl_text(request_: httpx.Request, expected: str) -> None:
    assert to_curl(request_).text == expected


def test_snippet_displays_as_a_code_block() -> None:
    snippet = Snippet("bash", "echo '```' <b>")
    assert str(snippet) == repr(snippet) == "echo '```' <b>"
    assert snippet._repr_markdown_() == "````bash\necho '```' <b>\n````"
    assert snippet._repr_html_() == (
        '<pre><code class="language-bash">echo &#x27;```&#x27; &lt;b&gt;</code></pre>'
    )


# --- redaction -----------------------------------------------------------------------------------

WSSE = wsse_headers("admin", "key", nonce=b"n" * 16, created="2026-01-01T00:00:00+00:00")


@pytest.mark.parametrize(
    ("headers", "content", "url", "expected_headers", "expected_body", "expected_url"),
    [
        pytest.param(
            {"Authorization": "Bearer abc"},
            None,
            "http://h/api/tasks",
            [("Authorization", "Bearer <ACCESS_TOKEN>")],
            b"",
            "http://h/api/tasks",
            id="bearer",
        ),
        pytest.param(
            WSSE,
            None,
            "http://h/api/tasks",
            [
                ("Authorization", 'WSSE profile="UsernameToken"'),
                (
                    "X-WSSE",
                    'UsernameToken Username="admin", PasswordDigest="<PASSWORD_DIGEST>",'
                    ' Nonce="<NONCE>", Created="<CREATED>"',
                ),
            ],
            b"",
            "http://h/api/tasks",
            id="wsse",
        ),
        pytest.param(
            {"Authorization": "Basic dXNlcjpwdw==", "Cookie": "a=1; b=2"},
            None,
            "http://h/x?access_token=abc&page=2",
            [("Authorization", "Basic <CREDENTIALS>"), ("Cookie", "a=<REDACTED>; b=<REDACTED>")],
            b"",
            "http://h/x?access_token=<ACCESS_TOKEN>&page=2",
            id="basic-cookie-query-token",
        ),
        pytest.param(
            {"Content-Type": "application/json"},
            b'{"grant_type": "password", "client_id": "app", "client_secret": "s\\"x",'
            b' "password": "pw", "username": "u"}',
            "http://h/oauth2-token",
            [("Content-Type", "application/json")],
            b'{"grant_type": "password", "client_id": "app",'
            b' "client_secret": "<CLIENT_SECRET>", "password": "<PASSWORD>", "username": "u"}',
            "http://h/oauth2-token",
            id="json-token-request",
        ),
        pytest.param(
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"grant_type=refresh_token&refresh_token=r1&client_id=app",
            "http://h/oauth2-token",
            [("Content-Type", "application/x-www-form-urlencoded")],
            b"grant_type=refresh_token&refresh_token=<REFRESH_TOKEN>&client_id=app",
            "http://h/oauth2-token",
            id="form-token-request",
        ),
        pytest.param(
            {"Content-Type": JSON_API},
            b'{"data":{"type":"userapis","attributes":{"apiKey":"k1"}}}',
            "http://h/api/userapis",
            [("Content-Type", JSON_API)],
            b'{"data":{"type":"userapis","attributes":{"apiKey":"<API_KEY>"}}}',
            "http://h/api/userapis",
            id="api-key-attribute",
        ),
    ],
)
def test_redact_replaces_credentials_with_placeholders(
    headers: dict[str, str],
    content: bytes | None,
    url: str,
    expected_headers: list[tuple[str, str]],
    expected_body: bytes,
    expected_url: str,
) -> None:
    request = httpx.Request("POST", url, headers=headers, content=content)
    parts = request_parts(request, redact=True)
    assert [h for h in parts.headers if h[0].lower() != "content-length"] == expected_headers
    assert parts.body == expected_body
    assert parts.url == expected_url
    assert request_parts(request).headers == tuple(headers.items())


def test_every_tool_redacts() -> None:
    for render in SNIPPETS.values():
        text = render(POST, redact=True).text
        assert "t0k3n" not in text
        assert "Bearer <ACCESS_TOKEN>" in text


# --- the bytes on the wire -----------------------------------------------------------------------


@dataclass
class Captured:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


class EchoServer(ThreadingHTTPServer):
    """Records every request exactly as it arrived (chunked bodies decoded)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), EchoHandler)
        self.captured: list[Captured] = []
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"


class EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # so Expect: 100-continue is answered
    server: EchoServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self.echo
        raise AttributeError(name)

    def echo(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while size := int(self.rfile.readline().split(b";")[0], 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.captured.append(Captured(self.command, self.path, self.headers.items(), body))
        answer = b"" if self.command == "HEAD" else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def meaningful(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers by name (order kept among repeats), without those a tool sets by itself."""
    kept = [(n.lower(), v) for n, v in headers if n.lower() not in TRANSPORT]
    return sorted(kept, key=lambda header: header[0])


@dataclass
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes


def run(tool: str, snippet: Snippet, tmp_path: Path) -> Answer:
    """Run a snippet as a user would, and read the answer back."""
    if tool == "httpx":
        namespace: dict[str, Any] = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(snippet.text, "<snippet>", "exec"), namespace)
        response: httpx.Response = namespace["response"]
        return Answer(response.status_code, response.headers, response.content)
    if tool == "curl":
        body, head = tmp_path / "body", tmp_path / "head"
        command = f"{snippet.text} --silent --show-error -o {body} -D {head}"
    else:
        command = snippet.text.replace("http ", "http --print=hb ", 1)
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, env={**os.environ, "PATH": PATH}, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    if tool == "curl":
        head_text, content = head.read_text("latin-1"), body.read_bytes() if body.exists() else b""
    else:
        head_bytes, _, content = result.stdout.partition(b"\r\n\r\n")
        head_text = head_bytes.decode("latin-1")
    status_line, *lines = head_text.strip().splitlines()
    headers = httpx.Headers([(n, v) for n, _, v in (line.partition(": ") for line in lines)])
    return Answer(int(status_line.split()[1]), headers, content)


WIRE_CASES = [
    pytest.param(
        "GET",
        "/api/tasks?filter[dueDate][gt]=2026-01-01T00%3A00%3A00%2B02%3A00"
        "&filter[id]=1,2,3&sort=-id&q=a%2Fb+c%20d",
        {},
        None,
        id="get-raw-brackets",
    ),
    pytest.param(
        "GET",
        "/api/tasks",
        {"params": {"filter[subject]": "a,b & c/ü"}},
        None,
        id="get-httpx-encoded-params",
    ),
    pytest.param(
        "POST",
        "/api/tasks",
        {"headers": {"Accept": JSON_API, "Content-Type": JSON_API}},
        '{"data":{"type":"tasks","attributes":{"subject":"café ✓ \\"q\\" \'s\'\\n"}}}\n'.encode(),
        id="post-json-api-unicode-quotes-newline",
    ),
    pytest.param(
        "PATCH",
        "/api/tasks/1",
        {"headers": {"Content-Type": "text/plain"}},
        b"$HOME `id` $(id) !! %s %% \\ \\n ' \" \t\r\n--",
        id="patch-shell-hazards",
    ),
    pytest.param("PUT", "/bin", {}, bytes(range(256)), id="put-binary-every-byte-no-content-type"),
    pytest.param(
        "POST",
        "/at",
        {"headers": {"Content-Type": "text/plain"}},
        b"@/etc/hostname",
        id="post-at-sign-body",
    ),
    pytest.param(
        "POST",
        "/dash",
        {"headers": {"Content-Type": "text/plain"}},
        b"-x --raw",
        id="post-dash-body",
    ),
    pytest.param("POST", "/empty", {}, b"", id="post-empty-body"),
    pytest.param(
        "DELETE",
        "/api/tasks?filter[id]=5,6",
        {"headers": {"X-Include": "deletedCount"}},
        None,
        id="delete-list",
    ),
    pytest.param(
        "GET",
        "/h",
        {
            "headers": [
                ("Authorization", "Bearer a.b-c_d=="),
                ("X-Tag", "one"),
                ("X-Tag", "two"),
                ("X-Empty", ""),
                ("X-Eq", "=starts with equals"),
                ("X-At", "@starts-with-at"),
                ("X-Mixed", "a:b==c;d@e =f"),
                ("User-Agent", "my-notebook/1.0"),
                *WSSE.items(),
            ]
        },
        None,
        id="headers-repeated-empty-separators-custom-agent-wsse",
    ),
]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize(("method", "target", "kwargs", "content"), WIRE_CASES)
def test_snippet_sends_the_same_bytes(
    echo: EchoServer,
    tmp_path: Path,
    tool: str,
    method: str,
    target: str,
    kwargs: dict[str, Any],
    content: bytes | None,
) -> None:
    original = build(method, echo.origin + target, content=content, **kwargs)
    run(tool, SNIPPETS[tool](original), tmp_path)
    sent = echo.captured[-1]
    assert sent.method == original.method
    target = original.url.raw_path.decode("ascii")
    if tool == "httpie":  # HTTPie encodes brackets: the snippet shows it, a server reads the same
        assert sent.target == requests_url(echo.origin + target).removeprefix(echo.origin)
        assert httpx.URL(sent.target).path == original.url.path
        assert httpx.URL(sent.target).params.multi_items() == original.url.params.multi_items()
    else:
        assert sent.target == target
    assert sent.body == original.content
    assert meaningful(sent.headers) == meaningful(original.headers.multi_items())


@pytest.mark.parametrize("tool", ["curl", "httpx"])
def test_head_sends_the_same_request(echo: EchoServer, tmp_path: Path, tool: str) -> None:
    original = build("HEAD", echo.origin + "/api/tasks?page[size]=1")
    snippet = SNIPPETS[tool](original)
    if tool == "httpx":
        run(tool, snippet, tmp_path)
    else:  # no -o/-D dance for HEAD: --head prints the headers itself
        subprocess.run(["bash", "-c", snippet.text + " --silent"], check=True, capture_output=True)
    sent = echo.captured[-1]
    assert (sent.method, sent.target, sent.body) == ("HEAD", "/api/tasks?page[size]=1", b"")


# --- round trips against the API server ----------------------------------------------------------


def assert_same_answer(answer: Answer, original: Exchange) -> None:
    assert answer.status == original.status
    assert answer.headers.get("content-type") == original.headers.get("content-type")
    assert answer.body == original.raw


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip_get_with_filters(api_url: str, tmp_path: Path, tool: str) -> None:
    with ApiClient(api_url) as client:
        original = client.get(
            "/tasks",
            params={
                "filter[dueDate][gt]": "2026-01-01T00:00:00+02:00",
                "filter[taskPriority]": "high,normal",
                "fields[tasks]": "subject,dueDate",
                "sort": "-dueDate,id",
                "page[size]": "5",
            },
            headers={"X-Include": "totalCount"},
        )
    assert original.status == 200
    assert len(original.data) == 5
    assert "%2B02%3A00" in str(original.request.url)
    answer = run(tool, SNIPPETS[tool](original), tmp_path)
    assert_same_answer(answer, original)
    assert answer.headers["x-include-total-count"] == str(original.total_count)


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip_error_answer(api_url: str, tmp_path: Path, tool: str) -> None:
    with ApiClient(api_url) as client:
        original = client.get("/tasks", params={"filter[nope]": "1"})
    assert original.status == 400
    assert_same_answer(run(tool, SNIPPETS[tool](original), tmp_path), original)


def created(body: bytes) -> dict[str, Any]:
    """A created task without what differs between two creations (id, links, timestamps)."""
    data = orjson.loads(body)["data"]
    attributes = dict(data["attributes"])
    assert attributes.pop("createdAt") and attributes.pop("updatedAt")
    relationships = {name: rel["data"] for name, rel in data["relationships"].items()}
    return {"type": data["type"], "attributes": attributes, "relationships": relationships}


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip_post(fresh_api_url: str, tmp_path: Path, tool: str) -> None:
    document = {"data": {"type": "tasks", "attributes": {"subject": "Ring back — “ASAP”"}}}
    with ApiClient(fresh_api_url) as client:
        original = client.post("/tasks", json=document)
        assert original.status == 201
        answer = run(tool, SNIPPETS[tool](original), tmp_path)
        assert answer.status == 201
        assert answer.headers["content-type"] == original.headers["content-type"]
        assert created(answer.body) == created(original.raw)
        assert orjson.loads(answer.body)["data"]["id"] != original.data["id"]
        listed = client.get("/tasks", params={"filter[subject]": "Ring back — “ASAP”"})
    assert len(listed.data) == 2


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip_delete_list(fresh_api_url: str, tmp_path: Path, tool: str) -> None:
    document = {"data": {"type": "tasks", "attributes": {"subject": "Doomed"}}}
    with ApiClient(fresh_api_url) as client:

        def delete_doomed() -> Exchange:
            return client.delete(
                "/tasks",
                params={"filter[subject]": "Doomed"},
                headers={"X-Include": "deletedCount"},
            )

        for _ in range(2):
            assert client.post("/tasks", json=document).status == 201
        original = delete_doomed()
        assert (original.status, original.raw) == (204, b"")
        assert original.headers["x-include-deleted-count"] == "2"
        for _ in range(2):
            assert client.post("/tasks", json=document).status == 201
        answer = run(tool, SNIPPETS[tool](original), tmp_path)
        assert (answer.status, answer.body) == (204, b"")
        assert answer.headers["x-include-deleted-count"] == "2"
        assert client.get("/tasks", params={"filter[subject]": "Doomed"}).data == []


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("auth") / "sandbox.db", auth=True) as server:
        yield server


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip_with_a_bearer_token(auth_server: LiveServer, tmp_path: Path, tool: str) -> None:
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    with ApiClient(auth_server.origin + "/api", auth) as client:
        original = client.get("/tasks", params={"filter[id]": "1,2", "fields[tasks]": "subject"})
    assert original.status == 200, original.raw
    assert original.request.headers["authorization"] == f"Bearer {auth.access_token}"
    assert_same_answer(run(tool, SNIPPETS[tool](original), tmp_path), original)
    redacted = run(tool, SNIPPETS[tool](original, redact=True), tmp_path)
    assert redacted.status == 401


def test_an_unauthenticated_answer_reproduces_too(auth_server: LiveServer, tmp_path: Path) -> None:
    with ApiClient(auth_server.origin + "/api", BearerToken("not-a-token")) as client:
        original = client.get("/tasks")
    assert original.status == 401
    assert_same_answer(run("curl", to_curl(original), tmp_path), original)
