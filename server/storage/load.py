"""Reading rows for documents: a page's to-many ids and the ``included`` resources."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.metadata.access import Rule
from server.metadata.model import Registry, Resource
from server.storage.select import Selector
from server.storage.statements import Params, Sql, run

CHUNK = 900  # ids per IN (...) list, well under SQLite's variable limit

IncludeTree = Mapping[str, "IncludeTree"]


def include_tree(paths: Iterable[Sequence[str]]) -> dict[str, Any]:
    """``[("owner",), ("owner", "organization")]`` → ``{"owner": {"organization": {}}}``."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for name in path:
            node = node.setdefault(name, {})
    return tree


def fielded_tree(
    registry: Registry,
    resource: Resource,
    tree: dict[str, Any],
    fields: Mapping[str, frozenset[str]],
) -> dict[str, Any]:
    """``tree`` without the branches whose relationship ``fields[type]`` of its owner leaves out:
    "the fields list of the primary type must contain the included relationship name" (§11.3),
    and the same one level down; a type without a fieldset keeps all its branches."""
    chosen = fields.get(resource.type)
    kept = {}
    for name, below in tree.items():
        if chosen is not None and name not in chosen:
            continue
        target = registry[resource.relationship[name].target]
        kept[name] = fielded_tree(registry, target, below, fields) if below else {}
    return kept


@dataclass
class Included:
    resource: Resource
    row: Sequence[Any]
    to_many: dict[str, dict[Any, list[Any]]]


def chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Loader:
    def __init__(
        self,
        connection: sa.Connection,
        registry: Registry,
        selector: Selector,
        max_related: int = 1000,
        access: Callable[[Resource], Rule | None] = lambda resource: None,
    ) -> None:
        self.connection = connection
        self.registry = registry
        self.selector = selector
        self.max_related = max_related
        self.access = access  # the VIEW rule per resource: included records must be visible

    def rows(self, statement: tuple[Sql, Params]) -> list[tuple[Any, ...]]:
        return run(self.connection, *statement)

    def scalar(self, statement: tuple[Sql, Params]) -> Any:
        return self.rows(statement)[0][0]

    def to_many(
        self, resource: Resource, names: Iterable[str], ids: Sequence[Any]
    ) -> dict[str, dict[Any, list[Any]]]:
        """Target ids per owner for each named to-many association (capped per owner)."""
        result: dict[str, dict[Any, list[Any]]] = {}
        for name in names:
            rel = resource.relationship[name]
            grouped: dict[Any, list[Any]] = {}
            for part in chunks(list(ids)):
                statement = self.selector.related_ids(resource, rel, part, self.access(resource))
                for owner, target in self.rows(statement):
                    grouped.setdefault(owner, []).append(target)
            for members in grouped.values():
                if len(members) > self.max_related:
                    del members[self.max_related :]
            result[name] = grouped
        return result

    def included(
        self,
        resource: Resource,
        rows: Sequence[Sequence[Any]],
        to_many: Mapping[str, Mapping[Any, Sequence[Any]]],
        tree: Mapping[str, Any],
        wanted_to_many: Any,
    ) -> list[Included]:
        """Resources reached by the include ``tree``, each once, never repeating primary data.

        ``wanted_to_many(resource)`` names the to-many associations rendered for a type.
        """
        seen = {(resource.type, row[0]) for row in rows}
        found: list[Included] = []
        self._walk(resource, rows, to_many, tree, wanted_to_many, seen, found)
        return found

    def _walk(
        self,
        resource: Resource,
        rows: Sequence[Sequence[Any]],
        to_many: Mapping[str, Mapping[Any, Sequence[Any]]],
        tree: Mapping[str, Any],
        wanted_to_many: Any,
        seen: set[tuple[str, Any]],
        found: list[Included],
    ) -> None:
        to_one_position = {
            r.name: len(resource.attributes) + 1 + i
            for i, r in enumerate(r for r in resource.relationships if not r.many)
        }
        for name, subtree in tree.items():
            rel = resource.relationship[name]
            target = self.registry[rel.target]
            if rel.many:
                ids = {i for row in rows for i in to_many.get(name, {}).get(row[0], ())}
            else:
                ids = {row[to_one_position[name]] for row in rows} - {None}
            if not ids:
                continue
            targets = []
            for part in chunks(sorted(ids)):
                targets += self.rows(self.selector.by_ids(target, part, self.access(target)))
            names = set(wanted_to_many(target)) | {
                n for n in subtree if target.relationship[n].many
            }
            target_many = self.to_many(target, sorted(names), [r[0] for r in targets])
            for row in targets:
                key = (target.type, row[0])
                if key not in seen:
                    seen.add(key)
                    found.append(Included(target, row, target_many))
            if subtree:
                self._walk(target, targets, target_many, subtree, wanted_to_many, seen, found)
