"""PKCE (RFC 7636) with the S256 method only: ``BASE64URL(SHA256(code_verifier)) == challenge``.

A problem with an authorization request's PKCE parameters is worded as Oro's authorize endpoint
words it: the ``hint`` of league/oauth2-server 8's ``AuthCodeGrant::validateAuthorizationRequest``,
and Oro's own for the plain method (oroinc/oauth2-server ``AuthorizeClientController``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

__all__ = ["S256", "challenge_problem", "s256", "verifier_matches"]

S256 = "S256"
PLAIN = "plain"
_CHARS = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # the verifier's alphabet and length (§4.1)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def challenge_problem(challenge: str | None, method: str | None, *, public: bool) -> str | None:
    """Why an authorization request's PKCE parameters are unacceptable (the hint), or None.

    Without a challenge the method is not looked at; a challenge without a method is ``plain``,
    which Oro allows only to clients set up for it (none here).
    """
    if not challenge:
        return "Code challenge must be provided for public clients" if public else None
    if method is not None and method not in (S256, PLAIN):
        return "Code challenge method must be one of `S256`, `plain`"
    if not _CHARS.fullmatch(challenge):
        return "Code challenge must follow the specifications of RFC-7636."
    if method != S256:
        return "Plain code challenge method is not allowed for this client"
    return None


def verifier_matches(verifier: str, challenge: str) -> bool:
    if not _CHARS.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)
