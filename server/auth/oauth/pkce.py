"""PKCE (RFC 7636) with the S256 method only: ``BASE64URL(SHA256(code_verifier)) == challenge``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

__all__ = ["S256", "challenge_problem", "s256", "verifier_matches"]

S256 = "S256"
_CHARS = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # the verifier's alphabet and length (§4.1)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def challenge_problem(challenge: str | None, method: str | None, *, public: bool) -> str | None:
    """Why an authorization request's PKCE parameters are unacceptable, or None."""
    if not challenge:
        if method:
            return "code_challenge_method was sent without a code_challenge."
        return "Public clients must send a code_challenge (PKCE)." if public else None
    if method != S256:
        return "code_challenge_method must be S256 (the plain method is not supported)."
    if not _CHARS.fullmatch(challenge):
        return "code_challenge must be 43-128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'."
    return None


def verifier_matches(verifier: str, challenge: str) -> bool:
    if not _CHARS.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)
