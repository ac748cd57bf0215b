"""The token exchange: the four grants, client authentication, throttling, token issue.

:func:`exchange` takes the request's parameters as plain strings and returns the token response
body, or raises :class:`OAuthError`; no HTTP here. Writes made before an error are kept (a redeemed
code stays used, a presented refresh token stays revoked); tokens are only issued on success.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa

from server.auth.api_keys import find_user as find_login
from server.auth.oauth.clients import Application, authenticate_client
from server.auth.oauth.errors import OAuthError, TooManyAttempts
from server.auth.oauth.pkce import verifier_matches
from server.auth.oauth.service import OAuthServer
from server.auth.oauth.store import (
    IssuedCode,
    RefreshGrant,
    issue_refresh_token,
    redeem_code,
    redeem_refresh_token,
)
from server.auth.oauth.throttle import login_keys
from server.auth.oauth.users import LoginUser, api_enabled, find_user, verify_login
from server.auth.storefront import (
    GUEST,
    CustomerLogin,
    find_customer_user,
    verify_customer_login,
)
from server.auth.tokens import (
    BACKOFFICE,
    STOREFRONT,
    AccessClaims,
    InvalidToken,
    issue_access_token,
    verify_access_token,
)
from server.auth.visitors import adopt_visitor, create_visitor, find_visitor
from server.auth.websites import website_of
from server.storage.dialect import begin_write

__all__ = ["GRANT_TYPES", "adopt_visitor_token", "exchange"]

Params = Mapping[str, str]
Grant = Callable[[OAuthServer, sa.Connection, Application, Params], tuple[int, bool]]


def _required(params: Params, name: str) -> str:
    value = params.get(name)
    if not value:
        raise OAuthError("invalid_request", f'The "{name}" parameter is missing.')
    return value


def _invalid_grant(description: str, *, failed_login: bool = False) -> OAuthError:
    return OAuthError("invalid_grant", description, failed_login=failed_login)


def client_credentials(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params
) -> tuple[int, bool]:
    if app.user_id is None:
        raise OAuthError("unauthorized_client", "The application has no user to act as.")
    return app.user_id, False


def password(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params
) -> tuple[int, bool]:
    username, secret = _required(params, "username"), _required(params, "password")
    user = verify_login(connection, server.schema, username, secret)
    if user is None:
        raise _invalid_grant("The user credentials were incorrect.", failed_login=True)
    return user.id, True


def refresh_token(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params
) -> tuple[int, bool]:
    token = _required(params, "refresh_token")
    grant = redeem_refresh_token(
        connection, server.schema, token, application_id=app.id, now=server.now()
    )
    if grant is None:
        raise _invalid_grant(
            "The refresh token is invalid, expired, revoked or was issued to another client."
        )
    _FAMILY.set(grant.family)  # the new refresh token continues the line of this one
    return grant.user_id, True


def _redeemed_code(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params
) -> IssuedCode:
    """The code of ``params``, redeemed, once its client, expiry, redirect URI and PKCE check."""
    issued = redeem_code(connection, server.schema, _required(params, "code"))
    if issued is None or issued.application_id != app.id:
        raise _invalid_grant(
            "The authorization code is invalid, was already used or was issued to another client."
        )
    if issued.expires_at <= server.now():
        raise _invalid_grant("The authorization code has expired.")
    redirect_uri = params.get("redirect_uri") or (app.redirect_uris or ("",))[0]
    if redirect_uri != issued.redirect_uri:
        raise _invalid_grant(
            "The redirect_uri does not match the one of the authorization request."
        )
    verifier = params.get("code_verifier")
    if issued.code_challenge is None:
        if app.public:
            raise _invalid_grant("Public clients must use PKCE.")
        if verifier:
            raise _invalid_grant(
                "A code_verifier was sent, but the authorization had no challenge."
            )
    elif not verifier:
        raise OAuthError("invalid_request", 'The "code_verifier" parameter is missing.')
    elif not verifier_matches(verifier, issued.code_challenge):
        raise _invalid_grant("The code_verifier does not match the code_challenge.")
    return issued


def authorization_code(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params
) -> tuple[int, bool]:
    return _redeemed_code(server, connection, app, params).user_id, True


# the refresh-token line a refresh_token grant continues, for the token it issues (set per
# exchange, read in the same call chain)
_FAMILY: ContextVar[str | None] = ContextVar("refresh_family", default=None)

GRANT_TYPES: dict[str, Grant] = {
    "client_credentials": client_credentials,
    "password": password,
    "refresh_token": refresh_token,
    "authorization_code": authorization_code,
}


def _token_user(
    server: OAuthServer, connection: sa.Connection, app: Application, user_id: int
) -> LoginUser:
    user = find_user(connection, server.schema, user_id)
    if user is None:
        raise _invalid_grant("The user does not exist or is disabled.")
    if user.organization_id != app.organization_id:
        raise _invalid_grant("The user does not belong to the organization of this application.")
    if not api_enabled(connection, server.schema, user.organization_id):
        raise _invalid_grant("The API feature is disabled for the organization of this user.")
    return user


def _tokens(
    server: OAuthServer,
    connection: sa.Connection,
    app: Application,
    user: LoginUser,
    refresh: bool,
    *,
    audience: str = BACKOFFICE,
    visitor: bool = False,
) -> dict[str, Any]:
    now, lifetime = server.now(), server.settings.access_token_lifetime
    claims = AccessClaims(
        user.id,
        app.client_id,
        user.organization_id,
        secrets.token_hex(16),
        now,
        now + lifetime,
        audience,
        visitor,
    )
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "access_token": issue_access_token(server.keys, claims),
    }
    if refresh:
        expires_at = now + server.settings.refresh_token_lifetime
        grant = RefreshGrant(app.id, user.id, _FAMILY.get())
        body["refresh_token"] = issue_refresh_token(connection, server.schema, grant, expires_at)
    return body


def _storefront_user(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params, grant: str
) -> tuple[int, bool, bool]:
    """The storefront's grants: a customer user by email and password, a visitor by
    ``guest``/``guest`` (a new visitor each time, no refresh token), a refresh token, or an
    authorization code (a customer user's from the storefront's login page, or a visitor's from
    ``authorize-visitor``: no refresh token either); the subject's id, whether a refresh token
    is issued, whether the subject is a visitor."""
    schema = server.storefront_schema
    if schema is None:
        raise OAuthError("unauthorized_client", "This server has no storefront API.")
    website = website_of(connection, schema, app.organization_id)
    if website is None or not website.api_enabled:
        raise _invalid_grant("The storefront API feature is disabled for this website.")
    if grant == "refresh_token":
        user_id, _ = refresh_token(server, connection, app, params)
    elif grant == "authorization_code":
        issued = _redeemed_code(server, connection, app, params)
        if issued.visitor:
            if not website.guest_api_enabled:
                raise _invalid_grant("The guest storefront API is disabled for this website.")
            visitor = find_visitor(connection, schema, issued.user_id)
            if visitor is None or visitor.organization_id != app.organization_id:
                raise _invalid_grant("The visitor of this authorization code does not exist.")
            return visitor.id, False, True
        user_id = issued.user_id
    else:
        username, secret = _required(params, "username"), _required(params, "password")
        if username == GUEST and secret == GUEST:
            if not website.guest_api_enabled:
                raise _invalid_grant("The guest storefront API is disabled for this website.")
            visitor = create_visitor(connection, schema, app.organization_id, server.now())
            return visitor.id, False, True
        login = verify_customer_login(connection, schema, username, secret)
        if login is None:
            raise _invalid_grant("The user credentials were incorrect.", failed_login=True)
        user_id = login.id
    customer_user = find_customer_user(connection, schema, user_id)
    if customer_user is None:
        raise _invalid_grant("The user does not exist or is disabled.")
    if customer_user.organization_id != app.organization_id:
        raise _invalid_grant("The user does not belong to the organization of this application.")
    if grant == "password" and params.get("visitor_access_token"):
        adopt_visitor_token(server, connection, app, params["visitor_access_token"], customer_user)
    return user_id, True, False


def adopt_visitor_token(
    server: OAuthServer,
    connection: sa.Connection,
    app: Application,
    token: str,
    customer_user: CustomerLogin,
) -> None:
    """``visitor_access_token`` of the password grant (or of the storefront's authorize URL): the
    visitor's shopping lists become the customer user's, in the transaction that issues their
    token (their code). A token that is not a valid
    visitor token of this application (expired, forged, a customer user's, another client's)
    is ignored, as Oro's login ignores a visitor it cannot find: the login itself succeeds."""
    assert server.storefront_schema is not None
    try:
        claims = verify_access_token(server.keys, token, audience=STOREFRONT, now=server.now())
    except InvalidToken:
        return
    if not claims.visitor or claims.client_id != app.client_id:
        return
    visitor = find_visitor(connection, server.storefront_schema, claims.user_id)
    if visitor is None or visitor.organization_id != customer_user.organization_id:
        return
    adopt_visitor(
        connection,
        server.storefront_schema,
        visitor,
        customer_user.id,
        customer_user.customer_id,
    )


def _storefront_tokens(
    server: OAuthServer, connection: sa.Connection, app: Application, params: Params, grant: str
) -> dict[str, Any]:
    user_id, refresh, visitor = _storefront_user(server, connection, app, params, grant)
    user = LoginUser(user_id, "", "", app.organization_id)
    return _tokens(server, connection, app, user, refresh, audience=STOREFRONT, visitor=visitor)


def _exchange(server: OAuthServer, connection: sa.Connection, params: Params) -> dict[str, Any]:
    grant_type = _required(params, "grant_type")
    grant = GRANT_TYPES.get(grant_type)
    if grant is None:
        raise OAuthError(
            "unsupported_grant_type", f'The grant type "{grant_type}" is not supported.'
        )
    app = authenticate_client(
        connection, server.schema, _required(params, "client_id"), params.get("client_secret")
    )
    if app.api not in (BACKOFFICE, STOREFRONT):
        raise OAuthError("unauthorized_client", "This client belongs to another API.")
    if not app.allows(grant_type):
        raise OAuthError(
            "unauthorized_client", f'The client is not allowed to use the "{grant_type}" grant.'
        )
    if app.api == STOREFRONT:
        return _storefront_tokens(server, connection, app, params, grant_type)
    user_id, refresh = grant(server, connection, app, params)
    return _tokens(server, connection, app, _token_user(server, connection, app, user_id), refresh)


def exchange(server: OAuthServer, params: Params, client_ip: str) -> dict[str, Any]:
    """The token response body for ``params`` (the token request's parameters)."""
    login = params.get("username", "")
    if login:
        with server.engine.connect() as connection:
            user = find_login(connection, server.schema, login, by_id=False)
        user_keys: tuple[Any, ...] = login_keys(None if user is None else user.id, login)
    else:  # a grant without a user name: the client's attempts
        user_keys = (("login", "client", params.get("client_id", "")),)
    keys = (*user_keys, ("ip", client_ip))
    _FAMILY.set(None)
    wait = server.throttle.attempt(*keys)  # checked and counted at once
    if wait:
        raise TooManyAttempts(wait)
    error: OAuthError | None = None
    with server.engine.begin() as connection:
        begin_write(connection)  # a code or a refresh token is redeemed once, by one writer
        try:
            body = _exchange(server, connection, params)
        except OAuthError as exc:
            error = exc  # leave the block normally: what was redeemed stays redeemed
    if error is not None:
        if not error.failed_login:
            server.throttle.cancel(*keys)
        raise error
    server.throttle.succeeded(*user_keys)
    server.throttle.cancel(("ip", client_ip))
    return body
