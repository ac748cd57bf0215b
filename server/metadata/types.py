"""Oro's data types: how each is stored, read from a request, written to the wire, and filtered.

Each type converts itself (click's ``ParamType.convert``): ``load`` turns a JSON request value into
the stored value or raises :class:`InvalidValue` with Oro's form message; ``dump`` turns a stored
value into the wire value (``None`` means "as stored", which keeps the hot path free of calls);
``parse_filter`` turns query-string text into a stored value or a :class:`Period` and raises
:class:`InvalidValue` with Oro's filter message. Values are stored in their wire form wherever that
orders correctly (datetimes as ``YYYY-MM-DDTHH:MM:SSZ`` text), and money/decimals as scaled integers
so that sums and comparisons are exact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import orjson
import sqlalchemy as sa

from server.metadata import operators


class InvalidValue(ValueError):
    """A value that does not fit its data type; ``args[0]`` is Oro's message."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Period:
    """A half-open range ``[start, end)`` of stored values that a partial date stands for."""

    start: Any
    end: Any


COMPARABLE = operators.defaults(operators.COMPARABLE)  # eq, neq, exists, neq_or_null
ORDERED = operators.defaults(operators.ORDERED)  # and lt, lte, gt, gte


@dataclass(frozen=True)
class DataType:
    name: str
    noun: str  # as in Oro's "Expected <noun> value." / "Expected an array of <noun>s."
    sql: Callable[[], sa.types.TypeEngine[Any]]
    load: Callable[[Any], Any]
    parse_filter: Callable[[str], Any]
    dump: Callable[[Any], Any] | None = None
    operators: tuple[str, ...] = COMPARABLE
    allow_list: bool = True
    allow_range: bool = False
    openapi: dict[str, Any] = field(default_factory=dict)
    # what the database driver hands back → the stored value (booleans as 0/1, JSON as text)
    from_db: Callable[[Any], Any] | None = None

    def to_wire(self, value: Any) -> Any:
        if value is None or self.dump is None:
            return value
        return self.dump(value)

    @property
    def reader(self) -> Callable[[Any], Any] | None:
        """Driver value → wire value in one call (None: the driver value is the wire value)."""
        from_db, dump = self.from_db, self.dump
        if from_db and dump:
            return lambda value: dump(from_db(value))
        return from_db or dump


def _given(noun: str, text: str) -> InvalidValue:
    return InvalidValue(f'Expected {noun} value. Given "{text}".')


# --- strings -----------------------------------------------------------------------------------


def _load_string(value: Any) -> str:
    # NUL: PostgreSQL's text cannot hold it (Oro's answer there is a 500), so neither database
    # stores it and both refuse it alike
    if isinstance(value, bool) or not isinstance(value, str | int | float) or "\x00" in str(value):
        raise InvalidValue("This value is not valid.")
    return str(value)


def _filter_string(text: str) -> str:
    if "\x00" in text:  # no stored text holds NUL (see _load_string)
        raise _given("string", text)
    return text


def _string_column(length: int) -> Callable[[], sa.types.TypeEngine[str]]:
    """``VARCHAR(length)`` on SQLite (which never enforces it: the rules do); unbounded text
    compared byte by byte (collation C) on PostgreSQL, so both sort and compare alike."""
    return lambda: sa.String(length).with_variant(sa.Text(collation="C"), "postgresql")


def _load_guid(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue("This value is not valid.")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue("This value is not valid.") from None


def _filter_guid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise _given("GUID", text) from None


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _load_currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise InvalidValue("This value is not a valid currency.")
    return value


# --- numbers -----------------------------------------------------------------------------------

_INT = re.compile(r"^[+-]?\d{1,19}$")  # int64 at most: longer is never valid
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
INT64 = 2**63


def _load_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidValue("Please enter an integer.")
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and _INT.match(value.strip())
    ):
        number = int(value)
    else:
        raise InvalidValue("Please enter an integer.")
    if not -INT64 <= number < INT64:
        raise InvalidValue("Please enter an integer.")
    return number


def _load_bigint(value: Any) -> int:
    try:
        return _load_integer(value)
    except InvalidValue:
        raise InvalidValue("This value is not valid.") from None


def _filter_integer(text: str) -> int:
    if not _INT.match(text) or not -INT64 <= int(text) < INT64:
        raise _given("integer", text)
    return int(text)


def _finite(value: Any) -> float:
    """``float(value)`` when it is a finite double, else ValueError."""
    number = float(value)  # OverflowError for ints beyond a double
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _load_float(value: Any) -> float:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric or (isinstance(value, str) and _NUMBER.match(value.strip())):
        try:
            return _finite(value)
        except (ValueError, OverflowError):
            pass
    raise InvalidValue("Please enter a number.")


def _filter_float(text: str) -> float:
    try:
        if _NUMBER.match(text):
            return _finite(text)
    except (ValueError, OverflowError):
        pass
    raise _given("float", text)


def _scaled(scale: int) -> tuple[Callable[[Any], int], Callable[[str], int], Callable[[int], str]]:
    """Exact decimals kept as integers of ``10**-scale`` units, rounded half-up on input."""
    unit = Decimal(1).scaleb(-scale)

    def to_units(value: Decimal) -> int:
        if not value.is_finite() or value.adjusted() > 18:
            raise InvalidOperation
        units = int(value.quantize(unit, rounding=ROUND_HALF_UP).scaleb(scale))
        if not -INT64 <= units < INT64:
            raise InvalidOperation
        return units

    def load(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidValue("This value is not valid.")
        text = str(value).strip()
        if not _NUMBER.match(text):
            raise InvalidValue("This value is not valid.")
        try:
            return to_units(Decimal(text))
        except InvalidOperation:
            raise InvalidValue("This value is not valid.") from None

    def parse_filter(text: str) -> int:
        try:
            if not _NUMBER.match(text):
                raise InvalidOperation
            return to_units(Decimal(text))
        except InvalidOperation:
            raise _given("decimal", text) from None

    def dump(units: int) -> str:
        return format(Decimal(units).scaleb(-scale), "f")

    return load, parse_filter, dump


def _trimmed(dump: Callable[[int], str]) -> Callable[[int], str]:
    def trim(units: int) -> str:
        text = dump(units)
        return text.rstrip("0").rstrip(".") if "." in text else text

    return trim


_DURATION_UNITS = re.compile(
    r"^\s*(?:(\d{1,15})\s*h)?\s*(?:(\d{1,15})\s*m)?\s*(?:(\d{1,15})\s*s)?\s*$", re.I
)
_DURATION_CLOCK = re.compile(r"^\s*(\d{1,15}):(\d{1,2})(?::(\d{1,2}))?\s*$")


def parse_duration(value: Any) -> int:
    """Seconds from ``11``, ``"1h 2m 3s"``, ``"1h"``, ``"1m 2s"``, ``"1:2:3"``, ``"1:2"`` (m:s)."""
    error = InvalidValue("Value is not in a valid duration format")
    if isinstance(value, bool):
        raise error
    if isinstance(value, int | float):
        if not 0 <= value < INT64:  # also rejects NaN
            raise error
        return int(value)
    if not isinstance(value, str) or not value.strip():
        raise error
    if _INT.match(value.strip()):
        if not 0 <= int(value) < INT64:
            raise error
        return int(value)
    if match := _DURATION_CLOCK.match(value):
        parts = [int(part) for part in match.groups() if part is not None]
        h, m, s = parts if len(parts) == 3 else [0, *parts]
        return h * 3600 + m * 60 + s
    match = _DURATION_UNITS.match(value)
    if not match or not any(match.groups()):
        raise error
    h, m, s = (int(part or 0) for part in match.groups())
    return h * 3600 + m * 60 + s


def _filter_duration(text: str) -> int:
    try:
        return parse_duration(text)
    except InvalidValue:
        raise _given("duration", text) from None


# --- booleans ----------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def _load_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise InvalidValue("This value is not valid.")


def parse_boolean_text(text: str) -> bool:
    """Oro's filter booleans: ``0|1|true|True|false|False|yes|Yes|no|No``."""
    if text in ("1", "true", "True", "yes", "Yes"):
        return True
    if text in ("0", "false", "False", "no", "No"):
        return False
    raise _given("boolean", text)


# --- dates and times ---------------------------------------------------------------------------

_DATETIME_INPUT = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"
)
_DATETIME_FILTER = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$"
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TIME_INPUT = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$")
_TIME_FILTER = re.compile(r"^(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _offset(zone: str | None) -> dt.timezone:
    if not zone or zone == "Z":
        return dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(zone)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _moment(parts: tuple[str | None, ...]) -> dt.datetime:
    year, month, day, hour, minute, second, zone = parts
    local = dt.datetime(
        int(year or 0),
        int(month or 1),
        int(day or 1),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        tzinfo=_offset(zone),
    )
    return local.astimezone(dt.UTC)


def format_datetime(moment: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the year in four digits (``strftime`` gives ``743``)."""
    utc = moment.astimezone(dt.UTC)
    return f"{utc.year:04d}-" + utc.strftime(DATETIME_FORMAT.removeprefix("%Y-"))


def _json_text(value: Any) -> str:
    """A request value as Oro quotes it in messages (JSON ``false`` is ``false``)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _check_date(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue(f'The "{year}-{month}-{day}" is not valid date.') from None


def _check_time(hour: str, minute: str, second: str) -> str:
    if int(hour) > 23 or int(minute) > 59 or int(second) > 59:
        raise InvalidValue(f'The "{hour}:{minute}:{second}" is not valid time.')
    return f"{int(hour):02}:{int(minute):02}:{int(second):02}"


def _load_datetime(value: Any) -> str:
    if value == "":
        raise InvalidValue("This value is not valid.")
    match = _DATETIME_INPUT.match(value) if isinstance(value, str) else None
    if match:
        year, month, day, hour, minute, second, _zone = match.groups()
        _check_date(year, month or "01", day or "01")
        if hour is not None:
            _check_time(hour, minute, second or "00")
    try:
        if not match:
            raise ValueError(value)
        return format_datetime(_moment(match.groups()))
    except (ValueError, OverflowError):
        raise InvalidValue(f'The "{_json_text(value)}" is not valid datetime.') from None


def _filter_datetime(text: str) -> Period:
    """A datetime filter value stands for the whole period of its precision."""
    text = text.replace(" ", "+")  # "+" arrives as a space when not percent-encoded
    match = _DATETIME_FILTER.match(text)
    try:
        if not match:
            raise ValueError(text)
        year, month, day, hour, minute, second, zone = match.groups()
        start = _moment(match.groups())
        if second is not None:
            end = start + dt.timedelta(seconds=1)
        elif minute is not None:
            end = start + dt.timedelta(minutes=1)
        elif hour is not None:
            end = start + dt.timedelta(hours=1)
        elif day is not None:
            end = start + dt.timedelta(days=1)
        elif month is not None:
            end = _add_months(start, 1)
        else:
            end = start.replace(year=start.year + 1)
        del year, zone
        return Period(format_datetime(start), format_datetime(end))
    except (ValueError, OverflowError):
        raise _given("datetime", text) from None


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month = moment.month - 1 + months
    return moment.replace(year=moment.year + month // 12, month=month % 12 + 1)


def _calendar_date(text: str) -> tuple[dt.date, str]:
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    return dt.date(int(year), int(month or 1), int(day or 1)), (
        "day" if day else "month" if month else "year"
    )


def _load_date(value: Any) -> str:
    if value == "":
        raise InvalidValue("This value is not valid.")
    match = _DATE.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidValue(f'The "{_json_text(value)}" is not valid date.')
    year, month, day = match.groups()
    return _check_date(year, month or "01", day or "01").isoformat()


def _filter_date(text: str) -> Period:
    try:
        start, precision = _calendar_date(text)
    except ValueError:
        raise _given("date", text) from None
    if precision == "day":
        end = start + dt.timedelta(days=1)
    elif precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        end = start + dt.timedelta(days=last)
    else:
        end = start.replace(year=start.year + 1)
    return Period(start.isoformat(), end.isoformat())


def _clock(match: re.Match[str] | None, text: str) -> str:
    if not match:
        raise ValueError(text)
    hour, minute, second = (int(part or 0) for part in match.groups())
    return dt.time(hour, minute, second).isoformat()


def _load_time(value: Any) -> str:
    if value == "":
        raise InvalidValue("This value is not valid.")
    match = _TIME_INPUT.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidValue(f'The "{_json_text(value)}" is not valid time.')
    hour, minute, second = match.groups()
    return _check_time(hour, minute, second or "00")


def _filter_time(text: str) -> str:
    try:
        return _clock(_TIME_FILTER.match(text), text)
    except ValueError:
        raise _given("time", text) from None


# --- structured --------------------------------------------------------------------------------


MAX_JSON_DEPTH = 200  # responses are serialized by orjson, which stops at 254 levels


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (iteratively: no recursion limit)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend(
                    (inner, level) for inner in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _load_json(value: Any) -> Any:
    if _depth(value) > MAX_JSON_DEPTH:
        raise InvalidValue("This value is not valid.")
    return value


def _filter_unsupported(text: str) -> Any:  # array/json fields have no filters
    raise _given("scalar", text)


def _integer_column() -> sa.types.TypeEngine[int]:
    """64-bit everywhere: SQLite's INTEGER is (and stays the rowid alias as a primary key),
    PostgreSQL's is 32-bit, so BIGINT there."""
    return sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def _json_column() -> sa.JSON:
    return sa.JSON(none_as_null=True)  # a null value is SQL NULL, so "exists" sees it


def _json_from_db(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _load_array(value: Any) -> list[Any]:
    if not isinstance(value, list) or _depth(value) > MAX_JSON_DEPTH:
        raise InvalidValue("This value is not valid.")
    return value


def _load_zip_codes(value: Any) -> list[Any]:
    """A list of ``{"from", "to"}`` objects, each made canonical: scalars as strings, one code
    as ``{"from": code, "to": null}`` (also when only ``to`` is sent), as Oro stores them; an
    item of another shape is kept for the ``ZipCodes`` rule to report."""
    items = _load_array(value)
    return [_zip_code(item) for item in items]


def _zip_code(item: Any) -> Any:
    if not isinstance(item, dict) or set(item) - {"from", "to"}:
        return item
    text = {}
    for key in ("from", "to"):
        part = item.get(key)
        if isinstance(part, bool) or not (part is None or isinstance(part, str | int | float)):
            return item
        text[key] = None if part is None else str(part)
    start, end = text["from"] or None, text["to"] or None
    if start is None and end is None:
        return {"from": text["from"], "to": text["to"]}  # both empty: the rule tells
    if start is None or end is None or start == end:
        return {"from": start or end, "to": None}
    return {"from": start, "to": end}


# --- the table ---------------------------------------------------------------------------------

_money_load, _money_filter, _money_dump = _scaled(4)


def decimal_type(scale: int) -> DataType:
    """A ``decimal`` column with ``scale`` fractional digits, returned trimmed (``"1.5"``)."""
    load, parse_filter, dump = _scaled(scale)
    return DataType(
        "decimal",
        "decimal",
        sa.BigInteger,
        load,
        parse_filter,
        _trimmed(dump),
        ORDERED,
        allow_range=True,
        openapi={"type": "string", "format": "decimal"},
    )


def enum_type(*cases: str) -> DataType:
    """A backed enum attribute: one of ``cases``, returned as the case name."""

    def load(value: Any) -> str:
        if value not in cases:
            raise InvalidValue("The value you selected is not a valid choice.")
        return str(value)

    def parse_filter(text: str) -> str:
        if text not in cases:
            raise InvalidValue(
                f'The value "{text}" is not valid. Known values: {", ".join(cases)}.'
            )
        return text

    return DataType(
        "enum",
        "enum",
        _string_column(50),
        load,
        parse_filter,
        None,
        COMPARABLE,
        openapi={"type": "string", "enum": list(cases)},
    )


STRING = DataType(
    "string",
    "string",
    _string_column(255),
    _load_string,
    _filter_string,
    allow_list=False,
    openapi={"type": "string"},
)
TEXT = DataType(
    "text",
    "string",
    lambda: sa.Text().with_variant(sa.Text(collation="C"), "postgresql"),
    _load_string,
    _filter_string,
    None,
    ("exists",),
    allow_list=False,
    openapi={"type": "string"},
)
INTEGER = DataType(
    "integer",
    "integer",
    _integer_column,
    _load_integer,
    _filter_integer,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "integer"},
)
BIGINT = DataType(
    "bigint",
    "integer",
    sa.BigInteger,
    _load_bigint,
    _filter_integer,
    str,
    ORDERED,
    allow_range=True,
    openapi={"type": "string", "format": "bigint"},
)
BOOLEAN = DataType(
    "boolean",
    "boolean",
    sa.Boolean,
    _load_boolean,
    parse_boolean_text,
    allow_list=False,
    openapi={"type": "boolean"},
    from_db=bool,
)
FLOAT = DataType(
    "float",
    "float",
    sa.Float,
    _load_float,
    _filter_float,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "number", "format": "float"},
)
PERCENT = DataType(
    "percent",
    "float",
    sa.Float,
    _load_float,
    _filter_float,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "number", "format": "percent"},
)
MONEY = DataType(
    "money",
    "decimal",
    sa.BigInteger,
    _money_load,
    _money_filter,
    _money_dump,
    ORDERED,
    allow_range=True,
    openapi={"type": "string", "format": "money"},
)
CURRENCY = DataType(
    "currency",
    "string",
    _string_column(3),
    _load_currency,
    _filter_string,
    openapi={"type": "string", "format": "currency", "pattern": "^[A-Z]{3}$"},
)
DURATION = DataType(
    "duration",
    "duration",
    _integer_column,
    parse_duration,
    _filter_duration,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "integer", "format": "duration"},
)
DATETIME = DataType(
    "datetime",
    "datetime",
    _string_column(20),
    _load_datetime,
    _filter_datetime,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "string", "format": "date-time"},
)
DATE = DataType(
    "date",
    "date",
    _string_column(10),
    _load_date,
    _filter_date,
    None,
    ORDERED,
    allow_range=True,
    openapi={"type": "string", "format": "date"},
)
TIME = DataType(
    "time",
    "time",
    _string_column(8),
    _load_time,
    _filter_time,
    None,
    ORDERED,
    allow_range=True,
    # not "format: time": JSON Schema's time needs an offset, and Oro's times have none
    openapi={"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"},
)
GUID = DataType(
    "guid",
    "GUID",
    _string_column(36),
    _load_guid,
    _filter_guid,
    openapi={"type": "string", "format": "uuid"},
)
JSON = DataType(
    "json",
    "json",
    _json_column,
    _load_json,
    _filter_unsupported,
    None,
    (),
    allow_list=False,
    openapi={},
    from_db=_json_from_db,
)
ARRAY = DataType(
    "array",
    "array",
    _json_column,
    _load_array,
    _filter_unsupported,
    None,
    (),
    allow_list=False,
    openapi={"type": "array", "items": {}},
    from_db=_json_from_db,
)
ZIP_CODES = DataType(
    "array",
    "array",
    _json_column,
    _load_zip_codes,
    _filter_unsupported,
    None,
    (),
    allow_list=False,
    openapi={
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "from": {"type": "string"},
                "to": {"type": ["string", "null"]},
            },
            "additionalProperties": False,
        },
    },
    from_db=_json_from_db,
)
