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
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send

from server.actions.context import Backend
from server.actions.payment import PAYMENT_PAGE, decide_payment, payment_page_state
from server.auth.oauth import oauth_routes
from server.auth.setup import build_security, build_storefront_security
from server.auth.tokens import STOREFRONT
from server.batch.queue import BatchQueue
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.domain.storefront import build_storefront_registry
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


def openapi_endpoint(format_: str, api: str = "backend") -> Callable[[Request], Any]:
    """``{prefix}/doc/openapi.json|yaml`` of one API (``api``: its backend's name on the state)."""

    async def endpoint(request: Request) -> Response:
        from server import openapi  # generated on demand: the document is large

        backend: Backend = getattr(request.app.state, api)
        server_url = str(request.base_url).rstrip("/")
        document = openapi.build_openapi(
            backend.registry, server_url=server_url, prefix=backend.prefix, api=backend.api
        )
        if format_ == "yaml":
            return Response(openapi.to_yaml(document), media_type="application/yaml")
        return Response(orjson.dumps(document), media_type="application/json")

    return endpoint


def api_doc_endpoint(api: str = "backend") -> Callable[[Request], Any]:
    """``{prefix}/doc[/{view}[/{resource}]]`` of one API: the HTML documentation, rendered once
    per app."""

    async def api_doc(request: Request) -> Response:
        from server import apidoc  # Jinja2 and the templates load on first use

        state = request.app.state
        docs = getattr(state, "api_docs", None)
        if docs is None:
            docs = state.api_docs = {}
        if api not in docs:
            backend: Backend = getattr(state, api)
            docs[api] = apidoc.ApiDoc(
                backend.registry,
                prefix=backend.prefix,
                default_page_size=backend.settings.default_page_size,
                auth=backend.settings.auth,
                sandbox_url=backend.settings.sandbox_url,  # the storefront's: api=storefront
                api=backend.api,
            )
        params = request.path_params
        view, resource = params.get("view", apidoc.DEFAULT_VIEW), params.get("resource")
        depth = len(params)  # /doc, /doc/{view}, /doc/{view}/{resource}
        page = await run_in_threadpool(docs[api].page, view, resource, depth=depth)
        return HTMLResponse(page.html, page.status)

    return api_doc


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


def storefront_tables(schema: Schema) -> tuple[Registry, Schema]:
    """The storefront's registry and its tables, in the back-office schema's metadata."""
    registry = build_storefront_registry()
    return registry, build_schema(registry, base=schema)


def prepare_backend(
    settings: Settings,
    *,
    registry: Registry | None = None,
    schema: Schema | None = None,
    storefront: tuple[Registry, Schema] | None = None,
) -> Backend:
    """The database ready to serve (tables, demo data on first use, signing keys) and what the
    back-office API's request pipeline needs of it. Without a registry given, the demo's, with
    the storefront's tables and data (``storefront``: given ones)."""
    if registry is None:
        registry = build_registry()
        schema = build_schema(registry)
        storefront = storefront or storefront_tables(schema)
    schema = schema or build_schema(registry)
    engine = create_engine(settings.database_url)
    prepare_database(
        engine,
        registry,
        schema,
        scale=settings.scale,
        reset=settings.reset,
        storefront=storefront,
    )
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
        prefix=settings.api_prefix,
    )


def storefront_backend(
    settings: Settings, backend: Backend, registry: Registry, schema: Schema
) -> Backend:
    """The storefront API's pipeline: its registry over the same database, its own security."""
    acl, authenticators = build_storefront_security(backend.engine, schema, registry, settings)
    return Backend(
        settings,
        registry,
        schema,
        Selector(registry, schema, backend.engine.dialect, samples=backend.selector.samples),
        backend.engine,
        acl,
        authenticators,
        api=STOREFRONT,
        prefix=settings.storefront_prefix,
        backoffice=backend,
    ).sharing_reads(backend)


class SandboxApp(Starlette):
    """Starlette, with a shortcut for the APIs' own paths: they go to their endpoint straight,
    past Starlette's error middleware and its scan of the routes (an endpoint answers every error
    itself). Anything else — the HTML documentation and OpenAPI under ``{prefix}/doc``, OAuth,
    lifespan — goes through Starlette's routing as usual."""

    def __init__(self, apis: dict[str, ApiEndpoint], **options: Any) -> None:
        super().__init__(**options)
        self.apis: list[tuple[str, ApiEndpoint]] = []  # (root + "/", endpoint), longest first
        endpoints = [api for api in apis.values()]
        for prefix, api in sorted(apis.items(), key=lambda item: -len(item[0])):
            slash = prefix + "/"
            others = [
                str(getattr(route, "path", ""))
                for route in self.routes
                if getattr(route, "endpoint", None) not in endpoints
            ]
            # only when no other route lies below the API root but the documentation's
            if prefix not in ("", "/") and all(
                not path.startswith(slash) or self._documentation(slash, path) for path in others
            ):
                self.apis.append((slash, api))

    @staticmethod
    def _documentation(slash: str, path: str) -> bool:
        return path[len(slash) :].split("/", 1)[0] == "doc"

    def api_of(self, scope: Scope) -> ApiEndpoint | None:
        """The API endpoint the request goes to straight, if any."""
        if scope["type"] != "http":
            return None
        path = scope["path"][len(scope.get("root_path", "")) :]
        for slash, api in self.apis:
            if path.startswith(slash):
                return None if self._documentation(slash, path) else api
        return None

    def is_api(self, scope: Scope) -> bool:
        """Whether the request goes to an API endpoint straight."""
        return self.api_of(scope) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self.api_of(scope)
        if api is not None:
            scope["app"] = self
            await api(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def api_routes(prefix: str, api: ApiEndpoint, state_name: str) -> list[Route]:
    """An API's routes: its documentation, its OpenAPI document, every path below its root."""
    doc_pages = GZipMiddleware(request_response(api_doc_endpoint(state_name)))  # ~750 kB
    return [
        Route(f"{prefix}/doc/openapi.json", openapi_endpoint("json", state_name), methods=["GET"]),
        Route(f"{prefix}/doc/openapi.yaml", openapi_endpoint("yaml", state_name), methods=["GET"]),
        Route(f"{prefix}/doc", doc_pages, methods=["GET"]),
        Route(f"{prefix}/doc/{{view}}", doc_pages, methods=["GET"]),
        Route(f"{prefix}/doc/{{view}}/{{resource}}", doc_pages, methods=["GET"]),
        Route(prefix + "/{path:path}", api),
    ]


PAYMENT_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox payment</title></head>
<body><h1>Sandbox payment provider</h1>
<p>Checkout {checkout}: the sandbox's redirect method (in the place of PayPal Express) waits
for your answer. Approve or decline, then send the payment request again.</p>
<form method="post"><button name="decision" value="approve">Approve</button>
<button name="decision" value="decline">Decline</button></form></body></html>"""


async def payment_page(request: Request) -> Response:
    """The redirect method's page (``purchaseRedirectUrl``): GET shows the payment, POST with
    ``decision=approve|decline`` marks it and sends the payer back (303 to the success or
    failure URL the payment request gave)."""
    backend: Backend = request.app.state.storefront
    token = request.path_params["token"]
    if request.method == "GET":
        state = await run_in_threadpool(payment_page_state, backend.engine, backend, token)
        if state is None or state.payment_status != "pending":
            return HTMLResponse("<p>No payment waits here.</p>", 404)
        return HTMLResponse(PAYMENT_FORM.format(checkout=state.id))
    form = await request.form()
    decision = form.get("decision") or request.query_params.get("decision")
    if decision not in ("approve", "decline"):
        return HTMLResponse("<p>Send decision=approve or decision=decline.</p>", 400)
    back = await run_in_threadpool(decide_payment, backend, token, decision == "approve")
    if back is None:
        return HTMLResponse("<p>No payment waits here.</p>", 404)
    return RedirectResponse(back, 303)


def create_app(settings: Settings) -> Starlette:
    """Both APIs: the back-office's at ``settings.api_prefix`` (``app.state.backend``) and the
    storefront's at ``settings.storefront_prefix`` (``app.state.storefront``), one database."""
    registry = build_registry()
    schema = build_schema(registry)
    storefront = storefront_tables(schema)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        backend = await run_in_threadpool(
            prepare_backend, settings, registry=registry, schema=schema, storefront=storefront
        )
        queue = BatchQueue(settings, lambda: app.state.backend)
        app.state.backend = dataclasses.replace(backend, queue=queue)
        app.state.storefront = await run_in_threadpool(
            storefront_backend, settings, app.state.backend, *storefront
        )
        # the Batch API's workers run beside the server (none: ``oro-sandbox worker`` does)
        await run_in_threadpool(queue.start, settings.queue_workers)
        gc.freeze()  # start-up objects live for good: keep them out of every collection
        try:
            yield
        finally:
            await run_in_threadpool(queue.stop)
            app.state.backend.reads.close()
            app.state.backend.engine.dispose()

    backoffice = ApiEndpoint(settings)
    buyers = ApiEndpoint(settings, prefix=settings.storefront_prefix, state_name="storefront")
    apis = {settings.api_prefix: backoffice, settings.storefront_prefix: buyers}
    # the longer prefix first: one API's root may lie below the other's
    routes = [*oauth_routes(settings)]
    routes.append(Route(PAYMENT_PAGE + "/{token}", payment_page, methods=["GET", "POST"]))
    for prefix in sorted(apis, key=len, reverse=True):
        routes += api_routes(
            prefix, apis[prefix], "backend" if apis[prefix] is backoffice else "storefront"
        )
    return SandboxApp(
        apis,
        debug=False,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
