"""``create_app(settings)``: routes, the lifespan, and Oro-shaped errors outside the API routes.

Every path below the API root goes to :class:`server.endpoint.ApiEndpoint`.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send

from server.actions.context import Backend
from server.auth.oauth import oauth_routes
from server.auth.setup import build_security
from server.batch.queue import BatchQueue
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.endpoint import ApiEndpoint, error_reply
from server.jsonapi.errors import ApiError, TitledError
from server.jsonapi.negotiation import JSON_API
from server.metadata.model import Registry
from server.routing import no_route
from server.settings import Settings
from server.storage.database import create_engine
from server.storage.plans import analyze, samples_for
from server.storage.select import Selector
from server.storage.tables import Schema, build_schema


def openapi_endpoint(format_: str) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        from server import openapi  # generated on demand: the document is large

        backend: Backend = request.app.state.backend
        server_url = str(request.base_url).rstrip("/")
        document = openapi.build_openapi(
            backend.registry, server_url=server_url, prefix=backend.settings.api_prefix
        )
        if format_ == "yaml":
            return Response(openapi.to_yaml(document), media_type="application/yaml")
        return Response(orjson.dumps(document), media_type="application/json")

    return endpoint


async def api_doc(request: Request) -> Response:
    """``{prefix}/doc[/{view}[/{resource}]]``: the HTML documentation, rendered once per app."""
    from server import apidoc  # Jinja2 and the templates load on first use

    state = request.app.state
    if getattr(state, "api_doc", None) is None:
        backend: Backend = state.backend
        state.api_doc = apidoc.ApiDoc(
            backend.registry,
            prefix=backend.settings.api_prefix,
            default_page_size=backend.settings.default_page_size,
            auth=backend.settings.auth,
            sandbox_url=backend.settings.sandbox_url,
        )
    params = request.path_params
    view, resource = params.get("view", apidoc.DEFAULT_VIEW), params.get("resource")
    depth = len(params)  # /doc, /doc/{view}, /doc/{view}/{resource}
    page = await run_in_threadpool(state.api_doc.page, view, resource, depth=depth)
    return HTMLResponse(page.html, page.status)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 outside the API routes, in Oro's error shape."""
    assert isinstance(exc, HTTPException)
    error: ApiError
    if exc.status_code == 404:
        error = no_route(request.method, str(request.url))
    else:
        error = TitledError(exc.status_code, "http exception", exc.detail)
    reply = error_reply(error)
    return Response(orjson.dumps(reply.document), reply.status, media_type=JSON_API)


def prepare_backend(
    settings: Settings, *, registry: Registry | None = None, schema: Schema | None = None
) -> Backend:
    """The database ready to serve (tables, demo data on first use, signing keys) and what the
    request pipeline needs of it."""
    registry = registry or build_registry()
    schema = schema or build_schema(registry)
    engine = create_engine(settings.database_url)
    prepare_database(engine, registry, schema, scale=settings.scale, reset=settings.reset)
    analyze(engine)
    acl, authenticators = build_security(engine, schema, settings)
    return Backend(
        settings,
        registry,
        schema,
        Selector(registry, schema, engine.dialect, samples=samples_for(engine)),
        engine,
        acl,
        authenticators,
    )


class SandboxApp(Starlette):
    """Starlette, with a shortcut for the API's own paths: they go to the endpoint straight, past
    Starlette's error middleware and its scan of the routes (the endpoint answers every error
    itself). Anything else — the HTML documentation and OpenAPI under ``{prefix}/doc``, OAuth,
    lifespan — goes through Starlette's routing as usual."""

    def __init__(self, api: ApiEndpoint, prefix: str, **options: Any) -> None:
        super().__init__(**options)
        self.api = api
        self.api_slash = prefix + "/"
        others = [
            str(getattr(route, "path", ""))
            for route in self.routes
            if getattr(route, "endpoint", None) is not api
        ]
        # only when no other route lies below the API root but the documentation's
        self.shortcut = prefix not in ("", "/") and all(
            not path.startswith(self.api_slash) or self._documentation(path) for path in others
        )

    def _documentation(self, path: str) -> bool:
        return path[len(self.api_slash) :].split("/", 1)[0] == "doc"

    def is_api(self, scope: Scope) -> bool:
        """Whether the request goes to the API endpoint straight."""
        if not self.shortcut or scope["type"] != "http":
            return False
        path = scope["path"][len(scope.get("root_path", "")) :]
        return path.startswith(self.api_slash) and not self._documentation(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.is_api(scope):
            scope["app"] = self
            await self.api(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings) -> Starlette:
    registry = build_registry()
    schema = build_schema(registry)
    prefix = settings.api_prefix

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        backend = await run_in_threadpool(
            prepare_backend, settings, registry=registry, schema=schema
        )
        queue = BatchQueue(settings, lambda: app.state.backend)
        app.state.backend = dataclasses.replace(backend, queue=queue)
        # the Batch API's workers run beside the server (none: ``oro-sandbox worker`` does)
        await run_in_threadpool(queue.start, settings.queue_workers)
        gc.freeze()  # start-up objects live for good: keep them out of every collection
        try:
            yield
        finally:
            await run_in_threadpool(queue.stop)
            app.state.backend.reads.close()
            app.state.backend.engine.dispose()

    api = ApiEndpoint(settings)
    doc_pages = GZipMiddleware(request_response(api_doc))  # the whole page is ~750 kB of HTML
    routes = [
        *oauth_routes(),
        Route(f"{prefix}/doc/openapi.json", openapi_endpoint("json"), methods=["GET"]),
        Route(f"{prefix}/doc/openapi.yaml", openapi_endpoint("yaml"), methods=["GET"]),
        Route(f"{prefix}/doc", doc_pages, methods=["GET"]),
        Route(f"{prefix}/doc/{{view}}", doc_pages, methods=["GET"]),
        Route(f"{prefix}/doc/{{view}}/{{resource}}", doc_pages, methods=["GET"]),
        Route(prefix + "/{path:path}", api),
    ]
    return SandboxApp(
        api,
        prefix,
        debug=False,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
