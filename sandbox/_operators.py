"""The filter operators of Oro's query language (reference §11.2), one row each: the builder
writes them, the checks read them, the widgets offer them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["FLAG_TEXTS", "OPERATORS", "Operator"]

FLAG_TEXTS = frozenset({"0", "1", "true", "True", "false", "False", "yes", "Yes", "no", "No"})


@dataclass(frozen=True)
class Operator:
    """One filter operator of §11.2: its name in brackets, Oro's internal symbol, what it means,
    whether it takes a flag (``true``/``false``) instead of a value, and whether lists and
    ranges apply to it."""

    name: str
    symbol: str
    meaning: str
    flag: bool = False
    sets: bool = False


OPERATORS: Mapping[str, Operator] = {
    op.name: op
    for op in (
        Operator("eq", "=", "equal to (a list: any of; a range: between)", sets=True),
        Operator("neq", "!=", "not equal to; records without a value are not returned", sets=True),
        Operator("lt", "<", "less than"),
        Operator("lte", "<=", "less than or equal to"),
        Operator("gt", ">", "greater than"),
        Operator("gte", ">=", "greater than or equal to"),
        Operator("exists", "*", "true: has a value; false: has none", flag=True),
        Operator("neq_or_null", "!*", "not equal to, or without a value", sets=True),
        Operator("contains", "~", "contains the text (to-many: all of the values)", sets=True),
        Operator("not_contains", "!~", "does not contain the text", sets=True),
        Operator("starts_with", "^", "starts with the text"),
        Operator("not_starts_with", "!^", "does not start with the text"),
        Operator("ends_with", "$", "ends with the text"),
        Operator("not_ends_with", "!$", "does not end with the text"),
        Operator("empty", "", "true: empty or without a value; false: not empty", flag=True),
    )
}
