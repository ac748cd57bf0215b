"""Resource objects serialized once, found again by everything they are made of.

Rendering a resource object is a pure function of its stored row, the ids of its rendered to-many
associations, its shape (resource, sparse fieldset), the view (links, ``meta.title``) and the API
root. :class:`RenderedObjects` keeps the serialized object (an ``orjson.Fragment``) under exactly
those inputs, so a read that meets the same row again skips rendering and serializing it.

It can never answer a stale record: every request still reads the rows, and a row that changed
in any way, by any process, is a different key. Nothing is invalidated, nothing is shared between
processes. Memory is bounded: past ``max_bytes`` of serialized objects the memo starts afresh.
Only reads use it (writes add to the rendered objects); a whole collection streamed at once
(``page[size]=-1``) does not, so it stays within its memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from server.jsonapi.document import Row, Shape, ToMany, View, compile_renderer

MAX_BYTES = 16 * 1024 * 1024  # serialized objects kept (about twice that in memory, with keys)


class RenderedObjects:
    """A bounded memo of serialized resource objects (see the module's docstring)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._objects: dict[tuple[Any, ...], orjson.Fragment] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._objects)

    def renderer(self, shape: Shape, view: View) -> Callable[[Row, ToMany], orjson.Fragment]:
        """A function ``(row, to_many) -> serialized resource object`` for this view."""
        render = compile_renderer(shape, view.links, view.title)
        api_url = view.api_url
        names = tuple(name for name, _ in shape.to_many)
        objects = self._objects

        def rendered(row: Row, to_many: ToMany) -> orjson.Fragment:
            if not names:
                key: tuple[Any, ...] = (render, api_url, row)
            elif len(names) == 1:
                key = (render, api_url, row, tuple(to_many[names[0]].get(row[0], ())))
            else:
                many = [tuple(to_many[name].get(row[0], ())) for name in names]
                key = (render, api_url, row, *many)
            try:
                found = objects.get(key)
            except TypeError:  # a value that cannot be a key (a driver's list, say)
                return orjson.Fragment(orjson.dumps(render(row, to_many, api_url)))
            if found is None:
                found = self._keep(key, orjson.dumps(render(row, to_many, api_url)))
            return found

        return rendered

    def _keep(self, key: tuple[Any, ...], serialized: bytes) -> orjson.Fragment:
        fragment = orjson.Fragment(serialized)
        self._bytes += len(serialized)
        if self._bytes > self.max_bytes:
            self._objects.clear()
            self._bytes = len(serialized)
        self._objects[key] = fragment
        return fragment
