"""Authentication for :class:`sandbox.ApiClient`, as ``httpx.Auth`` flows.

- :class:`BearerToken` — a token you already have.
- :class:`ClientCredentials` and :class:`PasswordGrant` — OAuth 2.0 grants against Oro's
  ``POST /oauth2-token``: the token is fetched before the first request, refreshed when it is
  about to expire, and fetched again once if the API answers 401. On OroCommerce's storefront API
  the password grant signs in a customer user by email, with a storefront application.
- :class:`Visitor` — the storefront's guest: the password grant with ``guest`` / ``guest``, a
  visitor token (no refresh token; a new one is a new visitor).
- :class:`AuthorizationCode` — the authorization code grant with PKCE (S256): a person signs in
  on the server's page (``.url``); :meth:`~AuthorizationCode.finish` takes the address the browser
  was sent back to and gets the tokens; renewed with the refresh token.
- :class:`Wsse` — Oro's (deprecated) WSSE UsernameToken with a user's API key: fresh headers,
  with a new nonce, on every request.

Token requests go to ``<scheme>://<host>/oauth2-token`` of the API's own server unless a
``token_url`` is given (Oro's back-office API may live under ``/admin``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Generator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from sandbox.exceptions import TokenError

__all__ = [
    "AuthorizationCode",
    "BearerToken",
    "ClientCredentials",
    "PasswordGrant",
    "TokenError",
    "Visitor",
    "Wsse",
]

TOKEN_PATH = "/oauth2-token"
AUTHORIZE_PATH = "/oauth2-token/authorize"
EARLY_REFRESH = 30  # seconds before expiry at which a token is renewed
GUEST = "guest"  # the storefront's visitor sign-in: username and password


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
    """OAuth 2.0 password grant: a user's credentials; renewed with the refresh token.

    On the storefront API ``username`` is a customer user's email, and ``visitor_access_token``
    (a :class:`Visitor`'s ``access_token``) asks Oro to hand that visitor's shopping list over to
    the customer user: it goes with the first sign-in only.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        username: str,
        password: str,
        *,
        token_url: str | None = None,
        clock: Callable[[], float] = time.time,
        visitor_access_token: str | None = None,
    ) -> None:
        super().__init__(client_id, client_secret, token_url, clock)
        self.username = username
        self.password = password
        self.visitor_access_token = visitor_access_token

    def grant(self) -> dict[str, Any]:
        body = {"grant_type": "password", "username": self.username, "password": self.password}
        if self.visitor_access_token is not None:
            body["visitor_access_token"] = self.visitor_access_token
        return body

    def _store(self, response: httpx.Response) -> None:
        super()._store(response)
        self.visitor_access_token = None  # handed over: later sign-ins are the user's alone

    def __repr__(self) -> str:
        return f"<PasswordGrant client_id={self.client_id!r} username={self.username!r}>"


class Visitor(PasswordGrant):
    """A storefront visitor (a guest): Oro's password grant with ``guest`` / ``guest`` and a
    storefront application gives a token of a new customer visitor, with no refresh token.

    ``ApiClient(storefront_url, auth=Visitor("sandbox-storefront", "storefront-secret"))`` reads
    what the website opens to guests (localizations, currencies, countries, products…). When the
    token expires, or the API refuses it, the next request gets a new one: a new visitor.
    ``access_token`` is the visitor token (what ``visitor_access_token`` of a customer user's
    sign-in takes, to hand over the visitor's shopping list).
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        *,
        token_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client_id, client_secret, GUEST, GUEST, token_url=token_url, clock=clock)

    def __repr__(self) -> str:
        return f"<Visitor client_id={self.client_id!r}>"


def s256(verifier: str) -> str:
    """The PKCE ``code_challenge`` of a ``code_verifier`` (RFC 7636 §4.2, method S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class AuthorizationCode(_OAuthGrant):
    """OAuth 2.0 authorization code with PKCE: a person signs in on the server's own page.

    ``login = AuthorizationCode("sandbox-pkce", "http://127.0.0.1/callback", api_url=API)``;
    open ``login.url`` in a browser, sign in and allow; the browser is sent to the redirect URI
    with ``?code=…&state=…`` (nothing needs to listen there: the address is what counts); then
    ``login.finish(that_address)`` gets the tokens and ``ApiClient(API, auth=login)`` uses them,
    renewing with the refresh token. ``token_url`` defaults to ``/oauth2-token`` on the API's
    host, ``authorize_url`` to the API's own authorize URL beside its prefix, as the server
    places it: ``…/api`` → ``/oauth2-token/authorize``, ``…/admin/api`` →
    ``/admin/oauth2-token/authorize``, ``…/storefront/api`` →
    ``/storefront/oauth2-token/authorize`` (a storefront application, e.g.
    ``sandbox-storefront-pkce``: a customer user signs in with their email).
    """

    def __init__(
        self,
        client_id: str,
        redirect_uri: str,
        *,
        api_url: str | None = None,
        client_secret: str | None = None,
        authorize_url: str | None = None,
        token_url: str | None = None,
        scope: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        origin = _origin(api_url) if api_url else None
        if authorize_url is None and origin is None:
            raise ValueError("give api_url= (or authorize_url= and token_url=)")
        token_url = token_url or f"{origin}{TOKEN_PATH}"
        super().__init__(client_id, client_secret, token_url, clock)
        self.redirect_uri = redirect_uri
        self.authorize_url = authorize_url or f"{origin}{_pages_root(api_url)}{AUTHORIZE_PATH}"
        self.scope = scope
        self.verifier = secrets.token_urlsafe(48)  # 64 characters, as RFC 7636 allows
        self.state = secrets.token_urlsafe(16)

    @property
    def url(self) -> str:
        """Where the person signs in: the authorize URL with the PKCE challenge and the state."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "code_challenge": s256(self.verifier),
            "code_challenge_method": "S256",
            "state": self.state,
            **({"scope": self.scope} if self.scope else {}),
        }
        return f"{self.authorize_url}?{urlencode(query)}"

    def finish(self, redirected: str, *, http: httpx.Client | None = None) -> AuthorizationCode:
        """Exchange the code in ``redirected`` (the address the browser was sent back to, or the
        code alone) for tokens; raises :class:`TokenError` for a refusal or a wrong ``state``."""
        code = redirected
        if "?" in redirected or "://" in redirected:
            query = parse_qs(urlsplit(redirected).query)
            if "error" in query:
                description = query.get("error_description", [""])[0]
                raise TokenError(400, query["error"][0], description)
            if query.get("state", [None])[0] != self.state:
                raise TokenError(400, "invalid_state", "The state does not match this sign-in.")
            code = query.get("code", [""])[0]
        body = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        request = self._token_request(httpx.Request("GET", self.authorize_url), body)
        with httpx.Client() if http is None else contextlib.nullcontext(http) as sender:
            self._store(sender.send(request))
        return self

    def grant(self) -> dict[str, Any]:
        """Without a refresh token only a new sign-in helps."""
        raise TokenError(401, "login_required", "Sign in again: open .url, then call .finish().")

    def __repr__(self) -> str:
        signed = "signed in" if self.access_token else "not signed in yet: open .url"
        return f"<AuthorizationCode client_id={self.client_id!r}, {signed}>"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _pages_root(api_url: str | None) -> str:
    """The API's path without its last segment (``/storefront/api`` → ``/storefront``), where the
    server keeps its browser pages."""
    return urlsplit(api_url or "").path.rstrip("/").rsplit("/", 1)[0]


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
