"""``create_app(settings)``: routes, the request pipeline, the one error handler, the lifespan.

Pipeline of an API request: resolve the path (404) → method allowed? (405 + Allow) → OPTIONS
answers here → negotiate media types (406/415) → authenticate → run the action in a worker
thread → serialize with orjson. Any ``ApiError`` becomes Oro's error document; anything else a
500 whose detail only debug mode shows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from server.actions import read, relationships, write
from server.actions.context import Backend, Context, Reply, parse_x_include
from server.auth import open_access
from server.domain.resources import build_registry
from server.domain.seed import prepare_database
from server.jsonapi.errors import ApiError, ApiErrors, MethodNotAllowed
from server.jsonapi.negotiation import JSON, JSON_API, negotiate
from server.routing import Target, no_route, resolve
from server.settings import Settings
from server.storage.database import create_engine
from server.storage.select import Selector
from server.storage.tables import build_schema

log = logging.getLogger("server")

ACTIONS: dict[str, Callable[..., Reply]] = {
    "get_list": read.get_list,
    "get": read.get,
    "get_subresource": read.get_subresource,
    "get_relationship": read.get_relationship,
    "create": write.create,
    "update": write.update,
    "delete": write.delete,
    "delete_list": write.delete_list,
    "update_relationship": relationships.change_relationship,
    "add_relationship": relationships.change_relationship,
    "delete_relationship": relationships.change_relationship,
}


def _arguments(target: Target) -> tuple[Any, ...]:
    if target.kind == "collection":
        return (target.resource,)
    if target.kind == "item":
        return (target.resource, target.id)
    return (target.resource, target.id, target.relationship)


def error_response(error: ApiError | ApiErrors, json_api: bool = True) -> Response:
    errors = error.errors if isinstance(error, ApiErrors) else [error]
    return Response(
        orjson.dumps({"errors": [e.to_dict() for e in errors]}),
        status_code=error.status,
        media_type=JSON_API if json_api else JSON,
    )


def unexpected_error(exc: Exception, debug: bool) -> Response:
    log.exception("unexpected error", exc_info=exc)
    error = ApiError(500, "internal server error")
    if debug:
        name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()
        error = ApiError(500, f"{name} exception", f"*DEBUG ONLY* {exc}")
    return error_response(error)


def reply_response(reply: Reply, json_api: bool) -> Response:
    media_type = JSON_API if json_api else JSON
    if reply.stream is not None:
        return StreamingResponse(reply.stream, reply.status, reply.headers, media_type)
    if reply.status == 204 or (reply.document is None and reply.status != 200):
        return Response(None, reply.status, reply.headers)
    return Response(orjson.dumps(reply.document), reply.status, reply.headers, media_type)


class Api:
    """The API endpoint: one ASGI app for every path and method below the API root."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        backend: Backend = request.app.state.backend
        api_url = str(request.base_url).rstrip("/") + self.settings.api_prefix
        path = "/" + request.path_params["path"]
        method = request.method
        override = request.headers.get("x-http-method-override")
        if method == "POST" and override:  # e.g. a long GET sent as POST, filters in the body
            method = override.strip().upper()
        json_api = True
        try:
            target = resolve(backend.registry, path, method, str(request.url))
            allow = target.allow()
            if method == "OPTIONS":
                return options_response(allow)
            action = target.actions().get(method)
            if action is None:
                raise MethodNotAllowed(allow)
            json_api = negotiate(
                method, request.headers.get("accept"), request.headers.get("content-type")
            )
            principal = open_access(request.headers)
            context = Context(
                backend=backend,
                method=method,
                api_url=api_url,
                path=path,
                params=request.query_params.multi_items(),
                headers=request.headers,
                body=await request.body(),
                json_api=json_api,
                x_include=parse_x_include(request.headers.get("x-include")),
                principal=principal,
            )
            reply = await run_in_threadpool(ACTIONS[action], context, *_arguments(target))
            return reply_response(reply, json_api)
        except (ApiError, ApiErrors) as error:
            return error_response(error, json_api)
        except MethodNotAllowed as error:
            return Response(None, 405, {"Allow": ", ".join(error.allow)})
        except Exception as exc:
            return unexpected_error(exc, self.settings.debug)


def options_response(allow: list[str]) -> Response:
    return Response(
        None,
        200,
        {
            "Allow": ", ".join(allow),
            "Cache-Control": "max-age=600, public",
            "Vary": "Origin",
            "Content-Length": "0",
        },
    )


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


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 outside the API routes, in Oro's error shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(no_route(request.method, str(request.url)))
    return error_response(ApiError(exc.status_code, "http exception", exc.detail))


def create_app(settings: Settings) -> Starlette:
    registry = build_registry()
    schema = build_schema(registry)
    prefix = settings.api_prefix

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        await run_in_threadpool(
            prepare_database, engine, registry, schema, scale=settings.scale, reset=settings.reset
        )
        app.state.backend = Backend(
            settings, registry, schema, Selector(registry, schema, engine.dialect), engine
        )
        try:
            yield
        finally:
            engine.dispose()

    routes = [
        Route(f"{prefix}/doc/openapi.json", openapi_endpoint("json"), methods=["GET"]),
        Route(f"{prefix}/doc/openapi.yaml", openapi_endpoint("yaml"), methods=["GET"]),
        Route(prefix + "/{path:path}", Api(settings)),
    ]
    return Starlette(
        debug=False,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
