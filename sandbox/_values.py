"""Filter values and query strings as Oro's text (reference §11): values convert themselves.

``True`` → ``true``, dates and times in Oro's formats (an aware datetime → UTC ``…Z``, a naive one
refused), finite numbers, a list → ``a,b`` ("any of"), a :class:`Range` → ``a..b`` (inclusive);
what Oro cannot read raises :class:`~sandbox.exceptions.QueryError` naming the value. A query
string is written as the reference writes it: brackets, commas and dots literal, anything else
percent-encoded where needed. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from sandbox._operators import FLAG_TEXTS, Operator
from sandbox.exceptions import QueryError

__all__ = ["Range", "Shape", "filter_value", "format_value", "quote_query", "range_"]

# Characters written as they are, besides letters, digits and ``-._~``: the reference writes
# brackets, commas and colons literally; ``+``, ``&``, ``=``, ``#``, ``%`` and spaces are encoded.
_SAFE = "[],:@!$'()*/;"


@dataclass(frozen=True)
class Range:
    """``start..end``, both ends included: ``filter[id]=5..7`` means ``5 <= id <= 7``."""

    start: Any
    end: Any

    def __repr__(self) -> str:
        return f"range_({self.start!r}, {self.end!r})"


def range_(start: Any, end: Any) -> Range:
    """The inclusive range ``start..end`` as a filter value (``range`` is Python's)."""
    return Range(start, end)


Shape = Literal["value", "list", "range"]


def format_value(value: Any) -> str:
    """One filter value as Oro reads it (not a list or a range)."""
    if value is None:
        raise QueryError("None is not a filter value")
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return format_value(value.value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise QueryError(f"{value} is not a filter value: Oro's numbers are finite")
        return format(value, "f")
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise QueryError(f"{value} is not a filter value: Oro's numbers are finite")
        return repr(number)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise QueryError(
                f"the datetime {value.isoformat()} has no timezone: Oro needs one; use an aware"
                " datetime (tzinfo=datetime.timezone.utc) or a date"
            )
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise QueryError(f"the time {value.isoformat()} has a timezone: Oro's times have none")
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(int(value.total_seconds()))  # a duration, in seconds
    raise QueryError(f"{value!r} ({type(value).__name__}) is not a filter value")


def filter_value(path: str, operator: Operator, value: Any) -> tuple[str, Shape]:
    """``(text, shape)`` of a filter value; lists and ranges only with eq, neq and the like."""
    where = f"filter {path!r}" + ("" if operator.name == "eq" else f" [{operator.name}]")
    if value is None:
        hint = f"; for records without a value use .filter({path!r}, 'exists', False)"
        raise QueryError(f"{where}: None is not a value{hint}")
    if operator.flag:
        if isinstance(value, bool):
            return ("true" if value else "false"), "value"
        if isinstance(value, str) and value in FLAG_TEXTS:
            return value, "value"
        raise QueryError(f"{where} takes true or false, not {value!r}")
    if isinstance(value, Range | list | tuple | set | frozenset | range) and not operator.sets:
        kind = "a range" if isinstance(value, Range) else "a list"
        raise QueryError(f"{where} takes one value, not {kind}: {value!r}")
    try:
        if isinstance(value, Range):
            if value.start is None or value.end is None:
                raise QueryError("a range needs both ends")
            return f"{_item(value.start)}..{_item(value.end)}", "range"
        if isinstance(value, list | tuple | set | frozenset | range):
            items = [_item(v) for v in value]
            if not items:
                raise QueryError("an empty list matches nothing")
            return ",".join(items), "list"
        return format_value(value), "value"
    except QueryError as error:
        raise QueryError(f"{where}: {error}") from None


def _item(value: Any) -> str:
    if isinstance(value, Range | list | tuple | set | frozenset | range):
        raise QueryError(f"a list or range cannot hold {value!r}")
    text = format_value(value)
    if "," in text:
        raise QueryError(f"a list item cannot contain a comma: {text!r}")
    return text


def _encode(text: str) -> str:
    return quote(text, safe=_SAFE)


def quote_query(pairs: Iterable[tuple[str, str]]) -> str:
    """A query string as the reference writes it: ``filter[id]=5,7&sort=-name`` (brackets,
    commas and dots literal; everything else percent-encoded)."""
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)
