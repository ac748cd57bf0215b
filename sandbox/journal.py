"""The web sandbox's history on disk: every exchange as one JSON line in a file that all the
user's pages (each a kernel of its own) append to and read, so a reload keeps it.

- :func:`exchange_to_dict` / :func:`exchange_from_dict` turn an exchange into plain JSON and back
  (pure): the request as sent without its credentials (``Authorization``, ``X-WSSE``), the
  response with its body (the first :data:`BODY_LIMIT` bytes).
- :class:`Journal` is the file: :meth:`Journal.append`, :meth:`Journal.read` (the last ``limit``
  exchanges, oldest first), :meth:`Journal.clear`. Writers take an exclusive lock (``flock``)
  so lines from two pages never mix; the file is cut back to its last ``keep`` lines now and then.

:func:`default_path` is ``$ORO_SANDBOX_HISTORY``, else ``oro-sandbox/history.jsonl`` under
``$XDG_STATE_HOME`` (``~/.local/state``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from sandbox.client import Exchange

__all__ = [
    "BODY_LIMIT",
    "ENV_HISTORY",
    "Journal",
    "default_path",
    "exchange_from_dict",
    "exchange_to_dict",
]

ENV_HISTORY = "ORO_SANDBOX_HISTORY"
BODY_LIMIT = 64 * 1024  # bytes of a response body kept
SECRET_HEADERS = frozenset({"authorization", "x-wsse", "cookie"})

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one writer at a time is the user's affair
    fcntl = None  # type: ignore[assignment]


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_HISTORY):
        return Path(env[ENV_HISTORY]).expanduser()
    state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "oro-sandbox" / "history.jsonl"


def _text(body: bytes) -> dict[str, str]:
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


def _bytes(raw: Mapping[str, str] | None) -> bytes:
    if not raw:
        return b""
    if "base64" in raw:
        return base64.b64decode(raw["base64"])
    return raw.get("text", "").encode("utf-8")


def exchange_to_dict(exchange: Exchange) -> dict[str, Any]:
    """An exchange as plain JSON, without credentials; a long body is cut (``truncated``)."""
    sent = exchange.response.request if exchange.response is not None else exchange.request
    request_body = sent.content if isinstance(sent.stream, httpx.ByteStream) else b""
    body = exchange.raw
    return {
        "sent_at": exchange.sent_at,
        "elapsed_ms": exchange.elapsed_ms,
        "request": {
            "method": sent.method,
            "url": str(sent.url),
            "headers": [
                [name, value]
                for name, value in sent.headers.multi_items()
                if name.lower() not in SECRET_HEADERS
            ],
            "body": _text(request_body),
        },
        "response": {
            "status": exchange.status,
            "headers": [list(pair) for pair in exchange.headers.multi_items()],
            "body": _text(body[:BODY_LIMIT]),
            "size": len(body),
            "truncated": len(body) > BODY_LIMIT,
        },
    }


def exchange_from_dict(raw: Mapping[str, Any]) -> Exchange:
    """The exchange :func:`exchange_to_dict` wrote (its request without credentials)."""
    sent = raw["request"]
    request = httpx.Request(
        sent["method"],
        sent["url"],
        headers=[tuple(pair) for pair in sent.get("headers", [])],
        content=_bytes(sent.get("body")),
    )
    got = raw["response"]
    headers = [
        tuple(pair)
        for pair in got.get("headers", [])
        if pair[0].lower() not in ("content-encoding", "transfer-encoding")  # stored decoded
    ]
    response = httpx.Response(
        int(got["status"]), headers=headers, content=_bytes(got.get("body")), request=request
    )
    return Exchange(request, response, float(raw["elapsed_ms"]), float(raw["sent_at"]))


class Journal:
    """The history file at ``path`` (created when first written); see the module docstring."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, keep: int = 200) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.keep = keep

    @contextlib.contextmanager
    def _locked(self, mode: str) -> Iterator[Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, mode, encoding="utf-8") as file:
            if fcntl is not None:
                fcntl.flock(file, fcntl.LOCK_EX)
            try:
                yield file
            finally:
                if fcntl is not None:
                    fcntl.flock(file, fcntl.LOCK_UN)

    def append(self, exchange: Exchange) -> None:
        line = json.dumps(exchange_to_dict(exchange), ensure_ascii=False)
        with self._locked("a+") as file:
            file.write(line + "\n")
            file.flush()
            file.seek(0)
            lines = file.readlines()
            if len(lines) > self.keep * 2:  # cut back now and then, not at every write
                file.seek(0)
                file.truncate()
                file.writelines(lines[-self.keep :])

    def read(self, limit: int | None = None) -> list[Exchange]:
        """The last ``limit`` exchanges (all kept ones by default), oldest first; a line that
        cannot be read (cut short, from another version) is skipped."""
        if not self.path.exists():
            return []
        with self._locked("r") as file:
            lines = file.readlines()
        exchanges = []
        for line in lines[-(limit or self.keep) :]:
            try:
                exchanges.append(exchange_from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError, IndexError):
                continue
        return exchanges

    def clear(self) -> None:
        with self._locked("a+") as file:
            file.truncate(0)

    def __repr__(self) -> str:
        return f"<Journal {self.path}>"
