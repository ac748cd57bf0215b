"""The meta options of a resource object in a write request: ``update``, ``upsert``, ``validate``.

Read as Oro's ``MetaOperationParser`` reads them: ``update`` and ``validate`` are booleans,
``upsert`` is a boolean or a non-empty list of field names (``["id"]`` is ``true``), and at most
one of them may be true. Which options an object may carry depends on where it is: the primary
object of POST/PATCH takes ``upsert`` and ``validate`` (``update`` is "not supported"), an
included item takes ``update`` and ``upsert`` (``validate`` is "not supported").

Pointers: the primary object's options are reported at the root (``/meta/upsert``), as Oro does,
an included item's at ``/included/N/meta/upsert``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from server.jsonapi.errors import ApiError, RequestDataConstraint, ValueConstraint

OPTIONS = ("update", "upsert", "validate")
NOT_SUPPORTED = "The option is not supported."


@dataclass(frozen=True)
class MetaOptions:
    update: bool = False
    upsert: bool | tuple[str, ...] = False  # True: find by id; a tuple: find by these fields
    validate: bool = False

    @property
    def upsert_by_id(self) -> bool:
        return self.upsert is True

    @property
    def upsert_fields(self) -> tuple[str, ...] | None:
        return self.upsert if isinstance(self.upsert, tuple) else None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _upsert(value: Any) -> bool | tuple[str, ...] | None:
    if isinstance(value, bool):
        return value
    if (
        isinstance(value, list)
        and value
        and all(isinstance(name, str) and name.strip() for name in value)
    ):
        return True if value == ["id"] else tuple(value)
    return None


def parse_meta_options(
    meta: Any, where: str, allowed: Iterable[str]
) -> tuple[MetaOptions, list[ApiError]]:
    """The options in ``meta`` (the object's ``meta`` member, any JSON) and the errors found.

    ``where`` is the pointer of the meta object (``/meta`` or ``/included/0/meta``); ``allowed``
    names the options this object may carry, the others are "not supported" when present.
    """
    if not isinstance(meta, dict):
        return MetaOptions(), []
    allowed = frozenset(allowed)
    errors: list[ApiError] = [
        ValueConstraint(NOT_SUPPORTED, pointer=f"{where}/{name}")
        for name in OPTIONS
        if name in meta and name not in allowed
    ]
    if errors:
        return MetaOptions(), errors
    values: dict[str, Any] = {}
    for name in OPTIONS:
        if name not in meta:
            continue
        value = _upsert(meta[name]) if name == "upsert" else _boolean(meta[name])
        if value is None:
            detail = (
                "This value should be a boolean or an array of strings."
                if name == "upsert"
                else "This value should be a boolean."
            )
            return MetaOptions(), [ValueConstraint(detail, pointer=f"{where}/{name}")]
        values[name] = value
    if sum(1 for value in values.values() if value) > 1:
        return MetaOptions(), [
            RequestDataConstraint("Only one meta option can be used.", pointer=where)
        ]
    return MetaOptions(**values), []
