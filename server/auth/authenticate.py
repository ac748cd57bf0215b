"""The authentication chain: which credentials a request carries, and who they belong to.

Each authenticator looks for its own kind of credentials: it answers None when the request has
none of them, a :class:`Principal` when they are valid, and raises :class:`Unauthorized` when they
are present but wrong (expired, forged, replayed…). The first authenticator that finds its
credentials decides. No credentials at all is a 401 too, unless authentication is switched off.

The 401's ``WWW-Authenticate`` header is as Oro's OAuth firewall sends it (oroinc/oauth2-server:
``OAuthEntryPoint`` and ``OAuth2Authenticator::onAuthenticationFailure``): ``Bearer`` when no
credentials came, and no header at all when a token came but was refused. The reason stays in the
server's log (as in Oro), never in the response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from server.auth.principal import Principal
from server.jsonapi.errors import Unauthorized

__all__ = [
    "DEFAULT_CHALLENGE",
    "Authenticator",
    "Credentials",
    "OpenAccess",
    "Unauthorized",
    "authenticate",
]

DEFAULT_CHALLENGE = "Bearer"  # Oro's OAuthEntryPoint, word for word


@dataclass(frozen=True)
class Credentials:
    """What a request carries that may identify its sender."""

    method: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    json_api_body: bool  # Content-Type is JSON:API (then a body ``access_token`` counts)


class Authenticator(Protocol):
    def authenticate(self, credentials: Credentials) -> Principal | None: ...


def authenticate(authenticators: Sequence[Authenticator], credentials: Credentials) -> Principal:
    for authenticator in authenticators:
        principal = authenticator.authenticate(credentials)
        if principal is not None:
            return principal
    raise Unauthorized(DEFAULT_CHALLENGE, "No credentials were sent.")


class OpenAccess:
    """``--no-auth``: every request acts as the given principal (the demo administrator)."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def authenticate(self, credentials: Credentials) -> Principal | None:
        return self.principal
