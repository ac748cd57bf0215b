"""Validation constraints declared on fields, with Symfony's titles and messages as Oro shows them.

A rule is pure: ``check(value)`` returns ``None`` or a ``Violation``. Uniqueness needs the
database, so :class:`Unique` only marks the field; the write action asks storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    title: str
    detail: str
    path: tuple[str | int, ...] = ()  # below the field's pointer (an item of a list, its key)


class Rule:
    def check(self, value: Any) -> Violation | None:
        raise NotImplementedError


@dataclass(frozen=True)
class NotBlank(Rule):
    def check(self, value: Any) -> Violation | None:
        if (
            value is None
            or value is False
            or value == ""
            or value == []
            or (isinstance(value, str) and not value.strip())
        ):
            return self.violation()
        return None

    @staticmethod
    def violation() -> Violation:
        return Violation("not blank constraint", "This value should not be blank.")


@dataclass(frozen=True)
class NotNull(Rule):
    def check(self, value: Any) -> Violation | None:
        if value is None:
            return Violation("not null constraint", "This value should not be null.")
        return None


def _plural(limit: int, word: str) -> str:
    return f"{limit} {word}" if limit == 1 else f"{limit} {word}s"


@dataclass(frozen=True)
class Length(Rule):
    min: int | None = None
    max: int | None = None

    def check(self, value: Any) -> Violation | None:
        if not isinstance(value, str):
            return None
        if self.min is not None and self.min == self.max and len(value) != self.min:
            return Violation(
                "length constraint",
                f"This value should have exactly {_plural(self.min, 'character')}.",
            )
        if self.max is not None and len(value) > self.max:
            return Violation(
                "length constraint",
                f"This value is too long. It should have {_plural(self.max, 'character')} or less.",
            )
        if self.min is not None and len(value) < self.min:
            return Violation(
                "length constraint",
                "This value is too short. It should have"
                f" {_plural(self.min, 'character')} or more.",
            )
        return None


@dataclass(frozen=True)
class Range(Rule):
    min: float | None = None
    max: float | None = None

    def check(self, value: Any) -> Violation | None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        low = self.min is not None and value < self.min
        high = self.max is not None and value > self.max
        if not (low or high):
            return None
        if self.min is not None and self.max is not None:
            detail = f"This value should be between {_num(self.min)} and {_num(self.max)}."
        elif low:
            detail = f"This value should be {_num(self.min)} or more."
        else:
            detail = f"This value should be {_num(self.max)} or less."
        return Violation("range constraint", detail)


@dataclass(frozen=True)
class GreaterThanZero(Rule):
    """Oro's ``GreaterThanZero`` (ValidationBundle), say a shopping list item's quantity."""

    def check(self, value: Any) -> Violation | None:
        if not isinstance(value, int | float) or isinstance(value, bool) or value > 0:
            return None
        return Violation("greater than zero constraint", "This value should be greater than 0.")


def _num(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Email(Rule):
    def check(self, value: Any) -> Violation | None:
        if isinstance(value, str) and value and not _EMAIL.match(value):
            return Violation("email constraint", "This value is not a valid email address.")
        return None


@dataclass(frozen=True)
class Unique(Rule):
    """No other record has the same value — among the records that share the ``scope``
    relationships (``("organization",)``: unique in the organization). Checked by the write
    action and enforced by a unique index of the database."""

    scope: tuple[str, ...] = ()

    def check(self, value: Any) -> Violation | None:
        return None

    @staticmethod
    def violation() -> Violation:
        return Violation("unique entity constraint", "This value is already used.")


_ZIP_KEYS = ("from", "to")


@dataclass(frozen=True)
class ZipCodes(Rule):
    """A tax jurisdiction's ZIP codes (OroTaxBundle's ``ZipCodeType`` form and
    ``ZipCodeFields`` constraint): objects with ``from`` and ``to``; a range only of numeric
    codes. The first violation is reported, at the item (or its ``from``)."""

    def check(self, value: Any) -> Violation | None:
        for index, item in enumerate(value if isinstance(value, list) else []):
            violation = _zip_code_violation(item)
            if violation is not None:
                return Violation(violation.title, violation.detail, (index, *violation.path))
        return None


def _zip_code_violation(item: Any) -> Violation | None:
    if not isinstance(item, dict):
        return Violation("form constraint", "This value is not valid.")
    extra = [key for key in item if key not in _ZIP_KEYS]
    if extra:
        names = ", ".join(f'"{key}"' for key in extra)
        return Violation(
            "extra fields constraint", f"This form should not contain extra fields: {names}."
        )
    for key in _ZIP_KEYS:
        if item.get(key) is not None and not isinstance(item[key], str):
            return Violation("form constraint", "This value is not valid.", (key,))
    start, end = item.get("from") or "", item.get("to") or ""
    if not start and not end:
        return Violation("zip code fields constraint", "Zip code can't be empty", ("from",))
    if start and end and not (start.isdigit() and end.isdigit()):
        detail = "Ranges are supported only for numeric postal codes"
        return Violation("zip code fields constraint", detail, ("from",))
    return None


@dataclass(frozen=True)
class OneOf(Rule):
    """A value among a fixed set (Symfony's ``Choice``; with Oro's title and message of the
    constraint that checks it, say ``ShippingMethodIsValid``). ``None`` passes: ``NotBlank``
    says whether a value is required."""

    values: tuple[str, ...]
    title: str = "choice constraint"
    detail: str = "The value you selected is not a valid choice."

    def check(self, value: Any) -> Violation | None:
        if value is None or value in self.values:
            return None
        return Violation(self.title, self.detail)
