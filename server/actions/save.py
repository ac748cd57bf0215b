"""Create and update: the primary object with its ``included`` items, upsert and validate.

One request, one transaction (reference §12-§14):

1. the document is read (:func:`parse_write_document`): structure, meta options, types, ids,
   references between the objects, every included item linked to the primary one;
2. each object, included items first, is *located*: a create, or an update of an existing
   record (``meta.update``, an upsert that found its record, the primary object of PATCH);
3. each object's form is submitted as a create or an update, and storage checks what only it
   can tell (related records, unique values); every error of every object is raised together;
4. new records are inserted, references between the objects resolved, records updated, links
   written; then the response is rendered (included items with ``meta.includeId``);
5. ``meta.validate``: the transaction is rolled back instead of committed, so nothing persists
   (not even an id taken from a sequence), and the would-be response is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    ensure_reachable,
    fetch_one,
    item_query,
    loader_for,
    now,
    related_error,
)
from server.actions.context import Context, Reply
from server.actions.render import render, single_document
from server.jsonapi.body import load_json
from server.jsonapi.errors import (
    ApiError,
    ConflictConstraint,
    ConstraintViolation,
    EntityConstraint,
    ValueConstraint,
    no_access_to_entity,
    raise_all,
)
from server.jsonapi.ids import parse_id
from server.jsonapi.meta_options import NOT_SUPPORTED
from server.jsonapi.query import Query
from server.jsonapi.request_doc import (
    ResourceInput,
    TempRef,
    WriteDocument,
    WriteObject,
    parse_write_document,
)
from server.metadata.model import Auto, Resource
from server.metadata.rules import Unique
from server.storage.load import Loader
from server.storage.write import Writer


def create(ctx: Context, resource: Resource) -> Reply:
    return _save(ctx, resource, None)


def update(ctx: Context, resource: Resource, id_text: str) -> Reply:
    return _save(ctx, resource, parse_id(resource, id_text))


@dataclass
class _Step:
    """One object of the request, located: ``existing`` is the id of the record it updates."""

    obj: WriteObject
    existing: Any | None
    data: ResourceInput | None = None
    id: Any | None = None  # the stored id once written

    @property
    def creating(self) -> bool:
        return self.existing is None


class _Rollback(Exception):
    """Ends a validate-only request's transaction without a commit, carrying its reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("validate only")
        self.reply = reply


def _save(ctx: Context, resource: Resource, url_id: Any | None) -> Reply:
    document = parse_write_document(
        load_json(ctx.body), resource, ctx.backend.registry, url_id=url_id
    )
    query = item_query(ctx, resource)
    primary = document.primary
    raise_all(option_errors(primary, post=url_id is None))
    if url_id is None:
        allowed_rule(ctx, resource, "CREATE")
    try:
        with ctx.backend.engine.begin() as connection:
            reply = _run(ctx, connection, document, query, url_id)
            if primary.options.validate:
                raise _Rollback(reply)
    except _Rollback as rollback:
        return rollback.reply
    return reply


def option_errors(obj: WriteObject, *, post: bool) -> list[ApiError]:
    """What the metadata alone says about an object's meta options (no lookup needed)."""
    resource, options, where = obj.resource, obj.options, obj.meta_pointer
    if options.validate and not resource.validation:
        return [ValueConstraint(NOT_SUPPORTED, pointer=f"{where}/validate")]
    if not options.upsert:
        return []
    at = f"{where}/upsert"
    if not resource.upsert_enabled:
        return [ValueConstraint("The upsert operation is not allowed.", pointer=at)]
    fields = options.upsert_fields
    if not post:  # PATCH: by id only
        if fields is not None:
            detail = (
                "Only the entity identifier can be used by the upsert operation to find an entity."
            )
            return [ValueConstraint(detail, pointer=at)]
        if resource.id_generated:
            detail = (
                "The upsert operation is not supported for resources with auto-generated"
                " identifier value."
            )
            return [ValueConstraint(detail, pointer=at)]
        return []
    if fields is None:
        if not resource.upsert_by_id:
            detail = "The upsert operation cannot use the entity identifier to find an entity."
            return [ValueConstraint(detail, pointer=at)]
        return []
    if not resource.upsert_allows(fields):
        noun = "these fields" if len(fields) > 1 else "this field"
        return [
            ValueConstraint(
                f"The upsert operation cannot use {noun} to find an entity.", pointer=at
            )
        ]
    errors: list[ApiError] = []
    sent = obj.sent_fields()
    for name in fields:
        relationship = resource.relationship.get(name)
        if relationship is not None and relationship.many:
            detail = f'The "{name}" field is not allowed because it is to-many association.'
        elif name not in sent:
            detail = (
                f'The "{name}" field is unknown.'
                if name not in resource.field_names
                else f'The "{name}" field does not exist in the request data.'
            )
        else:
            continue
        errors.append(ValueConstraint(detail, pointer=at))
    return errors


def _run(
    ctx: Context,
    connection: sa.Connection,
    document: WriteDocument,
    query: Query,
    url_id: Any | None,
) -> Reply:
    writer = Writer(connection, ctx.backend.registry, ctx.backend.schema)
    loader = loader_for(ctx, connection)
    errors: list[ApiError] = []
    for obj in document.included:
        errors += option_errors(obj, post=True)
    raise_all(errors)
    steps: list[_Step] = []
    for obj in document.objects:
        try:
            steps.append(_Step(obj, _locate(ctx, loader, writer, obj, url_id)))
        except ApiError as error:
            errors.append(error)
    raise_all(errors)
    for step in steps:
        defaults = _defaults(ctx, step.obj.resource) if step.creating else None
        step.data, problems = step.obj.submit(creating=step.creating, defaults=defaults)
        errors += problems
    raise_all(errors)
    for step in steps:
        assert step.data is not None
        try:
            _check_storage(ctx, loader, writer, step.obj.resource, _known(step.data), step.existing)
        except ApiError as error:
            errors += error.objects()
    raise_all(errors)
    _write(ctx, loader, writer, steps)
    return _reply(ctx, loader, steps, query)


def _defaults(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Ownership the caller gets by default: their user, business unit and organization."""
    principal = ctx.principal
    return {
        rel.name: principal.default_of(rel.default)
        for rel in resource.relationships
        if rel.default and principal is not None
    }


def _check_storage(
    ctx: Context,
    loader: Loader,
    writer: Writer,
    resource: Resource,
    data: ResourceInput,
    exclude_id: Any = None,
) -> None:
    """What only the database can tell: missing or hidden related records, taken unique values."""
    errors = []
    registry = ctx.backend.registry
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        ids = value if rel.many else [] if value is None else [value]
        error = related_error(
            ctx, loader, writer, registry[rel.target], ids, data.pointers.get(name)
        )
        if error is not None:
            errors.append(error)
    for name, value in data.attributes.items():
        attr = resource.attribute[name]
        if attr.unique and value is not None and writer.taken(resource, name, value, exclude_id):
            pointer = data.pointers.get(name)
            errors.append(ConstraintViolation.of(Unique.violation(), pointer=pointer))
    raise_all(errors)


def _columns(resource: Resource, data: ResourceInput, *, creating: bool) -> dict[str, Any]:
    values = {resource.attribute[name].column: value for name, value in data.attributes.items()}
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        if not rel.many:
            values[rel.column] = value
    stamp = now()
    for attr in resource.attributes:
        if attr.auto is Auto.UPDATED or (attr.auto is Auto.CREATED and creating):
            values[attr.column] = stamp
    return values


def _write_links(writer: Writer, resource: Resource, id_: Any, data: ResourceInput) -> None:
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        if rel.many:
            writer.link(resource, rel, id_, value, "replace")


def _locate(
    ctx: Context, loader: Loader, writer: Writer, obj: WriteObject, url_id: Any | None
) -> Any | None:
    """The id of the record ``obj`` updates, or None when it creates one."""
    resource, options = obj.resource, obj.options
    primary_patch = obj.index is None and url_id is not None
    if primary_patch and not (options.upsert and not writer.existing(resource, [url_id])):
        fetch_one(loader, ctx, resource, url_id, "EDIT")
        return url_id
    if options.update:
        if not writer.existing(resource, [obj.id]):
            raise EntityConstraint("The entity does not exist.", pointer=obj.base)
        return _editable(ctx, loader, obj, obj.id)
    if options.upsert_fields is not None:
        criteria = {name: obj.value_of(name) for name in options.upsert_fields}
        if any(isinstance(value, TempRef) for value in criteria.values()):
            return None  # refers to a record of this request: nothing stored can match
        found = writer.matching(resource, criteria, _scope(ctx, resource), limit=2)
        if len(found) > 1:
            pointer = None if obj.index is None else obj.base
            raise ConflictConstraint(
                "The upsert operation founds more than one entity.", pointer=pointer
            )
        return _editable(ctx, loader, obj, found[0]) if found else None
    if options.upsert and obj.id is not None and writer.existing(resource, [obj.id]):
        return _editable(ctx, loader, obj, obj.id)
    if obj.id is not None and not options.upsert and writer.existing(resource, [obj.id]):
        pointer = "/data/id" if obj.index is None else f"{obj.base}/id"
        raise ConflictConstraint("The entity already exists.", pointer=pointer)
    allowed_rule(ctx, resource, "CREATE")
    return None


def _editable(ctx: Context, loader: Loader, obj: WriteObject, id_: Any) -> Any:
    """A found record is updated only if the caller may edit it: else 403, as Oro answers."""
    rule = ctx.rule(obj.resource, "EDIT")
    if rule is not None and not loader.rows(ctx.backend.selector.by_ids(obj.resource, [id_], rule)):
        error = no_access_to_entity()
        if obj.index is not None:
            error.pointer = obj.base
        raise error
    return id_


def _scope(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Upsert finds records of the caller's organization only."""
    organization = resource.relationship.get("organization")
    if organization is None or organization.many or ctx.principal is None:
        return {}
    return {organization.column: ctx.principal.default_of("organization")}


def _known(data: ResourceInput) -> ResourceInput:
    """The input without references to objects of this request (they are not stored yet)."""
    relationships: dict[str, Any] = {}
    for name, value in data.relationships.items():
        if isinstance(value, list):
            relationships[name] = [v for v in value if not isinstance(v, TempRef)]
        else:
            relationships[name] = None if isinstance(value, TempRef) else value
    return ResourceInput(data.id, data.attributes, relationships, data.pointers)


def _resolved(data: ResourceInput, ids: dict[int | None, Any]) -> ResourceInput:
    def one(value: Any) -> Any:
        return ids[value.index] if isinstance(value, TempRef) else value

    relationships = {
        name: [one(v) for v in value] if isinstance(value, list) else one(value)
        for name, value in data.relationships.items()
    }
    return ResourceInput(data.id, data.attributes, relationships, data.pointers)


def _write(ctx: Context, loader: Loader, writer: Writer, steps: list[_Step]) -> None:
    """Inserts first (references to this request's objects left empty), then, every id known,
    the references, the updates and the links."""
    ids: dict[int | None, Any] = {}
    for step in steps:
        data = step.data
        assert data is not None
        if step.creating:
            values = _columns(step.obj.resource, _known(data), creating=True)
            if data.id is not None:
                values["id"] = data.id
            step.id = writer.insert(step.obj.resource, values)
        else:
            step.id = step.existing
        ids[step.obj.index] = step.id
    for step in steps:
        assert step.data is not None
        resource, data = step.obj.resource, _resolved(step.data, ids)
        if step.creating:
            late = {
                name: value
                for name, value in data.relationships.items()
                if not resource.relationship[name].many
                and isinstance(step.data.relationships[name], TempRef)
            }
            if late:
                writer.update(
                    resource,
                    step.id,
                    _columns(resource, ResourceInput(data.id, {}, late, {}), creating=False),
                )
        else:
            writer.update(resource, step.id, _columns(resource, data, creating=False))
        _write_links(writer, resource, step.id, data)
    for step in steps:
        ensure_reachable(
            ctx, loader, step.obj.resource, step.id, "CREATE" if step.creating else "EDIT"
        )


def _reply(ctx: Context, loader: Loader, steps: list[_Step], query: Query) -> Reply:
    primary = steps[-1]
    resource = primary.obj.resource
    row = fetch_one(loader, ctx, resource, primary.id)
    body = single_document(ctx, loader, resource, row, query, f"{ctx.api_url}/{resource.type}")
    written = []
    for step in steps[:-1]:
        target = step.obj.resource
        item_row = fetch_one(loader, ctx, target, step.id)
        (item,), _ = render(ctx, loader, target, [item_row], _plain(query))
        item.setdefault("meta", {})["includeId"] = step.obj.sent_id
        written.append(item)
    if written:
        keys = {(item["type"], item["id"]) for item in written}
        others = [i for i in body.get("included", []) if (i["type"], i["id"]) not in keys]
        body["included"] = written + others
    if primary.creating and not primary.obj.options.validate:
        # a header is Latin-1: a client id such as "Ω" goes percent-encoded, as in a URL
        location = f"{ctx.api_url}/{resource.type}/{quote(str(primary.id), safe='')}"
        return Reply(201, body, {"Location": location})
    return Reply(201 if primary.creating else 200, body)


def _plain(query: Query) -> Query:
    """The query for an included item's own object: its fields, nothing included."""
    return replace(query, include=())
