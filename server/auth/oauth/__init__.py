"""OAuth 2.0 for the back-office API: the token endpoint (``POST /oauth2-token``), the
authorization-code flow with its login and consent pages, the demo applications.

Modules: ``clients`` (applications), ``grants`` (the exchange), ``store`` (codes and refresh
tokens), ``pkce``, ``throttle``, ``users`` (logins), ``service`` (what handlers share),
``token_endpoint``, ``authorize``, ``login``, ``pages``, ``routes``, ``seed``.
"""

from __future__ import annotations

from server.auth.oauth.routes import oauth_routes
from server.auth.oauth.service import OAuthServer, oauth_server

__all__ = ["OAuthServer", "oauth_routes", "oauth_server"]
