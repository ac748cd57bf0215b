"""Code that reproduces a request exactly: curl, HTTPie and Python (httpx).

Each function takes an ``httpx.Request`` or an :class:`~sandbox.client.Exchange` (after sending,
its request carries the headers the auth flow added) and returns a :class:`Snippet`. The snippet
sends the same method, the URL as it went over the wire (query string and percent-encoding
untouched), every header except the transport ones each tool adds by itself, and the body byte for
byte. ``redact=True`` swaps credentials (``Authorization``, ``X-WSSE`` digests, cookies, tokens and
secrets in bodies and query strings) for placeholders such as ``<ACCESS_TOKEN>``, for sharing; a
redacted snippet is no longer exact, by design.

One exception to "as it went over the wire": HTTPie cannot send ``[`` or ``]`` in a query string
(requests and urllib3 encode them), so its snippet shows the URL as HTTPie will send it — the same
names and values once decoded, which is all a server reads.
"""

from __future__ import annotations

import html
import re
import shlex
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from sandbox.client import Exchange

__all__ = ["Snippet", "to_curl", "to_httpie", "to_httpx"]

# headers every tool sets on its own from the URL, the body and the connection
TRANSPORT_HEADERS = frozenset(
    {"host", "content-length", "accept-encoding", "connection", "transfer-encoding", "user-agent"}
)
INDENT = "  "
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_REQUESTS_ENCODES = frozenset("[]{}|\\^`")

SECRET_FIELDS = ("access_token", "refresh_token", "client_secret", "password", "apiKey")
_JSON_SECRET = re.compile(r'("(' + "|".join(SECRET_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"')
_FORM_SECRET = re.compile(r"(^|&|\?)(" + "|".join(SECRET_FIELDS) + r")=[^&#]*")
_WSSE_PART = re.compile(r'\b(PasswordDigest|Nonce|Created)="[^"]*"')


@dataclass(frozen=True)
class Snippet:
    """Code to copy: ``str()`` or ``.text`` is the code; notebooks show it as a code block."""

    language: str  # "bash" or "python"
    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        fence = "```"
        while fence in self.text:
            fence += "`"
        return f"{fence}{self.language}\n{self.text}\n{fence}"

    def _repr_html_(self) -> str:
        return f'<pre><code class="language-{self.language}">{html.escape(self.text)}</code></pre>'


@dataclass(frozen=True)
class Parts:
    """What a snippet must send: the no-I/O core shared by the three renderers."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    has_body: bool  # a zero-length body that was sent (Content-Length: 0) still counts


def request_parts(source: httpx.Request | Exchange, *, redact: bool = False) -> Parts:
    request = source if isinstance(source, httpx.Request) else source.request
    body = request.read()
    encoding = request.headers.encoding
    headers: list[tuple[str, str]] = []
    for raw_name, raw_value in request.headers.raw:
        name, value = raw_name.decode(encoding), raw_value.decode(encoding)
        if _is_transport(name, value, request.url):
            continue
        headers.append((name, redact_header(name, value) if redact else value))
    url = str(request.url)
    if redact:
        url = _FORM_SECRET.sub(lambda m: f"{m[1]}{m[2]}={_placeholder(m[2])}", url)
        body = redact_body(body)
    has_body = bool(body) or "content-length" in request.headers
    return Parts(request.method, url, tuple(headers), body, has_body)


def _is_transport(name: str, value: str, url: httpx.URL) -> bool:
    lowered = name.lower()
    if lowered == "host":  # a Host that differs from the URL (a virtual host) matters
        return value == url.netloc.decode("ascii")
    if lowered == "user-agent":  # a custom User-Agent matters; httpx's own does not
        return value.startswith("python-httpx/")
    return lowered in TRANSPORT_HEADERS


def _placeholder(field: str) -> str:
    return "<" + re.sub(r"(?<=[a-z])(?=[A-Z])", "_", field).upper() + ">"


def redact_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered in ("authorization", "proxy-authorization"):
        scheme, _, credentials = value.partition(" ")
        if scheme.upper() == "WSSE":  # 'WSSE profile="UsernameToken"' holds no secret
            return value
        if not credentials:
            return "<CREDENTIALS>"
        if scheme.lower() == "bearer":
            return f"{scheme} <ACCESS_TOKEN>"
        return f"{scheme} <CREDENTIALS>"
    if lowered == "x-wsse":
        return _WSSE_PART.sub(lambda m: f'{m[1]}="{_placeholder(m[1])}"', value)
    if lowered == "cookie":
        return re.sub(r"=[^;]*", "=<REDACTED>", value)
    return value


def redact_body(body: bytes) -> bytes:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    text = _JSON_SECRET.sub(lambda m: f'{m[1]}"{_placeholder(m[2])}"', text)
    text = _FORM_SECRET.sub(lambda m: f"{m[1]}{m[2]}={_placeholder(m[2])}", text)
    return text.encode("utf-8")


def _text(body: bytes) -> str | None:
    """The body as text, when a shell argument can carry it exactly (no NUL, valid UTF-8)."""
    if b"\x00" in body:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _printf(body: bytes) -> str:
    """A ``printf`` command writing ``body`` exactly: octal escapes for anything not plain."""
    out = []
    for byte in body:
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in "\\'%":
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return f"printf '{''.join(out)}'"


def _join(lines: list[str]) -> str:
    return " \\\n".join([lines[0], *(INDENT + line for line in lines[1:])])


def to_curl(source: httpx.Request | Exchange, *, redact: bool = False) -> Snippet:
    """A curl command line (``--globoff`` so brackets in the query are sent as they are)."""
    parts = request_parts(source, redact=redact)
    text = _text(parts.body) if parts.has_body else None
    piped = parts.has_body and (text is None or text.startswith("@"))
    first = ["curl", "--globoff"]
    if parts.method == "HEAD":
        first.append("--head")
    elif parts.method != ("POST" if parts.has_body else "GET"):
        first += ["-X", parts.method]
    lines = [" ".join(first), shlex.quote(parts.url)]
    names = set()
    for name, value in parts.headers:
        names.add(name.lower())
        # "Name;" is curl's way to send an empty header ("Name:" would remove it)
        lines.append("-H " + shlex.quote(f"{name};" if value == "" else f"{name}: {value}"))
    if parts.has_body:
        if "content-type" not in names:  # curl would add a form Content-Type of its own
            lines.append("-H " + shlex.quote("Content-Type:"))
        lines.append("--data-binary " + ("@-" if piped else shlex.quote(text or "")))
    command = _join(lines)
    if piped:
        command = f"{_printf(parts.body)} \\\n| {command}"
    return Snippet("bash", command)


def to_httpie(source: httpx.Request | Exchange, *, redact: bool = False) -> Snippet:
    """An HTTPie command line (HTTPie 3.2 or later, for ``--raw``); see :func:`requests_url`."""
    parts = request_parts(source, redact=redact)
    text = _text(parts.body) if parts.has_body else None
    piped = parts.has_body and text is None
    first = ["http"] if piped else ["http", "--ignore-stdin"]
    lines = [" ".join([*first, parts.method, shlex.quote(requests_url(parts.url))])]
    names = set()
    for name, value in parts.headers:
        names.add(name.lower())
        lines.append(shlex.quote(_httpie_header(name, value)))
    if parts.has_body:
        if "content-type" not in names:  # HTTPie would add application/json
            lines.append(shlex.quote("Content-Type:"))
        if not piped:
            raw = text or ""  # "--raw=-x", since "--raw -x" would read -x as an option
            lines.append(
                f"--raw={shlex.quote(raw)}" if raw.startswith("-") else f"--raw {shlex.quote(raw)}"
            )
    command = _join(lines)
    if piped:
        command = f"{_printf(parts.body)} \\\n| {command}"
    return Snippet("bash", command)


def requests_url(url: str) -> str:
    """``url`` as HTTPie sends it: requests and urllib3 percent-encode ``[]{}|\\^` ``, decode
    escaped unreserved characters and upper-case the other escapes. Servers read both alike.
    """
    scheme, _, rest = url.partition("://")
    authority, slash, target = rest.partition("/")

    def escape(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else match[0].upper()

    target = _ESCAPE.sub(escape, target)
    target = "".join(f"%{ord(c):02X}" if c in _REQUESTS_ENCODES else c for c in target)
    return f"{scheme}://{authority}{slash}{target}"


def _httpie_header(name: str, value: str) -> str:
    if value == "":  # "Name;" sends an empty header; "Name:" would remove one of HTTPie's own
        return f"{name};"
    if value[0] in "=@":  # "Name:=…" and "Name:@…" are other kinds of item: escape the sign
        return f"{name}:\\{value}"
    return f"{name}:{value}"


def _py(value: str) -> str:
    """A Python literal for ``value``, in double quotes unless it holds some."""
    literal = repr(value)
    if literal[0] == "'" and '"' not in value:  # so no quote inside is escaped
        literal = f'"{literal[1:-1]}"'
    return literal


def to_httpx(source: httpx.Request | Exchange, *, redact: bool = False) -> Snippet:
    """Python code that sends the request with httpx and prints the answer."""
    parts = request_parts(source, redact=redact)
    lines = ["import httpx", "", "response = httpx.request(", f"    {_py(parts.method)},"]
    lines.append(f"    {_py(parts.url)},")
    if parts.headers:
        names = [name.lower() for name, _ in parts.headers]
        if len(set(names)) == len(names):
            lines.append("    headers={")
            lines += [f"        {_py(name)}: {_py(value)}," for name, value in parts.headers]
            lines.append("    },")
        else:  # a repeated header: pairs keep every value
            lines.append("    headers=[")
            lines += [f"        ({_py(name)}, {_py(value)})," for name, value in parts.headers]
            lines.append("    ],")
    if parts.has_body:
        text = _text(parts.body)
        content = repr(parts.body) if text is None else f"{_py(text)}.encode()"
        lines.append(f"    content={content},")
    lines += [")", "print(response.status_code, response.reason_phrase)", "print(response.text)"]
    return Snippet("python", "\n".join(lines))
