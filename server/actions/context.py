"""What every action gets: the application's parts and one parsed request, free of Starlette."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from server.jsonapi.document import View
from server.metadata.model import Registry
from server.settings import Settings
from server.storage.select import Selector
from server.storage.tables import Schema


@dataclass(frozen=True)
class Backend:
    """The long-lived parts, built once by ``create_app``."""

    settings: Settings
    registry: Registry
    schema: Schema
    selector: Selector
    engine: sa.Engine


@dataclass
class Context:
    backend: Backend
    method: str
    api_url: str  # absolute API root, e.g. "http://127.0.0.1:8765/api"
    path: str  # the request path below the API root, e.g. "/users/1"
    params: list[tuple[str, str]]
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    json_api: bool
    x_include: frozenset[str]
    principal: Any = None  # who is calling; set by authentication (a later issue)

    @property
    def url(self) -> str:
        return self.api_url + self.path

    def view(self, *, title: bool = False) -> View:
        return View(self.api_url, links="noHateoas" not in self.x_include, title=title)


@dataclass
class Reply:
    """An action's answer; ``server.app`` turns it into an HTTP response."""

    status: int
    document: Any = None  # serialized with orjson
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None  # a large body produced piecewise
    empty: bool = False  # no body at all (OPTIONS, 405); a 204 never has one


def parse_x_include(header: str | None) -> frozenset[str]:
    """``X-Include`` keys are separated by ``;`` and trimmed; unknown keys are simply unused."""
    return frozenset(key.strip() for key in (header or "").split(";") if key.strip())
