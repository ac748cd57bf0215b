"""Resource identifiers: id text (URL segment or body ``id``) to stored id, and back.

Ids are always JSON strings on the wire (``"id": "1"``), whatever the stored type. A malformed id
is 400 ``entity identifier constraint`` (``Expected integer value. Given "abc".``), as Oro's source
does; its docs say 404, which the reference lists as a known discrepancy.
"""

from __future__ import annotations

import re
from typing import Any

from server.jsonapi.errors import EntityIdentifierConstraint
from server.metadata.model import Resource
from server.metadata.types import INT64, InvalidValue

__all__ = ["format_id", "id_error", "parse_id"]

_INTEGER = re.compile(r"-?[0-9]{1,19}")  # int64 at most: longer is never valid
_INTEGER_TYPES = frozenset({"integer", "smallint", "bigint"})
_TEXT_TYPES = frozenset({"string", "text"})


def id_error(
    detail: str, *, pointer: str | None = None, parameter: str | None = None
) -> EntityIdentifierConstraint:
    return EntityIdentifierConstraint(detail, pointer=pointer, parameter=parameter)


def parse_id(
    resource: Resource, text: str, *, pointer: str | None = None, parameter: str | None = None
) -> Any:
    """The stored id of ``resource`` that ``text`` names.

    Integer ids must be decimal integers (an optional ``-``, digits) within int64; string ids are
    taken as they are but must not be empty; any other id type parses as its filter values do.
    """
    try:
        return _parse(resource, text)
    except InvalidValue as error:
        raise id_error(error.message, pointer=pointer, parameter=parameter) from None


def _parse(resource: Resource, text: str) -> Any:
    kind = resource.id_type.name
    if kind in _INTEGER_TYPES:
        if not _INTEGER.fullmatch(text) or not -INT64 <= int(text) < INT64:
            raise InvalidValue(f'Expected integer value. Given "{text}".')
        return int(text)
    if not text:
        raise InvalidValue('Expected not empty string value. Given "".')
    if kind in _TEXT_TYPES:
        return text
    return resource.id_type.parse_filter(text)


def format_id(value: Any) -> str:
    """The wire form of a stored id: always a string."""
    return value if isinstance(value, str) else str(value)
