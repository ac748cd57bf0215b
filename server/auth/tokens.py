"""Access tokens (RS256 JWTs) and the opaque secrets of OAuth (refresh tokens, authorization codes).

An access token names the API it is for in ``aud``: ``backoffice`` here; the storefront API's
tokens carry another audience and are refused by :func:`verify_access_token` of this API (and the
other way round). Refresh tokens and codes are random strings that the database only keeps as
SHA-256 hashes, so a copy of the database cannot be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from server.auth.keys import Keys

__all__ = [
    "BACKOFFICE",
    "ISSUER",
    "STOREFRONT",
    "AccessClaims",
    "InvalidToken",
    "hash_secret",
    "issue_access_token",
    "new_secret",
    "verify_access_token",
]

ISSUER = "oro-api-sandbox"
BACKOFFICE = "backoffice"  # the audience of back-office API tokens
STOREFRONT = "storefront"  # the audience of storefront API tokens (customer users, visitors)
ALGORITHM = "RS256"
CLOCK_LEEWAY = 60  # seconds an ``iat`` may lie ahead of this clock
REQUIRED_CLAIMS = ["iss", "aud", "sub", "client_id", "jti", "iat", "exp", "org"]


class InvalidToken(Exception):
    """The token is not acceptable; the message says why (it goes into ``error_description``)."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    client_id: str
    organization_id: int
    token_id: str  # jti
    issued_at: int
    expires_at: int
    audience: str = BACKOFFICE
    visitor: bool = False  # the storefront: ``sub`` names a visitor, not a customer user


def issue_access_token(keys: Keys, claims: AccessClaims) -> str:
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": claims.audience,
        "sub": str(claims.user_id),
        "client_id": claims.client_id,
        "jti": claims.token_id,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
        "org": claims.organization_id,
    }
    if claims.visitor:
        payload["vis"] = True
    return jwt.encode(payload, keys.private_key, ALGORITHM, headers={"kid": keys.key_id})


def verify_access_token(
    keys: Keys, token: str, *, audience: str = BACKOFFICE, now: float | None = None
) -> AccessClaims:
    """The claims of a valid token; :class:`InvalidToken` for an expired, forged, wrongly signed,
    malformed or other-API token. Only RS256 is accepted (no ``none``, no HMAC confusion)."""
    try:
        payload = jwt.decode(
            token,
            keys.public_key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("The access token was issued for another API.") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken("The access token signature is invalid.") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("The access token is malformed.") from exc
    try:
        claims = AccessClaims(
            user_id=int(payload["sub"]),
            client_id=str(payload["client_id"]),
            organization_id=int(payload["org"]),
            token_id=str(payload["jti"]),
            issued_at=int(payload["iat"]),
            expires_at=int(payload["exp"]),
            audience=audience,
            visitor=payload.get("vis") is True,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidToken("The access token is malformed.") from exc
    now = time.time() if now is None else now
    if claims.expires_at <= now:
        raise InvalidToken("The access token has expired.")
    if claims.issued_at > now + CLOCK_LEEWAY:
        raise InvalidToken("The access token was issued in the future.")
    return claims


def new_secret() -> str:
    """A random opaque token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """How refresh tokens, codes and session ids are stored: SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()
