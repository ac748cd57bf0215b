"""The storefront's login page (``{root}/customer/user/login``, Oro's route) and sign-out: a
customer user signs in with their email and password, for the storefront's authorize flow.

The same form and protections as the back-office's (:mod:`server.auth.oauth.login`): a
double-submit CSRF token (its own cookie, ``_sf_csrf``), a new session on each sign-in, failed
logins counted by the shared throttle. The session is a storefront one (cookie ``OROSFID``): the
back-office never reads it, nor the storefront a back-office session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from server.auth.oauth.login import (
    LoginDoor,
    door_form,
    read_form,
    safe_target,
    sign_in,
    sign_out,
)
from server.auth.oauth.pages import error_page, html_response, signed_in_page
from server.auth.oauth.paths import OAuthPaths
from server.auth.oauth.service import OAuthServer, get_oauth_server
from server.auth.session import (
    STOREFRONT_SESSION_COOKIE,
    LoginSession,
    find_session,
)
from server.auth.storefront import CustomerLogin, find_customer_user, verify_customer_login
from server.auth.tokens import STOREFRONT

__all__ = ["SignedInCustomer", "StorefrontLogin", "signed_in_customer"]

CSRF_COOKIE = "_sf_csrf"
EMAIL_LABEL = "Email address"


@dataclass(frozen=True)
class SignedInCustomer:
    session_id: str
    session: LoginSession
    user: CustomerLogin


def signed_in_customer(server: OAuthServer, cookies: Mapping[str, str]) -> SignedInCustomer | None:
    """The browser's live storefront session and its (enabled) customer user, if any."""
    session_id = cookies.get(STOREFRONT_SESSION_COOKIE)
    schema = server.storefront_schema
    if not session_id or schema is None:
        return None
    with server.engine.connect() as connection:
        session = find_session(
            connection, server.schema, session_id, now=server.now(), api=STOREFRONT
        )
        user = None if session is None else find_customer_user(connection, schema, session.user_id)
    return None if session is None or user is None else SignedInCustomer(session_id, session, user)


class StorefrontLogin:
    """The login and logout endpoints at ``paths.storefront_login`` and ``storefront_logout``."""

    def __init__(self, paths: OAuthPaths) -> None:
        self.paths = paths
        self.door = LoginDoor(
            paths.storefront_login,
            STOREFRONT_SESSION_COOKIE,
            CSRF_COOKIE,
            EMAIL_LABEL,
            "Invalid email address or password.",
            STOREFRONT,
        )

    def form(self, request: Request, *, target: str, **options: Any) -> Response:
        return door_form(request, self.door, target=target, **options)

    def _sign_in(self, server: OAuthServer, request: Request, form: Mapping[str, str]) -> Response:
        schema = server.storefront_schema
        closed = None
        if schema is None:
            page = error_page("No storefront", "This server has no storefront API.")
            closed = html_response(page, 404)

        def verify(connection: sa.Connection, email: str, password: str) -> Any | None:
            return (
                None
                if schema is None
                else verify_customer_login(connection, schema, email, password)
            )

        return sign_in(server, request, form, self.door, verify=verify, closed=closed)

    async def login(self, request: Request) -> Response:
        server = await get_oauth_server(request.app)
        if request.method == "POST":
            form = await read_form(request)
            return await run_in_threadpool(self._sign_in, server, request, form)
        current = await run_in_threadpool(signed_in_customer, server, request.cookies)
        if current is None:
            target = safe_target(
                request.query_params.get("_target_path"), self.paths.storefront_login
            )
            return self.form(request, target=target)
        page = signed_in_page(
            user_name=current.user.email,
            csrf=current.session.csrf_token,
            logout=self.paths.storefront_logout,
        )
        return html_response(page)

    def _sign_out(self, server: OAuthServer, request: Request, form: Mapping[str, str]) -> Response:
        current = signed_in_customer(server, request.cookies)
        session = None if current is None else (current.session_id, current.session)
        return sign_out(server, request, self.door, session, form.get("_csrf_token"))

    async def logout(self, request: Request) -> Response:
        server = await get_oauth_server(request.app)
        form = await read_form(request)
        return await run_in_threadpool(self._sign_out, server, request, form)
