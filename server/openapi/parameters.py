"""Path, query and header parameters, one per filter operator, from the metadata.

Oro's query grammar is flat: ``filter[name]`` (``eq``), ``filter[name][op]``, ``fields[type]``,
``page[number]``, ``page[size]``, ``include``, ``sort`` and ``meta``, so each is its own
parameter; comma-separated lists (``include``, ``sort``, ``fields``) are form-style arrays with
``explode: false``. Query and header parameters come with a key (``users.filter.id.gt``) under
which they are shared in ``components/parameters``: a list's filters serve its ``GET`` and
``DELETE`` and every to-many association that leads to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.metadata import types as t
from server.metadata.model import Registry, Resource
from server.metadata.operators import OPERATORS
from server.openapi import examples, names

Parameter = dict[str, Any]
Keyed = tuple[str, Parameter]  # (components/parameters key, parameter)


X_INCLUDE = {
    "item": "`noHateoas` removes the links.",
    "list": "`totalCount` adds `X-Include-Total-Count` (records matching the filters); "
    "`noHateoas` removes the links.",
    "delete_list": "`deletedCount` adds `X-Include-Deleted-Count`; `totalCount` adds "
    "`X-Include-Total-Count`.",
}


X_INCLUDE_EXAMPLES = {"item": "noHateoas", "list": "totalCount", "delete_list": "deletedCount"}
NAME = r"^[^,]+$"  # one item of a comma-separated list, as sent
TRIMMED_NAME = r"^[^,]*[^,\s][^,]*$"  # …that is not blank once trimmed (include, sort)


def query(
    name: str, schema: dict[str, Any], description: str, example: Any, **extra: Any
) -> Parameter:
    """A query parameter with an example value the freshly seeded server accepts."""
    parameter = {"name": name, "in": "query", "description": description, "schema": schema}
    return parameter | extra | {"example": example}


def csv(name: str, description: str, example: list[str], *, trimmed: bool = True) -> Parameter:
    """A comma-separated list, e.g. ``include=owner,organization``: one name at least, no item
    empty (``trimmed``: nor blank, as ``include`` and ``sort`` trim theirs)."""
    item = {"type": "string", "minLength": 1, "pattern": TRIMMED_NAME if trimmed else NAME}
    schema: dict[str, Any] = {"type": "array", "items": item}
    if trimmed:
        schema["minItems"] = 1
    return query(name, schema, description, example, style="form", explode=False)


def path_id(resource: Resource, example: str | None = None) -> Parameter:
    """The ``{id}`` of a path; ``example``: a record of the seeded demo."""
    schema = dict(resource.id_type.openapi) or {"type": "string"}
    if schema.get("type") == "integer":
        schema["minimum"] = 1  # generated ids start at 1; others are 404, malformed ones 400
    parameter = {
        "name": "id",
        "in": "path",
        "required": True,
        "description": f"The identifier of the {names.one(resource)}.",
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = int(example) if schema.get("type") == "integer" else example
    return parameter


def x_include(kind: str) -> Keyed:
    return f"x-include.{kind}", {
        "name": "X-Include",
        "in": "header",
        "description": f"Extra information, keys separated by `;`. {X_INCLUDE[kind]}",
        "schema": {"type": "string"},
        "example": X_INCLUDE_EXAMPLES[kind],
    }


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterField:
    """A filterable field: the id, an attribute, or an association (by the related id)."""

    name: str
    operators: tuple[str, ...]
    type: t.DataType  # of the value: the attribute's, or the related resource's id
    noun: str  # what the value is, for descriptions
    many: bool = False  # a to-many association
    example: str = ""  # a value of the seeded demo
    identifier: bool = False  # an id or an association: lists whatever the type


def filter_fields(resource: Resource, registry: Registry) -> list[FilterField]:
    """The id, every filterable attribute and every filterable association, in that order."""
    record = examples.record_id(resource)
    found = [
        FilterField(
            "id",
            resource.id_type.operators,
            resource.id_type,
            "the identifier",
            False,
            record,
            True,
        )
    ]
    for attribute in resource.attributes:
        noun = f"`{attribute.type.name}`"
        value = examples.filter_value(attribute.type)
        found.append(
            FilterField(attribute.name, attribute.operators, attribute.type, noun, False, value)
        )
    for rel in resource.relationships:
        target = registry[rel.target]
        noun = f"the id of the related `{rel.target}`"
        value = examples.related_id(resource, rel, registry)
        found.append(
            FilterField(rel.name, rel.operators, target.id_type, noun, rel.many, value, True)
        )
    return [field for field in found if field.operators]


def filter_name(field: str, op: str) -> str:
    """``filter[name]`` for ``eq``, ``filter[name][op]`` otherwise."""
    return f"filter[{field}]" if op == "eq" else f"filter[{field}][{op}]"


def meaning(op: str, *, many: bool = False) -> str:
    """What ``op`` tests, for a field or a to-one association, or for a to-many one."""
    row = OPERATORS[op]
    return (row.meaning_many or row.meaning) if many else row.meaning


def filters(resource: Resource, registry: Registry) -> list[Keyed]:
    """``filter[...]``, one parameter per operator of each :func:`filter_fields` entry."""
    return [
        param for field in filter_fields(resource, registry) for param in _filters(resource, field)
    ]


def _filters(resource: Resource, field: FilterField) -> list[Keyed]:
    params = []
    for op in field.operators:
        key = f"{resource.type}.filter.{field.name}" + ("" if op == "eq" else f".{op}")
        text = f"`{field.name}` {meaning(op, many=field.many)}"
        if OPERATORS[op].flag:
            text += "."
            schema: dict[str, Any] = {"type": "boolean"}
            example: Any = True
        else:
            text += f"; the value is {field.noun}.{_value_forms(op, field)}"
            schema = _value_schema(op, field)
            example = field.example
        params.append((key, query(filter_name(field.name, op), schema, text, example)))
    return params


def _value_schema(op: str, field: FilterField) -> dict[str, Any]:
    """A filter value: integers (ids, associations, integer fields) as the parser reads them —
    one, a list ``a,b`` or a range ``a..b`` where the operator and type allow; else a string."""
    if field.type.noun != "integer":
        return {"type": "string"}
    number = r"[+-]?[0-9]+"
    forms = []
    row = OPERATORS[op]
    multi = row.sets
    if multi and (field.type.allow_list or field.identifier or field.many):
        forms.append(f"(,{number})*")
    if multi and field.type.allow_range and (row.ranges_many or not field.many):
        forms.append(rf"\.\.{number}")
    tail = f"({'|'.join(forms)})" if forms else ""
    return {"type": "string", "pattern": f"^{number}{tail}$"}


def _value_forms(op: str, field: FilterField) -> str:
    row, type_ = OPERATORS[op], field.type
    if not row.sets:
        return ""
    lists = "Lists `a,b` are supported." if type_.allow_list else ""
    ranged = type_.allow_range and (row.ranges_many or not field.many)
    ranges = "Ranges `from..to` (inclusive) are supported." if ranged else ""
    text = " ".join(part for part in (lists, ranges) if part)
    return f" {text}" if text else " Lists and ranges are not supported (a comma is literal)."


# --- fields, include, sort, page, meta -------------------------------------------------------


def related_types(resource: Resource, registry: Registry) -> list[Resource]:
    """The resource and the targets of its relationships, each once."""
    types = [resource.type] + [rel.target for rel in resource.relationships]
    return [registry[type_] for type_ in dict.fromkeys(types)]


def fields(resource: Resource, registry: Registry) -> list[Keyed]:
    params = []
    for related in related_types(resource, registry):
        known = ", ".join(f"`{name}`" for name in _field_names(related))
        text = (
            f"Sparse fieldset: only these fields of `{related.type}` (attributes and "
            f"relationships) are returned. Fields: {known}."
        )
        example = _field_names(related)[:1]
        param = csv(f"fields[{related.type}]", text, example, trimmed=False)
        params.append((f"fields.{related.type}", param))
    return params


def _field_names(resource: Resource) -> list[str]:
    return [a.name for a in resource.attributes] + [r.name for r in resource.relationships]


def include(resource: Resource) -> list[Keyed]:
    if not resource.relationships:
        return []
    known = ", ".join(f"`{rel.name}`" for rel in resource.relationships)
    text = (
        "Related resources to return in `included`; nested paths with a dot "
        f"(`owner.organization`). Relationships: {known}."
    )
    example = [resource.relationships[0].name]
    return [(f"{resource.type}.include", csv("include", text, example))]


def sortable_fields(resource: Resource) -> list[str]:
    """``id``, then the sortable attributes and to-one associations."""
    sortable = ["id"] + [a.name for a in resource.attributes if a.sortable]
    return sortable + [r.name for r in resource.relationships if r.sortable]


def default_sort(resource: Resource) -> str:
    """The ``sort`` value a list is ordered by when none is given, e.g. ``-createdAt,id``."""
    return ",".join(("-" if desc else "") + name for name, desc in resource.default_sort)


def sort(resource: Resource) -> Keyed:
    sortable = ", ".join(f"`{name}`" for name in sortable_fields(resource))
    text = (
        "Fields to sort by, ascending, or descending with a `-` prefix. Sortable fields: "
        f"{sortable}. Default: `{default_sort(resource)}`."
    )
    return f"{resource.type}.sort", csv("sort", text, ["-id"])


def page(resource: Resource) -> list[Keyed]:
    size: dict[str, Any] = {"type": "integer", "minimum": -1}
    size_key = "page.size"
    if resource.max_page_size is not None:
        size["maximum"] = resource.max_page_size
        size_key = f"{resource.type}.page.size"
    number = {"type": "integer", "minimum": 1}
    size_example = min(10, resource.max_page_size or 10)
    return [
        ("page.number", query("page[number]", number, "The page number, from 1.", 1)),
        (
            size_key,
            query("page[size]", size, "Records per page; `-1` returns all of them.", size_example),
        ),
    ]


def meta() -> Keyed:
    text = "Extra meta properties of each resource object: `title` adds its text representation."
    return "meta", query("meta", {"type": "string", "enum": ["title"]}, text, "title")


# --- per kind of operation -------------------------------------------------------------------


def item_parameters(resource: Resource, registry: Registry) -> list[Keyed]:
    """Shaping a returned resource: ``fields``, ``include``, ``meta``."""
    return [*fields(resource, registry), *include(resource), meta(), x_include("item")]


def list_parameters(resource: Resource, registry: Registry) -> list[Keyed]:
    return [
        *filters(resource, registry),
        *fields(resource, registry),
        *include(resource),
        *page(resource),
        sort(resource),
        meta(),
        x_include("list"),
    ]


def identifier_list_parameters(resource: Resource, registry: Registry) -> list[Keyed]:
    """A to-many relationship's identifiers: filtered, sorted and paged like the target's list."""
    return [*filters(resource, registry), *page(resource), sort(resource), x_include("list")]


def delete_list_parameters(resource: Resource, registry: Registry) -> list[Keyed]:
    return [*filters(resource, registry), x_include("delete_list")]
