"""The storefront's login page (``{root}/customer/user/login``, Oro's route) and sign-out: a
customer user signs in with their email and password, for the storefront's authorize flow.

The same form and protections as the back-office's (:mod:`server.auth.oauth.login`): a
double-submit CSRF token (its own cookie, ``_sf_csrf``), a new session on each sign-in, failed
logins counted by the shared throttle. The session is a storefront one (cookie ``OROSFID``): the
back-office never reads it, nor the storefront a back-office session.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.auth.oauth.login import login_form, read_form, safe_target, set_cookie
from server.auth.oauth.pages import error_page, html_response, signed_in_page
from server.auth.oauth.paths import OAuthPaths
from server.auth.oauth.service import OAuthServer, get_oauth_server
from server.auth.oauth.throttle import login_keys
from server.auth.session import (
    STOREFRONT_SESSION_COOKIE,
    LoginSession,
    end_session,
    find_session,
    start_session,
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

    def form(
        self,
        request: Request,
        *,
        target: str,
        status: int = 200,
        error: str = "",
        username: str = "",
        app_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        return login_form(
            request,
            target=target,
            status=status,
            error=error,
            username=username,
            app_name=app_name,
            headers=headers,
            action=self.paths.storefront_login,
            username_label=EMAIL_LABEL,
            csrf_cookie=CSRF_COOKIE,
        )

    def _sign_in(self, server: OAuthServer, request: Request, form: Mapping[str, str]) -> Response:
        target = safe_target(form.get("_target_path"), self.paths.storefront_login)
        email, password = form.get("_username", ""), form.get("_password", "")
        cookie_csrf = request.cookies.get(CSRF_COOKIE, "")
        if not cookie_csrf or not hmac.compare_digest(cookie_csrf, form.get("_csrf_token", "")):
            error = "The form has expired. Please sign in again."
            return self.form(request, target=target, status=400, error=error, username=email)
        schema = server.storefront_schema
        if schema is None:
            page = error_page("No storefront", "This server has no storefront API.")
            return html_response(page, 404)
        client_ip = request.client.host if request.client else ""
        keys = (*login_keys(None, email), ("ip", client_ip))
        wait = server.throttle.attempt(*keys)  # checked and counted at once
        if wait:
            error = f"Too many failed attempts. Try again in {wait} seconds."
            return self.form(
                request,
                target=target,
                status=429,
                error=error,
                username=email,
                headers={"Retry-After": str(wait)},
            )
        with server.engine.begin() as connection:
            user = verify_customer_login(connection, schema, email, password)
            if user is not None:
                if old := request.cookies.get(STOREFRONT_SESSION_COOKIE):
                    end_session(connection, server.schema, old)
                session_id, session = start_session(
                    connection, server.schema, user.id, now=server.now(), api=STOREFRONT
                )
        if user is None:
            error = "Invalid email address or password."
            return self.form(request, target=target, status=400, error=error, username=email)
        server.throttle.succeeded(*keys[:-1])
        server.throttle.cancel(keys[-1])
        response = RedirectResponse(target, 303)
        set_cookie(response, request, STOREFRONT_SESSION_COOKIE, session_id, httponly=True)
        set_cookie(response, request, CSRF_COOKIE, session.csrf_token, httponly=False)
        return response

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
        if current is not None:
            if not current.session.csrf_matches(form.get("_csrf_token")):
                page = error_page("Sign out failed", "The form has expired. Please try again.")
                return html_response(page, 400)
            with server.engine.begin() as connection:
                end_session(connection, server.schema, current.session_id)
        response = RedirectResponse(self.paths.storefront_login, 303)
        for name, httponly in ((STOREFRONT_SESSION_COOKIE, True), (CSRF_COOKIE, False)):
            response.delete_cookie(
                name,
                path="/",
                httponly=httponly,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response

    async def logout(self, request: Request) -> Response:
        server = await get_oauth_server(request.app)
        form = await read_form(request)
        return await run_in_threadpool(self._sign_out, server, request, form)
