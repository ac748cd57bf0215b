"""The routes of OAuth and the login pages, for ``create_app`` to mount at the server root."""

from __future__ import annotations

from starlette.routing import Route

from server.auth.oauth.authorize import authorize
from server.auth.oauth.login import login, logout
from server.auth.oauth.token_endpoint import token_endpoint

__all__ = ["oauth_routes"]


def oauth_routes() -> list[Route]:
    return [
        Route("/oauth2-token", token_endpoint, methods=["POST"]),
        Route("/oauth2-token/authorize", authorize, methods=["GET", "POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
