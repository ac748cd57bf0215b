"""``POST /oauth2-token``: a JSON body as Oro documents it, or a form body as RFC 6749 has it.

Client credentials come in the body (``client_id``/``client_secret``) or as HTTP Basic
(RFC 6749 §2.3.1), not both. Responses carry ``Cache-Control: no-store`` (§5.1).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from server.auth.oauth.errors import OAuthError, invalid_client
from server.auth.oauth.grants import exchange
from server.auth.oauth.service import get_oauth_server

__all__ = ["parse_token_request", "token_endpoint"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_BODY = 64 * 1024


def _invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def _json_params(body: bytes) -> dict[str, str]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _invalid_request("The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise _invalid_request("The request body must be a JSON object.")
    params = {}
    for name, value in data.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise _invalid_request(f'The "{name}" parameter must be a string.')
        params[name] = value
    return params


def _form_params(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise _invalid_request("The request body is not valid UTF-8.") from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise _invalid_request(f'The "{name}" parameter is repeated.')
        params[name] = value
    return params


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_client("The Basic authorization header is malformed.") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise invalid_client("The Basic authorization header is malformed.")
    return unquote(client_id), unquote(secret)  # form-urlencoded first, as §2.3.1 asks


def parse_token_request(
    content_type: str, body: bytes, authorization: str | None
) -> dict[str, str]:
    """The token request's parameters, client credentials of a Basic header merged in."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        params = _json_params(body)
    elif media_type == "application/x-www-form-urlencoded":
        params = _form_params(body)
    else:
        raise _invalid_request(
            "Send the token request as application/json (or application/x-www-form-urlencoded)."
        )
    basic = _basic_credentials(authorization)
    if basic is not None:
        if "client_secret" in params or params.get("client_id", basic[0]) != basic[0]:
            raise _invalid_request("Send client credentials either as Basic or in the body.")
        params["client_id"], params["client_secret"] = basic
    return params


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(body), status, {**NO_STORE, **(headers or {})}, "application/json")


async def token_endpoint(request: Request) -> Response:
    server = await get_oauth_server(request.app)
    try:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise _invalid_request("The request body is too large.")
        params = parse_token_request(
            request.headers.get("content-type", ""), body, request.headers.get("authorization")
        )
        client_ip = request.client.host if request.client else ""
        return _json(await run_in_threadpool(exchange, server, params, client_ip))
    except OAuthError as error:
        return _json(error.to_dict(), error.status, error.headers)
