"""Where each API's browser pages live: its authorize URL and, for the storefront, the customer
user's login page, derived from the API prefixes so that both layouts stay coherent.

Oro serves the storefront's authorize URL at ``/oauth2-token/authorize`` (and a visitor's at
``/oauth2-token/authorize-visitor``), the back-office's at
``/{backend_prefix}/oauth2-token/authorize`` (``/admin/...``) when Commerce is installed. Here
each API's pages sit at the *root* of its prefix, the prefix without its last segment:

==================  =======================================  ======================================
layout              back-office                              storefront
==================  =======================================  ======================================
default             ``/oauth2-token/authorize``              ``/storefront/oauth2-token/authorize``
``--oro-layout``    ``/admin/oauth2-token/authorize``        ``/oauth2-token/authorize``
==================  =======================================  ======================================

The storefront's login page is ``{root}/customer/user/login`` (Oro's route); the back-office's
stays ``/login`` in both layouts, and the token endpoint ``/oauth2-token`` serves both APIs. A
root whose pages would lie below an API's prefix (say a storefront at ``/api/shop`` beside a
back-office at ``/api``), or that both APIs would share, gives way to ``/storefront`` (the
storefront) or the server's root (the back-office).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.settings import Settings, pages_root

__all__ = ["OAuthPaths", "oauth_paths", "pages_root"]

AUTHORIZE = "/oauth2-token/authorize"


def _free(root: str, prefixes: tuple[str, ...]) -> bool:
    """Whether pages at ``root`` stay clear of every API's paths."""
    return not any((root + AUTHORIZE).startswith(prefix.rstrip("/") + "/") for prefix in prefixes)


@dataclass(frozen=True)
class OAuthPaths:
    authorize: str  # the back-office's
    storefront_authorize: str
    storefront_authorize_visitor: str
    storefront_login: str
    storefront_logout: str


def oauth_paths(settings: Settings) -> OAuthPaths:
    prefixes = (settings.api_prefix, settings.storefront_prefix)
    backoffice = pages_root(settings.api_prefix)
    if not _free(backoffice, prefixes):
        backoffice = ""
    storefront = pages_root(settings.storefront_prefix)
    if storefront == backoffice or not _free(storefront, prefixes):
        storefront = "/storefront"
    return OAuthPaths(
        authorize=backoffice + AUTHORIZE,
        storefront_authorize=storefront + AUTHORIZE,
        storefront_authorize_visitor=storefront + AUTHORIZE + "-visitor",
        storefront_login=storefront + "/customer/user/login",
        storefront_logout=storefront + "/customer/user/logout",
    )
