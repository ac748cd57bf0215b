"""CORS headers as Oro's API sends them (reference §7.4): pure functions of settings and request.

CORS is off unless ``settings.cors_origins`` lists origins; ``"*"`` there allows any origin. An
allowed origin is echoed back in ``Access-Control-Allow-Origin`` (never ``*``, so credentials can
work); a request without an ``Origin``, or from an origin not listed, gets no CORS headers at all.

Header lists are joined with "," as Oro joins them (``Authorization,Content-Type,X-Include``).
Always allowed on a preflight: ``Authorization``, ``Content-Type``, ``X-Include`` (Oro's own
list), then the configured ``cors_allow_headers``: by default ``X-Mode`` (the Batch API's
synchronous mode) and ``X-HTTP-Method-Override`` (a GET sent as POST), which a browser client of
Oro also needs configured; one that sends ``X-WSSE`` or ``X-CSRF-Header`` adds them. Always
exposed: ``Location``, ``X-Include-Total-Count``, ``X-Include-Deleted-Count``, then the
configured ``cors_expose_headers``.
``Access-Control-Allow-Credentials: true`` only when ``cors_allow_credentials`` is on. Like Oro,
the server does not check ``Access-Control-Request-Headers`` itself: it says what it allows and
the browser decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.settings import Settings

__all__ = [
    "ALWAYS_ALLOWED_HEADERS",
    "ALWAYS_EXPOSED_HEADERS",
    "is_allowed_origin",
    "is_preflight",
    "preflight_headers",
    "response_headers",
]

ALWAYS_ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Include")
ALWAYS_EXPOSED_HEADERS = ("Location", "X-Include-Total-Count", "X-Include-Deleted-Count")


def is_allowed_origin(settings: Settings, origin: str | None) -> bool:
    """Whether CORS requests from ``origin`` are allowed (exact match, or ``*`` listed)."""
    if not origin:
        return False
    return any(allowed in ("*", origin) for allowed in settings.cors_origins)


def is_preflight(method: str, origin: str | None, request_method: str | None) -> bool:
    """An ``OPTIONS`` request with ``Origin`` and ``Access-Control-Request-Method``."""
    return method == "OPTIONS" and bool(origin) and bool(request_method)


def _join(always: Sequence[str], configured: Sequence[str]) -> str:
    """The fixed names, then the configured ones (each name once, compared without case)."""
    names: dict[str, str] = {}
    for name in (*always, *configured):
        names.setdefault(name.strip().lower(), name.strip())
    return ",".join(name for name in names.values() if name)


def _exposed(settings: Settings) -> str:
    return _join(ALWAYS_EXPOSED_HEADERS, settings.cors_expose_headers)


def response_headers(settings: Settings, origin: str | None) -> dict[str, str]:
    """CORS headers of an actual (non-preflight) response; empty when not allowed."""
    if not is_allowed_origin(settings, origin):
        return {}
    assert origin is not None
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": _exposed(settings),
    }
    if settings.cors_allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    headers["Vary"] = "Origin"
    return headers


def preflight_headers(
    settings: Settings,
    origin: str | None,
    request_method: str | None,
    request_headers: str | None,
    allow: Sequence[str],
) -> dict[str, str] | None:
    """CORS headers of the answer to a preflight ``OPTIONS``, or None when it is not a preflight
    or its origin is not allowed (then the plain ``OPTIONS`` answer goes out unchanged).

    ``allow`` is the resource's allowed methods, in ``Allow`` order; ``request_headers`` (the
    ``Access-Control-Request-Headers`` value) is accepted but not checked, as in Oro.
    """
    del request_headers
    if not request_method or not is_allowed_origin(settings, origin):
        return None
    assert origin is not None
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ", ".join(allow),
        "Access-Control-Allow-Headers": _join(ALWAYS_ALLOWED_HEADERS, settings.cors_allow_headers),
        "Access-Control-Expose-Headers": _exposed(settings),
    }
    if settings.cors_max_age > 0:
        headers["Access-Control-Max-Age"] = str(settings.cors_max_age)
    if settings.cors_allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    headers["Vary"] = "Origin"
    return headers
