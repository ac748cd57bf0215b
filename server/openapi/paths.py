"""``paths``: the routes of the actions each resource enables, and their responses.

One row of :data:`ACTIONS` per Oro action says where it lives and which method and status it
has; one small function per action says what it reads and returns. Error responses are shared
(``components/responses``) and documented on every operation as the reference lists them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from server.metadata.model import Registry, Relationship, Resource, SubResource
from server.metadata.rules import Length
from server.openapi import batch, examples, names, schemas
from server.openapi import parameters as p
from server.openapi.schemas import Components, Schema

JSONAPI = "application/vnd.api+json"
JSON = "application/json"  # plain REST: reads and errors of requests without a JSON:API type
Operation = dict[str, Any]


@dataclass(frozen=True)
class Action:
    name: str  # Oro's action
    method: str
    route: str  # collection, item, subresource or relationship
    status: int
    summary: str  # {one} {many} {rel} are filled in


ACTIONS = (
    Action("get_list", "get", "collection", 200, "List {many}"),
    Action("create", "post", "collection", 201, "Create {one}"),
    Action("delete_list", "delete", "collection", 204, "Delete {many} matching filters"),
    Action("update_list", "patch", "collection", 202, "Create or update {many} in a batch"),
    Action("get", "get", "item", 200, "Get {one}"),
    Action("update", "patch", "item", 200, "Update {one}"),
    Action("delete", "delete", "item", 204, "Delete {one}"),
    Action("get_subresource", "get", "subresource", 200, "Get {rel} of {one}"),
    Action("get_relationship", "get", "relationship", 200, "Get {rel} relationship of {one}"),
    Action(
        "update_relationship", "patch", "relationship", 204, "Replace {rel} relationship of {one}"
    ),
    Action("add_relationship", "post", "relationship", 204, "Add to {rel} relationship of {one}"),
    Action(
        "delete_relationship",
        "delete",
        "relationship",
        204,
        "Remove from {rel} relationship of {one}",
    ),
)

# (component name, description, headers) of each documented error status.
ERRORS: dict[int, tuple[str, str, tuple[str, ...]]] = {
    400: ("BadRequest", "Bad request: invalid JSON, document, id, filter or value.", ()),
    401: (
        "Unauthorized",
        "Not authenticated. No body; `WWW-Authenticate: Bearer` only when no credentials came"
        " (a refused token gets no header, as in Oro).",
        ("WWW-Authenticate",),
    ),
    403: ("Forbidden", "Authenticated, but access is denied.", ()),
    404: ("NotFound", "Unknown record, entity type or association.", ()),
    405: ("MethodNotAllowed", "The method is not allowed here. No body.", ("Allow",)),
    406: ("NotAcceptable", "`Accept` does not allow `application/vnd.api+json`.", ()),
    409: ("Conflict", "The document's type or id conflicts with the URL or existing data.", ()),
    415: ("UnsupportedMediaType", "`Content-Type` is not `application/vnd.api+json`.", ()),
    500: ("ServerError", "Unexpected error; details are hidden unless debug is on.", ()),
}
NO_BODY = frozenset({401, 405})
READ_ERRORS = (400, 401, 403, 404, 405, 406, 500)
WRITE_ERRORS = (*READ_ERRORS, 409, 415)

HEADERS: dict[str, dict[str, Any]] = {
    "Location": {"description": "The URL of the created resource.", "schema": {"type": "string"}},
    "X-Include-Total-Count": {
        "description": "With `X-Include: totalCount`: how many records match the filters.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-Include-Deleted-Count": {
        "description": "With `X-Include: deletedCount`: how many records were deleted.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Allow": {"description": "The methods this URL allows.", "schema": {"type": "string"}},
    "WWW-Authenticate": {
        "description": "`Bearer` when the request carried no credentials; absent otherwise.",
        "schema": {"type": "string"},
    },
}


def error_refs(statuses: tuple[int, ...]) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/{ERRORS[s][0]}"} for s in statuses}


def header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def error_responses() -> dict[str, Any]:
    """``components/responses``: one per error status; 401 and 405 have no body."""
    responses: dict[str, Any] = {}
    for status, (name, description, headers) in ERRORS.items():
        response: dict[str, Any] = {"description": description}
        if headers:
            response["headers"] = {h: header_ref(h) for h in headers}
        if status not in NO_BODY:
            response["content"] = {
                JSONAPI: {"schema": schemas.ref_to("Errors")},
                JSON: {"schema": schemas.ref_to("PlainErrors")},
            }
        responses[name] = response
    return responses


def success(
    description: str, schema: Schema | None = None, *headers: str, plain: Schema | None = None
) -> dict[str, Any]:
    """A success response: JSON:API, and for reads also plain JSON (``plain``)."""
    response: dict[str, Any] = {"description": description}
    if headers:
        response["headers"] = {h: header_ref(h) for h in headers}
    if schema is not None:
        response["content"] = {JSONAPI: {"schema": schema}}
        if plain is not None:
            response["content"][JSON] = {"schema": plain}
    return response


def body(schema: Schema, example: Any) -> dict[str, Any]:
    """A JSON:API request body, with an example the freshly seeded server accepts."""
    return {"required": True, "content": {JSONAPI: {"schema": schema, "example": example}}}


# --- one function per action: (parameters, request body or None, success response) -----------

Parts = tuple[list[p.Keyed], dict[str, Any] | None, dict[str, Any]]


@dataclass
class Context:
    registry: Registry
    components: Components
    parameters: dict[str, p.Parameter] = field(default_factory=dict)

    def target(self, rel: Relationship | None) -> Resource:
        assert rel is not None
        return self.registry[rel.target]

    def refs(self, keyed: list[p.Keyed]) -> list[dict[str, str]]:
        """Share each parameter in ``components/parameters`` and refer to it."""
        for key, parameter in keyed:
            self.parameters.setdefault(key, parameter)
        return [{"$ref": f"#/components/parameters/{key}"} for key, _ in keyed]


def _get_list(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    plain = c.components.plain_collection(r)
    ok = success(
        "A page of records.", c.components.collection(r), "X-Include-Total-Count", plain=plain
    )
    return p.list_parameters(r, c.registry), None, ok


def _create(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    ok = success("Created.", c.components.document(r), "Location")
    request = body(c.components.create_request(r), examples.create_body(c.registry, r))
    with_example(request, c.registry, r)
    return p.item_parameters(r, c.registry), request, ok


def _delete_list(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    headers = ("X-Include-Deleted-Count", "X-Include-Total-Count")
    limit = "all of them" if r.max_delete < 0 else f"at most {r.max_delete} per request"
    ok = success(f"Deleted the matching records ({limit}). No body.", None, *headers)
    return p.delete_list_parameters(r, c.registry), None, ok


def _update_list(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    request = body(batch.batch_request(c.components, r), batch.batch_example(c.components, r))
    return [batch.X_MODE], request, batch.accepted(c.components)


def _get(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    ok = success("The record.", c.components.document(r), plain=c.components.plain(r))
    return p.item_parameters(r, c.registry), None, ok


def _update(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    ok = success("Updated.", c.components.document(r))
    request = body(c.components.update_request(r), examples.update_body(c.registry, r))
    return p.item_parameters(r, c.registry), request, ok


# an example value per data type, for example bodies
_EXAMPLE_VALUES: dict[str, Any] = {
    "string": "Example",
    "text": "Example",
    "integer": 1,
    "smallint": 1,
    "bigint": "1",
    "float": 1.5,
    "boolean": True,
    "money": "10.0000",
    "currency": "USD",
    "date": "2024-01-31",
    "datetime": "2024-01-31T12:00:00Z",
}


def _example_object(registry: Registry, r: Resource, id_: str | None) -> dict[str, Any] | None:
    """A resource object with a value for each required attribute; None when some cannot be
    made up (an unusual type)."""
    attributes = {}
    for attribute in r.attributes:
        if attribute.writable and attribute.required:
            plain = all(isinstance(rule, Length) for rule in attribute.rules)
            if attribute.type.name not in _EXAMPLE_VALUES or not plain:
                return None
            attributes[attribute.name] = _EXAMPLE_VALUES[attribute.type.name]
    item: dict[str, Any] = {"type": r.type}
    if id_ is not None:
        item["id"] = id_
    if attributes:
        item["attributes"] = attributes
    return item


def included_example(registry: Registry, r: Resource) -> dict[str, Any] | None:
    """A create body that creates a related record in the same request (``included``), when the
    resource has a writable relationship to a type that can be created."""
    for rel in sorted(r.relationships, key=lambda x: not x.many):  # to-many first
        target = registry[rel.target]
        if not rel.writable or not target.allows("create") or not target.id_generated:
            continue
        if any(x.required and not x.default for x in target.relationships):
            continue
        primary = _example_object(registry, r, None)
        item = _example_object(registry, target, "new-1")
        if primary is None or item is None:
            continue
        others = [x for x in r.relationships if x.required and not x.default and x is not rel]
        if others:
            continue
        reference = {"type": target.type, "id": "new-1"}
        primary["relationships"] = {rel.name: {"data": [reference] if rel.many else reference}}
        return {"data": primary, "included": [item]}
    return None


INCLUDED_EXAMPLE = "x-example-with-included"  # beside ``example`` (3.1 forbids ``examples`` too)


def with_example(request: dict[str, Any], registry: Registry, r: Resource) -> dict[str, Any]:
    """Add a second example body, one that creates a related record in ``included``."""
    example = included_example(registry, r)
    if example is not None:
        request["content"][JSONAPI][INCLUDED_EXAMPLE] = example
    return request


def write_notes(resource: Resource, create: bool) -> str:
    """What the create/update operation says about upsert and validate (reference §13, §14)."""
    upsert = schemas.upsert_note(resource, create)
    notes = [
        f"Upsert (`meta.upsert`): supported {upsert}."
        if upsert
        else "Upsert (`meta.upsert`): not supported."
    ]
    notes.append(
        "Validate (`meta.validate`): supported; nothing is saved."
        if resource.validation
        else "Validate (`meta.validate`): not supported."
    )
    notes.append("Related records can be created or updated in the same request (`included`).")
    return "\n\n".join(notes)


def included_note(registry: Registry, resource: Resource) -> str:
    """The create operation's example body with ``included``, as a paragraph."""
    example = included_example(registry, resource)
    if example is None:
        return ""
    return "\n\nExample body with `included`: `" + json.dumps(example) + "`"


def _delete(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    return [], None, success("Deleted. No body.")


def _get_subresource(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    target = c.target(rel)
    if rel is not None and rel.many:
        ok = success(
            "The related records.",
            c.components.collection(target),
            "X-Include-Total-Count",
            plain=c.components.plain_collection(target),
        )
        return p.list_parameters(target, c.registry), None, ok
    ok = success(
        "The related record, or null.",
        c.components.document(target, optional=True),
        plain=schemas.nullable(c.components.plain(target)),
    )
    return p.item_parameters(target, c.registry), None, ok


def _get_relationship(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    target, many = c.target(rel), rel is not None and rel.many
    schema = c.components.identifier_document(target, many=many)
    plain = c.components.plain_identifiers(target, many=many)
    if many:
        ok = success("The related identifiers.", schema, "X-Include-Total-Count", plain=plain)
        return p.identifier_list_parameters(target, c.registry), None, ok
    ok = success("The related identifier, or null.", schema, plain=plain)
    return [p.x_include("item")], None, ok


def _write_relationship(c: Context, r: Resource, rel: Relationship | None) -> Parts:
    target, many = c.target(rel), rel is not None and rel.many
    required = rel is not None and rel.required
    schema = c.components.linkage(target, many=many, required=required)
    assert rel is not None
    example = examples.relationship_body(c.registry, r, rel)
    return [], body(schema, example), success("Done. No body.")


BUILDERS: dict[str, Callable[[Context, Resource, Relationship | None], Parts]] = {
    "get_list": _get_list,
    "create": _create,
    "delete_list": _delete_list,
    "get": _get,
    "update": _update,
    "delete": _delete,
    "update_list": _update_list,
    "get_subresource": _get_subresource,
    "get_relationship": _get_relationship,
    "update_relationship": _write_relationship,
    "add_relationship": _write_relationship,
    "delete_relationship": _write_relationship,
}


# --- assembling ------------------------------------------------------------------------------


def applies(action: Action, resource: Resource, rel: Relationship | None) -> bool:
    """Whether ``resource`` enables ``action`` (on ``rel``, for association routes)."""
    if not resource.allows(action.name):
        return False
    if action.route in ("collection", "item"):
        return rel is None
    if rel is None:
        return False
    writes = action.name in ("update_relationship", "add_relationship", "delete_relationship")
    to_many_only = action.name in ("add_relationship", "delete_relationship")
    return (rel.writable or not writes) and (rel.many or not to_many_only)


def api_root(prefix: str) -> str:
    """``/api`` for ``api/`` or ``/api``; ``""`` for ``/``: what every path starts with."""
    return "/" + prefix.strip("/") if prefix.strip("/") else ""


def route(prefix: str, action: Action, resource: Resource, rel: Relationship | None) -> str:
    base = f"{prefix}/{resource.type}"
    if action.route == "collection":
        return base
    if action.route == "item":
        return base + "/{id}"
    assert rel is not None
    middle = "/relationships/" if action.route == "relationship" else "/"
    return f"{base}/{{id}}{middle}{rel.name}"


def operation(
    c: Context, action: Action, resource: Resource, rel: Relationship | None
) -> Operation:
    params, request, ok = BUILDERS[action.name](c, resource, rel)
    errors = WRITE_ERRORS if action.method != "get" else READ_ERRORS
    responses = {str(action.status): ok} | error_refs(errors)
    if action.name == "update_list":  # X-Mode: sync
        responses["200"] = batch.sync_ok(c.components, resource)
    summary = action.summary.format(
        one=names.one(resource), many=names.many(resource), rel=rel.name if rel else ""
    )
    about = schemas.relationship_description(rel) if rel else resource.description
    if action.name == "update_list":
        about = batch.DESCRIPTION.format(many=names.many(resource))
    if action.name in ("create", "update"):
        about += "\n\n" + write_notes(resource, action.name == "create")
        if action.name == "create":
            about += included_note(c.registry, resource)
    op: Operation = {
        "tags": [resource.type],
        "summary": summary,
        "description": f"{about}\n\nOro action: `{action.name}`.",
        "operationId": names.operation_id(action.name, resource, c.registry, rel),
    }
    refs = c.refs(params)
    if action.name == "delete":  # its example removes a record other examples do not use
        refs.insert(0, p.path_id(resource, examples.deletable_id(resource)))
    if refs:
        op["parameters"] = refs
    if request is not None:
        op["requestBody"] = request
    op["responses"] = dict(sorted(responses.items()))
    return op


def endpoints(prefix: str, resource: Resource) -> Iterator[tuple[str, Action, Relationship | None]]:
    """``(path, action, association)`` of every operation ``resource`` enables, in order: its
    list, its item, and per association the sub-resource and relationship routes."""
    for rel in (None, *resource.relationships):
        for action in ACTIONS:
            if applies(action, resource, rel):
                yield route(prefix, action, resource, rel), action, rel


def resource_paths(prefix: str, c: Context, resource: Resource) -> dict[str, Any]:
    """Every route of ``resource``, as OpenAPI path items (its own sub-resources last)."""
    paths: dict[str, Any] = {}
    for path, action, rel in endpoints(prefix, resource):
        item = paths.setdefault(path, {})
        if action.route != "collection" and "parameters" not in item:
            item["parameters"] = [p.path_id(resource, examples.record_id(resource))]
        item[action.method] = operation(c, action, resource, rel)
    for path, action, sub in custom_endpoints(prefix, resource):
        item = paths.setdefault(path, {})
        item.setdefault("parameters", [p.path_id(resource, examples.record_id(resource))])
        item[action.method] = custom_operation(c, action, resource, sub)
    return paths


# --- a resource's own sub-resources (metadata.model.SubResource) -----------------------------

CUSTOM_ACTIONS = {  # Oro's names of a sub-resource's actions, by method
    "GET": "get_subresource",
    "POST": "add_subresource",
    "PATCH": "update_subresource",
    "DELETE": "delete_subresource",
}
CUSTOM_VERBS = {"GET": "get", "POST": "add", "PATCH": "update", "DELETE": "delete"}


def custom_endpoints(prefix: str, resource: Resource) -> Iterator[tuple[str, Action, SubResource]]:
    """``(path, action, sub-resource)`` of each method of the resource's own sub-resources."""
    for sub in resource.subresources:
        for method, _ in sub.methods:
            created = sub.returns is not None and sub.returns != resource.type and method == "POST"
            status = 201 if created and sub.returns == "checkouts" else 200
            action = Action(
                CUSTOM_ACTIONS[method], method.lower(), "subresource", status, sub.description
            )
            yield f"{prefix}/{resource.type}/{{id}}/{sub.name}", action, sub


def _shape_schema(shape: Any) -> Schema:
    """The JSON Schema of a sub-resource's answer declared by its shape (not a resource):
    ``{"meta": {...}}``, or items with a type, attributes and relationships."""
    if "meta" in shape:
        meta = {"type": "object", "properties": dict(shape["meta"])}
        return {"type": "object", "properties": {"meta": meta}, "required": ["meta"]}
    related = {
        name: {
            "type": "object",
            "properties": {
                "data": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "description": " or ".join(types)},
                        "id": {"type": "string"},
                    },
                }
            },
        }
        for name, types in shape.get("relationships", {}).items()
    }
    item: Schema = {
        "type": "object",
        "required": ["type", "id"],
        "properties": {
            "type": {"type": "string", "description": f"Always {shape['type']}."},
            "id": {"type": "string"},
            "attributes": {"type": "object", "properties": dict(shape.get("attributes", {}))},
        },
    }
    if related:
        item["properties"]["relationships"] = {"type": "object", "properties": related}
    return {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": item}, "links": {"type": "object"}},
    }


def custom_operation(c: Context, action: Action, resource: Resource, sub: SubResource) -> Operation:
    """One method of a resource's own sub-resource: what it answers, what it takes."""
    method = action.method.upper()
    if sub.returns is not None and sub.returns in c.registry:
        ok = success("The resulting record.", c.components.document(c.registry[sub.returns]))
    elif sub.shape is not None:
        ok = success("The answer.", _shape_schema(sub.shape))
    else:
        ok = success("The resulting record.", {"type": "object"})
    responses = {str(action.status): ok}
    if action.status == 201:
        responses["200"] = success(
            "An open checkout of this record: that one.", ok["content"][JSONAPI]["schema"]
        )
    errors = READ_ERRORS if method == "GET" else WRITE_ERRORS
    responses |= error_refs(errors)
    op: Operation = {
        "tags": [resource.type],
        "summary": f"{upper_first(CUSTOM_VERBS[method])} {sub.name} of {names.one(resource)}",
        "description": f"{sub.description}\n\nOro action: `{action.name}`.",
        "operationId": CUSTOM_VERBS[method]
        + names.singular(resource)
        + names.upper_first(sub.name),
    }
    if sub.request == "meta":
        schema = c.components.ref(
            "MetaRequest",
            lambda: {
                "type": "object",
                "description": "A request that takes options in meta only (no data).",
                "required": ["meta"],
                "properties": {"meta": {"type": "object"}},
                "additionalProperties": False,
            },
        )
        op["requestBody"] = body(schema, sub.example or {"meta": {}})
    op["responses"] = dict(sorted(responses.items()))
    return op


def upper_first(text: str) -> str:
    return names.upper_first(text)
