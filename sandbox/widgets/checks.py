"""What the server's metadata already says about a request before it is sent: an unknown type,
filter field, operator, fieldset type or field, or sort field — what Oro answers with an error.
(An unknown include path is not one: Oro ignores it; the builder's ``warnings`` note it.) Pure.

Each :class:`Problem` names the builder control it is about with the names of
:func:`~sandbox.widgets.params.control_for` (``"type"``, ``"filter:name"``, ``"fields:users"``,
``"include"``, ``"sort"``), so the builder marks it as it marks the server's errors.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.metadata import Metadata, ResourceType
from sandbox.spec import ACTIONS, RequestSpec
from sandbox.widgets.params import FIELDS_KEY, FILTER_KEY, sort_paths

__all__ = ["Problem", "metadata_problems"]


@dataclass(frozen=True)
class Problem:
    control: str  # "type", "filter:name", "fields:users", "include", "sort"
    where: str  # what the user typed it in: "type", "filter[nme]", "include"
    detail: str


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"The server's metadata has no {what} {value!r}.{hint}"


def _filter_problem(
    metadata: Metadata, resource: ResourceType, field: str, operator: str | None
) -> str | None:
    if resource.filters is None:  # the metadata says nothing about this type's filters
        return None
    if "." in field:  # a path through relationships: owner.name
        first, _, rest = field.partition(".")
        rel = resource.relationships.get(first)
        if rel is None:
            return _unknown(f"relationship of {resource.type}", first, resource.relationships)
        target = metadata.resources.get(rel.target or "")
        return None if target is None else _filter_problem(metadata, target, rest, operator)
    spec = resource.filters.get(field)
    if spec is None:
        return _unknown(f"filter on {resource.type}", field, resource.filters)
    if operator is not None and operator not in spec.operators:
        allowed = ", ".join(spec.operators)
        return f"The filter {field!r} does not take the operator {operator!r} (it takes {allowed})."
    return None


def body_problem(spec: RequestSpec) -> Problem | None:
    """A body that is not JSON (an action that takes one): where the parser stopped."""
    if not ACTIONS[spec.action].body or not spec.body.strip():
        return None
    try:
        json.loads(spec.body)
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            where = f"line {error.lineno}, column {error.colno}"
            return Problem("body", "body", f"Not JSON at {where}: {error.msg}.")
        return Problem("body", "body", f"Not JSON: {error}.")
    return None


def metadata_problems(metadata: Metadata | None, spec: RequestSpec) -> list[Problem]:
    """The problems the metadata shows in ``spec`` (none without metadata, or for a type it
    does not know the details of)."""
    if metadata is None or not metadata.resources or not spec.type:
        return []
    resource = metadata.resources.get(spec.type)
    if resource is None:
        return [Problem("type", "type", _unknown("resource type", spec.type, metadata.types))]
    problems: list[Problem] = []
    query = ACTIONS[spec.action].query
    for key, value in spec.params:
        if (match := FILTER_KEY.match(key)) and "filter" in query:
            field, operator = match.group(1), match.group(2)
            detail = _filter_problem(metadata, resource, field, operator or "eq")
            if detail:
                problems.append(Problem(f"filter:{field}", key, detail))
        elif (match := FIELDS_KEY.match(key)) and "fields" in query:
            type_ = match.group(1)
            target = metadata.resources.get(type_)
            if target is None:
                problems.append(
                    Problem(f"fields:{type_}", key, _unknown("type", type_, metadata.types))
                )
                continue
            for name in (n for n in value.split(",") if n):
                if name not in target.fields:
                    detail = _unknown(f"field of {type_}", name, target.fields)
                    problems.append(Problem(f"fields:{type_}", key, detail))
        elif key == "sort" and "sort" in query and resource.sortable is not None:
            paths = sort_paths(metadata, spec.type)
            for name in (n for n in value.split(",") if n):
                if name.lstrip("-") not in paths:
                    detail = _unknown(f"sortable field of {spec.type}", name.lstrip("-"), paths)
                    problems.append(Problem("sort", key, detail))
    return problems
