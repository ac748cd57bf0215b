"""Content negotiation exactly as Oro's ``CheckRequestType``: JSON:API or plain JSON, or 406/415."""

from __future__ import annotations

from server.jsonapi.errors import NotAcceptable, UnsupportedMediaType

JSON_API = "application/vnd.api+json"
JSON = "application/json"
ANY_JSON = {JSON, "application/*", "*/*"}
WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def _media_types(header: str | None) -> list[tuple[str, list[str]]]:
    """``(media type, parameter names)`` for each value of a header."""
    values = []
    for item in (header or "").split(","):
        if not item.strip():
            continue
        media, *params = (part.strip() for part in item.split(";"))
        names = [p.split("=", 1)[0].strip().lower() for p in params if p]
        values.append((media.lower(), names))
    return values


def _not_acceptable(detail: str) -> NotAcceptable:
    return NotAcceptable(detail)


def is_json_api(accept: str | None, content_type: str | None) -> bool:
    """Whether a request is a JSON:API one (else plain REST), before any check: a JSON:API media
    type in ``Accept`` or as ``Content-Type``. Errors are answered in that request's format."""
    sent = _media_types(content_type)
    return any(media == JSON_API for media, _ in _media_types(accept)) or bool(
        sent and sent[0][0] == JSON_API
    )


def negotiate(method: str, accept: str | None, content_type: str | None) -> bool:
    """True for a JSON:API request, False for plain JSON; raises Oro's 406/415 errors."""
    accepted = _media_types(accept)
    json_api_accepts = [params for media, params in accepted if media == JSON_API]
    if json_api_accepts and not any(
        all(name == "q" for name in params) for params in json_api_accepts
    ):
        raise _not_acceptable(
            'The "Accept" request header should contains at least one instance of JSON:API'
            " media type without any parameters."
        )
    sent = _media_types(content_type)
    if sent and sent[0][0] == JSON_API:
        if sent[0][1]:
            raise UnsupportedMediaType(
                'The "Content-Type" request header should contain JSON:API media type without'
                " any parameters.",
            )
        if not json_api_accepts and accepted and not any(m in ANY_JSON for m, _ in accepted):
            raise _not_acceptable(
                'The "Accept" request header does not accept JSON:API content type.'
            )
        return True
    if json_api_accepts:
        return True
    if accepted and not any(media in ANY_JSON for media, _ in accepted):
        raise _not_acceptable("Only JSON representation of the requested resource is supported.")
    if sent and sent[0][0] != JSON:
        raise _not_acceptable(
            'The "Content-Type" request header must be "application/json" if specified.'
        )
    if method in WRITES:
        raise UnsupportedMediaType(
            "This server accepts writes only as JSON:API: send the"
            ' "Content-Type: application/vnd.api+json" request header.',
        )
    return False
