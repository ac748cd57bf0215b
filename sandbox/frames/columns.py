"""Typed columns: a list of wire values plus a data kind → a pandas array.

One row per kind (``CONVERTERS``), as the wire formats of Oro's spec §10.2 describe them:

============  ===================================  ============================================
kind          on the wire                          column
============  ===================================  ============================================
datetime      ``"2024-01-02T07:41:02Z"``           ``datetime64[us, UTC]`` (timezone-aware)
date          ``"2024-02-16"``                     ``datetime64[us]`` at midnight (naive)
time          ``"10:30:00"``                       ``str`` as sent (pandas has no time-of-day
                                                   dtype; the text sorts in time order)
money,        ``"3017.1000"`` (string)             ``float64``, or ``Decimal`` objects with
decimal                                            ``decimals="decimal"``
integer       ``42``                               ``Int64`` (nullable)
bigint        ``"123456789012345"`` (string)       ``Int64`` (nullable, exact)
float,        ``1.5`` / ``0.2`` (0.2 = 20 %)       ``float64`` (percent stays a fraction)
percent
boolean       ``true``                             ``boolean`` (nullable)
enum          ``"enabled"``                        ``category``
string        ``"text"``                           ``str``
duration      ``146527`` (seconds)                 ``timedelta64[us]`` (``.dt.total_seconds()``
                                                   gives the seconds back)
json          any JSON                             ``object`` (dicts and lists as parsed)
============  ===================================  ============================================

``sandbox.Metadata`` gives Oro's durations the kind ``integer`` (seconds on the wire), so with it
they arrive as ``Int64`` seconds; ``duration`` is there for kinds given by hand.
Without a kind (no metadata), :func:`infer` is conservative: JSON booleans → ``boolean``, integers
→ ``Int64``, numbers → ``float64``, ISO 8601 datetimes with ``Z`` or an offset → UTC datetimes;
every other string stays text (a money string stays a string until metadata says it is money).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sandbox._lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]
else:  # loaded with the first frame, not with ``import sandbox``
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

from sandbox.frames.container import FramesError

__all__ = [
    "CONVERTERS",
    "AttributeTypes",
    "Decimals",
    "Ids",
    "Typed",
    "Types",
    "convert",
    "infer",
    "integer_ids",
    "kinds_of",
    "objects",
    "typed",
]

Decimals = Literal["float", "decimal"]
Converter = Callable[[list[Any], Decimals], Any]
_EMPTY: Mapping[str, str] = {}


class AttributeTypes(Protocol):
    """Server metadata, e.g. ``sandbox.Metadata``: each attribute's kind per resource type."""

    def attribute_types(self, type: str, /) -> Mapping[str, str]: ...


# metadata, or a plain ``{type: {attribute: kind}}``; None: kinds inferred from the values
Types = AttributeTypes | Mapping[str, Mapping[str, str]] | None


def kinds_of(types: Types, kind: str) -> Mapping[str, str]:
    """``{attribute: kind}`` of the resource type ``kind`` ({} when unknown)."""
    if types is None:
        return _EMPTY
    if isinstance(types, Mapping):
        return types.get(kind) or _EMPTY
    try:
        return types.attribute_types(kind) or _EMPTY
    except (LookupError, ValueError):  # a type the metadata does not describe
        return _EMPTY


_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)")
# canonical non-negative integers (no sign, leading zeros or spaces that int() would accept)
_INT = r"(?:0|[1-9][0-9]{0,17})"
_INT_LIST = re.compile(rf"{_INT}(?:\x1f{_INT})*")


def _datetime(values: list[Any], decimals: Decimals) -> Any:
    try:  # Oro's own format first: twice as fast as the general ISO 8601 parser
        parsed = pd.to_datetime(values, format="%Y-%m-%dT%H:%M:%S%z", utc=True)
    except ValueError:  # fractions of seconds, no seconds…
        parsed = pd.to_datetime(values, format="ISO8601", utc=True)
    return parsed.as_unit("us").array


def _date(values: list[Any], decimals: Decimals) -> Any:
    present = [v for v in values if v is not None]
    if all(type(v) is str for v in present) and max(map(len, present), default=0) <= 10:
        # numpy reads ISO dates ten times faster than pandas (and "2024-02" as February 1st)
        return pd.array(np.array(values, dtype="datetime64[D]").astype("datetime64[us]"))
    # with a time too (or not text): the day it falls on in UTC
    parsed = pd.to_datetime(values, format="ISO8601", utc=True).tz_localize(None).normalize()
    return parsed.as_unit("us").array


def _text(values: list[Any], decimals: Decimals) -> Any:
    return pd.array(values, dtype="str")


def _decimal(values: list[Any], decimals: Decimals) -> Any:
    if decimals == "decimal":
        return objects([None if v is None else Decimal(str(v)) for v in values])
    return np.array(values, dtype="float64")  # numpy reads the strings; None → NaN


def _integer(values: list[Any], decimals: Decimals) -> Any:
    return pd.array(values, dtype="Int64")


def _bigint(values: list[Any], decimals: Decimals) -> Any:
    return pd.array([None if v is None else int(v) for v in values], dtype="Int64")


def _float(values: list[Any], decimals: Decimals) -> Any:
    return np.array(values, dtype="float64")  # None → NaN


def _boolean(values: list[Any], decimals: Decimals) -> Any:
    return pd.array(values, dtype="boolean")


def _enum(values: list[Any], decimals: Decimals) -> Any:
    if all(v is None for v in values):  # no categories: text ones, as the cases are text
        return pd.Categorical(values, categories=pd.Index([], dtype="str"))
    return pd.Categorical(values)


def _duration(values: list[Any], decimals: Decimals) -> Any:
    return pd.to_timedelta(values, unit="s").as_unit("us").array


def _json(values: list[Any], decimals: Decimals) -> Any:
    return objects(values)


CONVERTERS: dict[str, Converter] = {
    "datetime": _datetime,
    "date": _date,
    "time": _text,
    "money": _decimal,
    "decimal": _decimal,
    "integer": _integer,
    "bigint": _bigint,
    "float": _float,
    "percent": _float,
    "boolean": _boolean,
    "enum": _enum,
    "string": _text,
    "duration": _duration,
    "json": _json,
}


@dataclass
class Typed:
    """A column already typed as ``kind`` (``fetch_all`` types each page as it arrives)."""

    kind: str
    values: Any  # a numpy or pandas array

    @classmethod
    def concat(cls, parts: list[Typed]) -> Typed:
        if len(parts) == 1:
            return parts[0]
        kind = parts[0].kind
        if kind == "enum":  # categories united, sorted as pd.Categorical sorts them
            try:
                return cls(
                    kind,
                    pd.api.types.union_categoricals(
                        [p.values for p in parts], sort_categories=True
                    ),
                )
            except TypeError:  # categories of different dtypes (numbers here, text there)
                values = chain.from_iterable(np.asarray(p.values, dtype=object) for p in parts)
                return cls(kind, pd.Categorical([None if pd.isna(v) else v for v in values]))
        series = [pd.Series(p.values, copy=False) for p in parts]
        return cls(kind, pd.concat(series, ignore_index=True).array)


def typed(where: str, values: list[Any], kind: str, decimals: Decimals) -> Typed:
    """``values`` typed as ``kind``; a value that does not fit raises a :class:`FramesError`
    naming ``where`` (``type.attribute``)."""
    try:
        return Typed(kind, convert(values, kind, decimals))
    except (ValueError, TypeError, ArithmeticError) as error:
        sample = next((v for v in values if v is not None), None)
        raise FramesError(
            f"{where}: cannot read the values as {kind} (e.g. {sample!r:.60}): {error}"
        ) from error


def convert(values: list[Any], kind: str | None, decimals: Decimals = "float") -> Any:
    """The column for ``values`` of ``kind`` (inferred when the kind is None or unknown).

    Raises ``ValueError`` or ``TypeError`` when a value does not fit the kind.
    """
    converter = CONVERTERS.get(kind) if kind is not None else None
    if converter is None:
        return infer(values)
    return converter(values, decimals)


def infer(values: list[Any]) -> Any:
    """A column typed from the values alone: booleans, integers, numbers, UTC datetimes; any
    other column stays as it is (text, or objects). Never raises."""
    kinds = {type(v) for v in values if v is not None}
    try:
        if kinds == {bool}:
            return _boolean(values, "float")
        if kinds == {int}:
            return _integer(values, "float")
        if kinds and kinds <= {int, float}:
            return _float(values, "float")
        if kinds == {str}:
            if all(_DATETIME.fullmatch(v) for v in values if v is not None):
                return _datetime(values, "float")
            return _text(values, "float")
    except (ValueError, TypeError, OverflowError):  # e.g. beyond int64, or a 13th month
        if kinds == {str}:
            return _text(values, "float")
    return objects(values)


def objects(values: list[Any]) -> np.ndarray:
    """An ``object`` column holding the values as they are (dicts, lists…)."""
    # fromiter keeps lists as elements; np.array would build a 2-D array from equal-length lists
    return np.fromiter(values, dtype=object, count=len(values))


def integer_ids(ids: list[Any]) -> list[int] | None:
    """The ids as ints when every one is a canonical int64 decimal string, else None."""
    try:
        joined = "\x1f".join(ids)
    except TypeError:  # not all strings: a server that sends numbers, or None among them
        return None
    digits = joined.replace("\x1f", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) + len(ids) - 1 != len(joined):
        return None  # a sign, a space, a letter…, or the separator inside an id
    if "\x1f\x1f" in joined or joined.startswith("\x1f") or joined.endswith("\x1f"):
        return None  # an empty id
    if "\x1f0" in "\x1f" + joined and not _INT_LIST.fullmatch(joined):
        return None  # a leading zero: "007" is not the integer 7
    if max(map(len, ids)) > 18:
        return None  # beyond int64
    return list(map(int, ids))


@dataclass
class Ids:
    """A column of ids: ints when every id present is an integer (``integers``), else strings;
    None where there is no id."""

    values: list[Any]
    integers: bool

    @classmethod
    def of(cls, raw: list[Any]) -> Ids:
        """Ids as a document has them: strings (JSON:API), or None."""
        present = [v for v in raw if v is not None] if None in raw else raw
        ints = integer_ids(present) if present else []
        if ints is None:
            return cls([v if v is None or type(v) is str else str(v) for v in raw], False)
        if len(present) == len(raw):
            return cls(ints, True)
        numbers = iter(ints)
        return cls([None if v is None else next(numbers) for v in raw], True)

    @classmethod
    def concat(cls, parts: list[Ids]) -> Ids:
        if len(parts) == 1:
            return parts[0]
        if all(p.integers for p in parts):
            return cls(list(chain.from_iterable(p.values for p in parts)), True)
        return cls(list(chain.from_iterable(p.text() for p in parts)), False)

    def text(self) -> list[Any]:
        if not self.integers:
            return self.values
        return [None if v is None else str(v) for v in self.values]

    def index(self) -> pd.Index:
        """The index of a frame: ``int64`` when every id is an integer, else ``str``."""
        if self.integers and None not in self.values:
            return pd.Index(np.array(self.values, dtype=np.int64), name="id")
        return pd.Index(pd.array(self.text(), dtype="str"), name="id")

    def array(self) -> Any:
        """A column: ``Int64`` (nullable) for integers, else ``str``."""
        return pd.array(self.values, dtype="Int64" if self.integers else "str")
