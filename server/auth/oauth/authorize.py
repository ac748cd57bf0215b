"""``GET/POST /oauth2-token/authorize``: the authorization-code flow's browser side.

GET validates the request, then shows the login page (no session), the consent page, or — for an
application that skips consent — redirects at once with a code. POST is the consent form's answer.
A request whose client or redirect URI is wrong gets an error page and is never redirected
(RFC 6749 §4.1.2.1). A PKCE problem — a public client without ``code_challenge``, above all — is a
``400`` JSON ``invalid_request`` with a ``hint``, as Oro answers it (oroinc/oauth2-server
``AuthorizeClientController`` returns league/oauth2-server's ``generateHttpResponse``, which
redirects only errors that carry a redirect URI, and PKCE errors do not). Any other problem is
redirected back as ``error=...&state=...``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from server.auth.oauth.clients import Application, find_application, resolve_redirect_uri
from server.auth.oauth.login import SignedIn, login_form, read_form, signed_in
from server.auth.oauth.pages import consent_page, error_page, html_response
from server.auth.oauth.pkce import challenge_problem
from server.auth.oauth.service import OAuthServer, get_oauth_server
from server.auth.oauth.store import IssuedCode, issue_code
from server.auth.oauth.users import api_enabled
from server.auth.session import LoginSession
from server.auth.tokens import BACKOFFICE, STOREFRONT

__all__ = [
    "AuthorizationRequest",
    "InvalidRequest",
    "PageError",
    "RedirectError",
    "access_denied",
    "authorize",
    "consent",
    "parse_authorization_request",
    "redirect_with_code",
    "with_query",
]


class PageError(Exception):
    """Shown to the user: the client or its redirect URI cannot be trusted."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title
        self.message = message


class RedirectError(Exception):
    """Sent back to the client's redirect URI as ``error`` and ``error_description``."""

    def __init__(self, redirect_uri: str, state: str | None, error: str, description: str) -> None:
        super().__init__(description)
        self.location = with_query(
            redirect_uri, {"error": error, "error_description": description, "state": state}
        )


class InvalidRequest(Exception):
    """400 JSON, as league/oauth2-server 8's ``OAuthServerException::invalidRequest``."""

    DESCRIPTION = (
        "The request is missing a required parameter, includes an invalid parameter value,"
        " includes a parameter more than once, or is otherwise malformed."
    )

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint

    def response(self) -> Response:
        body = {
            "error": "invalid_request",
            "error_description": self.DESCRIPTION,
            "hint": self.hint,
            "message": self.DESCRIPTION,  # league 8 still sends its deprecated "message"
        }
        return JSONResponse(body, 400)


@dataclass(frozen=True)
class AuthorizationRequest:
    application: Application
    redirect_uri: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


def with_query(uri: str, params: Mapping[str, str | None]) -> str:
    parts = urlsplit(uri)
    added = urlencode({name: value for name, value in params.items() if value is not None})
    return urlunsplit(parts._replace(query=f"{parts.query}&{added}" if parts.query else added))


API_NAMES = {BACKOFFICE: "back-office", STOREFRONT: "storefront"}


def parse_authorization_request(
    server: OAuthServer, query: Sequence[tuple[str, str]], api: str = BACKOFFICE
) -> AuthorizationRequest:
    """The validated request to the authorize URL of ``api``; :class:`PageError`,
    :class:`InvalidRequest` or :class:`RedirectError` otherwise."""
    params: dict[str, str] = {}
    repeated: set[str] = set()
    for name, value in query:
        if name in params:
            repeated.add(name)
        params.setdefault(name, value)
    if {"client_id", "redirect_uri"} & repeated:
        raise PageError("Invalid request", "client_id and redirect_uri may be sent only once.")
    client_id = params.get("client_id")
    if not client_id:
        raise PageError("Invalid request", "The client_id parameter is missing.")
    with server.engine.connect() as connection:
        app = find_application(connection, server.schema, client_id)
    if app is None or not app.active:
        reason = "is unknown" if app is None else "has been revoked"
        raise PageError("Unknown application", f'The application "{client_id}" {reason}.')
    if app.api != api:
        raise PageError(
            "Wrong application",
            f'The application "{client_id}" belongs to the {API_NAMES.get(app.api, app.api)}'
            f" API: use that API's authorize URL.",
        )
    redirect_uri = resolve_redirect_uri(app, params.get("redirect_uri"))
    if redirect_uri is None:
        raise PageError(
            "Invalid redirect URI",
            "The redirect_uri is not one of the redirect URIs registered for this application.",
        )
    state = params.get("state")

    def fail(error: str, description: str) -> RedirectError:
        return RedirectError(redirect_uri, state, error, description)

    if repeated:
        raise fail("invalid_request", f"Repeated parameters: {', '.join(sorted(repeated))}.")
    if params.get("response_type") != "code":
        raise fail("unsupported_response_type", 'response_type must be "code".')
    if not app.allows("authorization_code"):
        raise fail("unauthorized_client", "The application may not use authorization codes.")
    challenge, method = params.get("code_challenge"), params.get("code_challenge_method")
    problem = challenge_problem(challenge, method, public=app.public)
    if problem:
        raise InvalidRequest(problem)
    return AuthorizationRequest(app, redirect_uri, state, challenge or None, method or None)


def redirect_with_code(
    server: OAuthServer,
    request: AuthorizationRequest,
    user_id: int,
    status: int,
    *,
    visitor: bool = False,
) -> Response:
    """Back to the client with a new code for ``user_id`` (a visitor's id with ``visitor``)."""
    issued = IssuedCode(
        request.application.id,
        user_id,
        request.redirect_uri,
        request.code_challenge,
        request.code_challenge_method,
        server.now() + server.settings.auth_code_lifetime,
        visitor,
    )
    with server.engine.begin() as connection:
        code = issue_code(connection, server.schema, issued)
    return RedirectResponse(
        with_query(request.redirect_uri, {"code": code, "state": request.state}), status
    )


def _refusal(server: OAuthServer, request: AuthorizationRequest, current: SignedIn) -> str | None:
    app, user = request.application, current.user
    if user.organization_id != app.organization_id:
        return "The user does not belong to the organization of this application."
    with server.engine.connect() as connection:
        if not api_enabled(connection, server.schema, user.organization_id):
            return "The API feature is disabled for the organization of this user."
    return None


def _authorize(server: OAuthServer, request: Request, form: Mapping[str, str] | None) -> Response:
    try:
        auth = parse_authorization_request(server, request.query_params.multi_items())
    except PageError as exc:
        return html_response(error_page(exc.title, exc.message), 400)
    except InvalidRequest as exc:
        return exc.response()
    except RedirectError as exc:
        return RedirectResponse(exc.location, 302 if form is None else 303)
    here = f"{request.url.path}?{request.url.query}"
    current = signed_in(server, request.cookies)
    if current is None:
        return login_form(request, target=here, app_name=auth.application.name)
    status = 302 if form is None else 303
    refusal = _refusal(server, auth, current)
    if refusal:
        return access_denied(auth, refusal, status)
    asked = consent(auth, current.session, current.user.full_name, form, here, status)
    if asked is not None:
        return asked
    return redirect_with_code(server, auth, current.user.id, status)


def access_denied(auth: AuthorizationRequest, reason: str, status: int) -> Response:
    """Back to the client with ``access_denied`` and ``reason``."""
    error = RedirectError(auth.redirect_uri, auth.state, "access_denied", reason)
    return RedirectResponse(error.location, status)


def consent(
    auth: AuthorizationRequest,
    session: LoginSession,
    user_name: str,
    form: Mapping[str, str] | None,
    here: str,
    status: int,
) -> Response | None:
    """The consent step: the page asking the signed-in user (unless the application skips it),
    or what the posted answer says — None when access is allowed."""
    if form is not None:
        if not session.csrf_matches(form.get("_csrf_token")):
            page = error_page("Request expired", "The consent form has expired. Please retry.")
            return html_response(page, 400)
        if form.get("decision") != "allow":
            return access_denied(auth, "The user denied access.", status)
        return None
    if auth.application.skip_consent:
        return None
    page = consent_page(
        app_name=auth.application.name, user_name=user_name, action=here, csrf=session.csrf_token
    )
    return html_response(page)


async def authorize(request: Request) -> Response:
    server = await get_oauth_server(request.app)
    form = await read_form(request) if request.method == "POST" else None
    return await run_in_threadpool(_authorize, server, request, form)
