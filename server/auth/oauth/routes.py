"""The routes of OAuth and the login pages, for ``create_app`` to mount at the server root: the
token endpoint, each API's authorize URL (:mod:`server.auth.oauth.paths`), the login pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import cors
from server.auth.oauth.authorize import authorize
from server.auth.oauth.login import login, logout
from server.auth.oauth.paths import oauth_paths
from server.auth.oauth.storefront_authorize import StorefrontAuthorize
from server.auth.oauth.storefront_login import StorefrontLogin
from server.auth.oauth.token_endpoint import token_endpoint
from server.settings import Settings

__all__ = ["oauth_routes"]

Endpoint = Callable[[Request], Awaitable[Response]]


def with_cors(endpoint: Endpoint, allow: list[str]) -> Endpoint:
    """CORS for a browser-facing endpoint (a PKCE client in a page): preflights and headers."""

    async def answer(request: Request) -> Response:
        settings = request.app.state.backend.settings
        origin = request.headers.get("origin")
        if request.method == "OPTIONS":
            preflight = cors.preflight_headers(
                settings,
                origin,
                request.headers.get("access-control-request-method"),
                request.headers.get("access-control-request-headers"),
                allow,
            )
            return Response(None, 200, {"Allow": ", ".join(allow), **(preflight or {})})
        response = await endpoint(request)
        if origin is not None:
            response.headers.update(cors.response_headers(settings, origin))
        return response

    return answer


def oauth_routes(settings: Settings) -> list[Route]:
    paths = oauth_paths(settings)
    storefront_login = StorefrontLogin(paths)
    storefront = StorefrontAuthorize(storefront_login)
    token_methods = ["OPTIONS", "POST"]
    return [
        Route("/oauth2-token", with_cors(token_endpoint, token_methods), methods=token_methods),
        Route(paths.authorize, authorize, methods=["GET", "POST"]),
        Route(paths.storefront_authorize, storefront.authorize, methods=["GET", "POST"]),
        Route(paths.storefront_authorize_visitor, storefront.authorize_visitor, methods=["GET"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route(paths.storefront_login, storefront_login.login, methods=["GET", "POST"]),
        Route(paths.storefront_logout, storefront_login.logout, methods=["POST"]),
    ]
