"""What was sent: a :class:`History` of exchanges, and named requests kept as plain files.

- :class:`History` records every :class:`~sandbox.client.Exchange` it is handed — hook it to a
  client with ``ApiClient(url, on_exchange=history.record)`` — keeps the last ``maxlen``, shows
  them as a DataFrame (:meth:`History.to_frame`) and sends one again (:meth:`History.replay`).
- :class:`SavedRequest` is a named request (method, path or URL, params, headers, body) that a
  person can read and edit: ``save("open-tasks.yaml")`` / ``SavedRequest.load(...)`` write and read
  YAML or JSON by the file's extension; :func:`save_requests` and :func:`load_requests` keep a
  folder of them, one file each.

Errors: :class:`SavedRequestError` (a :class:`~sandbox.client.SandboxError`) for a file that is not
a saved request, naming the file and what is wrong with it.
"""

from __future__ import annotations

import json
import operator
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

import httpx
import yaml

from sandbox.client import ApiClient, Exchange
from sandbox.exceptions import SavedRequestError

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "History",
    "SavedRequest",
    "SavedRequestError",
    "load_requests",
    "replay",
    "save_requests",
]

DEFAULT_MAXLEN = 1000
FRAME_COLUMNS = ("time", "method", "url", "status", "reason", "ms", "bytes", "type")
# headers httpx sets again from the URL and the body
REBUILT_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})
# headers an auth flow adds at send time; a client with auth of its own replaces them
AUTH_HEADERS = frozenset({"authorization", "x-wsse"})
# headers a saved request leaves to the client that sends it
UNSAVED_HEADERS = REBUILT_HEADERS | AUTH_HEADERS | {"accept-encoding", "connection", "user-agent"}
FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


class History:
    """The last ``maxlen`` exchanges, oldest first; ``history[-1]`` (or ``.last``) is the newest.

    Indexes are positions in the history as it is now (the frame's index matches them).
    """

    def __init__(self, maxlen: int | None = DEFAULT_MAXLEN) -> None:
        self._exchanges: deque[Exchange] = deque(maxlen=maxlen)
        self._lock = threading.Lock()  # fetch_all may record from several threads

    @property
    def maxlen(self) -> int | None:
        return self._exchanges.maxlen

    def record(self, exchange: Exchange) -> None:
        """Keep ``exchange`` (the ``on_exchange`` hook of :class:`~sandbox.ApiClient`)."""
        with self._lock:
            self._exchanges.append(exchange)

    def clear(self) -> None:
        with self._lock:
            self._exchanges.clear()

    def _snapshot(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def __len__(self) -> int:
        return len(self._exchanges)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self._snapshot())

    @overload
    def __getitem__(self, index: int) -> Exchange: ...
    @overload
    def __getitem__(self, index: slice) -> list[Exchange]: ...
    def __getitem__(self, index: int | slice) -> Exchange | list[Exchange]:
        snapshot = self._snapshot()
        if isinstance(index, slice):
            return snapshot[index]
        try:
            return snapshot[index]
        except IndexError:
            raise IndexError(
                f"history index {index} is out of range: it holds {len(snapshot)} exchanges"
            ) from None

    @property
    def last(self) -> Exchange | None:
        """The newest exchange, or None when nothing was recorded."""
        snapshot = self._snapshot()
        return snapshot[-1] if snapshot else None

    def to_frame(self) -> pd.DataFrame:
        """One row per exchange: time (UTC), method, url, status, reason, ms, bytes, type."""
        import pandas as pd  # only here: the history itself needs no pandas

        exchanges = self._snapshot()
        return pd.DataFrame(
            {
                "time": pd.to_datetime(
                    pd.Series([e.sent_at for e in exchanges], dtype="float64"), unit="s", utc=True
                ),
                "method": pd.Series([e.request.method for e in exchanges], dtype="str"),
                "url": pd.Series([str(e.request.url) for e in exchanges], dtype="str"),
                "status": pd.Series([e.status for e in exchanges], dtype="int64"),
                "reason": pd.Series([e.reason for e in exchanges], dtype="str"),
                "ms": pd.Series([e.elapsed_ms for e in exchanges], dtype="float64"),
                "bytes": pd.Series([e.size for e in exchanges], dtype="int64"),
                "type": pd.Series([resource_type(e) for e in exchanges], dtype="str"),
            },
            columns=list(FRAME_COLUMNS),
        )

    def replay(self, item: SupportsIndex | Exchange, client: ApiClient) -> Exchange:
        """Send a recorded request again with ``client`` (see :func:`replay`); ``item`` is a
        position (the frame's index works too) or an exchange."""
        return replay(item if isinstance(item, Exchange) else self[operator.index(item)], client)

    def __repr__(self) -> str:
        count = len(self)
        bound = f", at most {self.maxlen}" if self.maxlen is not None else ""
        return f"<History {count} exchange{'s' if count != 1 else ''}{bound}>"


def resource_type(exchange: Exchange) -> str | None:
    """The JSON:API type of the primary data, when the answer has any."""
    data = exchange.data
    if isinstance(data, list):
        data = data[0] if data else None
    type_ = data.get("type") if isinstance(data, dict) else None
    return type_ if isinstance(type_, str) else None


def rebuild(request: httpx.Request, client: ApiClient) -> httpx.Request:
    """The recorded request, ready to send again: same method, URL, headers and body bytes.

    The auth headers go when ``client`` has auth of its own (its flow adds fresh ones — a WSSE
    nonce can be used once); a client without auth sends them as recorded.
    """
    dropped = REBUILT_HEADERS | (AUTH_HEADERS if client.auth is not None else frozenset())
    encoding = request.headers.encoding
    headers = [
        (name.decode(encoding), value.decode(encoding))
        for name, value in request.headers.raw
        if name.decode(encoding).lower() not in dropped
    ]
    return client.http.build_request(
        request.method, request.url, headers=headers, content=request.read() or None
    )


def replay(item: Exchange | httpx.Request, client: ApiClient) -> Exchange:
    """Send a recorded request (or an exchange's request) again; returns the new exchange."""
    request = item.request if isinstance(item, Exchange) else item
    return client.send(rebuild(request, client))


@dataclass
class SavedRequest:
    """A named request to keep, edit and send again.

    ``path`` is relative to the client's API root (``/tasks``) or a full URL. ``params`` map
    names to a value or a list of values (repeated). ``body`` is a JSON value sent as JSON, or a
    string sent as it is.
    """

    name: str
    method: str = "GET"
    path: str = "/"
    params: dict[str, str | list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @classmethod
    def of(
        cls, item: Exchange | httpx.Request, name: str, *, base_url: str | None = None
    ) -> SavedRequest:
        """A recorded request as a saved one; ``path`` is relative to ``base_url`` if under it.

        Headers the client adds again (transport, auth) are left out; a JSON body is kept as a
        JSON value (so it stays editable), anything else as text.
        """
        request = item.request if isinstance(item, Exchange) else item
        url = request.url.copy_with(query=None, fragment=None)
        path = str(url)
        root = base_url.rstrip("/") if base_url else None
        if root and (path == root or path.startswith(root + "/")):
            path = path[len(root) :] or "/"
        params: dict[str, str | list[str]] = {}
        for key, value in request.url.params.multi_items():
            previous = params.get(key)
            if previous is None:
                params[key] = value
            elif isinstance(previous, list):
                previous.append(value)
            else:
                params[key] = [previous, value]
        encoding = request.headers.encoding
        headers = {
            name.decode(encoding): value.decode(encoding)
            for name, value in request.headers.raw
            if name.decode(encoding).lower() not in UNSAVED_HEADERS
        }
        raw = request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        return cls(name, request.method, path, params, headers, body)

    def to_dict(self) -> dict[str, Any]:
        """The plain mapping written to files (empty params, headers and body left out)."""
        out: dict[str, Any] = {"name": self.name, "method": self.method, "path": self.path}
        if self.params:
            out["params"] = dict(self.params)
        if self.headers:
            out["headers"] = dict(self.headers)
        if self.body is not None:
            out["body"] = self.body
        return out

    @classmethod
    def from_dict(cls, raw: Any, *, source: str = "saved request") -> SavedRequest:
        if not isinstance(raw, Mapping):
            raise SavedRequestError(f"{source}: expected a mapping, got {type(raw).__name__}")
        unknown = sorted(set(raw) - {"name", "method", "path", "params", "headers", "body"})
        if unknown:
            raise SavedRequestError(
                f"{source}: unknown key(s) {', '.join(map(repr, unknown))};"
                " expected name, method, path, params, headers, body"
            )
        if not isinstance(raw.get("name"), str) or not raw["name"]:
            raise SavedRequestError(f"{source}: 'name' must be a non-empty string")
        for key in ("params", "headers"):
            if not isinstance(raw.get(key) or {}, Mapping):
                raise SavedRequestError(f"{source}: {key!r} must be a mapping")
        params = {
            str(k): [str(x) for x in v] if isinstance(v, list) else str(v)
            for k, v in (raw.get("params") or {}).items()
        }
        return cls(
            name=raw["name"],
            method=str(raw.get("method", "GET")).upper(),
            path=str(raw.get("path", "/")),
            params=params,
            headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
            body=raw.get("body"),
        )

    def save(self, path: str | Path) -> Path:
        """Write the request as YAML (``.yaml``, ``.yml``) or JSON (``.json``); returns the path."""
        path = Path(path)
        kind = _format(path)
        data = self.to_dict()
        if kind == "json":
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> SavedRequest:
        path = Path(path)
        kind = _format(path)
        text = path.read_text(encoding="utf-8")
        try:
            raw = json.loads(text) if kind == "json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as error:
            raise SavedRequestError(f"{path}: not valid {kind.upper()}: {error}") from error
        return cls.from_dict(raw, source=str(path))

    def to_request(self, client: ApiClient) -> httpx.Request:
        """The request ``client`` would send (auth headers are added when sending)."""
        body: dict[str, Any] = {}
        if isinstance(self.body, str):
            body["content"] = self.body
        elif self.body is not None:
            body["json"] = self.body
        return client.build_request(
            self.method,
            self.path,
            params=self.params or None,
            headers=self.headers or None,
            **body,
        )

    def send_with(self, client: ApiClient) -> Exchange:
        return client.send(self.to_request(client))


def _format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise SavedRequestError(
            f"{path}: unknown extension {path.suffix!r}; use .yaml, .yml or .json"
        ) from None


def file_name(name: str) -> str:
    """A file-system-safe stem for a request name: ``"Open tasks!"`` → ``open-tasks``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "request"


def save_requests(
    directory: str | Path, requests: Iterable[SavedRequest], *, suffix: str = ".yaml"
) -> list[Path]:
    """Write each request to ``directory/<name>.yaml`` (or ``suffix``); returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    requests = list(requests)
    paths = [directory / (file_name(r.name) + suffix) for r in requests]
    seen: dict[Path, str] = {}
    for request, path in zip(requests, paths, strict=True):
        if path in seen:
            raise SavedRequestError(
                f"{request.name!r} and {seen[path]!r} would both be saved as {path.name}"
            )
        seen[path] = request.name
    return [request.save(path) for request, path in zip(requests, paths, strict=True)]


def load_requests(directory: str | Path) -> dict[str, SavedRequest]:
    """Every ``.yaml``, ``.yml`` and ``.json`` request in ``directory``, by name (files sorted)."""
    loaded: dict[str, SavedRequest] = {}
    origin: dict[str, Path] = {}
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() not in FORMATS or not path.is_file():
            continue
        request = SavedRequest.load(path)
        if request.name in origin:
            raise SavedRequestError(
                f"{path}: the name {request.name!r} is already used by {origin[request.name]}"
            )
        loaded[request.name] = request
        origin[request.name] = path
    return loaded
