"""A batch request split into units and chunks (pure).

A *unit* is one primary item of ``data`` with the ``included`` items it brings: those reached
from it through relationships (in either direction) without passing another primary item. An
included item reached from several primary items belongs to the first of them; the later ones
*borrow* it: by the time they run it is stored, and their references to it are rewritten to its
stored id (:func:`rewrite_refs`); if the first one failed, the borrower takes the item along.
Units that share items stay in one chunk. An included item no primary item reaches is an error
of its own (:data:`UNRELATED`).

The included section is checked first, as Oro indexes it: every item an object with a string
``type`` and ``id``, no two alike (:func:`refused`). Should it refuse any item, nothing is
processed: the operation's errors are those (Oro's ``IncludeMapManager``).

Chunks hold at most ``chunk_size`` primary items (Oro's ``chunk_size``, 100) with every included
item they bring, however many: Oro's ``included_data_chunk_size`` (50) sizes the files its include
index is built from, not the chunks (its test ``testCreateEntitiesWithSeveralIncludedDataChunks``
writes 101 included items with one chunk of 100). ``included_chunk_size`` (0: no limit, the
default) also closes a chunk at that many included items. A unit, or a group of units sharing
items, is never split. Errors are reported at the item's position in the
request as sent (:meth:`Unit.original_pointer`), never at its position in a chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Key = tuple[str, str]  # (type, id as sent)

UNRELATED = (
    "The entity should have a relationship with at least one primary entity"
    " and this should be explicitly specified in the request"
)


@dataclass(frozen=True)
class Unit:
    data_index: int
    included: tuple[int, ...]  # positions in ``included`` that this unit writes, request order
    borrowed: tuple[int, ...] = ()  # positions written by an earlier unit of its group

    def document(self, body: dict[str, Any], adopted: tuple[int, ...] = ()) -> dict[str, Any]:
        """The unit as a single-item request document (own included items, then ``adopted``
        ones: borrowed items whose first unit failed)."""
        document: dict[str, Any] = {"data": body["data"][self.data_index]}
        positions = self.included + adopted
        if positions:
            document["included"] = [body["included"][i] for i in positions]
        return document

    def original_pointer(self, pointer: str | None, adopted: tuple[int, ...] = ()) -> str | None:
        """A pointer into :meth:`document` → the same place in the request as sent."""
        if pointer is None:
            return None
        head, _, rest = pointer.lstrip("/").partition("/")
        if head == "meta":  # a single request's primary options are at the root
            return f"/data/{self.data_index}/meta" + (f"/{rest}" if rest else "")
        if head == "data":
            return f"/data/{self.data_index}" + (f"/{rest}" if rest else "")
        if head == "included":
            index, _, tail = rest.partition("/")
            positions = self.included + adopted
            if index.isdigit() and int(index) < len(positions):
                return f"/included/{positions[int(index)]}" + (f"/{tail}" if tail else "")
        return pointer


@dataclass(frozen=True)
class Plan:
    chunks: tuple[tuple[Unit, ...], ...]
    unrelated: tuple[int, ...]  # included items no primary item reaches
    refused: tuple[tuple[int, str], ...] = ()  # included items the section's check refuses

    @property
    def primary_count(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)


def key_of(item: Any) -> Key | None:
    if isinstance(item, dict):
        type_, id_ = item.get("type"), item.get("id")
        if isinstance(type_, str) and isinstance(id_, str):
            return (type_, id_)
    return None


def linkage(item: Any) -> Iterator[Key]:
    """The (type, id) pairs an item's relationships name."""
    relationships = item.get("relationships") if isinstance(item, dict) else None
    if not isinstance(relationships, dict):
        return
    for relation in relationships.values():
        data = relation.get("data") if isinstance(relation, dict) else None
        for ref in data if isinstance(data, list) else [data]:
            key = key_of(ref)
            if key is not None:
                yield key


def _neighbours(data: list[Any], included: list[Any]) -> list[list[int]]:
    """The undirected graph of references between the request's items: node ``i`` is
    ``data[i]``, node ``len(data) + j`` is ``included[j]`` (plain integers: a batch has tens of
    thousands of items)."""
    items = data + included
    where: dict[Key, int] = {}
    for node, item in enumerate(items):
        key = key_of(item)
        if key is not None:
            where.setdefault(key, node)
    graph: list[list[int]] = [[] for _ in items]
    for node, item in enumerate(items):
        for key in linkage(item):
            other = where.get(key)
            if other is not None and other != node:
                graph[node].append(other)
                graph[other].append(node)
    return graph


def refused(included: list[Any]) -> tuple[tuple[int, str], ...]:
    """The included items Oro's include index refuses, each with why: not an object, its
    ``type`` or ``id`` missing, null, not a string or blank, or the same as an earlier item's
    (Oro numbers that one within its file of ``included_data_chunk_size`` items; here within
    the request, the same for the first 50)."""
    errors: list[tuple[int, str]] = []
    first: dict[Key, int] = {}
    for position, item in enumerate(included):
        problem = _identifier_problem(item)
        if problem is None:
            key = (item["type"], item["id"])
            if key in first:
                problem = f"The item duplicates the item with the index {first[key]}"
            else:
                first[key] = position
        if problem is not None:
            errors.append((position, problem))
    return tuple(errors)


def _identifier_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "The item should be an object"
    for name in ("type", "id"):
        if name not in item:
            return f"The '{name}' property is required"
    for name in ("type", "id"):
        value = item[name]
        if value is None:
            return f"The '{name}' property should not be null"
        if not isinstance(value, str):
            return f"The '{name}' property should be a string"
        if value == "":
            return f"The '{name}' property should not be blank"
    return None


def plan(body: dict[str, Any], chunk_size: int, included_chunk_size: int) -> Plan:
    data: list[Any] = body["data"]
    included: list[Any] = body.get("included") or []
    problems = refused(included)
    if problems:
        return Plan((), (), problems)
    graph = _neighbours(data, included)
    first = len(data)  # the first included node
    owner: dict[int, int] = {}  # included position -> data index of its unit
    visited = [-1] * len(graph)  # the data index whose unit last reached the node
    units: list[Unit] = []
    group_of: dict[int, int] = {}  # data index -> its group (first data index)
    for index in range(first):
        own: list[int] = []
        borrowed: set[int] = set()
        group = index
        visited[index] = index
        queue = [index]
        while queue:
            node = queue.pop()
            for other in graph[node]:
                if other < first or visited[other] == index:
                    continue
                visited[other] = index
                position = other - first
                if position in owner:
                    borrowed.add(position)
                    group = min(group, group_of[owner[position]])
                else:
                    owner[position] = index
                    own.append(position)
                    queue.append(other)
        group_of[index] = group
        units.append(Unit(index, tuple(sorted(own)), tuple(sorted(borrowed))))
    groups: dict[int, list[Unit]] = {}
    for unit in units:
        groups.setdefault(_root(group_of, unit.data_index), []).append(unit)
    chunks: list[tuple[Unit, ...]] = []
    current: list[Unit] = []
    primary = extra = 0
    for members in groups.values():
        size = len(members)
        size_included = sum(len(u.included) for u in members)
        too_many = primary + size > chunk_size or (
            included_chunk_size > 0 and extra + size_included > included_chunk_size
        )
        if current and too_many:
            chunks.append(tuple(current))
            current, primary, extra = [], 0, 0
        current += members
        primary += size
        extra += size_included
    if current:
        chunks.append(tuple(current))
    unrelated = tuple(i for i in range(len(included)) if i not in owner)
    return Plan(tuple(chunks), unrelated)


def _root(group_of: dict[int, int], index: int) -> int:
    while group_of[index] != index:
        index = group_of[index]
    return index


def rewrite_refs(document: dict[str, Any], stored: dict[Key, str]) -> dict[str, Any]:
    """``document`` with references to items stored by earlier units replaced by their ids."""
    if not stored:
        return document

    def item(obj: Any) -> Any:
        relationships = obj.get("relationships") if isinstance(obj, dict) else None
        if not isinstance(relationships, dict):
            return obj
        changed = {}
        for name, relation in relationships.items():
            data = relation.get("data") if isinstance(relation, dict) else None
            if isinstance(data, list):
                relation = {**relation, "data": [ref(r) for r in data]}
            elif data is not None:
                relation = {**relation, "data": ref(data)}
            changed[name] = relation
        return {**obj, "relationships": changed}

    def ref(value: Any) -> Any:
        key = key_of(value)
        return {**value, "id": stored[key]} if key in stored else value

    result = {**document, "data": item(document["data"])}
    if "included" in document:
        result["included"] = [item(obj) for obj in document["included"]]
    return result
