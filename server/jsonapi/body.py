"""Request bodies: raw bytes to JSON, with Oro's two body-level errors.

- An empty (or whitespace-only) body is 400 ``request data constraint`` "The request data should
  not be empty." — Oro gives the same answer for a body that decodes to nothing useful (``{}``,
  ``[]``, a scalar); :mod:`server.jsonapi.request_doc` raises that one with :func:`empty_request`.
- Malformed JSON is 400 ``bad request http exception`` "Invalid json message received." followed
  by the parser's position, as Oro's ``BodyListener`` does ("... Parsing error in [1:19]. ...").
"""

from __future__ import annotations

from typing import Any

import orjson

from server.jsonapi.errors import BadRequest, RequestDataConstraint, request_data_error

__all__ = ["empty_request", "invalid_json", "load_json"]


def empty_request() -> RequestDataConstraint:
    return request_data_error("The request data should not be empty.")


def invalid_json(reason: str | None = None) -> BadRequest:
    detail = "Invalid json message received."
    return BadRequest(f"{detail} {reason}" if reason else detail)


def load_json(raw: bytes | str) -> Any:
    """The decoded body; raises an ``ApiError`` for an empty body or malformed JSON."""
    if not raw.strip():
        raise empty_request()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        message = error.msg[:1].upper() + error.msg[1:]
        where = f"Parsing error in [{error.lineno}:{error.colno}]."
        raise invalid_json(f"{where} {message}.") from None
