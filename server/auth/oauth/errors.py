"""Token-endpoint errors as RFC 6749 §5.2 shapes them (the reference's §21 decision).

``OAuthError`` → 400 ``{"error": ..., "error_description": ...}``; ``invalid_client`` → 401 with
``WWW-Authenticate``; :class:`TooManyAttempts` → 429 ``slow_down`` with ``Retry-After``.
``failed_login`` marks the errors that count towards login throttling (a wrong password or client
secret, an unknown client).
"""

from __future__ import annotations

__all__ = ["CLIENT_CHALLENGE", "OAuthError", "TooManyAttempts", "invalid_client"]

CLIENT_CHALLENGE = 'Basic realm="Oro API Sandbox"'


class OAuthError(Exception):
    def __init__(
        self,
        error: str,
        description: str,
        *,
        status: int = 400,
        headers: dict[str, str] | None = None,
        failed_login: bool = False,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}
        self.failed_login = failed_login

    def to_dict(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_client(description: str = "Client authentication failed.") -> OAuthError:
    return OAuthError(
        "invalid_client",
        description,
        status=401,
        headers={"WWW-Authenticate": CLIENT_CHALLENGE},
        failed_login=True,
    )


class TooManyAttempts(OAuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "slow_down",
            f"Too many failed login attempts. Try again in {retry_after} seconds.",
            status=429,
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after
