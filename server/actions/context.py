"""What every action gets: the application's parts and one parsed request, free of Starlette."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from server.auth.acl import Access, Acl
from server.auth.authenticate import Authenticator
from server.auth.feature import FeatureCache
from server.auth.principal import Principal
from server.auth.websites import Websites
from server.jsonapi.document import View
from server.jsonapi.memo import RenderedObjects
from server.jsonapi.query import Query
from server.metadata.access import Rule
from server.metadata.model import Registry, Resource
from server.settings import Settings
from server.storage.reads import ReadConnections
from server.storage.select import Selector
from server.storage.tables import Schema


class OperationQueue(Protocol):
    """Where the Batch API's operations go to be run (``server.batch.queue``)."""

    def submit(self, operation_id: int) -> None: ...


@dataclass(frozen=True)
class Backend:
    """The long-lived parts, built once by ``create_app``."""

    settings: Settings
    registry: Registry
    schema: Schema
    selector: Selector
    engine: sa.Engine
    acl: Acl | None = None  # None: access control is off
    authenticators: tuple[Authenticator, ...] = ()
    feature_cache: FeatureCache = field(default_factory=FeatureCache)
    websites: Websites = field(default_factory=Websites)  # the storefront's
    queue: OperationQueue | None = None  # the Batch API's task queue
    rendered: RenderedObjects = field(default_factory=RenderedObjects)  # reads' resource objects
    queries: dict[Any, Query] = field(default_factory=dict)  # parsed query strings (common.py)
    api: str = "backoffice"  # or "storefront": which API this backend serves
    prefix: str = "/api"  # where it is served
    # the storefront's: the back-office API's backend (a checkout's order is written through
    # the back-office's registry, so its search index keeps in step)
    backoffice: Backend | None = None

    @functools.cached_property
    def reads(self) -> ReadConnections:
        """Connections for reads, one kept per thread (``server.storage.reads``); the
        storefront's backend is given the back-office's (one set per engine)."""
        return ReadConnections(self.engine)

    def sharing_reads(self, other: Backend) -> Backend:
        """This backend reading through ``other``'s connections (the same engine)."""
        assert other.engine is self.engine
        self.__dict__["reads"] = other.reads  # what cached_property would have stored
        return self


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
    principal: Principal | None = None  # who is calling
    access: Access | None = None  # None: access control is off (``--no-auth``)

    @property
    def url(self) -> str:
        return self.api_url + self.path

    def rule(self, resource: Resource, permission: str = "VIEW") -> Rule | None:
        """How access control restricts ``resource`` for ``permission`` (None: it does not)."""
        return None if self.access is None else self.access.rule(resource, permission)

    def view(self, *, title: bool = False) -> View:
        return View(self.api_url, links="noHateoas" not in self.x_include, title=title)


@dataclass
class Reply:
    """An action's answer; ``server.endpoint.send_reply`` turns it into an HTTP response."""

    status: int
    document: Any = None  # serialized with orjson
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None  # a large body produced piecewise
    empty: bool = False  # no body at all (OPTIONS, 405); a 204 never has one


def parse_x_include(header: str | None) -> frozenset[str]:
    """``X-Include`` keys are separated by ``;`` and trimmed; unknown keys are simply unused."""
    return frozenset(key.strip() for key in (header or "").split(";") if key.strip())
