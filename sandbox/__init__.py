"""Oro API Sandbox: a client, a query builder, DataFrames, snippets, history and a launcher for
Oro's JSON:API (the bundled server, a real Oro instance, or any JSON:API server)."""

from sandbox.auth import BearerToken, ClientCredentials, PasswordGrant, TokenError, Wsse
from sandbox.client import (
    ApiClient,
    ApiResponseError,
    ConnectionFailed,
    ErrorObject,
    Exchange,
    SandboxError,
)

__all__ = [
    "ApiClient",
    "ApiResponseError",
    "BearerToken",
    "ClientCredentials",
    "ConnectionFailed",
    "ErrorObject",
    "Exchange",
    "PasswordGrant",
    "SandboxError",
    "TokenError",
    "Wsse",
]
