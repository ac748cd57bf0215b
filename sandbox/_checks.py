"""A query held against the server's metadata: unknown fields, operators a field does not allow,
unknown include paths, sort fields, ``fields[...]`` types and names, each a :class:`QueryError`
that names the culprit and lists what would do. Pure: no I/O."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sandbox._operators import FLAG_TEXTS, OPERATORS
from sandbox.exceptions import QueryError
from sandbox.metadata import FieldFilter, Metadata, ResourceType

if TYPE_CHECKING:
    from sandbox.query import Filter, Query

__all__ = ["check_query"]


def check_query(metadata: Metadata, type_: str, query: Query) -> list[str]:
    """Raise :class:`QueryError` for the first part of ``query`` that ``type_`` rules out; return
    what the server accepts but ignores (unknown include paths), each with the reason."""
    return _Checker(metadata, _resource(metadata, type_)).check(query)


def _resource(metadata: Metadata, type_: str) -> ResourceType:
    if type_ not in metadata:
        raise QueryError(
            f"unknown resource type {type_!r}{_suggest(type_, metadata.types)};"
            f" types: {', '.join(metadata.types)}"
        )
    return metadata[type_]


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _listing(choices: Iterable[str]) -> str:
    names = list(choices)
    return ", ".join(names) if names else "none"


# Filter values by data type: what the server's parser accepts (§11.1), for messages.
_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_VALUE_FORMS: Mapping[str, tuple[str, str]] = {
    "integer": (r"[+-]?\d+", "an integer"),
    "smallint": (r"[+-]?\d+", "an integer"),
    "bigint": (r"[+-]?\d+", "an integer"),
    "decimal": (_NUMBER, "a number"),
    "money": (_NUMBER, "a number"),
    "money_value": (_NUMBER, "a number"),
    "float": (_NUMBER, "a number"),
    "percent": (_NUMBER, "a number"),
    "percent_100": (_NUMBER, "a number"),
    "boolean": ("|".join(sorted(FLAG_TEXTS)), "true or false"),
    "datetime": (
        r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+ -]\d{2}(:?\d{2})?)?)?)?)?",
        "a datetime (YYYY[-MM[-DD[Thh[:mm[:ss]][Z|±hh:mm]]]])",
    ),
    "date": (r"\d{4}(-\d{2}(-\d{2})?)?", "a date (YYYY[-MM[-DD]])"),
    "time": (r"\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?", "a time (hh[:mm[:ss]])"),
    "guid": (
        r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
        "a GUID",
    ),
}
_NEEDS_TEXT = frozenset({"string", "text", "enum", "currency"})


class _Checker:
    def __init__(self, metadata: Metadata, resource: ResourceType) -> None:
        self.metadata = metadata
        self.resource = resource

    def check(self, query: Query) -> list[str]:
        """Raise the first error; return the warnings."""
        for item in query.filters:
            self.filter(item)
        for type_, names in query.fieldsets:
            self.fieldset(type_, names)
        notes = [note for path in query.includes if (note := self.include(path))]
        for name in query.sorting:
            self.sort(name)
        self.meta(query.meta_properties)
        self.page(dict(query.paging))
        return notes

    def walk(self, path: list[str], what: str) -> ResourceType | None:
        """The type at the end of the relationships ``path``; None when the metadata does not
        know it (then nothing further can be checked)."""
        resource = self.resource
        for name in path:
            rel = resource.relationships.get(name)
            if rel is None:
                hint = _suggest(name, resource.relationships)
                raise QueryError(
                    f"{resource.type} has no relationship {name!r} {what}{hint};"
                    f" relationships: {_listing(resource.relationships)}"
                )
            if rel.target is None or rel.target not in self.metadata:
                return None
            resource = self.metadata[rel.target]
        return resource

    def filter(self, item: Filter) -> None:
        *through, last = item.path.split(".")
        resource = self.walk(through, f"in filter {item.path!r}")
        if resource is None or resource.filters is None:
            return
        spec = resource.filters.get(last)
        if spec is None and last in resource.fields:
            raise QueryError(
                f"{resource.type} field {last!r} is not filterable;"
                f" filterable: {_listing(resource.filters)}"
            )
        if spec is None:
            where = f" in filter {item.path!r}" if through else ""
            raise QueryError(
                f"{resource.type} has no filterable field {last!r}{where}"
                f"{_suggest(last, resource.filters)}; filterable: {_listing(resource.filters)}"
            )
        if item.operator not in spec.operators:
            raise QueryError(
                f"filter {item.path!r} does not allow {item.operator!r};"
                f" allowed: {', '.join(spec.operators)}"
            )
        if OPERATORS[item.operator].flag:
            return
        if item.shape == "list" and not spec.lists:
            raise QueryError(
                f"filter {item.path!r} takes no lists: in {spec.data_type} values a comma is"
                " literal"
            )
        if item.shape == "range" and not spec.ranges:
            raise QueryError(f"filter {item.path!r} takes no ranges ({spec.data_type} values)")
        self.values(item, spec)

    def values(self, item: Filter, spec: FieldFilter) -> None:
        if item.value == "" and spec.data_type in _NEEDS_TEXT:
            raise QueryError(f"filter {item.path!r} needs a value, not an empty string")
        if item.shape == "range" or (spec.ranges and ".." in item.value):
            texts = item.value.split("..", 1)
        elif item.shape == "list" or (spec.lists and "," in item.value):
            texts = item.value.split(",")
        else:
            texts = [item.value]
        for text in texts:
            if spec.enum and text not in spec.enum:
                raise QueryError(
                    f"filter {item.path!r}: {text!r} is not one of {', '.join(spec.enum)}"
                )
            form = _VALUE_FORMS.get(spec.data_type)
            if form is not None and not re.fullmatch(form[0], text):
                raise QueryError(f"filter {item.path!r} takes {form[1]}, not {text!r}")

    def fieldset(self, type_: str, names: tuple[str, ...]) -> None:
        if type_ not in self.metadata:
            hint = _suggest(type_, self.metadata.types)
            raise QueryError(
                f"unknown type {type_!r} in fields[{type_}]{hint};"
                f" types: {', '.join(self.metadata.types)}"
            )
        reachable = self.metadata.reachable(self.resource.type)
        if type_ not in reachable:
            raise QueryError(
                f"fields[{type_}] does not apply to {self.resource.type}; types reachable from"
                f" {self.resource.type}: {', '.join(reachable)}"
            )
        resource = self.metadata[type_]
        for name in names:
            if name != "id" and name not in resource.fields:
                raise QueryError(
                    f"{type_} has no field {name!r} for fields[{type_}]"
                    f"{_suggest(name, resource.fields)}; fields: {_listing(resource.fields)}"
                )

    def include(self, path: str) -> str | None:
        """Why nothing will be included for ``path`` (Oro ignores an unknown association from
        there on), or None."""
        try:
            self.walk(path.split("."), f"in include path {path!r}")
        except QueryError as error:
            return f"{error}. The server ignores this path: nothing is included for it"
        return None

    def sort(self, name: str) -> None:
        path = name.removeprefix("-").split(".")
        *through, last = path
        resource = self.resource
        for step in through:
            rel = resource.relationships.get(step)
            if rel is not None and rel.many:
                raise QueryError(
                    f"{resource.type} cannot be sorted by {'.'.join(path)!r}: {step!r} is a"
                    " to-many relationship"
                )
            found = self.walk_one(resource, step, f"in sort {'.'.join(path)!r}")
            if found is None:
                return
            resource = found
        if resource.sortable is not None and last not in resource.sortable:
            where = f" in sort {'.'.join(path)!r}" if through else ""
            raise QueryError(
                f"{resource.type} cannot be sorted by {last!r}{where}"
                f"{_suggest(last, resource.sortable)}; sortable: {_listing(resource.sortable)}"
            )

    def walk_one(self, resource: ResourceType, name: str, what: str) -> ResourceType | None:
        return _Checker(self.metadata, resource).walk([name], what)

    def meta(self, names: tuple[str, ...]) -> None:
        known = self.resource.meta_properties
        for name in names:
            if known is not None and name not in known:
                raise QueryError(
                    f"unknown meta property {name!r} for {self.resource.type};"
                    f" known: {_listing(known)}"
                )

    def page(self, paging: dict[str, str]) -> None:
        cap = self.resource.max_page_size
        size = paging.get("size")
        if cap is not None and size is not None and int(size) > cap:
            raise QueryError(
                f"{self.resource.type} pages hold at most {cap} records, not page[size]={size}"
            )
