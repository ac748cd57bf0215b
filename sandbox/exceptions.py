"""Every exception the sandbox library raises, in one tree (as httpx draws its own)::

    SandboxError                 the base: ``except sandbox.SandboxError`` catches them all
    ├── ConnectionFailed         the request got no answer (refused, timed out, DNS…)
    ├── ApiResponseError         only from ``Exchange.raise_for_errors()``, opt-in: a 4xx/5xx
    │                            answer, with the exchange and its JSON:API error objects
    ├── TokenError               the OAuth token endpoint refused (RFC 6749 ``error``)
    ├── LaunchError              the bundled server did not start, or is not the one running
    ├── QueryError   (ValueError) a query the builder will not write, or the metadata rules out
    ├── SpecError    (ValueError) a request spec that cannot become a request yet
    ├── FramesError  (ValueError) a document that cannot become DataFrames, or a failed join
    └── SavedRequestError (ValueError) a file that is not a saved request

An error answer from the server is never raised by surprise: the client returns an ``Exchange``
for every answer, since showing errors is what the sandbox is for. This module imports nothing
heavy (no httpx, no pandas), so any module can raise these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from sandbox.client import ErrorObject, Exchange

__all__ = [
    "ApiResponseError",
    "ConnectionFailed",
    "FramesError",
    "LaunchError",
    "QueryError",
    "SandboxError",
    "SavedRequestError",
    "SpecError",
    "TokenError",
]


class SandboxError(Exception):
    """Base of the sandbox library's exceptions."""


class ConnectionFailed(SandboxError):
    def __init__(self, request: httpx.Request, cause: httpx.TransportError) -> None:
        super().__init__(
            f"{request.method} {request.url} got no answer: {type(cause).__name__}: {cause}."
            " Is the server running, and is the URL right?"
        )
        self.request = request
        self.cause = cause


class ApiResponseError(SandboxError):
    def __init__(self, exchange: Exchange) -> None:
        lines = [str(e) for e in exchange.errors] or [exchange.reason]
        if exchange.status == 401 and not exchange.errors:
            lines.append(refused_hint(exchange))
        super().__init__(
            f"{exchange.status} for {exchange.request.method}"
            f" {exchange.request.url}: " + "; ".join(lines)
        )
        self.exchange = exchange
        self.errors: list[ErrorObject] = exchange.errors


def refused_hint(exchange: Exchange) -> str:
    """Why a bare 401 came back: Oro says nothing more than the status."""
    request = exchange.request
    if "authorization" not in request.headers and "x-wsse" not in request.headers:
        return "the request carried no credentials"
    return (
        "the server refused the credentials (an expired or revoked token, or a token of the"
        " other API: back-office and storefront tokens are not interchangeable)"
    )


class TokenError(SandboxError):
    """The token endpoint refused: ``error`` and ``description`` as RFC 6749 returns them."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}" if description else f"{status} {error}")
        self.status = status
        self.error = error
        self.description = description


class LaunchError(SandboxError):
    """The bundled server did not start, or an operation needs the bundled server."""

    def __init__(self, message: str, *, returncode: int | None = None, stderr: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class QueryError(SandboxError, ValueError):
    """A query the builder will not write, or that the server's metadata rules out."""


class SpecError(SandboxError, ValueError):
    """A spec that cannot become a request yet (an id or a relationship is missing)."""


class FramesError(SandboxError, ValueError):
    """A document that cannot become frames, or a join that cannot be made; the message says why."""


class SavedRequestError(SandboxError, ValueError):
    """A file is not a saved request (wrong extension, not a mapping, unknown or missing keys)."""
