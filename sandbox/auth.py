"""Authentication for :class:`sandbox.ApiClient`, as ``httpx.Auth`` flows.

- :class:`BearerToken` — a token you already have.
- :class:`ClientCredentials` and :class:`PasswordGrant` — OAuth 2.0 grants against Oro's
  ``POST /oauth2-token``: the token is fetched before the first request, refreshed when it is
  about to expire, and fetched again once if the API answers 401.
- :class:`Wsse` — Oro's (deprecated) WSSE UsernameToken with a user's API key: fresh headers,
  with a new nonce, on every request.

Token requests go to ``<scheme>://<host>/oauth2-token`` of the API's own server unless a
``token_url`` is given (Oro's back-office API may live under ``/admin``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx

from sandbox.client import SandboxError

__all__ = ["BearerToken", "ClientCredentials", "PasswordGrant", "TokenError", "Wsse"]

TOKEN_PATH = "/oauth2-token"
EARLY_REFRESH = 30  # seconds before expiry at which a token is renewed


class TokenError(SandboxError):
    """The token endpoint refused: ``error`` and ``description`` as RFC 6749 returns them."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}" if description else f"{status} {error}")
        self.status = status
        self.error = error
        self.description = description


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request

    def __repr__(self) -> str:
        return "<BearerToken>"


class _OAuthGrant(httpx.Auth):
    """Shared token handling: obtain, cache, renew before expiry, retry once on a 401."""

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        token_url: str | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_url = token_url
        self.clock = clock
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.expires_at = 0.0
        self._lock = threading.Lock()

    def grant(self) -> dict[str, Any]:
        raise NotImplementedError

    def _token_request(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Request:
        url = self.token_url or f"{request.url.scheme}://{request.url.netloc.decode()}{TOKEN_PATH}"
        payload = {"client_id": self.client_id, **body}
        if self.client_secret is not None:
            payload["client_secret"] = self.client_secret
        return httpx.Request("POST", url, json=payload, headers={"Accept": "application/json"})

    def _store(self, response: httpx.Response) -> None:
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200 or "access_token" not in answer:
            raise TokenError(
                response.status_code,
                str(answer.get("error", "token_error")),
                str(answer.get("error_description", response.text[:200])),
            )
        self.access_token = answer["access_token"]
        self.refresh_token = answer.get("refresh_token", self.refresh_token)
        self.expires_at = self.clock() + float(answer.get("expires_in", 3600))

    def _renew_body(self) -> dict[str, Any]:
        if self.refresh_token:
            return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        return self.grant()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            if self.access_token is None or self.clock() > self.expires_at - EARLY_REFRESH:
                response = yield self._token_request(request, self._renew_body())
                if response.status_code != 200 and self.refresh_token:
                    self.refresh_token = None  # expired or revoked: start over with the grant
                    response = yield self._token_request(request, self.grant())
                self._store(response)
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        response = yield request
        if response.status_code == 401:  # revoked or expired early: one fresh token, one retry
            with self._lock:
                self.refresh_token = None
                self._store((yield self._token_request(request, self.grant())))
            request.headers["Authorization"] = f"Bearer {self.access_token}"
            yield request

    def __repr__(self) -> str:
        return f"<{type(self).__name__} client_id={self.client_id!r}>"


class ClientCredentials(_OAuthGrant):
    """OAuth 2.0 client credentials: the application acts as its own user."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client_id, client_secret, token_url, clock)

    def grant(self) -> dict[str, Any]:
        return {"grant_type": "client_credentials"}


class PasswordGrant(_OAuthGrant):
    """OAuth 2.0 password grant: a user's credentials; renewed with the refresh token."""

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        username: str,
        password: str,
        *,
        token_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client_id, client_secret, token_url, clock)
        self.username = username
        self.password = password

    def grant(self) -> dict[str, Any]:
        return {"grant_type": "password", "username": self.username, "password": self.password}

    def __repr__(self) -> str:
        return f"<PasswordGrant client_id={self.client_id!r} username={self.username!r}>"


def wsse_headers(
    username: str, api_key: str, *, nonce: bytes | None = None, created: str | None = None
) -> dict[str, str]:
    """Oro's WSSE headers: digest = base64(sha1(nonce + created + api key))."""
    nonce = nonce if nonce is not None else os.urandom(16)
    created = created or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + api_key.encode()).digest())
    return {
        "Authorization": 'WSSE profile="UsernameToken"',
        "X-WSSE": f'UsernameToken Username="{username}", PasswordDigest="{digest.decode()}",'
        f' Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"',
    }


class Wsse(httpx.Auth):
    def __init__(self, username: str, api_key: str) -> None:
        self.username = username
        self.api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(wsse_headers(self.username, self.api_key))
        yield request

    def __repr__(self) -> str:
        return f"<Wsse username={self.username!r}>"
