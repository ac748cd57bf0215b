"""Create and update: the primary object with its ``included`` items, upsert and validate.

One request, one transaction (reference §12-§14):

1. the document is read (:func:`parse_write_document`): structure, meta options, types, ids,
   references between the objects, every included item linked to the primary one;
2. each object, included items first, is *located*: a create, or an update of an existing
   record (``meta.update``, an upsert that found its record, the primary object of PATCH);
3. each object's form is submitted as a create or an update, and storage checks what only it
   can tell (related records, unique values); every error of every object is raised together;
4. new records are inserted, references between the objects resolved, records updated, links
   written; then the objects are rendered (included items with ``meta.includeId``);
5. ``meta.validate``: the writes are rolled back (a savepoint) instead of kept, so nothing
   persists (not even an id taken from a sequence), and the would-be objects are answered.

Access, object by object, as for a single write: creating needs the CREATE permission on the
type (and the new record must be within reach), updating — ``meta.update``, a record an upsert
found, the primary object of PATCH — needs EDIT on that record (else 403 "No access to the
entity."), and every related record named must exist and be visible (``related_error``).

Entry points: :func:`create` and :func:`update` are the actions; :func:`save` saves one parsed
document (a primary object with its included items) within the caller's write transaction —
the Batch API calls it once per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    column_pointers,
    ensure_reachable,
    fetch_one,
    item_query,
    loader_for,
    now,
    related_error,
    writing,
)
from server.actions.context import Context, Reply
from server.actions.render import render
from server.jsonapi.body import load_json
from server.jsonapi.errors import (
    ApiError,
    ConflictConstraint,
    ConstraintViolation,
    EntityConstraint,
    ValueConstraint,
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
from server.storage.dialect import restore_sequences, sequence_values
from server.storage.load import Loader
from server.storage.write import Writer

# --- the actions -------------------------------------------------------------------------------


def create(ctx: Context, resource: Resource) -> Reply:
    """POST /api/{type}: 201 with ``Location`` (none for a validate-only request, reference
    §21), or 200 when an upsert found the record."""
    return _reply(ctx, resource, None)


def update(ctx: Context, resource: Resource, id_text: str) -> Reply:
    """PATCH /api/{type}/{id}: 200 (201 when ``meta.upsert`` created the record)."""
    return _reply(ctx, resource, parse_id(resource, id_text))


def _reply(ctx: Context, resource: Resource, url_id: Any | None) -> Reply:
    document = parse_write_document(
        load_json(ctx.body), resource, ctx.backend.registry, url_id=url_id
    )
    query = item_query(ctx, resource)
    pointers: dict[str, str] = {}  # filled by save: a unique index's column → its pointer
    with writing(ctx, pointers) as connection:
        saved = save(ctx, connection, document, query, url_id=url_id, pointers=pointers)
    body = saved.document(ctx, resource)
    if saved.created and not saved.validated:
        # a header is Latin-1: a client id such as "Ω" goes percent-encoded, as in a URL
        location = f"{ctx.api_url}/{resource.type}/{quote(str(saved.id), safe='')}"
        return Reply(201, body, {"Location": location})
    return Reply(201 if saved.created else 200, body)


# --- saving one document -------------------------------------------------------------------------


@dataclass
class Saved:
    """What :func:`save` did: the primary record's id and rendered object, and the included
    items it wrote (each with ``meta.includeId``), then those ``?include=`` asked for."""

    id: Any
    created: bool
    validated: bool  # meta.validate: nothing was kept
    data: dict[str, Any]  # the primary resource object
    included: list[dict[str, Any]] = field(default_factory=list)

    def document(self, ctx: Context, resource: Resource) -> dict[str, Any]:
        """The response document (writes are JSON:API only: a plain one is refused before)."""
        body: dict[str, Any] = {"data": self.data}
        if self.included:
            body["included"] = self.included
        if "noHateoas" not in ctx.x_include:
            body["links"] = {"self": f"{ctx.api_url}/{resource.type}"}
        return body


def save(
    ctx: Context,
    connection: sa.Connection,
    document: WriteDocument,
    query: Query,
    *,
    url_id: Any | None = None,
    pointers: dict[str, str] | None = None,
) -> Saved:
    """Save ``document`` — its included items, then its primary object — within the caller's
    write transaction (:func:`server.actions.common.writing`), honouring ``meta.update``,
    ``meta.upsert`` and ``meta.validate``; ``url_id`` is the id of PATCH's URL (None: POST).

    Raises the request's errors (every one of the failing phase) with nothing of the document
    kept: its writes run in a savepoint, rolled back on an error and, for ``meta.validate``,
    once the would-be objects are rendered. ``pointers`` (optional) is filled with each
    written column's pointer, for :func:`writing`'s unique-index error.
    """
    primary = document.primary
    raise_all(option_errors(primary, post=url_id is None))
    if url_id is None:
        allowed_rule(ctx, primary.resource, "CREATE")
    schema = ctx.backend.schema
    sequences = sequence_values(
        connection, [schema.tables[o.resource.type] for o in document.objects]
    )
    try:
        with connection.begin_nested() as savepoint:
            saved = _run(ctx, connection, document, query, url_id, pointers)
            if saved.validated:
                savepoint.rollback()
    except Exception:
        restore_sequences(connection, sequences)  # nothing kept, not even an id
        raise
    if saved.validated:
        restore_sequences(connection, sequences)
    return saved


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
        detail = f"The upsert operation cannot use {noun} to find an entity."
        return [ValueConstraint(detail, pointer=at)]
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


def _run(
    ctx: Context,
    connection: sa.Connection,
    document: WriteDocument,
    query: Query,
    url_id: Any | None,
    pointers: dict[str, str] | None,
) -> Saved:
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
        if pointers is not None:
            pointers.update(column_pointers(step.obj.resource, step.data))
        try:
            _check_storage(ctx, loader, writer, step.obj.resource, _known(step.data), step.existing)
        except ApiError as error:
            errors += error.objects()
    raise_all(errors)
    _write(ctx, loader, writer, steps)
    return _render(ctx, loader, steps, query)


def _defaults(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Ownership the caller gets by default: their user, business unit and organization."""
    principal = ctx.principal
    return {
        rel.name: principal.default_of(rel.default)
        for rel in resource.relationships
        if rel.default and principal is not None
    }


def _at(obj: WriteObject, error: ApiError) -> ApiError:
    """An included item's access error points at the item (the primary object's at nothing)."""
    if obj.index is not None and error.pointer is None:
        error.pointer = obj.base
    return error


def _locate(
    ctx: Context, loader: Loader, writer: Writer, obj: WriteObject, url_id: Any | None
) -> Any | None:
    """The id of the record ``obj`` updates, or None when it creates one."""
    try:
        return _find(ctx, loader, writer, obj, url_id)
    except ApiError as error:
        raise _at(obj, error) from None


def _find(
    ctx: Context, loader: Loader, writer: Writer, obj: WriteObject, url_id: Any | None
) -> Any | None:
    resource, options = obj.resource, obj.options
    primary_patch = obj.index is None and url_id is not None
    if primary_patch and not (options.upsert and not writer.existing(resource, [url_id])):
        fetch_one(loader, ctx, resource, url_id, "EDIT")
        return url_id
    if options.update:
        if not writer.existing(resource, [obj.id]):
            raise EntityConstraint("The entity does not exist.", pointer=obj.base)
        return _editable(ctx, loader, resource, obj.id)
    if options.upsert_fields is not None:
        criteria = {name: obj.value_of(name) for name in options.upsert_fields}
        if not any(isinstance(value, TempRef) for value in criteria.values()):
            # (a reference to a record of this request: nothing stored can match it)
            found = writer.matching(resource, criteria, _upsert_scope(ctx, resource), limit=2)
            if len(found) > 1:
                raise ConflictConstraint(
                    "The upsert operation founds more than one entity.",
                    pointer=None if obj.index is None else obj.base,
                )
            if found:
                return _editable(ctx, loader, resource, found[0])
    elif options.upsert and obj.id is not None and writer.existing(resource, [obj.id]):
        return _editable(ctx, loader, resource, obj.id)
    elif obj.id is not None and not options.upsert and writer.existing(resource, [obj.id]):
        pointer = "/data/id" if obj.index is None else f"{obj.base}/id"
        raise ConflictConstraint("The entity already exists.", pointer=pointer)
    allowed_rule(ctx, resource, "CREATE")
    return None


def _editable(ctx: Context, loader: Loader, resource: Resource, id_: Any) -> Any:
    """A found record is updated only if the caller may edit it: else 403, as Oro answers
    (the type not at all: "No access to this type of entities.")."""
    fetch_one(loader, ctx, resource, id_, "EDIT")  # it exists: 403 when out of reach
    return id_


def _upsert_scope(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Upsert finds records of the caller's organization only."""
    organization = resource.relationship.get("organization")
    if organization is None or organization.many or ctx.principal is None:
        return {}
    return {organization.column: ctx.principal.default_of("organization")}


def _check_storage(
    ctx: Context,
    loader: Loader,
    writer: Writer,
    resource: Resource,
    data: ResourceInput,
    exclude_id: Any = None,
) -> None:
    """What only the database can tell: missing or hidden related records, taken unique values
    (among the records of the same scope, say the organization)."""
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
        rule = resource.attribute[name].unique_rule
        if rule is None or value is None:
            continue
        scope = _unique_scope(writer, resource, data, rule.scope, exclude_id)
        if None not in scope.values() and writer.taken(resource, name, value, exclude_id, scope):
            pointer = data.pointers.get(name)
            errors.append(ConstraintViolation.of(Unique.violation(), pointer=pointer))
    raise_all(errors)


def _unique_scope(
    writer: Writer,
    resource: Resource,
    data: ResourceInput,
    names: tuple[str, ...],
    id_: Any,
) -> dict[str, Any]:
    """The foreign keys a unique value is scoped by, as the record will have them."""
    columns = {resource.relationship[name].column: name for name in names}
    scope = {column: data.relationships.get(name) for column, name in columns.items()}
    missing = [column for column, name in columns.items() if name not in data.relationships]
    if missing and id_ is not None:
        scope.update(writer.stored(resource, id_, missing))
    return scope


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
    the references, the updates and the links; last, every record must be within reach."""
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
                values = _columns(resource, ResourceInput(data.id, {}, late, {}), creating=False)
                writer.update(resource, step.id, values)
        else:
            writer.update(resource, step.id, _columns(resource, data, creating=False))
        _write_links(writer, resource, step.id, data)
    for step in steps:
        permission = "CREATE" if step.creating else "EDIT"
        try:
            ensure_reachable(ctx, loader, step.obj.resource, step.id, permission)
        except ApiError as error:
            raise _at(step.obj, error) from None


def _render(ctx: Context, loader: Loader, steps: list[_Step], query: Query) -> Saved:
    """The primary object as ``query`` asks, the written included items (each with
    ``meta.includeId``, the id it was sent with), then what ``?include=`` adds."""
    primary = steps[-1]
    resource = primary.obj.resource
    row = fetch_one(loader, ctx, resource, primary.id)
    (data,), asked = render(ctx, loader, resource, [row], query)
    written = []
    for step in steps[:-1]:
        target = step.obj.resource
        item_row = fetch_one(loader, ctx, target, step.id)
        (item,), _ = render(ctx, loader, target, [item_row], _plain(query))
        item.setdefault("meta", {})["includeId"] = step.obj.sent_id
        written.append(item)
    keys = {(item["type"], item["id"]) for item in written}
    included = written + [i for i in asked if (i["type"], i["id"]) not in keys]
    validated = primary.obj.options.validate
    return Saved(primary.id, primary.creating, validated, data, included)


def _plain(query: Query) -> Query:
    """The query for an included item's own object: its fields, nothing included."""
    return replace(query, include=())
