"""server/metadata/rules.py: Symfony's constraint messages with Oro's titles (reference §9)."""

from __future__ import annotations

from typing import Any

import pytest

from server.metadata.rules import (
    Email,
    Length,
    NotBlank,
    NotNull,
    Range,
    Rule,
    Unique,
    Violation,
    ZipCodes,
)

BLANK = Violation("not blank constraint", "This value should not be blank.")
NULL = Violation("not null constraint", "This value should not be null.")
EMAIL = Violation("email constraint", "This value is not a valid email address.")


def _length(detail: str) -> Violation:
    return Violation("length constraint", detail)


def _range(detail: str) -> Violation:
    return Violation("range constraint", detail)


NOT_VALID = "This value is not valid."
NUMERIC_RANGES = "Ranges are supported only for numeric postal codes"


def _zip(title: str, detail: str, *path: str | int) -> Violation:
    return Violation(title, detail, path)


CASES = [
    # ZipCodes (OroTaxBundle's ZipCodeType and ZipCodeFields): the first bad item, with its path
    pytest.param(
        ZipCodes(),
        [{"from": "90011", "to": None}, {"from": "90201", "to": "90280"}],
        None,
        id="zip-codes-reference",
    ),
    pytest.param(ZipCodes(), [], None, id="zip-codes-none"),
    pytest.param(ZipCodes(), None, None, id="zip-codes-null"),
    pytest.param(ZipCodes(), [{"from": "SW1A 1AA", "to": None}], None, id="zip-codes-one-text"),
    pytest.param(
        ZipCodes(), ["90011"], _zip("form constraint", NOT_VALID, 0), id="zip-codes-scalar-item"
    ),
    pytest.param(
        ZipCodes(),
        [{"from": "1", "to": None}, {"from": "1", "zip": "2"}],
        _zip("extra fields constraint", 'This form should not contain extra fields: "zip".', 1),
        id="zip-codes-extra-key",
    ),
    pytest.param(
        ZipCodes(),
        [{"from": "1", "to": {"a": 1}}],
        _zip("form constraint", NOT_VALID, 0, "to"),
        id="zip-codes-object-value",
    ),
    pytest.param(
        ZipCodes(),
        [{"from": "", "to": ""}],
        _zip("zip code fields constraint", "Zip code can't be empty", 0, "from"),
        id="zip-codes-empty",
    ),
    pytest.param(
        ZipCodes(),
        [{"from": "test", "to": "90280"}],
        _zip("zip code fields constraint", NUMERIC_RANGES, 0, "from"),
        id="zip-codes-range-start-not-numeric",
    ),
    pytest.param(
        ZipCodes(),
        [{"from": "90201", "to": "test"}],
        _zip("zip code fields constraint", NUMERIC_RANGES, 0, "from"),
        id="zip-codes-range-end-not-numeric",
    ),
    # NotBlank: null, "", [] and false are blank (Symfony); "0" and 0 are not
    pytest.param(NotBlank(), None, BLANK, id="not-blank-null"),
    pytest.param(NotBlank(), "", BLANK, id="not-blank-empty-string"),
    pytest.param(NotBlank(), [], BLANK, id="not-blank-empty-array"),
    pytest.param(NotBlank(), False, BLANK, id="not-blank-false"),
    pytest.param(NotBlank(), "a", None, id="not-blank-text"),
    pytest.param(NotBlank(), "0", None, id="not-blank-zero-string"),
    pytest.param(NotBlank(), 0, None, id="not-blank-zero"),
    pytest.param(NotBlank(), True, None, id="not-blank-true"),
    pytest.param(NotBlank(), ["a"], None, id="not-blank-array"),
    # NotNull: only null
    pytest.param(NotNull(), None, NULL, id="not-null-null"),
    pytest.param(NotNull(), "", None, id="not-null-empty-string"),
    pytest.param(NotNull(), False, None, id="not-null-false"),
    pytest.param(NotNull(), 0, None, id="not-null-zero"),
    # Length: max
    pytest.param(Length(max=3), "abc", None, id="length-max-reached"),
    pytest.param(
        Length(max=3),
        "abcd",
        _length("This value is too long. It should have 3 characters or less."),
        id="length-max-plural",
    ),
    pytest.param(
        Length(max=1),
        "ab",
        _length("This value is too long. It should have 1 character or less."),
        id="length-max-singular",
    ),
    pytest.param(
        Length(max=255),
        "x" * 256,
        _length("This value is too long. It should have 255 characters or less."),
        id="length-max-255",
    ),
    # Length: min
    pytest.param(Length(min=3), "abc", None, id="length-min-reached"),
    pytest.param(
        Length(min=3),
        "ab",
        _length("This value is too short. It should have 3 characters or more."),
        id="length-min-plural",
    ),
    pytest.param(
        Length(min=1),
        "",
        _length("This value is too short. It should have 1 character or more."),
        id="length-min-singular-empty-string",
    ),
    # Length: both bounds, and exact
    pytest.param(Length(min=3, max=32), "abc", None, id="length-between-min"),
    pytest.param(Length(min=3, max=32), "x" * 32, None, id="length-between-max"),
    pytest.param(
        Length(min=3, max=32),
        "ab",
        _length("This value is too short. It should have 3 characters or more."),
        id="length-between-too-short",
    ),
    pytest.param(
        Length(min=3, max=32),
        "x" * 33,
        _length("This value is too long. It should have 32 characters or less."),
        id="length-between-too-long",
    ),
    pytest.param(
        Length(min=4, max=4),
        "abc",
        _length("This value should have exactly 4 characters."),
        id="length-exact-plural",
    ),
    pytest.param(
        Length(min=1, max=1),
        "ab",
        _length("This value should have exactly 1 character."),
        id="length-exact-singular",
    ),
    pytest.param(Length(min=4, max=4), "abcd", None, id="length-exact-met"),
    # Length counts characters, not bytes, and ignores what is not a string
    pytest.param(Length(max=3), "ééé", None, id="length-counts-characters"),
    pytest.param(Length(min=1), None, None, id="length-ignores-null"),
    pytest.param(Length(max=1), 12345, None, id="length-ignores-numbers"),
    # Range
    pytest.param(Range(min=0), 0, None, id="range-min-inclusive"),
    pytest.param(
        Range(min=0), -1, _range("This value should be 0 or more."), id="range-min-violated"
    ),
    pytest.param(
        Range(min=0.5), 0.1, _range("This value should be 0.5 or more."), id="range-min-fraction"
    ),
    pytest.param(Range(max=10), 10, None, id="range-max-inclusive"),
    pytest.param(
        Range(max=10), 11, _range("This value should be 10 or less."), id="range-max-violated"
    ),
    pytest.param(
        Range(max=10.0), 10.5, _range("This value should be 10 or less."), id="range-max-float"
    ),
    pytest.param(Range(min=0, max=1), 0, None, id="range-between-low-edge"),
    pytest.param(Range(min=0, max=1), 1, None, id="range-between-high-edge"),
    pytest.param(Range(min=0, max=1), 0.1, None, id="range-between-inside"),
    pytest.param(
        Range(min=0, max=1),
        1.5,
        _range("This value should be between 0 and 1."),
        id="range-between-above",
    ),
    pytest.param(
        Range(min=0, max=1),
        -0.5,
        _range("This value should be between 0 and 1."),
        id="range-between-below",
    ),
    pytest.param(
        Range(min=1.5, max=2.5),
        3,
        _range("This value should be between 1.5 and 2.5."),
        id="range-between-fractions",
    ),
    pytest.param(Range(min=0), None, None, id="range-ignores-null"),
    pytest.param(Range(min=5), True, None, id="range-ignores-booleans"),
    # Email
    pytest.param(Email(), "john.doe@example.com", None, id="email"),
    pytest.param(Email(), "jimmy.henderson_c428e@example.com", None, id="email-underscore"),
    pytest.param(Email(), "john.doe", EMAIL, id="email-without-at"),
    pytest.param(Email(), "john@localhost", EMAIL, id="email-without-domain-dot"),
    pytest.param(Email(), "@example.com", EMAIL, id="email-without-local-part"),
    pytest.param(Email(), "john@@example.com", EMAIL, id="email-double-at"),
    pytest.param(Email(), "", None, id="email-ignores-empty-string"),
    pytest.param(Email(), None, None, id="email-ignores-null"),
    # Unique is checked by storage
    pytest.param(Unique(), "anything", None, id="unique-is-not-checked-here"),
]


@pytest.mark.parametrize(("rule", "value", "violation"), CASES)
def test_check(rule: Rule, value: Any, violation: Violation | None) -> None:
    assert rule.check(value) == violation


def test_unique_violation() -> None:
    assert Unique.violation() == Violation(
        "unique entity constraint", "This value is already used."
    )
