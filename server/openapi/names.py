"""Readable names derived from the metadata: operationIds, component names, summaries.

Word boundaries come from a resource's table name (``business_unit``), because type names are
one lower-case word (``businessunits``); when the two disagree the type name is used as is.
"""

from __future__ import annotations

import re

from server.metadata.model import Registry, Relationship, Resource

VERBS = {
    "get_list": "get",
    "get": "get",
    "create": "create",
    "update": "update",
    "delete": "delete",
    "delete_list": "delete",
    "update_list": "batch",  # the Batch API: batchAccounts
    "get_subresource": "get",
    "get_relationship": "get",
    "update_relationship": "update",
    "add_relationship": "add",
    "delete_relationship": "delete",
}

_PLURAL_RULES = ((re.compile(r"([^aeiou])y$"), r"\1ies"), (re.compile(r"(s|x|z|ch|sh)$"), r"\1es"))


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def pluralize(word: str) -> str:
    for pattern, replacement in _PLURAL_RULES:
        if pattern.search(word):
            return pattern.sub(replacement, word)
    return word + "s"


def words(resource: Resource) -> list[str]:
    """``["business", "unit"]`` for ``businessunits``; ``[type]`` when the table disagrees."""
    parts = [part for part in resource.table.split("_") if part]
    if pluralize("".join(parts)) == resource.type:
        return parts
    return [resource.type]


def singular(resource: Resource) -> str:
    """``BusinessUnit``: the PascalCase name of one record."""
    parts = words(resource)
    if parts == [resource.type]:
        return upper_first(resource.type)
    return "".join(upper_first(part) for part in parts)


def plural(resource: Resource) -> str:
    """``BusinessUnits``: the PascalCase name of the collection."""
    parts = words(resource)
    if parts == [resource.type]:
        return upper_first(resource.type)
    return pluralize(singular(resource))


def one(resource: Resource) -> str:
    """``business unit``: one record, for prose."""
    parts = words(resource)
    return resource.type if parts == [resource.type] else " ".join(parts)


def many(resource: Resource) -> str:
    """``business units``: the collection, for prose."""
    parts = words(resource)
    return resource.type if parts == [resource.type] else pluralize(" ".join(parts))


def operation_id(
    action: str, resource: Resource, registry: Registry, rel: Relationship | None = None
) -> str:
    """``getAccounts``, ``getAccount``, ``getAccountContacts``, ``addAccountContactsRelationship``.

    A sub-resource whose name would also name another resource's list or item (orders'
    ``lineItems`` against ``orderlineitems``, contacts' ``source`` against ``contactsources``) gets
    a ``Subresource`` suffix; the check runs over the whole registry so an id does not change
    when the document is restricted to some entities.
    """
    verb = VERBS[action]
    if rel is None:
        lists = ("get_list", "delete_list", "update_list")
        noun = plural(resource) if action in lists else singular(resource)
        return verb + noun
    name = verb + singular(resource) + upper_first(rel.name)
    if action != "get_subresource":
        return name + "Relationship"
    if any(name in ("get" + plural(other), "get" + singular(other)) for other in registry):
        name += "Subresource"
    return name
