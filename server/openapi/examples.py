"""Example requests for the OpenAPI document and ``/api/doc``: bodies and parameter values that a
freshly seeded demo server accepts (2xx), so that generated clients, Postman imports and
schemathesis' examples phase send something that works.

Bodies name records the seed has, as the resources declare them (``Resource.example_id`` and
``deletable_id``, which ``server.domain.samples`` sets from the demo's layout): :func:`record_id`
is the record of a type that examples read, change and point at; :func:`deletable_id` a record a
``DELETE`` example may remove. Values follow each field's type and rules. Pure: metadata in, JSON
out.
"""

from __future__ import annotations

from typing import Any

from server.metadata import types as t
from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.metadata.rules import Email, Length, Range, Unique

GUID = "0b7e7dee-87ac-4b5f-9ce1-2a1c4b1d6f10"
# Values written the same way as an attribute and as a filter value, by data type.
_WIRE_EXAMPLES = {
    "currency": "USD",
    "date": "2026-07-01",
    "datetime": "2026-07-01T09:30:00Z",
    "time": "10:30:00",
    "guid": GUID,
}
Body = dict[str, Any]


def record_id(resource: Resource) -> str:
    """The id of the seeded record examples of ``resource`` read, change and point at."""
    return resource.example_id


def deletable_id(resource: Resource) -> str:
    """The id a ``DELETE /api/{type}/{id}`` example removes (see the module docstring)."""
    return resource.deletable_id or resource.example_id


def related_id(resource: Resource, rel: Relationship, registry: Registry) -> str:
    """The record ``rel`` points at in examples: the target's example record, or another one
    when ``rel`` points back at the same type (no record is its own parent)."""
    target = registry[rel.target]
    chosen = record_id(target)
    if target is resource and chosen == record_id(resource):
        return "2" if chosen == "1" else "1"
    return chosen


def identifier(type_: str, id_: str) -> dict[str, str]:
    return {"type": type_, "id": id_}


# --- values ----------------------------------------------------------------------------------


def attribute_value(resource: Resource, attribute: Attribute, *, update: bool = False) -> Any:
    """A value of ``attribute``'s type that its rules accept (unique ones: not in the seed)."""
    kind = attribute.type
    if kind.openapi.get("enum"):
        return kind.openapi["enum"][0]
    if kind.name in _WIRE_EXAMPLES:
        return _WIRE_EXAMPLES[kind.name]
    verb = "Updated" if update else "Example"
    match kind.name:
        case "string":
            return _string(resource, attribute, verb)
        case "text":
            return f"{verb} {attribute.name} of the {resource.type} example."
        case "boolean":
            return True
        case "integer" | "smallint" | "duration":
            return _bounded(attribute, 1)
        case "bigint":
            return "4006381333931"
        case "decimal" | "money" | "money_value":
            return str(_bounded(attribute, 12.5))
        case "float" | "percent" | "percent_100":
            return _bounded(attribute, 0.5)
        case "array":
            return ["example"]
        case "json":
            return {"example": True}
    return f"{verb} {attribute.name}"


def _string(resource: Resource, attribute: Attribute, verb: str) -> str:
    if any(isinstance(rule, Email) for rule in attribute.rules):
        return f"{verb.lower()}.{resource.type}@example.com"
    text = f"{verb} {attribute.name}"
    if any(isinstance(rule, Unique) for rule in attribute.rules):
        text = f"{verb.lower()}.{resource.type}.{attribute.name}".replace(" ", "")
    for rule in attribute.rules:
        if isinstance(rule, Length):
            text = text[: rule.max] if rule.max is not None else text
            text = text.ljust(rule.min or 0, "x")
    return text


def _bounded(attribute: Attribute, value: float) -> Any:
    """``value`` moved into the attribute's ``Range`` rule (an int stays an int)."""
    for rule in attribute.rules:
        if isinstance(rule, Range):
            if rule.max is not None and value > rule.max:
                value = rule.max if not isinstance(value, float) else rule.max / 2
            if rule.min is not None and value < rule.min:
                value = rule.min
    return value


def filter_value(field_type: t.DataType, identifier_of: str | None = None) -> str:
    """A ``filter[...]`` value of ``field_type``: ``identifier_of`` for ids and associations."""
    if identifier_of is not None:
        return identifier_of
    if field_type.openapi.get("enum"):
        return str(field_type.openapi["enum"][0])
    if field_type.name in _WIRE_EXAMPLES:
        return _WIRE_EXAMPLES[field_type.name]
    match field_type.name:
        case "integer" | "smallint" | "bigint":
            return "1"
        case "boolean":
            return "true"
        case "decimal" | "money" | "money_value" | "float":
            return "12.5"
        case "percent" | "percent_100":
            return "0.5"
        case "duration":
            return "60"
    return "Example"


# --- bodies ----------------------------------------------------------------------------------


def create_body(registry: Registry, resource: Resource) -> Body:
    """``POST /api/{type}``: the required attributes and relationships, with real related ids."""
    data: Body = {"type": resource.type}
    if not resource.id_generated:
        data["id"] = f"example-{resource.type}"
    attributes = {
        a.name: attribute_value(resource, a)
        for a in resource.attributes
        if a.writable and a.required
    }
    if attributes:
        data["attributes"] = attributes
    relationships = {
        r.name: {"data": _linkage(registry, resource, r)}
        for r in resource.relationships
        if r.writable and r.required
    }
    if relationships:
        data["relationships"] = relationships
    return {"data": data}


def update_body(registry: Registry, resource: Resource) -> Body:
    """``PATCH /api/{type}/{id}``: one optional attribute changed (else a required one)."""
    data: Body = {"type": resource.type, "id": record_id(resource)}
    writable = [a for a in resource.attributes if a.writable]
    plain = [a for a in writable if not a.required and not a.unique] or writable
    if plain:
        data["attributes"] = {plain[0].name: attribute_value(resource, plain[0], update=True)}
    else:
        rels = [r for r in resource.relationships if r.writable]
        data["relationships"] = {rels[0].name: {"data": _linkage(registry, resource, rels[0])}}
    return {"data": data}


def relationship_body(registry: Registry, resource: Resource, rel: Relationship) -> Body:
    """A body of ``/api/{type}/{id}/relationships/{name}`` writes: the related record."""
    return {"data": _linkage(registry, resource, rel)}


def _linkage(registry: Registry, resource: Resource, rel: Relationship) -> Any:
    one = identifier(rel.target, related_id(resource, rel, registry))
    return [one] if rel.many else one
