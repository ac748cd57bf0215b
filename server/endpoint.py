"""The API endpoint: one ASGI app for every path and method below the API root.

Pipeline: OPTIONS answers first (it never needs credentials) → authenticate (401) → resolve the
path (404) → method allowed? (405 + ``Allow``) → negotiate media types (406/415) → run the action
with the caller's access → serialize with orjson. A read whose answer is kept for the data as it
still is (``server.reply_cache``) is answered right after authentication. Any ``ApiError``
becomes its response through :func:`error_reply` (Oro's error document, or an empty 401/405 with
its header); anything else a 500 whose detail only debug mode shows.
It speaks ASGI directly (no per-request framework objects): this is every API request's path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.types import Receive, Scope, Send

from server import cors
from server.actions import checkout, coupons, payment, read, relationships, save, search, write
from server.actions.common import id_by_key
from server.actions.context import Backend, Context, Reply, parse_x_include
from server.auth.acl import Access
from server.auth.authenticate import Credentials, authenticate
from server.auth.feature import ensure_api_enabled
from server.auth.principal import Principal
from server.auth.tokens import BACKOFFICE
from server.auth.websites import ensure_storefront_enabled
from server.batch import actions as batch
from server.batch.routes import BatchTarget, batch_target
from server.jsonapi.errors import (
    ApiError,
    MethodNotAllowed,
    RequestEntityTooLarge,
    TitledError,
    Unauthorized,
)
from server.jsonapi.negotiation import JSON, JSON_API, is_json_api, negotiate
from server.metadata.model import Resource
from server.reply_cache import CACHEABLE, ReplyCache, request_key
from server.routing import Target, legacy_search_action, resolve, search_action
from server.settings import Settings

log = logging.getLogger("server")

ACTIONS: dict[str, Callable[..., Reply]] = {
    "get_list": read.get_list,
    "get": read.get,
    "get_subresource": read.get_subresource,
    "get_relationship": read.get_relationship,
    "create": save.create,
    "update": save.update,
    "delete": write.delete,
    "delete_list": write.delete_list,
    "update_relationship": relationships.change_relationship,
    "add_relationship": relationships.change_relationship,
    "delete_relationship": relationships.change_relationship,
    "update_list": batch.update_list,
    "get_operation": batch.get_operation,
    "get_operation_errors": batch.get_operation_errors,
    "legacy_search": search.legacy_search,
    "legacy_advanced": search.legacy_advanced,
    "search_list": search.search_list,
    "searchentities_list": search.searchentities_list,
    "searchentities_get": search.searchentities_get,
    **checkout.ACTIONS,  # the Checkout API's sub-resources (server.domain.checkout_subresources)
    **payment.ACTIONS,
    **coupons.ACTIONS,
}
OPTIONS_HEADERS = {"Cache-Control": "max-age=600, public", "Vary": "Origin"}


def _arguments(target: Target | BatchTarget) -> tuple[Any, ...]:
    if isinstance(target, BatchTarget):
        return (target.id,)
    if target.kind == "collection":
        return (target.resource,)
    if target.kind == "item":
        return (target.resource, target.id)
    if target.kind == "custom":
        return (target.resource, target.id, target.custom)
    return (target.resource, target.id, target.relationship)


def _target(backend: Backend, path: str, method: str, api_url: str) -> Target | BatchTarget:
    """What the path names: a Batch API type's URL (the back-office's), or a resource's."""
    batched = batch_target(path) if backend.api == BACKOFFICE else None
    return batched or resolve(backend.registry, path, method, api_url + path)


def _searching(backend: Backend, path: str) -> bool:
    """Whether the path is one of the back-office's search resources (none on the storefront)."""
    return backend.api == BACKOFFICE and (
        legacy_search_action(path) is not None or search_action(path) is not None
    )


def route(
    backend: Backend, path: str, method: str, api_url: str
) -> tuple[str, tuple[Any, ...], bool]:
    """The action a path and method name, its arguments, and whether it speaks JSON:API (Oro's
    old REST search answers plain JSON); 404 or 405 as Oro answers."""
    if not _searching(backend, path):
        target = _target(backend, path, method, api_url)
        action = target.actions().get(method)
        if action is None:
            raise MethodNotAllowed(target.allow())
        return action, _arguments(target), True
    legacy = legacy_search_action(path)
    if legacy is not None:
        if method != "GET":
            raise MethodNotAllowed(["GET"])
        return legacy, (), False
    searching = search_action(path)  # JSON:API resources without a table of their own
    assert searching is not None
    if method != "GET":
        raise MethodNotAllowed(["OPTIONS", "GET"])
    return searching[0], searching[1], True


def allowed(backend: Backend, path: str, method: str, api_url: str) -> list[str]:
    """The methods a path allows (an OPTIONS answer's ``Allow``)."""
    if _searching(backend, path):
        return ["OPTIONS", "GET"]
    return _target(backend, path, method, api_url).allow()


def keyed(ctx: Context, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    """An action's arguments with the record named by its key header (``X-Product-ID: sku``)
    turned into its id."""
    if len(arguments) < 2 or not isinstance(arguments[0], Resource):
        return arguments
    resource, id_ = arguments[0], arguments[1]
    if resource.key_header is None or not isinstance(id_, str):
        return arguments
    return (resource, id_by_key(ctx, resource, id_), *arguments[2:])


def error_reply(error: ApiError, json_api: bool = True) -> Reply:
    """The one place an error becomes a reply: its status, its document (Oro's JSON:API one, or
    for a plain REST request the plain array of error objects; none for 401/405) and headers."""
    document = error.document(json_api)
    return Reply(error.status, document, error.headers(), empty=document is None)


def unexpected_reply(exc: Exception, debug: bool, json_api: bool = True) -> Reply:
    log.exception("unexpected error", exc_info=exc)
    if not debug:
        return error_reply(ApiError(), json_api)
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()
    return error_reply(TitledError(500, f"{name} exception", f"*DEBUG ONLY* {exc}"), json_api)


def api_root(
    scope: Scope, headers: dict[str, str], prefix: str, public_url: str | None = None
) -> str:
    """The absolute URL of the API root (for HATEOAS links): the configured public URL, or as
    the client addressed it."""
    if public_url:
        return f"{public_url}{scope.get('root_path', '')}{prefix}"
    host = headers.get("host")
    if host is None:
        server_host, port = scope.get("server") or ("localhost", 80)
        host = f"{server_host}:{port}"
    return f"{scope['scheme']}://{host}{scope.get('root_path', '')}{prefix}"


def header_map(scope: Scope) -> dict[str, str]:
    """Request headers by lower-case name; repeated headers joined with ", " (RFC 9110)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def body_too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")


async def read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed ``limit`` bytes: by its
    ``Content-Length`` before reading, or while it streams in."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise body_too_large(limit)
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise body_too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class ApiEndpoint:
    """One API's endpoint: the back-office's (``app.state.backend``) or, with ``prefix`` and
    ``state_name``, the storefront's (``app.state.storefront``)."""

    def __init__(
        self, settings: Settings, *, prefix: str | None = None, state_name: str = "backend"
    ) -> None:
        self.settings = settings
        self.prefix = settings.api_prefix if prefix is None else prefix
        self.state_name = state_name
        self.debug = settings.debug
        self.replies = ReplyCache() if settings.reply_cache else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = header_map(scope)
        reply, json_api = await self.handle(scope, receive, headers)
        if "origin" in headers and "Access-Control-Allow-Origin" not in reply.headers:
            reply.headers.update(cors.response_headers(self.settings, headers["origin"]))
        await send_reply(send, reply, JSON_API if json_api else JSON)

    async def handle(
        self, scope: Scope, receive: Receive, headers: dict[str, str]
    ) -> tuple[Reply, bool]:
        backend: Backend = getattr(scope["app"].state, self.state_name)
        api_url = api_root(scope, headers, self.prefix, self.settings.public_url)
        path = scope["path"][len(scope.get("root_path", "")) + len(self.prefix) :]
        method = scope["method"]
        override = headers.get("x-http-method-override")
        if method == "POST" and override:  # e.g. a long GET sent as POST, filters in the body
            method = override.strip().upper()
        content_type = headers.get("content-type")
        json_api = is_json_api(headers.get("accept"), content_type)  # errors answer in kind
        try:
            if method == "OPTIONS":  # also CORS preflight: never needs credentials
                allow = allowed(backend, path, method, api_url)
                options = {"Allow": ", ".join(allow), **OPTIONS_HEADERS}
                preflight = cors.preflight_headers(
                    self.settings,
                    headers.get("origin"),
                    headers.get("access-control-request-method"),
                    headers.get("access-control-request-headers"),
                    allow,
                )
                return Reply(200, None, options | (preflight or {}), empty=True), True
            principal, body = await self.authenticated(backend, receive, method, headers)
            localization, currency = self.locale(backend, principal, headers)
            replies, key, version = self.replies, None, None
            if method == "GET" and replies is not None:
                version = backend.reads.version()  # taken before the read runs
                if version is not None:
                    key = request_key(scope, method, principal, body)
                    kept = replies.get(key, version)
                    if kept is not None:
                        return kept
            action, arguments, json_api_action = route(backend, path, method, api_url)
            json_api = json_api_action and negotiate(method, headers.get("accept"), content_type)
            context = Context(
                backend=backend,
                method=method,
                api_url=api_url,
                path=path,
                params=parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
                headers=headers,
                body=body,
                json_api=json_api,
                x_include=parse_x_include(headers.get("x-include")),
                principal=principal,
                access=None
                if backend.acl is None
                else Access(backend.acl, principal, localization, currency),
            )
            arguments = keyed(context, arguments)
            if method == "GET":
                # Reads run on the event loop: SQLite answers them in well under a millisecond,
                # and a hop to a worker thread costs more than that under load (see bench/).
                # Whole collections stream from a worker thread.
                reply = ACTIONS[action](context, *arguments)
                if replies is not None and key is not None and action in CACHEABLE:
                    reply = replies.put(key, version, reply, json_api)
                return reply, json_api
            reply = await run_in_threadpool(ACTIONS[action], context, *arguments)
            return reply, json_api
        except ApiError as error:
            if isinstance(error, Unauthorized):  # the reason stays in the log, as in Oro
                log.info("401 Unauthorized: %s", error.reason or "no credentials")
            return error_reply(error, json_api), json_api
        except Exception as exc:
            return unexpected_reply(exc, self.debug, json_api), json_api

    @staticmethod
    def locale(
        backend: Backend, principal: Principal, headers: dict[str, str]
    ) -> tuple[int | None, str | None]:
        """404 while the caller's API feature is off; on the storefront, the localization and
        currency the request reads in (``X-Localization-ID``, ``X-Currency``, else the
        website's)."""
        organization = principal.organization_id
        if backend.api == BACKOFFICE:
            ensure_api_enabled(backend.engine, backend.schema, organization, backend.feature_cache)
            return None, None
        websites = backend.websites
        website = ensure_storefront_enabled(backend.engine, backend.schema, organization, websites)
        return (
            websites.localization(website, headers.get("x-localization-id")),
            websites.currency(website, headers.get("x-currency")),
        )

    async def authenticated(
        self, backend: Backend, receive: Receive, method: str, headers: dict[str, str]
    ) -> tuple[Principal, bytes]:
        """Who calls, and the body. Credentials in headers are checked before the body is read,
        so a request without valid ones costs no body; only a JSON:API body may carry an
        ``access_token`` (Oro's), so only then is the body read to look for one."""
        json_api_body = (headers.get("content-type") or "").startswith(JSON_API)
        limit = self.settings.max_body_size
        try:
            principal = authenticate(
                backend.authenticators, Credentials(method, headers, b"", json_api_body)
            )
        except Unauthorized:
            if not json_api_body:
                raise
            body = await read_body(receive, headers, limit)
            credentials = Credentials(method, headers, body, json_api_body)
            return authenticate(backend.authenticators, credentials), body
        return principal, await read_body(receive, headers, limit)


async def send_reply(send: Send, reply: Reply, media_type: str) -> None:
    """Send a reply: a JSON document, an empty body, or a stream of byte chunks."""
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in reply.headers.items()
    ]
    if reply.stream is not None:
        headers.append((b"content-type", media_type.encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await _send_stream(send, reply.stream)
        return
    empty = reply.empty or reply.status == 204
    body = b"" if empty else orjson.dumps(reply.document)
    if not empty:
        headers.append((b"content-type", media_type.encode()))
    if reply.status != 204:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_stream(send: Send, stream: Iterator[bytes]) -> None:
    async for chunk in iterate_in_threadpool(stream):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
