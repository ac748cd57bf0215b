"""server/metadata/types.py against the reference: §10.2 wire formats, §11.1–11.2 filter values.

The happy-path rows follow Oro's ``SupportedDataTypesTest`` (the reference calls it authoritative):
each row is request value → stored value → response value.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.metadata import types as t
from server.metadata.types import DataType, InvalidValue, Period

DECIMAL_8 = t.decimal_type(8)  # Oro's test entity: decimal(20, 8)
DECIMAL_3 = t.decimal_type(3)
DECIMAL_0 = t.decimal_type(0)
ENUM = t.enum_type("Item1", "Item2")
GUID = "ae404bc5-c9bb-4677-9bad-21144c704734"


def _same(actual: Any, expected: Any) -> None:
    """Equal and of the same type (``True == 1`` and ``1 == 1.0`` must not pass)."""
    assert (type(actual), actual) == (type(expected), expected)


# --- load → store → wire ------------------------------------------------------------------------

CONVERSIONS = [
    # string, text
    pytest.param(t.STRING, "New String", "New String", "New String", id="string"),
    pytest.param(t.STRING, "", "", "", id="string-empty"),
    pytest.param(t.TEXT, "Some Text", "Some Text", "Some Text", id="text"),
    # integer
    pytest.param(t.INTEGER, 2147483647, 2147483647, 2147483647, id="integer"),
    pytest.param(t.INTEGER, -1, -1, -1, id="integer-negative"),
    pytest.param(t.INTEGER, "0", 0, 0, id="integer-numeric-string"),
    # bigint: a string on the wire
    pytest.param(t.BIGINT, "123456789012345", 123456789012345, "123456789012345", id="bigint"),
    pytest.param(
        t.BIGINT, "9223372036854775807", 9223372036854775807, "9223372036854775807", id="bigint-max"
    ),
    pytest.param(
        t.BIGINT,
        "-9223372036854775808",
        -9223372036854775808,
        "-9223372036854775808",
        id="bigint-min",
    ),
    pytest.param(t.BIGINT, "0", 0, "0", id="bigint-zero"),
    pytest.param(t.BIGINT, 0, 0, "0", id="bigint-zero-number"),
    # boolean: the ten accepted inputs
    pytest.param(t.BOOLEAN, True, True, True, id="boolean-true"),
    pytest.param(t.BOOLEAN, False, False, False, id="boolean-false"),
    pytest.param(t.BOOLEAN, 1, True, True, id="boolean-1"),
    pytest.param(t.BOOLEAN, 0, False, False, id="boolean-0"),
    pytest.param(t.BOOLEAN, "1", True, True, id="boolean-1-string"),
    pytest.param(t.BOOLEAN, "0", False, False, id="boolean-0-string"),
    pytest.param(t.BOOLEAN, "true", True, True, id="boolean-true-string"),
    pytest.param(t.BOOLEAN, "false", False, False, id="boolean-false-string"),
    pytest.param(t.BOOLEAN, "yes", True, True, id="boolean-yes"),
    pytest.param(t.BOOLEAN, "no", False, False, id="boolean-no"),
    # decimal: exact, stored as scaled integers, a trimmed string on the wire
    pytest.param(DECIMAL_8, "1.234567", 123456700, "1.234567", id="decimal-trimmed"),
    pytest.param(DECIMAL_8, "123.456789", 12345678900, "123.456789", id="decimal"),
    pytest.param(DECIMAL_8, "0", 0, "0", id="decimal-zero"),
    pytest.param(DECIMAL_8, 0, 0, "0", id="decimal-zero-int"),
    pytest.param(DECIMAL_8, 0.0, 0, "0", id="decimal-zero-float"),
    pytest.param(DECIMAL_0, "123", 123, "123", id="decimal-scale-0"),
    pytest.param(DECIMAL_0, "123456", 123456, "123456", id="decimal-scale-0-large"),
    pytest.param(DECIMAL_3, "123", 123000, "123", id="decimal3-integral"),
    pytest.param(DECIMAL_3, "1000", 1000000, "1000", id="decimal3-keeps-integer-zeros"),
    pytest.param(DECIMAL_3, "2.5", 2500, "2.5", id="decimal3-trimmed"),
    pytest.param(DECIMAL_3, "0.001", 1, "0.001", id="decimal3-smallest"),
    pytest.param(DECIMAL_3, "1.2345", 1235, "1.235", id="decimal3-half-up"),
    pytest.param(DECIMAL_3, "1.2344", 1234, "1.234", id="decimal3-rounds-down"),
    pytest.param(DECIMAL_3, "-1.2345", -1235, "-1.235", id="decimal3-half-up-negative"),
    pytest.param(DECIMAL_3, -0.5, -500, "-0.5", id="decimal3-negative-number"),
    # float, percent: numbers
    pytest.param(t.FLOAT, 1.1, 1.1, 1.1, id="float"),
    pytest.param(t.FLOAT, 123.456789, 123.456789, 123.456789, id="float-precise"),
    pytest.param(t.FLOAT, "0", 0.0, 0.0, id="float-zero-string"),
    pytest.param(t.FLOAT, 0, 0.0, 0.0, id="float-zero-int"),
    pytest.param(t.PERCENT, 0.1, 0.1, 0.1, id="percent-fraction"),
    # money: 4 decimals on the wire, rounded half-up on input
    pytest.param(t.MONEY, "123.456789", 1234568, "123.4568", id="money-rounded"),
    pytest.param(t.MONEY, "123.456", 1234560, "123.4560", id="money-padded"),
    pytest.param(t.MONEY, "1.234", 12340, "1.2340", id="money"),
    pytest.param(t.MONEY, "123.4567", 1234567, "123.4567", id="money-exact"),
    pytest.param(t.MONEY, "123.45675", 1234568, "123.4568", id="money-half-up"),
    pytest.param(t.MONEY, "123.45674999", 1234567, "123.4567", id="money-below-half"),
    pytest.param(t.MONEY, "-123.45675", -1234568, "-123.4568", id="money-half-up-negative"),
    pytest.param(t.MONEY, "0", 0, "0.0000", id="money-zero"),
    pytest.param(t.MONEY, 0, 0, "0.0000", id="money-zero-int"),
    pytest.param(t.MONEY, 0.0, 0, "0.0000", id="money-zero-float"),
    # currency, guid, enum
    pytest.param(t.CURRENCY, "USD", "USD", "USD", id="currency"),
    pytest.param(t.CURRENCY, "UAH", "UAH", "UAH", id="currency-other"),
    pytest.param(t.GUID, GUID, GUID, GUID, id="guid"),
    pytest.param(ENUM, "Item1", "Item1", "Item1", id="enum"),
    # duration: integer seconds
    pytest.param(t.DURATION, 11, 11, 11, id="duration-seconds"),
    pytest.param(t.DURATION, 0, 0, 0, id="duration-zero"),
    pytest.param(t.DURATION, "123", 123, 123, id="duration-seconds-string"),
    pytest.param(t.DURATION, "0", 0, 0, id="duration-zero-string"),
    pytest.param(t.DURATION, "1h 2m 3s", 3723, 3723, id="duration-jira"),
    pytest.param(t.DURATION, "1h", 3600, 3600, id="duration-jira-hours"),
    pytest.param(t.DURATION, "1m", 60, 60, id="duration-jira-minutes"),
    pytest.param(t.DURATION, "1s", 1, 1, id="duration-jira-seconds"),
    pytest.param(t.DURATION, "1m 2s", 62, 62, id="duration-jira-minutes-seconds"),
    pytest.param(t.DURATION, "1:2:3", 3723, 3723, id="duration-column"),
    pytest.param(t.DURATION, "1:2", 62, 62, id="duration-column-minutes-seconds"),
    # datetime: UTC with Z
    pytest.param(t.DATETIME, "2017", "2017-01-01T00:00:00Z", "2017-01-01T00:00:00Z", id="dt-year"),
    pytest.param(
        t.DATETIME,
        "0743-04-28T11:32:41+03:10",
        "0743-04-28T08:22:41Z",
        "0743-04-28T08:22:41Z",
        id="dt-year-in-four-digits",
    ),
    pytest.param(
        t.DATETIME, "2017-07", "2017-07-01T00:00:00Z", "2017-07-01T00:00:00Z", id="dt-month"
    ),
    pytest.param(
        t.DATETIME, "2017-07-21", "2017-07-21T00:00:00Z", "2017-07-21T00:00:00Z", id="dt-date"
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30+05:00",
        "2017-07-21T05:20:30Z",
        "2017-07-21T05:20:30Z",
        id="dt-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30-05:00",
        "2017-07-21T15:20:30Z",
        "2017-07-21T15:20:30Z",
        id="dt-negative-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T23:20:30-05:00",
        "2017-07-22T04:20:30Z",
        "2017-07-22T04:20:30Z",
        id="dt-offset-crosses-midnight",
    ),
    pytest.param(
        t.DATETIME, "2017-07-21T10:20:30Z", "2017-07-21T10:20:30Z", "2017-07-21T10:20:30Z", id="dt"
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20+05:00",
        "2017-07-21T05:20:00Z",
        "2017-07-21T05:20:00Z",
        id="dt-no-seconds-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20Z",
        "2017-07-21T10:20:00Z",
        "2017-07-21T10:20:00Z",
        id="dt-no-seconds",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30.123+05:00",
        "2017-07-21T05:20:30Z",
        "2017-07-21T05:20:30Z",
        id="dt-milliseconds-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30.123Z",
        "2017-07-21T10:20:30Z",
        "2017-07-21T10:20:30Z",
        id="dt-milliseconds-dropped",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T23:59:59Z",
        "2017-07-21T23:59:59Z",
        "2017-07-21T23:59:59Z",
        id="dt-max-time",
    ),
    pytest.param(
        t.DATETIME,
        "2017T10:20:30+05:00",
        "2017-01-01T05:20:30Z",
        "2017-01-01T05:20:30Z",
        id="dt-year-time-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017T10:20:30Z",
        "2017-01-01T10:20:30Z",
        "2017-01-01T10:20:30Z",
        id="dt-year-time",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07T10:20:30+05:00",
        "2017-07-01T05:20:30Z",
        "2017-07-01T05:20:30Z",
        id="dt-month-time-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07T10:20:30Z",
        "2017-07-01T10:20:30Z",
        "2017-07-01T10:20:30Z",
        id="dt-month-time",
    ),
    pytest.param(
        t.DATETIME,
        "2016-02-29T10:20:30Z",
        "2016-02-29T10:20:30Z",
        "2016-02-29T10:20:30Z",
        id="dt-leap-day",
    ),
    # date
    pytest.param(t.DATE, "2017-07-21", "2017-07-21", "2017-07-21", id="date"),
    pytest.param(t.DATE, "2017", "2017-01-01", "2017-01-01", id="date-year"),
    pytest.param(t.DATE, "2017-07", "2017-07-01", "2017-07-01", id="date-month"),
    # time
    pytest.param(t.TIME, "10:20:30", "10:20:30", "10:20:30", id="time"),
    pytest.param(t.TIME, "10:20", "10:20:00", "10:20:00", id="time-no-seconds"),
    pytest.param(t.TIME, "23:59:59", "23:59:59", "23:59:59", id="time-max"),
    pytest.param(t.TIME, "1:2:3", "01:02:03", "01:02:03", id="time-no-leading-zeros"),
    # structured
    pytest.param(t.ARRAY, [1, 2, 3], [1, 2, 3], [1, 2, 3], id="array"),
    pytest.param(t.ARRAY, [], [], [], id="array-empty"),
    pytest.param(t.JSON, {"key": "value"}, {"key": "value"}, {"key": "value"}, id="json"),
    # ZIP codes: each item made canonical, as Oro stores and answers them
    pytest.param(
        t.ZIP_CODES,
        [{"from": "90011", "to": None}, {"from": "90201", "to": "90280"}],
        [{"from": "90011", "to": None}, {"from": "90201", "to": "90280"}],
        [{"from": "90011", "to": None}, {"from": "90201", "to": "90280"}],
        id="zip-codes-reference",
    ),
    pytest.param(
        t.ZIP_CODES,
        [{"to": "90280"}],
        [{"from": "90280", "to": None}],
        [{"from": "90280", "to": None}],
        id="zip-codes-only-to",
    ),
    pytest.param(
        t.ZIP_CODES,
        [{"from": 90011}, {"from": "1", "to": "1"}, {"from": "", "to": "7"}],
        [{"from": "90011", "to": None}, {"from": "1", "to": None}, {"from": "7", "to": None}],
        [{"from": "90011", "to": None}, {"from": "1", "to": None}, {"from": "7", "to": None}],
        id="zip-codes-one-code-each",
    ),
    pytest.param(
        t.ZIP_CODES,
        ["x", {"from": "1", "x": 2}, {"from": ["a"]}],
        ["x", {"from": "1", "x": 2}, {"from": ["a"]}],
        ["x", {"from": "1", "x": 2}, {"from": ["a"]}],
        id="zip-codes-bad-items-kept-for-the-rule",
    ),
]


@pytest.mark.parametrize(("data_type", "value", "stored", "wire"), CONVERSIONS)
def test_load_then_to_wire(data_type: DataType, value: Any, stored: Any, wire: Any) -> None:
    loaded = data_type.load(value)
    _same(loaded, stored)
    _same(data_type.to_wire(loaded), wire)


ALL_TYPES = [
    pytest.param(data_type, id=data_type.name if data_type is not DECIMAL_3 else "decimal3")
    for data_type in (
        t.STRING, t.TEXT, t.INTEGER, t.BIGINT, t.BOOLEAN, t.FLOAT, t.PERCENT, t.MONEY,
        t.CURRENCY, t.DURATION, t.DATETIME, t.DATE, t.TIME, t.GUID, t.JSON, t.ARRAY,
        DECIMAL_3, ENUM,
    )
]  # fmt: skip


@pytest.mark.parametrize("data_type", ALL_TYPES)
def test_null_stays_null_on_the_wire(data_type: DataType) -> None:
    assert data_type.to_wire(None) is None


# --- load rejects, with Oro's form messages -----------------------------------------------------

NOT_VALID = "This value is not valid."
INTEGER_EXPECTED = "Please enter an integer."
NUMBER_EXPECTED = "Please enter a number."
DURATION_FORMAT = "Value is not in a valid duration format"

LOAD_ERRORS = [
    # string
    pytest.param(t.STRING, True, NOT_VALID, id="string-boolean"),
    pytest.param(t.ZIP_CODES, "90011", NOT_VALID, id="zip-codes-not-a-list"),
    pytest.param(t.STRING, ["a"], NOT_VALID, id="string-array"),
    # integer
    pytest.param(t.INTEGER, "", INTEGER_EXPECTED, id="integer-empty"),
    pytest.param(t.INTEGER, "a", INTEGER_EXPECTED, id="integer-text"),
    pytest.param(t.INTEGER, "1.5", INTEGER_EXPECTED, id="integer-fraction-string"),
    pytest.param(t.INTEGER, 1.5, INTEGER_EXPECTED, id="integer-fraction"),
    pytest.param(t.INTEGER, True, INTEGER_EXPECTED, id="integer-boolean"),
    pytest.param(t.INTEGER, 2**63, INTEGER_EXPECTED, id="integer-overflow"),
    # bigint, decimal, money: Symfony's default message
    pytest.param(t.BIGINT, "", NOT_VALID, id="bigint-empty"),
    pytest.param(t.BIGINT, "a", NOT_VALID, id="bigint-text"),
    pytest.param(t.BIGINT, "9223372036854775808", NOT_VALID, id="bigint-overflow"),
    pytest.param(DECIMAL_8, "", NOT_VALID, id="decimal-empty"),
    pytest.param(DECIMAL_8, "a", NOT_VALID, id="decimal-text"),
    pytest.param(DECIMAL_3, True, NOT_VALID, id="decimal3-boolean"),
    pytest.param(t.MONEY, "", NOT_VALID, id="money-empty"),
    pytest.param(t.MONEY, "a", NOT_VALID, id="money-text"),
    pytest.param(t.MONEY, "1,5", NOT_VALID, id="money-comma"),
    # float, percent
    pytest.param(t.FLOAT, "", NUMBER_EXPECTED, id="float-empty"),
    pytest.param(t.FLOAT, "a", NUMBER_EXPECTED, id="float-text"),
    pytest.param(t.PERCENT, "", NUMBER_EXPECTED, id="percent-empty"),
    pytest.param(t.PERCENT, "a", NUMBER_EXPECTED, id="percent-text"),
    # boolean
    pytest.param(t.BOOLEAN, "", NOT_VALID, id="boolean-empty"),
    pytest.param(t.BOOLEAN, "a", NOT_VALID, id="boolean-text"),
    pytest.param(t.BOOLEAN, 10, NOT_VALID, id="boolean-int-not-0-or-1"),
    # duration
    pytest.param(t.DURATION, "a", DURATION_FORMAT, id="duration-text"),
    pytest.param(t.DURATION, "1x", DURATION_FORMAT, id="duration-unknown-unit"),
    pytest.param(t.DURATION, -1, DURATION_FORMAT, id="duration-negative"),
    pytest.param(t.DURATION, True, DURATION_FORMAT, id="duration-boolean"),
    # datetime: the whole value when it does not parse
    pytest.param(t.DATETIME, "", NOT_VALID, id="dt-empty"),
    pytest.param(t.DATETIME, "a", 'The "a" is not valid datetime.', id="dt-text"),
    pytest.param(t.DATETIME, False, 'The "false" is not valid datetime.', id="dt-not-string"),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30",
        'The "2017-07-21T10:20:30" is not valid datetime.',
        id="dt-without-timezone",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20",
        'The "2017-07-21T10:20" is not valid datetime.',
        id="dt-without-seconds-and-timezone",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30.123",
        'The "2017-07-21T10:20:30.123" is not valid datetime.',
        id="dt-milliseconds-without-timezone",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10Z",
        'The "2017-07-21T10Z" is not valid datetime.',
        id="dt-without-minutes",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21 10:20:30",
        'The "2017-07-21 10:20:30" is not valid datetime.',
        id="dt-space-separator",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21 10:20:30Z",
        'The "2017-07-21 10:20:30Z" is not valid datetime.',
        id="dt-space-separator-with-timezone",
    ),
    pytest.param(
        t.DATETIME,
        "2017-7-21T10:20:30Z",
        'The "2017-7-21T10:20:30Z" is not valid datetime.',
        id="dt-month-without-leading-zero",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-1T10:20:30Z",
        'The "2017-07-1T10:20:30Z" is not valid datetime.',
        id="dt-day-without-leading-zero",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T1:20:30Z",
        'The "2017-07-21T1:20:30Z" is not valid datetime.',
        id="dt-hour-without-leading-zero",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:1:30Z",
        'The "2017-07-21T10:1:30Z" is not valid datetime.',
        id="dt-minute-without-leading-zero",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:1Z",
        'The "2017-07-21T10:20:1Z" is not valid datetime.',
        id="dt-second-without-leading-zero",
    ),
    # datetime: only the impossible part when the shape is right
    pytest.param(
        t.DATETIME, "2017-02-30T10:20:30Z", 'The "2017-02-30" is not valid date.', id="dt-bad-date"
    ),
    pytest.param(t.DATETIME, "2017-02-30", 'The "2017-02-30" is not valid date.', id="dt-bad-day"),
    pytest.param(
        t.DATETIME, "2017-13-21T10:20:30Z", 'The "2017-13-21" is not valid date.', id="dt-month-13"
    ),
    pytest.param(
        t.DATETIME, "2017-07-32T10:20:30Z", 'The "2017-07-32" is not valid date.', id="dt-day-32"
    ),
    pytest.param(t.DATETIME, "2017-13", 'The "2017-13-01" is not valid date.', id="dt-bad-month"),
    pytest.param(
        t.DATETIME, "2017-07-21T24:20:30Z", 'The "24:20:30" is not valid time.', id="dt-hour-24"
    ),
    pytest.param(
        t.DATETIME, "2017-07-21T10:60:30Z", 'The "10:60:30" is not valid time.', id="dt-minute-60"
    ),
    pytest.param(
        t.DATETIME, "2017-07-21T10:20:60Z", 'The "10:20:60" is not valid time.', id="dt-second-60"
    ),
    pytest.param(
        t.DATETIME, "2017-07-21T24:20Z", 'The "24:20:00" is not valid time.', id="dt-hour-24-hh-mm"
    ),
    # date
    pytest.param(t.DATE, "", NOT_VALID, id="date-empty"),
    pytest.param(t.DATE, "a", 'The "a" is not valid date.', id="date-text"),
    pytest.param(t.DATE, False, 'The "false" is not valid date.', id="date-not-string"),
    pytest.param(
        t.DATE,
        "2017-07-21T00:00:00",
        'The "2017-07-21T00:00:00" is not valid date.',
        id="date-with-time",
    ),
    pytest.param(
        t.DATE,
        "2017-07-21T00:00:00+05:00",
        'The "2017-07-21T00:00:00+05:00" is not valid date.',
        id="date-with-time-and-offset",
    ),
    pytest.param(
        t.DATE,
        "2017-07-21T00:00:00Z",
        'The "2017-07-21T00:00:00Z" is not valid date.',
        id="date-with-time-utc",
    ),
    pytest.param(t.DATE, "2017-02-30", 'The "2017-02-30" is not valid date.', id="date-feb-30"),
    pytest.param(t.DATE, "2017-02-29", 'The "2017-02-29" is not valid date.', id="date-no-leap"),
    pytest.param(t.DATE, "2017-13-21", 'The "2017-13-21" is not valid date.', id="date-month-13"),
    pytest.param(t.DATE, "2017-07-32", 'The "2017-07-32" is not valid date.', id="date-day-32"),
    pytest.param(t.DATE, "2017-7-21", 'The "2017-7-21" is not valid date.', id="date-month-digit"),
    pytest.param(t.DATE, "2017-07-1", 'The "2017-07-1" is not valid date.', id="date-day-digit"),
    # time
    pytest.param(t.TIME, "", NOT_VALID, id="time-empty"),
    pytest.param(t.TIME, "a", 'The "a" is not valid time.', id="time-text"),
    pytest.param(t.TIME, False, 'The "false" is not valid time.', id="time-not-string"),
    pytest.param(
        t.TIME,
        "2017-07-21T10:20:30Z",
        'The "2017-07-21T10:20:30Z" is not valid time.',
        id="time-with-date",
    ),
    pytest.param(
        t.TIME, "10:20:30+05:00", 'The "10:20:30+05:00" is not valid time.', id="time-with-offset"
    ),
    pytest.param(t.TIME, "10:20:30Z", 'The "10:20:30Z" is not valid time.', id="time-with-utc"),
    pytest.param(t.TIME, "10", 'The "10" is not valid time.', id="time-without-minutes"),
    pytest.param(t.TIME, "24:20:30", 'The "24:20:30" is not valid time.', id="time-hour-24"),
    pytest.param(t.TIME, "10:60:30", 'The "10:60:30" is not valid time.', id="time-minute-60"),
    pytest.param(t.TIME, "10:20:60", 'The "10:20:60" is not valid time.', id="time-second-60"),
    # guid, currency, enum, array
    pytest.param(t.GUID, "not-a-guid", NOT_VALID, id="guid-text"),
    pytest.param(t.GUID, 1, NOT_VALID, id="guid-number"),
    pytest.param(t.CURRENCY, "usd", "This value is not a valid currency.", id="currency-lower"),
    pytest.param(t.CURRENCY, "US", "This value is not a valid currency.", id="currency-short"),
    pytest.param(t.CURRENCY, 1, "This value is not a valid currency.", id="currency-number"),
    pytest.param(
        ENUM, "item1", "The value you selected is not a valid choice.", id="enum-wrong-case"
    ),
    pytest.param(ENUM, 1, "The value you selected is not a valid choice.", id="enum-number"),
    pytest.param(t.ARRAY, 0, NOT_VALID, id="array-number"),
    pytest.param(t.ARRAY, "", NOT_VALID, id="array-empty-string"),
]


@pytest.mark.parametrize(("data_type", "value", "message"), LOAD_ERRORS)
def test_load_rejects(data_type: DataType, value: Any, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        data_type.load(value)
    assert caught.value.message == message


# --- filter values (query text) -----------------------------------------------------------------


FILTERS = [
    pytest.param(t.STRING, "a,b", "a,b", id="string-verbatim"),
    pytest.param(t.INTEGER, "1", 1, id="integer"),
    pytest.param(t.INTEGER, "-1", -1, id="integer-negative"),
    pytest.param(t.BIGINT, "123456789012345", 123456789012345, id="bigint"),
    pytest.param(t.FLOAT, "1.5", 1.5, id="float"),
    pytest.param(t.MONEY, "123.456789", 1234568, id="money-rounded"),
    pytest.param(t.MONEY, "1", 10000, id="money-integral"),
    pytest.param(DECIMAL_3, "1.2345", 1235, id="decimal3-half-up"),
    pytest.param(t.DURATION, "11", 11, id="duration-seconds"),
    pytest.param(t.DURATION, "1h 2m 3s", 3723, id="duration-jira"),
    pytest.param(t.DURATION, "1:2", 62, id="duration-column"),
    pytest.param(t.GUID, GUID, GUID, id="guid"),
    pytest.param(t.CURRENCY, "USD", "USD", id="currency"),
    pytest.param(ENUM, "Item2", "Item2", id="enum"),
    # boolean: 0|1|true|True|false|False|yes|Yes|no|No
    *(
        pytest.param(t.BOOLEAN, text, value, id=f"boolean-{text}")
        for text, value in [
            ("1", True),
            ("true", True),
            ("True", True),
            ("yes", True),
            ("Yes", True),
            ("0", False),
            ("false", False),
            ("False", False),
            ("no", False),
            ("No", False),
        ]
    ),
    # datetime: the period of the given precision, [start, end)
    pytest.param(
        t.DATETIME,
        "2017",
        Period("2017-01-01T00:00:00Z", "2018-01-01T00:00:00Z"),
        id="dt-year",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07",
        Period("2017-07-01T00:00:00Z", "2017-08-01T00:00:00Z"),
        id="dt-month",
    ),
    pytest.param(
        t.DATETIME,
        "2017-12",
        Period("2017-12-01T00:00:00Z", "2018-01-01T00:00:00Z"),
        id="dt-december",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21",
        Period("2017-07-21T00:00:00Z", "2017-07-22T00:00:00Z"),
        id="dt-day",
    ),
    pytest.param(
        t.DATETIME,
        "2017-12-31",
        Period("2017-12-31T00:00:00Z", "2018-01-01T00:00:00Z"),
        id="dt-last-day-of-year",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10",
        Period("2017-07-21T10:00:00Z", "2017-07-21T11:00:00Z"),
        id="dt-hour",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T23",
        Period("2017-07-21T23:00:00Z", "2017-07-22T00:00:00Z"),
        id="dt-last-hour",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20",
        Period("2017-07-21T10:20:00Z", "2017-07-21T10:21:00Z"),
        id="dt-minute",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30",
        Period("2017-07-21T10:20:30Z", "2017-07-21T10:20:31Z"),
        id="dt-second",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30Z",
        Period("2017-07-21T10:20:30Z", "2017-07-21T10:20:31Z"),
        id="dt-second-utc",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30.123Z",
        Period("2017-07-21T10:20:30Z", "2017-07-21T10:20:31Z"),
        id="dt-milliseconds",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30+05:00",
        Period("2017-07-21T05:20:30Z", "2017-07-21T05:20:31Z"),
        id="dt-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30 05:00",
        Period("2017-07-21T05:20:30Z", "2017-07-21T05:20:31Z"),
        id="dt-offset-plus-as-space",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20:30-05:00",
        Period("2017-07-21T15:20:30Z", "2017-07-21T15:20:31Z"),
        id="dt-negative-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10+05:00",
        Period("2017-07-21T05:00:00Z", "2017-07-21T06:00:00Z"),
        id="dt-hour-offset",
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T10:20-05",
        Period("2017-07-21T15:20:00Z", "2017-07-21T15:21:00Z"),
        id="dt-minute-offset-hours-only",
    ),
    # date: YYYY[-MM[-DD]]
    pytest.param(t.DATE, "2017", Period("2017-01-01", "2018-01-01"), id="date-year"),
    pytest.param(t.DATE, "2017-02", Period("2017-02-01", "2017-03-01"), id="date-february"),
    pytest.param(t.DATE, "2016-02", Period("2016-02-01", "2016-03-01"), id="date-leap-february"),
    pytest.param(t.DATE, "2017-12", Period("2017-12-01", "2018-01-01"), id="date-december"),
    pytest.param(t.DATE, "2017-07-21", Period("2017-07-21", "2017-07-22"), id="date-day"),
    pytest.param(t.DATE, "2017-12-31", Period("2017-12-31", "2018-01-01"), id="date-last-day"),
    # time: hh[:mm[:ss[.f]]]
    pytest.param(t.TIME, "10", "10:00:00", id="time-hour"),
    pytest.param(t.TIME, "10:20", "10:20:00", id="time-minute"),
    pytest.param(t.TIME, "10:20:30", "10:20:30", id="time-second"),
    pytest.param(t.TIME, "10:20:30.5", "10:20:30", id="time-fraction-dropped"),
]


@pytest.mark.parametrize(("data_type", "text", "expected"), FILTERS)
def test_parse_filter(data_type: DataType, text: str, expected: Any) -> None:
    _same(data_type.parse_filter(text), expected)


FILTER_ERRORS = [
    pytest.param(t.INTEGER, "aaa", 'Expected integer value. Given "aaa".', id="integer-text"),
    pytest.param(t.INTEGER, "1.5", 'Expected integer value. Given "1.5".', id="integer-fraction"),
    pytest.param(t.INTEGER, "", 'Expected integer value. Given "".', id="integer-empty"),
    pytest.param(
        t.INTEGER,
        "9223372036854775808",
        'Expected integer value. Given "9223372036854775808".',
        id="integer-overflow",
    ),
    pytest.param(t.BIGINT, "x", 'Expected integer value. Given "x".', id="bigint-text"),
    pytest.param(t.FLOAT, "abc", 'Expected float value. Given "abc".', id="float-text"),
    pytest.param(t.MONEY, "x", 'Expected decimal value. Given "x".', id="money-text"),
    pytest.param(DECIMAL_3, "1,5", 'Expected decimal value. Given "1,5".', id="decimal3-comma"),
    pytest.param(t.DURATION, "x", 'Expected duration value. Given "x".', id="duration-text"),
    pytest.param(t.BOOLEAN, "x", 'Expected boolean value. Given "x".', id="boolean-text"),
    pytest.param(t.BOOLEAN, "TRUE", 'Expected boolean value. Given "TRUE".', id="boolean-upper"),
    pytest.param(t.BOOLEAN, "", 'Expected boolean value. Given "".', id="boolean-empty"),
    pytest.param(t.DATETIME, "test", 'Expected datetime value. Given "test".', id="dt-text"),
    pytest.param(
        t.DATETIME, "2017-02-30", 'Expected datetime value. Given "2017-02-30".', id="dt-bad-day"
    ),
    pytest.param(
        t.DATETIME, "2017-7-21", 'Expected datetime value. Given "2017-7-21".', id="dt-month-digit"
    ),
    pytest.param(
        t.DATETIME,
        "2017-07-21T24",
        'Expected datetime value. Given "2017-07-21T24".',
        id="dt-hour-24",
    ),
    pytest.param(t.DATE, "test", 'Expected date value. Given "test".', id="date-text"),
    pytest.param(
        t.DATE, "2017-02-30", 'Expected date value. Given "2017-02-30".', id="date-bad-day"
    ),
    pytest.param(
        t.DATE, "2017-07-21T10", 'Expected date value. Given "2017-07-21T10".', id="date-with-time"
    ),
    pytest.param(t.TIME, "x", 'Expected time value. Given "x".', id="time-text"),
    pytest.param(t.TIME, "25", 'Expected time value. Given "25".', id="time-hour-25"),
    pytest.param(t.TIME, "10:60", 'Expected time value. Given "10:60".', id="time-minute-60"),
    pytest.param(t.GUID, "x", 'Expected GUID value. Given "x".', id="guid-text"),
    pytest.param(
        ENUM,
        "item1",
        'The value "item1" is not valid. Known values: Item1, Item2.',
        id="enum-unknown",
    ),
]


@pytest.mark.parametrize(("data_type", "text", "message"), FILTER_ERRORS)
def test_parse_filter_rejects(data_type: DataType, text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        data_type.parse_filter(text)
    assert caught.value.message == message


# --- operators, lists and ranges per type (§11.1–11.2) ------------------------------------------

EQUALITY = ("eq", "neq", "exists", "neq_or_null")
ORDERING = ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "neq_or_null")

FILTER_SHAPES = [
    # data type, default operators, lists (a,b), ranges (a..b)
    pytest.param(t.STRING, EQUALITY, False, False, id="string"),
    pytest.param(t.BOOLEAN, EQUALITY, False, False, id="boolean"),
    pytest.param(t.GUID, EQUALITY, True, False, id="guid"),
    pytest.param(ENUM, EQUALITY, True, False, id="enum"),
    pytest.param(t.CURRENCY, EQUALITY, True, False, id="currency"),
    pytest.param(t.TEXT, ("exists",), False, False, id="text"),
    pytest.param(t.INTEGER, ORDERING, True, True, id="integer"),
    pytest.param(t.BIGINT, ORDERING, True, True, id="bigint"),
    pytest.param(DECIMAL_3, ORDERING, True, True, id="decimal"),
    pytest.param(t.FLOAT, ORDERING, True, True, id="float"),
    pytest.param(t.PERCENT, ORDERING, True, True, id="percent"),
    pytest.param(t.MONEY, ORDERING, True, True, id="money"),
    pytest.param(t.DURATION, ORDERING, True, True, id="duration"),
    pytest.param(t.DATETIME, ORDERING, True, True, id="datetime"),
    pytest.param(t.DATE, ORDERING, True, True, id="date"),
    pytest.param(t.TIME, ORDERING, True, True, id="time"),
    pytest.param(t.ARRAY, (), False, False, id="array"),
    pytest.param(t.JSON, (), False, False, id="json"),
]


@pytest.mark.parametrize(("data_type", "operators", "lists", "ranges"), FILTER_SHAPES)
def test_filter_shape(
    data_type: DataType, operators: tuple[str, ...], lists: bool, ranges: bool
) -> None:
    assert (data_type.operators, data_type.allow_list, data_type.allow_range) == (
        operators,
        lists,
        ranges,
    )
