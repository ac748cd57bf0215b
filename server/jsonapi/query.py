"""Oro's query language: ``filter``, ``fields``, ``include``, ``page``, ``sort`` and ``meta``.

``parse_query`` turns the query string's ``(key, value)`` pairs into a :class:`Query` checked
against the resource metadata, collecting every problem as a ``filter constraint`` (or ``sort
constraint``) error whose ``source.parameter`` is the exact key the client sent. Pure: no SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.jsonapi.errors import ApiError, SortConstraint, filter_error, raise_all
from server.metadata import types as t
from server.metadata.model import Registry, Resource
from server.metadata.operators import OPERATORS

META_PROPERTIES = ("title",)
FAMILIES = frozenset({"filter", "fields", "include", "page", "sort", "meta"})
LIST_FAMILIES = FAMILIES
ITEM_FAMILIES = frozenset({"fields", "include", "meta"})
NOT_SUPPORTED = "The filter is not supported."
# Sandbox bounds (Oro has none; SQLite's parser stack does): the associations a filter, sort or
# include path may cross, and how deep the objects of a filter sent in a body may nest.
MAX_PATH = 4
MAX_BODY_FILTER_DEPTH = 4


def too_long(kind: str) -> str:
    return f"The {kind} path may cross at most {MAX_PATH} associations."


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


@dataclass(frozen=True)
class Range:
    """``low..high``, inclusive; ``high_open`` when the high end is a period's exclusive end."""

    low: Any
    high: Any
    high_open: bool = False


@dataclass(frozen=True)
class Filter:
    parameter: str  # the key as sent, e.g. "filter[id][gt]"
    path: tuple[str, ...]  # ("owner", "name")
    operator: str
    value: Any  # a stored value, a list (IN), a Range, a types.Period, or a bool (exists/empty)


@dataclass(frozen=True)
class Query:
    filters: tuple[Filter, ...] = ()
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    include: tuple[tuple[str, ...], ...] = ()
    sort: tuple[tuple[tuple[str, ...], bool], ...] = ()  # (path, descending)
    page_number: int = 1
    page_size: int = 10  # -1: no paging
    meta: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # what was sent, for pagination links


def split_key(key: str) -> tuple[str, list[str]] | None:
    """``filter[a][b]`` → ``("filter", ["a", "b"])``; None for a malformed key."""
    match = _KEY.match(key)
    if not match:
        return None
    return match.group(1), re.findall(r"\[([^\[\]]*)\]", match.group(2))


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith("s") else "s")


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class _Target:
    """What a filter path ends on: a scalar of some type, or a to-many association."""

    type: t.DataType
    operators: tuple[str, ...]
    to_many: bool
    identifier: bool  # ids and associations accept lists whatever their type


def _resolve(registry: Registry, resource: Resource, path: list[str]) -> _Target | None:
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if name == "id" and last:
            return _Target(
                resource.id_type,
                t.ORDERED if resource.id_type is t.INTEGER else t.COMPARABLE,
                False,
                True,
            )
        if name in resource.attribute and last:
            attr = resource.attribute[name]
            return _Target(attr.type, attr.operators, False, False) if attr.operators else None
        rel = resource.relationship.get(name)
        if rel is None or not rel.filterable:
            return None
        target = registry[rel.target]
        if last:
            return _Target(target.id_type, rel.operators, rel.many, True)
        resource = target
    return None


def _parse_value(target: _Target, operator: str, text: str) -> Any:
    kind, row = target.type, OPERATORS[operator]
    if row.flag:
        return t.parse_boolean_text(text)
    if text == "" and kind.name in ("string", "text", "enum", "currency"):
        raise t.InvalidValue(f'Expected not empty string value. Given "{text}".')
    multi = row.sets
    ranged = row.ranges_many or not target.to_many  # contains all: no ranges
    if multi and ranged and kind.allow_range and ".." in text:
        low_text, _, high_text = text.partition("..")
        try:
            low, high = kind.parse_filter(low_text), kind.parse_filter(high_text)
        except t.InvalidValue:
            noun = kind.noun
            raise t.InvalidValue(
                f'Expected a pair of {_plural(noun)} ({noun}..{noun}). Given "{text}".'
            ) from None
        if isinstance(low, t.Period):  # partial dates: from the start of one to the end of other
            return Range(low.start, high.end, high_open=True)
        return Range(low, high)
    if multi and (kind.allow_list or target.identifier or target.to_many) and "," in text:
        try:
            return [kind.parse_filter(item) for item in text.split(",")]
        except t.InvalidValue:
            raise t.InvalidValue(
                f'Expected an array of {_plural(kind.noun)}. Given "{text}".'
            ) from None
    value = kind.parse_filter(text)
    return [value] if target.to_many else value


class _Parser:
    def __init__(
        self,
        registry: Registry,
        resource: Resource,
        families: frozenset[str],
        default_page_size: int,
    ) -> None:
        self.registry = registry
        self.resource = resource
        self.families = families
        self.errors: list[ApiError] = []
        self.filters: list[Filter] = []
        self.fields: dict[str, frozenset[str]] = {}
        self.include: tuple[tuple[str, ...], ...] = ()
        self.sort: tuple[tuple[tuple[str, ...], bool], ...] = ()
        self.page_number = 1
        self.page_size = default_page_size
        self.meta: tuple[str, ...] = ()

    def fail(self, key: str, detail: str) -> None:
        self.errors.append(filter_error(key, detail))

    def feed(self, key: str, value: str) -> None:
        parts = split_key(key)
        if parts is None or parts[0] not in self.families:
            self.fail(key, NOT_SUPPORTED)
            return
        family, segments = parts
        getattr(self, f"_{family}")(key, segments, value)

    # --- families ---

    def _filter(self, key: str, segments: list[str], value: str) -> None:
        if not segments or any(not s for s in segments):
            self.fail(key, NOT_SUPPORTED)
            return
        operator = "eq"
        if len(segments) > 1 and segments[-1] in OPERATORS:
            operator = segments.pop()
        path = [name for segment in segments for name in segment.split(".")]
        if len(path) > MAX_PATH + 1:
            self.fail(key, too_long("filter"))
            return
        target = _resolve(self.registry, self.resource, path)
        if target is None or "" in path:
            self.fail(key, NOT_SUPPORTED)
            return
        if operator not in target.operators:
            self.fail(key, f'The operator "{operator}" is not supported.')
            return
        try:
            parsed = _parse_value(target, operator, value)
        except t.InvalidValue as error:
            self.fail(key, error.message)
            return
        self.filters.append(Filter(key, tuple(path), operator, parsed))

    def _fields(self, key: str, segments: list[str], value: str) -> None:
        if len(segments) > 1:
            self.fail(key, NOT_SUPPORTED)
            return
        type_ = segments[0] if segments else ""
        if not type_:  # ``fields=…`` and ``fields[]=…``
            self.fail(key, "An entity type is not specified.")
            return
        if type_ not in self.registry:
            self.fail(key, "An entity type is not known.")
            return
        if type_ not in self._related_types():
            self.fail(key, NOT_SUPPORTED)
            return
        # Names are not trimmed: in ``phone, title`` the name " title" is no field (dropped).
        names = self._names(key, value, allow_empty=True, trim=False)
        if names is not None:
            self.fields[type_] = frozenset(names)

    def _include(self, key: str, segments: list[str], value: str) -> None:
        if segments:
            self.fail(key, NOT_SUPPORTED)
            return
        if value == "":
            self.fail(key, 'Expected not empty string value. Given "".')
            return
        names = self._names(key, value)
        if names is None:
            return
        paths = []
        for name in names:  # as Oro: an unknown association is ignored, from there on
            if name.count(".") >= MAX_PATH:
                self.fail(key, too_long("include"))
                continue
            resource, path = self.resource, []
            for part in name.split("."):
                rel = resource.relationship.get(part)
                if rel is None:
                    break
                path.append(part)
                resource = self.registry[rel.target]
            if path:
                paths.append(tuple(path))
        self.include = tuple(dict.fromkeys(paths))

    def _page(self, key: str, segments: list[str], value: str) -> None:
        if segments == ["size"]:
            if not re.fullmatch(r"[+-]?\d+", value):
                self.fail(key, f'Expected integer value. Given "{value}".')
            elif _bounded(value) < -1:
                self.fail(key, "The value should be greater than or equals to -1.")
            elif (cap := self.resource.max_page_size) is not None and _bounded(value) > cap:
                self.fail(key, f"The value should be less than or equals to {cap}.")
            else:
                self.page_size = _bounded(value)
        elif segments == ["number"]:
            if not re.fullmatch(r"\+?\d+", value):
                self.fail(key, f'Expected unsigned integer value. Given "{value}".')
            elif _bounded(value) < 1:
                self.fail(key, "The value should be greater than or equals to 1.")
            else:
                self.page_number = _bounded(value)
        else:
            self.fail(key, NOT_SUPPORTED)

    def _sort(self, key: str, segments: list[str], value: str) -> None:
        if segments:
            self.fail(key, NOT_SUPPORTED)
            return
        names = self._names(key, value)
        if names is None:
            return
        order, unsupported = [], []
        for name in names:
            path = tuple(name.removeprefix("-").split("."))
            if len(path) > MAX_PATH + 1:
                self.errors.append(SortConstraint(too_long("sort"), parameter=key))
            elif self._sortable(path):
                order.append((path, name.startswith("-")))
            else:
                unsupported.append(name.removeprefix("-"))
        if len(unsupported) == 1:
            self.errors.append(
                SortConstraint(
                    f'Sorting by "{unsupported[0]}" field is not supported.', parameter=key
                )
            )
        elif unsupported:
            self.errors.append(
                SortConstraint(
                    f'Sorting by "{", ".join(unsupported)}" fields are not supported.',
                    parameter=key,
                )
            )
        self.sort = tuple(order)

    def _meta(self, key: str, segments: list[str], value: str) -> None:
        if segments:
            self.fail(key, NOT_SUPPORTED)
            return
        names = self._names(key, value)
        if names is None:
            return
        for name in names:
            if name not in META_PROPERTIES:
                self.fail(
                    key,
                    f'The "{name}" is not known meta property. Known properties:'
                    f" {', '.join(META_PROPERTIES)}.",
                )
        self.meta = tuple(n for n in names if n in META_PROPERTIES)

    # --- helpers ---

    def _names(
        self, key: str, value: str, *, allow_empty: bool = False, trim: bool = True
    ) -> list[str] | None:
        if value == "" and allow_empty:
            return []
        names = [name.strip() if trim else name for name in value.split(",")]
        if any(not name for name in names):
            self.fail(key, f'Expected an array of not empty strings. Given "{value}".')
            return None
        return names

    def _sortable(self, path: tuple[str, ...]) -> bool:
        resource = self.resource
        for name in path[:-1]:
            rel = resource.relationship.get(name)
            if rel is None or rel.many:
                return False
            resource = self.registry[rel.target]
        return resource.sortable(path[-1])

    def _related_types(self) -> set[str]:
        """The primary type and every type reachable through its associations."""
        seen = {self.resource.type}
        frontier = [self.resource]
        while frontier:
            resource = frontier.pop()
            for rel in resource.relationships:
                if rel.target not in seen:
                    seen.add(rel.target)
                    frontier.append(self.registry[rel.target])
        return seen


def _bounded(digits: str) -> int:
    """An integer from a decimal string, saturated at ±2**63 (no huge int conversions)."""
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-").lstrip("0") or "0"
    return sign * (int(digits) if len(digits) <= 19 else 2**63)


def parse_query(
    pairs: Iterable[tuple[str, str]],
    registry: Registry,
    resource: Resource,
    *,
    families: frozenset[str] = LIST_FAMILIES,
    default_page_size: int = 10,
) -> Query:
    """Parse and check the query string; raise every problem found as one error document."""
    parser = _Parser(registry, resource, families, default_page_size)
    sent = list(pairs)
    last = dict(sent)  # a repeated key: the last value wins, as in PHP
    for key, value in last.items():
        parser.feed(key, value)
    raise_all(parser.errors)
    return Query(
        tuple(parser.filters),
        parser.fields,
        parser.include,
        parser.sort,
        parser.page_number,
        parser.page_size,
        parser.meta,
        tuple(last.items()),
    )


def flatten_body_filters(body: Any) -> list[tuple[str, str]]:
    """Filters sent in a body: ``{"filter": {"id": {"neq": "5"}}}`` or ``{"filter[id]": "5"}``."""
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any, depth: int = 0) -> None:
        if depth > MAX_BODY_FILTER_DEPTH or (
            isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)
        ):  # deeper than any filter's key (filter[path][operator]) or a list of non-scalars
            raise filter_error(prefix, NOT_SUPPORTED)
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(f"{prefix}[{name}]" if prefix else str(name), inner, depth + 1)
        elif isinstance(value, list):
            pairs.append((prefix, ",".join(str(v) for v in value)))
        elif isinstance(value, bool):
            pairs.append((prefix, "true" if value else "false"))
        elif value is not None:
            pairs.append((prefix, str(value)))

    if isinstance(body, dict):
        for name, value in body.items():
            if name == "filter" or name.startswith("filter["):
                walk(name, value)
    return pairs
