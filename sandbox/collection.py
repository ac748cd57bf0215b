"""Named collections of saved requests, kept on disk and exchanged as files.

A :class:`Collection` is a name and an ordered list of :class:`~sandbox.history.SavedRequest`
(unique names within it). Its file — what *Export* writes and *Import* reads — is JSON (or YAML,
by the file's extension)::

    {
      "format": "oro-api-sandbox/collection",
      "version": 1,
      "name": "Orders in EUR",
      "requests": [
        {"name": "Latest EUR orders", "method": "GET", "path": "/orders",
         "params": {"filter[currency]": "EUR", "sort": "-createdAt"}},
        {"name": "New contact", "method": "POST", "path": "/contacts",
         "headers": {"Content-Type": "application/vnd.api+json"},
         "body": {"data": {"type": "contacts", "attributes": {"lastName": "Doe"}}}}
      ]
    }

Each request is the :class:`~sandbox.history.SavedRequest` mapping (``name``, ``method``,
``path`` under the API root, ``params``, ``headers``, ``body`` as JSON). Reading also takes one
saved request's own file (``SavedRequest.save``), as a collection of that one request.

:class:`CollectionStore` keeps collections in a folder, one ``<name>.json`` file each, shared by
every page of the web sandbox: ``$ORO_SANDBOX_COLLECTIONS``, else ``oro-sandbox/collections``
under ``$XDG_STATE_HOME`` (``~/.local/state``). Writes replace a file whole (atomically).

:func:`saved_from_spec` and :func:`spec_from_saved` turn the web sandbox's
:class:`~sandbox.spec.RequestSpec` into a saved request and back (pure).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from sandbox.exceptions import SavedRequestError
from sandbox.history import SavedRequest, file_name
from sandbox.spec import RequestSpec

__all__ = [
    "ENV_COLLECTIONS",
    "FORMAT",
    "Collection",
    "CollectionStore",
    "default_folder",
    "saved_from_spec",
    "spec_from_saved",
]

FORMAT = "oro-api-sandbox/collection"
VERSION = 1
ENV_COLLECTIONS = "ORO_SANDBOX_COLLECTIONS"
_KEYS = frozenset({"format", "version", "name", "requests"})


@dataclass
class Collection:
    """A named, ordered set of saved requests (see the module docstring)."""

    name: str
    requests: list[SavedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SavedRequestError("a collection needs a name")
        names = [r.name for r in self.requests]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise SavedRequestError(
                f"collection {self.name!r}: request names used twice: {', '.join(twice)}"
            )

    @property
    def names(self) -> list[str]:
        return [request.name for request in self.requests]

    def __len__(self) -> int:
        return len(self.requests)

    def __iter__(self) -> Iterator[SavedRequest]:
        return iter(self.requests)

    def __getitem__(self, name: str) -> SavedRequest:
        for request in self.requests:
            if request.name == name:
                return request
        raise KeyError(f"collection {self.name!r} has no request {name!r}")

    def add(self, request: SavedRequest) -> None:
        """Add ``request``; one of the same name is replaced where it stands."""
        for index, kept in enumerate(self.requests):
            if kept.name == request.name:
                self.requests[index] = request
                return
        self.requests.append(request)

    def remove(self, name: str) -> SavedRequest:
        request = self[name]
        self.requests.remove(request)
        return request

    def merge(self, other: Collection) -> None:
        """Add every request of ``other`` (those of the same name replace these)."""
        for request in other:
            self.add(request)

    # --- the file ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "requests": [request.to_dict() for request in self.requests],
        }

    @classmethod
    def from_dict(cls, raw: Any, *, source: str = "collection") -> Collection:
        """A collection from its mapping, or from one saved request's mapping."""
        if isinstance(raw, Mapping) and "requests" not in raw and "format" not in raw:
            request = SavedRequest.from_dict(raw, source=source)  # one request's own file
            return cls(request.name, [request])
        if not isinstance(raw, Mapping):
            raise SavedRequestError(f"{source}: expected a mapping, got {type(raw).__name__}")
        if raw.get("format") != FORMAT:
            raise SavedRequestError(f"{source}: 'format' must be {FORMAT!r}")
        if raw.get("version", VERSION) != VERSION:
            raise SavedRequestError(
                f"{source}: version {raw.get('version')!r} is not one this sandbox reads"
                f" ({VERSION})"
            )
        unknown = sorted(set(raw) - _KEYS)
        if unknown:
            raise SavedRequestError(
                f"{source}: unknown key(s) {', '.join(map(repr, unknown))};"
                " expected format, version, name, requests"
            )
        if not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise SavedRequestError(f"{source}: 'name' must be a non-empty string")
        items = raw.get("requests")
        if not isinstance(items, list):
            raise SavedRequestError(f"{source}: 'requests' must be a list")
        requests = [
            SavedRequest.from_dict(item, source=f"{source}, request {index + 1}")
            for index, item in enumerate(items)
        ]
        try:
            return cls(raw["name"], requests)
        except SavedRequestError as error:
            raise SavedRequestError(f"{source}: {error}") from None

    def dumps(self) -> str:
        """The collection's file as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str | bytes, *, source: str = "collection") -> Collection:
        """A collection from a file's text: JSON, or YAML (JSON is YAML too)."""
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as error:
                raise SavedRequestError(f"{source}: not UTF-8 text: {error}") from None
        try:
            raw = json.loads(text)
        except ValueError:
            try:
                raw = yaml.safe_load(text)
            except yaml.YAMLError as error:
                raise SavedRequestError(f"{source}: neither JSON nor YAML: {error}") from None
        return cls.from_dict(raw, source=source)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the collection's file (YAML for ``.yaml``/``.yml``, else JSON)."""
        path = Path(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            text = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
        else:
            text = self.dumps()
        _write(path, text)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Collection:
        path = Path(path)
        return cls.loads(path.read_bytes(), source=str(path))


def default_folder(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_COLLECTIONS):
        return Path(env[ENV_COLLECTIONS]).expanduser()
    state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "oro-sandbox" / "collections"


class CollectionStore:
    """Collections in ``folder``, one JSON file each (see the module docstring)."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def _path(self, name: str) -> Path:
        return self.folder / f"{file_name(name)}.json"

    def all(self) -> dict[str, Collection]:
        """Every collection, by name (sorted); a file that cannot be read is left out."""
        found: dict[str, Collection] = {}
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.glob("*.json")):
            try:
                collection = Collection.load(path)
            except (SavedRequestError, OSError):
                continue
            found[collection.name] = collection
        return dict(sorted(found.items(), key=lambda item: item[0].lower()))

    def names(self) -> list[str]:
        return list(self.all())

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def get(self, name: str) -> Collection:
        """The collection ``name`` (an empty one when there is none yet)."""
        path = self._path(name)
        if path.exists():
            collection = Collection.load(path)
            if collection.name == name:
                return collection
        return Collection(name)

    def save(self, collection: Collection) -> Path:
        path = self._path(collection.name)
        if path.exists():
            kept = Collection.load(path)
            if kept.name != collection.name:
                raise SavedRequestError(
                    f"{collection.name!r} and {kept.name!r} would both be kept as {path.name}"
                )
        return collection.save(path)

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def add(self, collection_name: str, request: SavedRequest) -> Collection:
        """Save ``request`` into the collection (created if new); returns the collection."""
        collection = self.get(collection_name)
        collection.add(request)
        self.save(collection)
        return collection

    def import_text(self, text: str | bytes, *, source: str = "import") -> Collection:
        """Read a collection's file and keep it, merged into one of the same name."""
        incoming = Collection.loads(text, source=source)
        collection = self.get(incoming.name)
        collection.merge(incoming)
        self.save(collection)
        return collection

    def __repr__(self) -> str:
        return f"<CollectionStore {self.folder}>"


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole: another page reading it never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- the web sandbox's requests ------------------------------------------------------------------


def saved_from_spec(spec: RequestSpec, name: str) -> SavedRequest:
    """``spec`` as a saved request: its path under the API root, its query parameters (repeated
    ones as lists), headers, and the body as JSON (as text when it is not JSON)."""
    params: dict[str, str | list[str]] = {}
    for key, value in spec.params:
        previous = params.get(key)
        if previous is None:
            params[key] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            params[key] = [previous, value]
    body: Any = None
    if spec.shape.body and spec.body.strip():
        try:
            body = json.loads(spec.body)
        except ValueError:
            body = spec.body
    return SavedRequest(name, spec.method, "/" + spec.path, params, dict(spec.headers), body)


def spec_from_saved(saved: SavedRequest, base_url: str) -> RequestSpec | None:
    """The builder's request for ``saved`` (sent to the API at ``base_url``), its JSON body laid
    out for reading; ``None`` when it is no Oro action (a path the builder has no shape for)."""
    root = base_url.rstrip("/")
    url = saved.path if "://" in saved.path else f"{root}/{saved.path.lstrip('/')}"
    pairs = [
        (key, item)
        for key, value in saved.params.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    content = b""
    if isinstance(saved.body, str):
        content = saved.body.encode()
    elif saved.body is not None:
        content = json.dumps(saved.body, indent=2, ensure_ascii=False).encode()
    request = httpx.Request(
        saved.method, httpx.URL(url, params=pairs), headers=saved.headers, content=content
    )
    return RequestSpec.from_request(request, root)
