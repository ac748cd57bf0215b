"""JSON Schemas (OpenAPI 3.1, JSON Schema 2020-12) of the documents the API reads and writes.

Every schema is built from a :class:`~server.metadata.model.Resource` and added to
``components/schemas`` the first time something refers to it (:meth:`Components.ref`), so a
document restricted to a few entities carries only what it uses. Response schemas say what the
server emits (every attribute may be ``null``; sparse fieldsets may leave any field out); request
schemas say what it accepts (only writable fields; required ones present and not ``null``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.metadata.rules import Email, Length, Range
from server.openapi import names

Schema = dict[str, Any]

NULL: Schema = {"type": "null"}
URL: Schema = {"type": "string", "format": "uri"}


def ref_to(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """``schema`` or ``null``, in 3.1 style (``type: [..., "null"]``) where the schema allows it."""
    if not schema:
        return {}  # already anything, null included
    kind = schema.get("type")
    if kind is None or "$ref" in schema:
        return {"anyOf": [schema, NULL]}
    result = dict(schema)
    result["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    if "enum" in result:
        result["enum"] = [*result["enum"], None]
    return result


def id_schema(resource: Resource) -> Schema:
    """An id on the wire: always a string, of digits when the id type is a number."""
    if resource.id_type.openapi.get("type") == "integer":
        return {"type": "string", "pattern": "^[0-9]+$"}
    return {"type": "string"}


def native_id_schema(resource: Resource) -> Schema:
    """An id in plain JSON: a number for integer ids, else a string."""
    if resource.id_type.openapi.get("type") == "integer":
        return {"type": "integer"}
    return {"type": "string"}


def described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description} if description else schema


def obj(properties: dict[str, Schema], required: Iterable[str] = (), **extra: Any) -> Schema:
    """A closed object: JSON:API documents and resource objects have a fixed set of members."""
    schema: Schema = {"type": "object", "properties": properties}
    required = list(required)
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema | extra


class Components:
    """``components/schemas`` filled on demand, with one builder per kind of schema."""

    def __init__(self, registry: Registry, resources: Iterable[Resource]) -> None:
        self.registry = registry
        self.schemas: dict[str, Schema] = {}
        self.reachable = reachable(registry, resources)

    def ref(self, name: str, build: Callable[[], Schema]) -> Schema:
        if name not in self.schemas:
            self.schemas[name] = {}  # reserve the name first: builders may refer back
            self.schemas[name] = build()
        return ref_to(name)

    # --- shared ------------------------------------------------------------------------------

    def errors(self) -> Schema:
        return self.ref("Errors", errors_document)

    def plain_errors(self) -> Schema:
        return self.ref("PlainErrors", plain_errors_document)

    def links(self) -> Schema:
        return self.ref("DocumentLinks", document_links)

    def included(self) -> Schema:
        """Any resource object a document of this API can include (``include=a.b`` nests)."""
        return self.ref(
            "Included",
            lambda: {
                "type": "array",
                "description": "Related resources asked for with `include`, each once.",
                "items": {"anyOf": [self.resource(r) for r in self.reachable]},
            },
        )

    # --- per resource ------------------------------------------------------------------------

    def resource(self, resource: Resource) -> Schema:
        return self.ref(names.singular(resource), lambda: self._resource_object(resource))

    def identifier(self, resource: Resource) -> Schema:
        return self.ref(
            f"{names.singular(resource)}Identifier",
            lambda: obj(
                {
                    "type": {"type": "string", "enum": [resource.type]},
                    "id": id_schema(resource),
                    "meta": {"type": "object"},
                },
                ["type", "id"],
                description=f"Identifies one {names.one(resource)}.",
            ),
        )

    def document(self, resource: Resource, *, optional: bool = False) -> Schema:
        """A single-resource document; ``optional`` lets ``data`` be ``null`` (to-one related)."""
        name = names.singular(resource) + ("OptionalDocument" if optional else "Document")
        data = self.resource(resource)
        return self.ref(
            name,
            lambda: obj(
                {
                    "data": nullable(data) if optional else data,
                    "included": self.included(),
                    "links": self.links(),
                    "meta": {"type": "object"},
                },
                ["data"],
            ),
        )

    def collection(self, resource: Resource) -> Schema:
        return self.ref(
            f"{names.singular(resource)}Collection",
            lambda: obj(
                {
                    "data": {"type": "array", "items": self.resource(resource)},
                    "included": self.included(),
                    "links": self.links(),
                    "meta": {"type": "object"},
                },
                ["data"],
            ),
        )

    def identifier_document(self, target: Resource, *, many: bool) -> Schema:
        """What ``GET .../relationships/{association}`` returns: identifiers only."""
        suffix = "IdentifierCollection" if many else "IdentifierDocument"
        identifier = self.identifier(target)
        data = {"type": "array", "items": identifier} if many else nullable(identifier)
        return self.ref(
            names.singular(target) + suffix,
            lambda: obj(
                {"data": data, "links": self.links(), "meta": {"type": "object"}}, ["data"]
            ),
        )

    def linkage(
        self, target: Resource, *, many: bool, required: bool = False, document: bool = False
    ) -> Schema:
        """A relationship request body (or member): ``{"data": identifier | null | [...]}``.

        ``document``: a member of a create/update document, whose identifiers may also name an
        item of its ``included`` section by the id the request gave it (any string)."""
        identifier = self.write_identifier(target) if document else self.identifier(target)
        prefix = "Write" if document else ""
        if many:
            name, data = "Linkages", {"type": "array", "items": identifier}
        elif required:
            name, data = "RequiredLinkage", identifier
        else:
            name, data = "Linkage", nullable(identifier)
        return self.ref(
            prefix + names.singular(target) + name, lambda: obj({"data": data}, ["data"])
        )

    def write_identifier(self, resource: Resource) -> Schema:
        return self.ref(
            f"{names.singular(resource)}WriteIdentifier",
            lambda: obj(
                {
                    "type": {"type": "string", "enum": [resource.type]},
                    "id": {
                        "type": "string",
                        "description": "The id of a record, or of an item of `included`.",
                    },
                },
                ["type", "id"],
            ),
        )

    def included_items(self) -> Schema:
        """The ``included`` section of a create/update request: records created (or, with
        ``meta.update`` or ``meta.upsert``, updated) in the same transaction."""
        writable = [r for r in self.reachable if r.allows("create") or r.allows("update")]
        return self.ref(
            "IncludedWrite",
            lambda: {
                "type": "array",
                "description": (
                    "Related records created or updated in the same request and transaction"
                    " (reference: *Creating and updating related resources*). Each item has a"
                    " `type` and an id of the client's choosing, unique in the request; `data`"
                    " and other items refer to it by these. Each must be linked to the primary"
                    " record, directly, inversely or through other items. The response lists"
                    " them with their real ids and `meta.includeId`, the id the request gave."
                ),
                "items": obj(
                    {
                        "type": {"type": "string", "enum": sorted(r.type for r in writable)},
                        "id": {"type": "string"},
                        "meta": obj(
                            {
                                "update": {
                                    "type": "boolean",
                                    "description": "Update the existing record of this id.",
                                },
                                "upsert": UPSERT_FLAG,
                            }
                        ),
                        "attributes": {"type": "object"},
                        "relationships": {"type": "object"},
                    },
                    ["type", "id"],
                ),
            },
        )

    # --- plain JSON (requests without a JSON:API media type) -----------------------------------

    def plain(self, resource: Resource) -> Schema:
        """Oro's plain representation of a record: attributes and related ids inline."""
        return self.ref(f"{names.singular(resource)}Plain", lambda: self._plain_object(resource))

    def plain_collection(self, resource: Resource) -> Schema:
        return {"type": "array", "items": self.plain(resource)}

    def plain_identifiers(self, target: Resource, *, many: bool) -> Schema:
        """A relationship in plain JSON: the related ids (an array), or the id or ``null``."""
        native = native_id_schema(target)
        return {"type": "array", "items": native} if many else nullable(native)

    def _plain_object(self, resource: Resource) -> Schema:
        properties: dict[str, Schema] = {"id": native_id_schema(resource)}
        properties |= {a.name: output_attribute(a) for a in resource.attributes}
        for rel in resource.relationships:
            target = self.registry[rel.target]
            properties[rel.name] = described(
                self.plain_identifiers(target, many=rel.many), relationship_description(rel)
            )
        return obj(
            properties,
            list(properties),
            description=f"{resource.description} Plain JSON (without a JSON:API media type).",
        )

    def create_request(self, resource: Resource) -> Schema:
        return self.ref(
            f"{names.singular(resource)}CreateRequest", lambda: self._request(resource, True)
        )

    def update_request(self, resource: Resource) -> Schema:
        return self.ref(
            f"{names.singular(resource)}UpdateRequest", lambda: self._request(resource, False)
        )

    # --- builders ----------------------------------------------------------------------------

    def _resource_object(self, resource: Resource) -> Schema:
        properties: dict[str, Schema] = {
            "type": {"type": "string", "enum": [resource.type]},
            "id": described(id_schema(resource), "The identifier, always a string."),
            "meta": obj(
                {"title": {"type": "string", "description": "Asked for with `meta=title`."}}
            ),
            "links": obj({"self": URL}),
        }
        if resource.attributes:
            properties["attributes"] = obj(
                {a.name: output_attribute(a) for a in resource.attributes}
            )
        if resource.relationships:
            properties["relationships"] = obj(
                {r.name: self._output_relationship(r) for r in resource.relationships}
            )
        return obj(properties, ["type", "id"], description=resource.description)

    def _output_relationship(self, rel: Relationship) -> Schema:
        identifier = self.identifier(self.registry[rel.target])
        data = {"type": "array", "items": identifier} if rel.many else nullable(identifier)
        links = obj({"self": URL, "related": URL, "next": URL})
        return obj({"data": data, "links": links, "meta": {"type": "object"}}) | {
            "description": relationship_description(rel)
        }

    def _request(self, resource: Resource, create: bool) -> Schema:
        verb = "create" if create else "update"
        data: dict[str, Schema] = {"type": {"type": "string", "enum": [resource.type]}}
        required = ["type"]
        if create and resource.id_generated:
            data["id"] = {
                "type": "string",
                "pattern": r"\S",
                "description": "Ignored (but not blank): the server assigns the id.",
            }
        else:
            data["id"] = id_schema(resource)
            required.append("id")
        # Oro's unmapped fields are accepted and ignored: listed, marked readOnly
        attributes = [a for a in resource.attributes if a.writable_on(verb) or verb in a.ignored_on]
        if attributes:
            must = [a.name for a in attributes if create and a.required]
            data["attributes"] = obj(
                {a.name: input_attribute(a, ignored=verb in a.ignored_on) for a in attributes},
                must,
                minProperties=1,
            )
            required += ["attributes"] if must else []
        relationships = [r for r in resource.relationships if r.writable]
        if relationships:
            must = [r.name for r in relationships if create and r.required and not r.default]
            data["relationships"] = obj(
                {
                    r.name: described(
                        self.linkage(
                            self.registry[r.target],
                            many=r.many,
                            required=r.required,
                            document=True,
                        ),
                        relationship_description(r),
                    )
                    for r in relationships
                },
                must,
                minProperties=1,
            )
            required += ["relationships"] if must else []
        options = meta_options(resource, create)
        if options:
            data["meta"] = obj(options)
        return {
            "type": "object",
            "description": f"The request document to {verb} one {names.one(resource)}.",
            "properties": {"data": obj(data, required), "included": self.included_items()},
            "required": ["data"],
        }


# --- meta options ----------------------------------------------------------------------------

UPSERT_FLAG: Schema = {
    "description": (
        'Upsert: `true` (or `["id"]`) finds the record by id, a list of field names finds it'
        " by their values in this request; found: updated (200), not found: created (201),"
        " several found: 409."
    ),
    "oneOf": [
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
    ],
}


UPSERT_BY_ID = "x-upsert-by-id"
UPSERT_FIELD_SETS = "x-upsert-field-sets"


def upsert_note(resource: Resource, create: bool) -> str | None:
    """How this operation can upsert, in words; None when it cannot."""
    if not resource.upsert_enabled:
        return None
    ways = ["by id (`true`)"] if resource.upsert_by_id else []
    if create:
        ways += [
            "by " + " + ".join(f"`{name}`" for name in fields) + f" (`{list(fields)!r}`)"
            for fields in resource.upsert_field_sets
        ]
    return " or ".join(ways).replace("'", '"') if ways else None


def meta_options(resource: Resource, create: bool) -> dict[str, Schema]:
    """The ``meta`` options a create/update document of ``resource`` may carry."""
    options: dict[str, Schema] = {}
    note = upsert_note(resource, create)
    if note is not None:
        options["upsert"] = {
            **UPSERT_FLAG,
            "description": f"Upsert {note}.",
            # the same, for clients: by id, and the field sets a list may name (POST only)
            UPSERT_BY_ID: resource.upsert_by_id,
            UPSERT_FIELD_SETS: [list(s) for s in resource.upsert_field_sets] if create else [],
        }
    if resource.validation:
        options["validate"] = {
            "type": "boolean",
            "description": "Validate only: the answer is what the request would give; nothing"
            " is saved.",
        }
    return options


# --- attributes ------------------------------------------------------------------------------


def output_attribute(attribute: Attribute) -> Schema:
    """What the server emits: the type's schema or ``null``; read-only fields say so."""
    schema = nullable(dict(attribute.type.openapi))
    description = attribute.description  # then how a request's value is treated, then the type
    if attribute.auto is not None:
        description += " Set by the server; a value passed in a request is ignored."
        schema["readOnly"] = True
    elif attribute.read_only:
        description += " Read-only: a value in a request is rejected as an extra field."
        schema["readOnly"] = True
    elif attribute.ignored_on:
        description += " " + ignored_note(attribute)
        schema["readOnly"] = True
    description += f" Data type: `{attribute.type.name}`."
    return described(schema, description.strip())


def ignored_note(attribute: Attribute) -> str:
    """Oro's words for an unmapped field, with the actions they apply to when not all."""
    note = "The read-only field. A passed value will be ignored."
    if attribute.always_ignored:
        return note
    return f"{note[:-1]} on {' and '.join(attribute.ignored_on)}."


def input_attribute(attribute: Attribute, *, ignored: bool = False) -> Schema:
    """What the server accepts: the type's schema with the field's rules; ``null`` if optional.
    An ``ignored`` field is accepted and dropped: ``readOnly``, with Oro's note."""
    schema = dict(attribute.type.openapi) | rule_keywords(attribute)
    if not attribute.required:
        schema = nullable(schema)
    if ignored:
        schema["readOnly"] = True
        return described(schema, f"{attribute.description} {ignored_note(attribute)}")
    return described(schema, attribute.description)


def rule_keywords(attribute: Attribute) -> Schema:
    """JSON Schema keywords for the rules that have one: lengths, numeric ranges, e-mail."""
    kind = attribute.type.openapi.get("type")
    keywords: Schema = {}
    for rule in attribute.rules:
        if isinstance(rule, Length) and kind == "string":
            keywords |= {"minLength": rule.min} if rule.min is not None else {}
            keywords |= {"maxLength": rule.max} if rule.max is not None else {}
        elif isinstance(rule, Range) and kind in ("integer", "number"):
            keywords |= {"minimum": rule.min} if rule.min is not None else {}
            keywords |= {"maximum": rule.max} if rule.max is not None else {}
        elif isinstance(rule, Email) and kind == "string":
            keywords["format"] = "email"
    if attribute.required and kind == "string" and "minLength" not in keywords:
        keywords["minLength"] = 1
    return keywords


def relationship_description(rel: Relationship) -> str:
    kind = "to-many" if rel.many else "to-one"
    text = f"{rel.description} ({kind}, `{rel.target}`)".strip()
    if rel.read_only:
        text += " Read-only."
    return text


# --- shared documents ------------------------------------------------------------------------


def errors_document() -> Schema:
    source = obj(
        {
            "pointer": {"type": "string", "format": "json-pointer"},
            "parameter": {"type": "string"},
        },
        description="A JSON pointer into the request document, or a query parameter name.",
        minProperties=1,
        maxProperties=1,
    )
    error = obj(
        {
            "status": {"type": "string", "pattern": "^[1-5][0-9][0-9]$"},
            "code": {"type": "string"},
            "title": {"type": "string", "description": "Stable, e.g. `filter constraint`."},
            "detail": {"type": "string"},
            "source": source,
            "meta": {"type": "object"},
        },
        ["status", "title"],
    )
    return obj(
        {"errors": {"type": "array", "items": error, "minItems": 1}},
        ["errors"],
        description="Oro's error document: one error object per problem found.",
    )


def plain_errors_document() -> Schema:
    """Oro's plain REST error format (``RestDocumentBuilder``): a top-level array."""
    error = obj(
        {
            "code": {"type": "string"},
            "title": {"type": "string", "description": "Stable, e.g. `filter constraint`."},
            "detail": {"type": "string"},
            "source": {
                "type": "string",
                "description": "A JSON pointer into the request document, or a query parameter.",
            },
        },
        ["title"],
    )
    return {
        "type": "array",
        "items": error,
        "minItems": 1,
        "description": "Oro's plain error format, in answer to a request without a JSON:API"
        " media type: one error object per problem found (the status is the response's).",
    }


def document_links() -> Schema:
    return obj(
        {name: URL for name in ("self", "related", "first", "prev", "next")},
        description="Absolute URLs; `first`/`prev`/`next` page through a list (there is no "
        "`last`). Absent with `X-Include: noHateoas`.",
    )


def reachable(registry: Registry, resources: Iterable[Resource]) -> list[Resource]:
    """The resources and everything their relationships lead to, in registry order."""
    seen: set[str] = set()
    todo = [r.type for r in resources]
    while todo:
        type_ = todo.pop()
        if type_ not in seen:
            seen.add(type_)
            todo += [rel.target for rel in registry[type_].relationships]
    return [r for r in registry if r.type in seen]
