"""``GET/POST /login`` and ``POST /logout``: the session of a browser, for the authorize flow and
for session authentication of the API.

The login form is protected from cross-site posting by a double-submit token: the readable
``_csrf`` cookie must equal the form's ``_csrf_token``. Signing in replaces any session with a new
one (no fixation) and sets ``_csrf`` to the new session's CSRF token. Failed logins count towards
the same throttle as the token endpoint's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.auth.api_keys import find_user as find_login
from server.auth.oauth.pages import error_page, html_response, login_page, signed_in_page
from server.auth.oauth.service import OAuthServer, get_oauth_server
from server.auth.oauth.throttle import login_keys
from server.auth.oauth.users import LoginUser, find_user, verify_login
from server.auth.session import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    LoginSession,
    end_session,
    find_session,
    start_session,
)
from server.auth.tokens import BACKOFFICE, new_secret

__all__ = [
    "BACK_OFFICE",
    "LoginDoor",
    "SignedIn",
    "door_form",
    "login",
    "login_form",
    "logout",
    "read_form",
    "safe_target",
    "set_cookie",
    "sign_in",
    "sign_out",
    "signed_in",
]

LOGIN_PATH = "/login"


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    session: LoginSession
    user: LoginUser


@dataclass(frozen=True)
class LoginDoor:
    """What tells a login page from another (the back-office's, the storefront's); the form,
    its protections and the session's swap are the same (:func:`sign_in`, :func:`sign_out`)."""

    action: str  # the login page's path
    session_cookie: str
    csrf_cookie: str  # the form's double-submit cookie
    username_label: str
    invalid: str  # the error of a wrong name or password
    api: str = BACKOFFICE  # whose sessions


BACK_OFFICE = LoginDoor(
    LOGIN_PATH, SESSION_COOKIE, CSRF_COOKIE, "Username or email", "Invalid user name or password."
)


def signed_in(server: OAuthServer, cookies: Mapping[str, str]) -> SignedIn | None:
    """The browser's live session and its (enabled) user, if any."""
    session_id = cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    with server.engine.connect() as connection:
        session = find_session(connection, server.schema, session_id, now=server.now())
        user = None if session is None else find_user(connection, server.schema, session.user_id)
    return None if session is None or user is None else SignedIn(session_id, session, user)


def safe_target(value: object, fallback: str = LOGIN_PATH) -> str:
    """Where to go after signing in: a path on this server only (no open redirect)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return fallback


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    httponly: bool,
    max_age: int | None = SESSION_LIFETIME,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=httponly,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def login_form(
    request: Request,
    *,
    target: str,
    status: int = 200,
    error: str = "",
    username: str = "",
    app_name: str | None = None,
    headers: dict[str, str] | None = None,
    action: str = LOGIN_PATH,
    username_label: str = "Username or email",
    csrf_cookie: str = CSRF_COOKIE,
) -> Response:
    """The login page posting to ``action``, with its double-submit ``csrf_cookie``."""
    csrf = request.cookies.get(csrf_cookie) or new_secret()
    page = login_page(
        target=target,
        csrf=csrf,
        username=username,
        error=error,
        app_name=app_name,
        action=action,
        username_label=username_label,
    )
    response = html_response(page, status, headers)
    if request.cookies.get(csrf_cookie) != csrf:
        set_cookie(response, request, csrf_cookie, csrf, httponly=False, max_age=None)
    return response


def door_form(request: Request, door: LoginDoor, **options: Any) -> Response:
    """:func:`login_form` of ``door`` (``options``: its other arguments)."""
    return login_form(
        request,
        action=door.action,
        username_label=door.username_label,
        csrf_cookie=door.csrf_cookie,
        **options,
    )


def sign_in(
    server: OAuthServer,
    request: Request,
    form: Mapping[str, str],
    door: LoginDoor,
    *,
    verify: Callable[[sa.Connection, str, str], Any | None],
    user_id_of: Callable[[str], Any | None] = lambda _: None,
    closed: Response | None = None,
) -> Response:
    """A posted login form: the double-submit token checked (then ``closed``, if given, is the
    answer), the attempt throttled (by the user ``user_id_of`` the name finds, the name and the
    client's address), the name and password ``verify``-ed, and a new session replacing the
    browser's."""
    target = safe_target(form.get("_target_path"), door.action)
    username, password = form.get("_username", ""), form.get("_password", "")
    cookie_csrf = request.cookies.get(door.csrf_cookie, "")
    if not cookie_csrf or not hmac.compare_digest(cookie_csrf, form.get("_csrf_token", "")):
        error = "The form has expired. Please sign in again."
        return door_form(request, door, target=target, status=400, error=error, username=username)
    if closed is not None:
        return closed
    client_ip = request.client.host if request.client else ""
    keys = (*login_keys(user_id_of(username), username), ("ip", client_ip))
    wait = server.throttle.attempt(*keys)  # checked and counted at once
    if wait:
        error = f"Too many failed attempts. Try again in {wait} seconds."
        return door_form(
            request,
            door,
            target=target,
            status=429,
            error=error,
            username=username,
            headers={"Retry-After": str(wait)},
        )
    with server.engine.begin() as connection:
        user = verify(connection, username, password)
        if user is not None:
            if old := request.cookies.get(door.session_cookie):
                end_session(connection, server.schema, old)
            session_id, session = start_session(
                connection, server.schema, user.id, now=server.now(), api=door.api
            )
    if user is None:
        return door_form(
            request, door, target=target, status=400, error=door.invalid, username=username
        )
    server.throttle.succeeded(*keys[:-1])
    server.throttle.cancel(keys[-1])
    response = RedirectResponse(target, 303)
    set_cookie(response, request, door.session_cookie, session_id, httponly=True)
    set_cookie(response, request, door.csrf_cookie, session.csrf_token, httponly=False)
    return response


def sign_out(
    server: OAuthServer,
    request: Request,
    door: LoginDoor,
    current: tuple[str, LoginSession] | None,
    token: str | None,
) -> Response:
    """End the ``current`` session (its id and record) if ``token`` is its CSRF token; back to
    the login page, the cookies gone."""
    if current is not None:
        session_id, session = current
        if not session.csrf_matches(token):
            page = error_page("Sign out failed", "The form has expired. Please try again.")
            return html_response(page, 400)
        with server.engine.begin() as connection:
            end_session(connection, server.schema, session_id)
    response = RedirectResponse(door.action, 303)
    for name, httponly in ((door.session_cookie, True), (door.csrf_cookie, False)):
        response.delete_cookie(
            name, path="/", httponly=httponly, samesite="lax", secure=request.url.scheme == "https"
        )
    return response


def _known_user_id(server: OAuthServer, username: str) -> Any | None:
    if not username:
        return None
    with server.engine.connect() as connection:
        known = find_login(connection, server.schema, username, by_id=False)
    return None if known is None else known.id


def _sign_in(server: OAuthServer, request: Request, form: Mapping[str, str]) -> Response:
    return sign_in(
        server,
        request,
        form,
        BACK_OFFICE,
        verify=lambda connection, name, password: verify_login(
            connection, server.schema, name, password
        ),
        user_id_of=lambda name: _known_user_id(server, name),
    )


async def read_form(request: Request) -> dict[str, str]:
    """The text fields of a posted form (uploads are not expected, and ignored)."""
    async with request.form() as form:
        return {name: value for name, value in form.multi_items() if isinstance(value, str)}


async def login(request: Request) -> Response:
    server = await get_oauth_server(request.app)
    if request.method == "POST":
        return await run_in_threadpool(_sign_in, server, request, await read_form(request))
    current = await run_in_threadpool(signed_in, server, request.cookies)
    if current is None:
        return login_form(request, target=safe_target(request.query_params.get("_target_path")))
    page = signed_in_page(user_name=current.user.full_name, csrf=current.session.csrf_token)
    return html_response(page)


def _sign_out(server: OAuthServer, request: Request, form: Mapping[str, str]) -> Response:
    current = signed_in(server, request.cookies)
    token = form.get("_csrf_token") or request.headers.get("x-csrf-header")
    session = None if current is None else (current.session_id, current.session)
    return sign_out(server, request, BACK_OFFICE, session, token)


async def logout(request: Request) -> Response:
    server = await get_oauth_server(request.app)
    return await run_in_threadpool(_sign_out, server, request, await read_form(request))
