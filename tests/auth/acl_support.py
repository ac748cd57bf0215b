"""Shared by the access-control tests: a test authenticator and a live server that uses it.

Authentication is its own subject (test_oauth_*, test_wsse…): here ``X-Test-User: <id>``
authenticates as that user, so each scenario names who is calling.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from server.auth.authenticate import DEFAULT_CHALLENGE, Credentials, Unauthorized
from server.auth.principal import Principal, load_principal
from tests.live_server import JSON_API, LiveServer

# demo users, one per role (seed: server/domain/seed.py)
ADMIN, MANAGER, REP, OTHER_REP, READ_ONLY, PLAIN_USER, ACME_REP = 1, 3, 4, 5, 24, 11, 18
ACME_STORE_MANAGER = 17


class HeaderUser:
    """Test authenticator: ``X-Test-User: <id>`` authenticates as that user."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def authenticate(self, credentials: Credentials) -> Principal | None:
        user = credentials.headers.get("x-test-user")
        if user is None:
            return None
        with self.backend.engine.connect() as connection:
            principal = load_principal(connection, self.backend.schema, int(user))
        if principal is None:
            raise Unauthorized(DEFAULT_CHALLENGE, "unknown test user")
        return principal


def header_user_server(database: Path | str, **settings: Any) -> Iterator[LiveServer]:
    """A live server with access control on, authenticating by ``X-Test-User``."""
    with LiveServer(database, auth=True, **settings) as live:
        backend = live.app.state.backend
        live.app.state.backend = dataclasses.replace(backend, authenticators=(HeaderUser(backend),))
        yield live


def call(
    server: LiveServer, user: int | None, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    headers = {"Accept": JSON_API, **kwargs.pop("headers", {})}
    if user is not None:
        headers["X-Test-User"] = str(user)
    if "json" in kwargs:
        headers["Content-Type"] = JSON_API
    client = kwargs.pop("client", None)
    send = client.request if client is not None else httpx.request
    return send(method, server.origin + "/api" + url, headers=headers, timeout=30, **kwargs)
