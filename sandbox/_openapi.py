"""The OpenAPI reader behind :meth:`sandbox.metadata.Metadata.from_openapi`: resource objects
from the responses of the operations (and ``components/schemas``), filters and sorters from the
query parameters of the operations that return a collection, routes from the paths. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from sandbox.metadata import (
    DATA_TYPES,
    Attribute,
    FieldFilter,
    Metadata,
    Relationship,
    ResourceType,
    Route,
    WriteOptions,
)

__all__ = ["infer_data_type", "read_openapi"]

Schema = Mapping[str, Any]

# OpenAPI ``format`` of a string → Oro data type, for documents that do not name the data type.
_STRING_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "money": "money",
    "decimal": "decimal",
    "bigint": "bigint",
    "currency": "currency",
    "uuid": "guid",
}
_DATA_TYPE_NOTE = re.compile(r"\s*Data type: `(\w+)`\.")
_ORO_ACTION = re.compile(r"Oro action: `(\w+)`")
_FILTER_NAME = re.compile(r"^filter\[([^\[\]]+)\](?:\[([^\[\]]+)\])?$")
_SORTABLE_NOTE = re.compile(r"Sortable fields: ((?:`[^`]+`(?:, )?)+)")
_BACKTICKED = re.compile(r"`([^`]+)`")
_ARITY_NOTE = re.compile(r"\s*\(to-(?:one|many), `[^`]+`\)")
_ROUTE = re.compile(
    r"^(?P<base>[^{}]*/(?P<type>[^/{}]+))"
    r"(?:/\{[^/{}]+\}(?:/relationships/(?P<rel>[^/{}]+)|/(?P<sub>[^/{}]+))?)?$"
)
# (route shape, method) → Oro action, where the operation does not name it
_ACTIONS = {
    ("collection", "get"): "get_list",
    ("collection", "post"): "create",
    ("collection", "delete"): "delete_list",
    ("item", "get"): "get",
    ("item", "patch"): "update",
    ("item", "delete"): "delete",
    ("subresource", "get"): "get_subresource",
    ("subresource", "post"): "add_subresource",
    ("subresource", "patch"): "update_subresource",
    ("subresource", "delete"): "delete_subresource",
    ("relationship", "get"): "get_relationship",
    ("relationship", "patch"): "update_relationship",
    ("relationship", "post"): "add_relationship",
    ("relationship", "delete"): "delete_relationship",
}
# the server's extensions for write requests (the library never imports the server)
INCLUDED_EXAMPLE = "x-example-with-included"
UPSERT_BY_ID = "x-upsert-by-id"
UPSERT_FIELD_SETS = "x-upsert-field-sets"
_METHODS = ("get", "post", "patch", "put", "delete", "options", "head")


def _without_null(schema: Schema) -> Schema:
    """``schema`` minus its ``null`` alternative (3.1 ``type: [x, "null"]`` or ``anyOf``)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        schema = {**schema, "type": rest[0] if len(rest) == 1 else rest}
    if "enum" in schema:
        schema = {**schema, "enum": [v for v in schema["enum"] if v is not None]}
    return schema


def infer_data_type(schema: Schema) -> str:
    """Oro's data type of an attribute schema that does not name it (type and format)."""
    schema = _without_null(schema)
    kind, format_ = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return "enum"
    if kind == "integer":
        return "duration" if format_ == "duration" else "integer"
    if kind == "number":
        return "percent" if format_ == "percent" else "float"
    if kind == "boolean":
        return "boolean"
    if kind == "array":
        return "array"
    if kind == "string":
        return _STRING_FORMATS.get(str(format_), "string")
    return "json"


def _type_name(schema: Schema) -> str | None:
    """The JSON:API type an object schema stands for (``properties.type.enum == [name]``)."""
    type_schema = schema.get("properties", {}).get("type", {})
    values = type_schema.get("enum") if isinstance(type_schema, Mapping) else None
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def _is_resource_object(schema: Schema) -> bool:
    properties = schema.get("properties", {})
    return _type_name(schema) is not None and any(
        key in properties for key in ("attributes", "relationships", "links")
    )


class _Reader:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.objects: dict[str, Schema] = {}  # type → resource object schema
        self.lists: dict[str, list[Mapping[str, Any]]] = {}  # type → params of its lists
        self.routes: dict[str, list[Route]] = {}
        self.required: dict[str, tuple[str, ...]] = {}  # type → fields its create requires
        self.client_ids: set[str] = set()  # types whose create takes the id from the client
        self.writes: dict[str, dict[str, WriteOptions]] = {}  # type → action → its options

    def resolve(self, node: Any) -> Any:
        """Follow local ``$ref`` s (``#/components/...``) until a node without one."""
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 32:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return {}
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, Mapping) else {}
            node, seen = target, seen + 1
        return node if isinstance(node, Mapping) else {}

    def alternatives(self, schema: Any) -> list[Schema]:
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(options, list):
            return [s for option in options for s in self.alternatives(option)]
        return [schema]

    def data_of(self, document_schema: Any) -> tuple[list[Schema], bool]:
        """The object schemas ``data`` of a document may hold, and whether ``data`` is a list."""
        data = self.resolve(self.resolve(document_schema).get("properties", {}).get("data"))
        many = False
        for option in self.alternatives(data):
            if option.get("type") == "array" or "items" in option:
                data, many = option.get("items", {}), True
                break
        return [s for s in self.alternatives(data) if s.get("type") != "null"], many

    # --- passes ------------------------------------------------------------------------------

    def read(self) -> Metadata:
        operations = list(self.operations())
        for _, _, operation, _ in operations:
            self.collect_objects(operation)
        for schema in (self.document.get("components", {}).get("schemas") or {}).values():
            schema = self.resolve(schema)
            type_ = _type_name(schema)
            if type_ is not None and type_ not in self.objects and _is_resource_object(schema):
                self.objects[type_] = schema
        for path, method, operation, path_params in operations:
            self.collect_list_params(operation, path_params)
            self.collect_route(path, method, operation)
        info = self.document.get("info") or {}
        # in the order of the document's tags named after types, then of its routes, then found
        tags = [str(tag.get("name")) for tag in self.document.get("tags") or () if tag]
        order = dict.fromkeys(t for t in (*tags, *self.routes, *self.objects) if t in self.objects)
        resources = {type_: self.resource(type_, self.objects[type_]) for type_ in order}
        return Metadata(resources, str(info.get("title", "")), str(info.get("version", "")))

    def operations(self) -> Iterator[tuple[str, str, Schema, list[Any]]]:
        for path, item in (self.document.get("paths") or {}).items():
            item = self.resolve(item)
            path_params = list(item.get("parameters") or [])
            for method in _METHODS:
                if isinstance(item.get(method), Mapping):
                    yield path, method, item[method], path_params

    def success_schemas(self, operation: Schema) -> Iterator[Schema]:
        for status, response in (operation.get("responses") or {}).items():
            if not str(status).startswith("2"):
                continue
            for media, content in (self.resolve(response).get("content") or {}).items():
                if "json" in media and isinstance(content, Mapping) and "schema" in content:
                    yield content["schema"]

    def collect_objects(self, operation: Schema) -> None:
        for schema in self.success_schemas(operation):
            for option in self.data_of(schema)[0]:
                type_ = _type_name(option)
                if type_ is not None and type_ not in self.objects and _is_resource_object(option):
                    self.objects[type_] = option

    def collect_list_params(self, operation: Schema, path_params: list[Any]) -> None:
        """The query parameters of an operation that returns a collection belong to its type."""
        for schema in self.success_schemas(operation):
            options, many = self.data_of(schema)
            types = {_type_name(option) for option in options} - {None}
            if many and len(types) == 1:
                type_ = types.pop()
                assert type_ is not None
                params = [self.resolve(p) for p in [*path_params, *operation.get("parameters", [])]]
                self.lists.setdefault(type_, []).extend(p for p in params if p.get("in") == "query")
                return

    def collect_route(self, path: str, method: str, operation: Schema) -> None:
        match = _ROUTE.match(path)
        if match is None or match["type"] not in self.objects:
            return
        if match["rel"]:
            shape, rel = "relationship", match["rel"]
        elif match["sub"]:
            shape, rel = "subresource", match["sub"]
        else:
            shape = "item" if path != match["base"] else "collection"
            rel = None
        named = _ORO_ACTION.search(str(operation.get("description", "")))
        action = named.group(1) if named else _ACTIONS.get((shape, method))
        if action is None:
            return
        example = self.body_example(operation) if shape == "subresource" else None
        route = Route(action, method.upper(), path, rel, operation.get("operationId"), example)
        self.routes.setdefault(match["type"], []).append(route)
        if action == "create":
            self.required[match["type"]] = self.required_fields(operation)
            if self.id_required(operation):
                self.client_ids.add(match["type"])
        if action in ("create", "update"):
            self.writes.setdefault(match["type"], {})[action] = self.write_options(operation)

    def required_fields(self, operation: Schema) -> tuple[str, ...]:
        """The ``required`` attributes and relationships of a create's request document."""
        body = self.resolve(operation.get("requestBody"))
        names: list[str] = []
        for media, content in (body.get("content") or {}).items():
            if "json" not in media or not isinstance(content, Mapping):
                continue
            for data in self.data_of(content.get("schema"))[0]:
                for part in ("attributes", "relationships"):
                    section = self.resolve(data.get("properties", {}).get(part))
                    names += [str(name) for name in section.get("required") or ()]
        return tuple(dict.fromkeys(names))

    def id_required(self, operation: Schema) -> bool:
        """Whether a create's request document must carry the new record's ``id``."""
        body = self.resolve(operation.get("requestBody"))
        for media, content in (body.get("content") or {}).items():
            if "json" in media and isinstance(content, Mapping):
                for data in self.data_of(content.get("schema"))[0]:
                    if "id" in (data.get("required") or ()):
                        return True
        return False

    def body_example(self, operation: Schema) -> Any:
        """The JSON example of an operation's request body (``None`` when it shows none)."""
        body = self.resolve(operation.get("requestBody"))
        for media, content in (body.get("content") or {}).items():
            if "json" in media and isinstance(content, Mapping) and "example" in content:
                return content["example"]
        return None

    def write_options(self, operation: Schema) -> WriteOptions:
        """The meta options a create/update request takes (``meta.upsert`` with the server's
        ``x-upsert-by-id`` and ``x-upsert-field-sets``, ``meta.validate``) and its example body
        with ``included`` (``x-example-with-included``)."""
        body = self.resolve(operation.get("requestBody"))
        by_id, field_sets, validate, example = False, [], False, None
        for media, content in (body.get("content") or {}).items():
            if "json" not in media or not isinstance(content, Mapping):
                continue
            if isinstance(content.get(INCLUDED_EXAMPLE), Mapping):
                example = content[INCLUDED_EXAMPLE]
            for data in self.data_of(content.get("schema"))[0]:
                meta = self.resolve(data.get("properties", {}).get("meta"))
                options = meta.get("properties") or {}
                upsert = self.resolve(options.get("upsert"))
                by_id = by_id or upsert.get(UPSERT_BY_ID) is True
                for names in upsert.get(UPSERT_FIELD_SETS) or ():
                    if isinstance(names, list) and names and tuple(names) not in field_sets:
                        field_sets.append(tuple(str(name) for name in names))
                validate = validate or "validate" in options
        return WriteOptions(by_id, tuple(field_sets), validate, example)

    # --- one resource type -------------------------------------------------------------------

    def resource(self, type_: str, schema: Schema) -> ResourceType:
        properties = schema.get("properties", {})
        attributes = {
            name: self.attribute(name, self.resolve(s))
            for name, s in self.resolve(properties.get("attributes")).get("properties", {}).items()
        }
        relationships = {
            name: self.relationship(name, self.resolve(s))
            for name, s in self.resolve(properties.get("relationships"))
            .get("properties", {})
            .items()
        }
        id_type = self.id_type_of(type_)
        params = self.lists.get(type_)
        resource = ResourceType(
            type_,
            str(schema.get("description", "")),
            id_type,
            attributes,
            relationships,
            routes=tuple(self.routes.get(type_, ())),
            required=self.required.get(type_, ()),
            client_id=type_ in self.client_ids,
            writes=self.writes.get(type_, {}),
        )
        if params is None:
            return resource
        return ResourceType(
            resource.type,
            resource.description,
            id_type,
            attributes,
            relationships,
            self.filters(resource, params),
            self.sortable(params),
            self.meta_properties(params),
            self.max_page_size(params),
            resource.routes,
            resource.required,
            resource.client_id,
            resource.writes,
        )

    def attribute(self, name: str, schema: Schema) -> Attribute:
        description = str(schema.get("description", ""))
        note = _DATA_TYPE_NOTE.search(description)
        data_type = note.group(1) if note else infer_data_type(schema)
        plain = _without_null(schema)
        kind = DATA_TYPES[data_type].kind if data_type in DATA_TYPES else None
        if kind is None:
            kind = DATA_TYPES[infer_data_type(schema)].kind
        return Attribute(
            name,
            data_type,
            kind,
            tuple(str(v) for v in plain.get("enum", ())),
            plain.get("format"),
            bool(schema.get("readOnly", False)),
            description[: note.start()].strip() if note else description,
        )

    def relationship(self, name: str, schema: Schema) -> Relationship:
        options, many = self.data_of(schema)
        targets = {_type_name(option) for option in options} - {None}
        target = targets.pop() if len(targets) == 1 else None
        description = _ARITY_NOTE.sub("", str(schema.get("description", "")))
        return Relationship(name, target, many, description)

    def id_type_of(self, type_: str | None) -> str:
        schema = self.objects.get(type_ or "")
        if schema is None:
            return "string"
        id_schema = self.resolve(schema.get("properties", {}).get("id"))
        numeric = id_schema.get("pattern") == "^[0-9]+$" or id_schema.get("type") == "integer"
        return "integer" if numeric else "string"

    def filters(self, resource: ResourceType, params: list[Schema]) -> dict[str, FieldFilter]:
        operators: dict[str, list[str]] = {}
        notes: dict[str, str] = {}
        for param in params:
            match = _FILTER_NAME.match(str(param.get("name", "")))
            if match is None:
                continue
            name, op = match.group(1), match.group(2) or "eq"
            if op not in operators.setdefault(name, []):
                operators[name].append(op)
            notes[name] = notes.get(name, "") + " " + str(param.get("description", ""))
        result = {}
        for name, ops in operators.items():
            attribute = resource.attributes.get(name)
            rel = resource.relationships.get(name)
            if attribute is not None:
                data_type, enum = attribute.data_type, attribute.enum
            elif rel is not None:
                data_type, enum = self.id_type_of(rel.target), ()
            else:  # the id, or a field the schema does not show
                data_type, enum = resource.id_type if name == "id" else "string", ()
            row = DATA_TYPES.get(data_type, DATA_TYPES["string"])
            note = notes[name]
            said = "Lists" in note or "Ranges" in note
            lists = "Lists `a,b`" in note if said else row.lists
            ranges = "Ranges `from..to`" in note if said else row.ranges
            identifier = name == "id" or rel is not None  # ids take lists whatever their type
            result[name] = FieldFilter(
                name, tuple(ops), data_type, lists or identifier, ranges, enum
            )
        return result

    def sortable(self, params: list[Schema]) -> tuple[str, ...] | None:
        for param in params:
            if param.get("name") != "sort":
                continue
            schema = self.resolve(param.get("schema"))
            items = self.resolve(schema.get("items"))
            values = items.get("enum") or schema.get("enum")
            if isinstance(values, list):
                names = (str(v).removeprefix("-") for v in values)
                return tuple(dict.fromkeys(names))
            note = _SORTABLE_NOTE.search(str(param.get("description", "")))
            if note:
                return tuple(_BACKTICKED.findall(note.group(1)))
        return None

    def meta_properties(self, params: list[Schema]) -> tuple[str, ...] | None:
        for param in params:
            if param.get("name") == "meta":
                schema = self.resolve(param.get("schema"))
                values = schema.get("enum") or self.resolve(schema.get("items")).get("enum")
                return tuple(str(v) for v in values) if isinstance(values, list) else None
        return None

    def max_page_size(self, params: list[Schema]) -> int | None:
        for param in params:
            if param.get("name") == "page[size]":
                maximum = self.resolve(param.get("schema")).get("maximum")
                return int(maximum) if isinstance(maximum, int | float) else None
        return None


def read_openapi(document: Mapping[str, Any]) -> Metadata:
    return _Reader(document).read()
