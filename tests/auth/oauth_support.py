"""Shared by the OAuth and session tests: a live server with authentication on and the demo
applications and passwords in its database; token requests; the authorize flow without a browser.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import sqlalchemy as sa

from server.auth.credentials_seed import seed_credentials
from server.auth.oauth import OAuthServer, oauth_server
from server.auth.oauth.pkce import s256
from server.auth.oauth.seed import DEMO_APPLICATIONS, seed_applications
from server.auth.session import CSRF_COOKIE
from server.storage.tables import Schema
from tests.live_server import JSON_API, LiveServer

SECRETS = {app.client_id: app.secret for app in DEMO_APPLICATIONS}
CALLBACK = "http://127.0.0.1/callback"
ADMIN_USERNAME = "admin"
REP = "ronald.rivera_f16d7"  # user 4, a Sales Rep of Oro Demo Inc
DISABLED = "samuel.whitaker_2248c"  # user 9
ACME_USER = "claire.dubois_e2868"  # user 18, Acme Retail


class AuthServer:
    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.origin = live.origin
        backend = live.app.state.backend
        self.engine: sa.Engine = backend.engine
        self.schema: Schema = backend.schema
        with self.engine.begin() as connection:  # a no-op once the database seed does it
            seed_applications(connection, self.schema)
            seed_credentials(connection, self.schema)

    @property
    def oauth(self) -> OAuthServer:
        return oauth_server(self.live.app)

    def token(self, **params: Any) -> httpx.Response:
        return httpx.post(self.origin + "/oauth2-token", json=params, timeout=30)

    def token_for(self, client_id: str, grant_type: str, **params: Any) -> dict[str, Any]:
        """A successful token response of a demo client (its secret added)."""
        secret = {"client_secret": SECRETS[client_id]} if SECRETS[client_id] else {}
        response = self.token(grant_type=grant_type, client_id=client_id, **secret, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def access_token(self, client_id: str = "sandbox-integration") -> str:
        token: str = self.token_for(client_id, "client_credentials")["access_token"]
        return token

    def api(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Accept": JSON_API, **kwargs.pop("headers", {})}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.request(
            method, self.origin + "/api" + path, headers=headers, timeout=30, **kwargs
        )

    def execute(self, statement: sa.Executable) -> None:
        with self.engine.begin() as connection:
            connection.execute(statement)


@contextmanager
def auth_server(database: Path) -> Iterator[AuthServer]:
    with LiveServer(database, auth=True) as live:
        yield AuthServer(live)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def authorize_url(server: AuthServer, **params: str) -> str:
    return f"{server.origin}/oauth2-token/authorize?{urlencode(params)}"


def query_of(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def sign_in(browser: httpx.Client, username: str, password: str, target: str) -> httpx.Response:
    """Post the login form as a browser would (the ``_csrf`` cookie comes from a login page)."""
    if CSRF_COOKIE not in browser.cookies:
        assert browser.get("/login").status_code == 200
    form = {
        "_username": username,
        "_password": password,
        "_csrf_token": browser.cookies[CSRF_COOKIE],
        "_target_path": target,
    }
    return browser.post("/login", data=form)


def authorize(
    server: AuthServer,
    client_id: str,
    *,
    username: str = ADMIN_USERNAME,
    password: str = "admin",
    decision: str = "allow",
    **params: str,
) -> dict[str, str]:
    """Run the authorize flow without a browser: sign in, answer the consent page (if shown),
    return the query of the final redirect (``code``/``state`` or ``error``)."""
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, **params}
    with httpx.Client(base_url=server.origin, timeout=30) as browser:
        url = authorize_url(server, **query)
        target = url.removeprefix(server.origin)
        response = browser.get(url)
        if response.status_code == 200:  # the login page
            signed = sign_in(browser, username, password, target)
            assert signed.status_code == 303, signed.text
            assert signed.headers["location"] == target
            response = browser.get(url)
        if response.status_code == 200:  # the consent page
            form = {"_csrf_token": browser.cookies[CSRF_COOKIE], "decision": decision}
            response = browser.post(url, data=form)
        assert response.status_code in (302, 303), response.text
        location = response.headers["location"]
    assert location.startswith(query["redirect_uri"] + "?")
    return query_of(location)
