"""The query parameters, headers and errors as the request builder's controls see them: which
control a parameter or an error belongs to, ``Name: value`` header lines, include paths. Pure."""

from __future__ import annotations

import re

from sandbox.client import ErrorObject
from sandbox.metadata import Metadata

FILTER_KEY = re.compile(r"^filter\[([^\[\]]+)\](?:\[([^\[\]]+)\])?$")
FIELDS_KEY = re.compile(r"^fields\[([^\[\]]+)\]$")
PAGE_KEY = re.compile(r"^page\[(number|size)\]$")
LISTS = ("include", "sort", "meta")


def control_for(error: ErrorObject) -> str | None:
    """The builder control an error is about: ``filter[name]`` → ``"filter:name"``,
    ``fields[users]`` → ``"fields:users"``, ``page[size]`` → ``"page:size"``, ``include``,
    ``sort``, ``meta``; a ``source.pointer`` → ``"body"``; a header → ``"headers"``."""
    parameter = error.parameter or ""
    if match := FILTER_KEY.match(parameter):
        return f"filter:{match.group(1)}"
    if match := FIELDS_KEY.match(parameter):
        return f"fields:{match.group(1)}"
    if match := PAGE_KEY.match(parameter):
        return f"page:{match.group(1)}"
    if parameter in LISTS:
        return parameter
    if parameter:
        return "other"
    if error.pointer is not None:
        return "body"
    if error.header or error.status in ("406", "415"):  # negotiation: Accept, Content-Type
        return "headers"
    return None


def header_pairs(text: str) -> list[tuple[str, str]]:
    """``Name: value`` lines (blank lines and lines without a colon are skipped)."""
    pairs = []
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def include_paths(metadata: Metadata | None, type_: str, depth: int = 2) -> tuple[str, ...]:
    """``owner``, ``owner.organization``…: the include paths up to ``depth`` relationships."""
    if metadata is None or type_ not in metadata.resources:
        return ()
    paths: list[str] = []
    frontier = [("", type_)]
    for _ in range(depth):
        step = []
        for prefix, current in frontier:
            resource = metadata.resources.get(current)
            for name, rel in (resource.relationships if resource else {}).items():
                path = f"{prefix}{name}"
                paths.append(path)
                if rel.target:
                    step.append((f"{path}.", rel.target))
        frontier = step
    return tuple(paths)


def sort_paths(metadata: Metadata | None, type_: str) -> tuple[str, ...]:
    """What ``sort`` takes: the type's sortable fields, then ``owner.name``-style paths through
    its to-one relationships to their sortable fields (§11.6; to-many paths are refused)."""
    resource = metadata.resources.get(type_) if metadata is not None else None
    if resource is None:
        return ()
    paths = list(resource.sortable or ())
    for name, rel in resource.relationships.items():
        target = metadata.resources.get(rel.target or "") if metadata is not None else None
        if rel.to_one and target is not None:
            paths += [f"{name}.{field}" for field in target.sortable or ()]
    return tuple(paths)
