"""The storefront's authorization-code flow (Oro's ``GET /oauth2-token/authorize`` of the
storefront, and ``GET /oauth2-token/authorize-visitor``); its paths are in
:mod:`server.auth.oauth.paths`.

``authorize`` works as the back-office's (:mod:`server.auth.oauth.authorize`: the same
validation, PKCE rules, errors, consent page and redirect), with a customer user who signs in on
the storefront's login page with their email. The code is exchanged at ``/oauth2-token`` by the
storefront application for a storefront token (plus a refresh token), which the back-office API
refuses. ``visitor_access_token`` in the authorize query moves that visitor's shopping lists to
the customer user when the code is issued, as the password grant's does.

``authorize-visitor`` answers at once, with no page: a new visitor is made and the client gets a
code for them, exchanged for a visitor token (no refresh token), as ``guest``/``guest`` gives.
Both follow the website's switches: the storefront API (refused as ``access_denied``) and, for
visitors, its guest access.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.auth.oauth.authorize import (
    AuthorizationRequest,
    InvalidRequest,
    PageError,
    RedirectError,
    access_denied,
    consent,
    parse_authorization_request,
    redirect_with_code,
)
from server.auth.oauth.grants import adopt_visitor_token
from server.auth.oauth.login import read_form
from server.auth.oauth.pages import error_page, html_response
from server.auth.oauth.service import OAuthServer, get_oauth_server
from server.auth.oauth.storefront_login import (
    SignedInCustomer,
    StorefrontLogin,
    signed_in_customer,
)
from server.auth.tokens import STOREFRONT
from server.auth.visitors import create_visitor
from server.auth.websites import STOREFRONT_DISABLED_DETAIL, website_of

__all__ = ["StorefrontAuthorize"]

NO_STOREFRONT = error_page("No storefront", "This server has no storefront API.")


class StorefrontAuthorize:
    def __init__(self, login: StorefrontLogin) -> None:
        self.login = login

    @staticmethod
    def _parse(
        server: OAuthServer, request: Request, status: int
    ) -> AuthorizationRequest | Response:
        try:
            return parse_authorization_request(
                server, request.query_params.multi_items(), STOREFRONT
            )
        except PageError as exc:
            return html_response(error_page(exc.title, exc.message), 400)
        except InvalidRequest as exc:
            return exc.response()
        except RedirectError as exc:
            return RedirectResponse(exc.location, status)

    @staticmethod
    def _website_refusal(server: OAuthServer, organization_id: int, *, guest: bool) -> str | None:
        assert server.storefront_schema is not None
        with server.engine.connect() as connection:
            website = website_of(connection, server.storefront_schema, organization_id)
        if website is None or not website.api_enabled:
            return STOREFRONT_DISABLED_DETAIL
        if guest and not website.guest_api_enabled:
            return "The guest storefront API is disabled for this website."
        return None

    def _issue(
        self,
        server: OAuthServer,
        request: Request,
        auth: AuthorizationRequest,
        current: SignedInCustomer,
        status: int,
    ) -> Response:
        token = request.query_params.get("visitor_access_token")
        if token:
            assert server.storefront_schema is not None
            with server.engine.begin() as connection:
                adopt_visitor_token(server, connection, auth.application, token, current.user)
        return redirect_with_code(server, auth, current.user.id, status)

    def _authorize(
        self, server: OAuthServer, request: Request, form: Mapping[str, str] | None
    ) -> Response:
        if server.storefront_schema is None:
            return html_response(NO_STOREFRONT, 404)
        status = 302 if form is None else 303
        auth = self._parse(server, request, status)
        if isinstance(auth, Response):
            return auth
        here = f"{request.url.path}?{request.url.query}"
        current = signed_in_customer(server, request.cookies)
        if current is None:
            return self.login.form(request, target=here, app_name=auth.application.name)
        if current.user.organization_id != auth.application.organization_id:
            reason = "The user does not belong to the organization of this application."
            return access_denied(auth, reason, status)
        refusal = self._website_refusal(server, current.user.organization_id, guest=False)
        if refusal:
            return access_denied(auth, refusal, status)
        asked = consent(auth, current.session, current.user.email, form, here, status)
        if asked is not None:
            return asked
        return self._issue(server, request, auth, current, status)

    async def authorize(self, request: Request) -> Response:
        server = await get_oauth_server(request.app)
        form = await read_form(request) if request.method == "POST" else None
        return await run_in_threadpool(self._authorize, server, request, form)

    def _authorize_visitor(self, server: OAuthServer, request: Request) -> Response:
        if server.storefront_schema is None:
            return html_response(NO_STOREFRONT, 404)
        auth = self._parse(server, request, 302)
        if isinstance(auth, Response):
            return auth
        organization_id = auth.application.organization_id
        refusal = self._website_refusal(server, organization_id, guest=True)
        if refusal:
            return access_denied(auth, refusal, 302)
        with server.engine.begin() as connection:
            visitor = create_visitor(
                connection, server.storefront_schema, organization_id, server.now()
            )
        return redirect_with_code(server, auth, visitor.id, 302, visitor=True)

    async def authorize_visitor(self, request: Request) -> Response:
        server = await get_oauth_server(request.app)
        return await run_in_threadpool(self._authorize_visitor, server, request)
