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

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    column_pointers,
    fetch_one,
    item_query,
    loader_for,
    now,
    reachable,
    related_problem,
    related_records,
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
from server.metadata.model import VISITOR_COLUMN, Auto, Resource
from server.metadata.rules import Unique
from server.storage.dialect import restore_sequences, sequence_values, unique_violation_columns
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
    saved, _ = _save(ctx, connection, document, url_id, pointers, query)
    assert saved is not None
    return saved


@dataclass
class Stored:
    """What :func:`save_many` kept of one document: each object's stored id and whether it
    was created, by the object's index (None: the primary object)."""

    document: WriteDocument
    ids: dict[int | None, Any]
    created: dict[int | None, bool]
    validated: bool  # meta.validate: checked, nothing kept


class Unsaved(Exception):
    """Writing creates together failed where :func:`save_many` was told not to guard them with a
    savepoint: the transaction holds part of them, the caller rolls it back and saves again with
    savepoints."""


def save_many(
    ctx: Context,
    connection: sa.Connection,
    documents: Sequence[tuple[WriteDocument, Any | None]],
    *,
    savepoint: bool = True,
) -> list[Stored | ApiError]:
    """Save several documents (each with its PATCH id, or None) in the caller's write
    transaction, as :func:`save` would one after the other, without rendering them: for each,
    what it stored or the errors that kept it from being saved (it then wrote nothing).

    Set-based where that cannot change an answer: consecutive plain creates (no meta option)
    are checked together — each type's related ids in one query — and written together —
    inserts of one statement per type, links in one — in a savepoint. When they would interfere
    (the same client id or unique value twice), or when writing them fails, the savepoint is
    rolled back and they are saved one by one; so is every document with a meta option.

    ``savepoint=False``: creates written together go without a savepoint (on SQLite its journal
    costs as much as a tenth of the write) and a failure raises :class:`Unsaved` instead — for a
    caller that can roll its whole transaction back and run it again (a batch chunk).
    """
    results: list[Stored | ApiError | None] = [None] * len(documents)
    wave: list[int] = []
    for n, (document, url_id) in enumerate(documents):
        if url_id is None and not any(_has_options(obj) for obj in document.objects):
            wave.append(n)
            continue
        _save_wave(ctx, connection, documents, wave, results, savepoint)
        wave = []
        results[n] = _save_stored(ctx, connection, document, url_id)
    _save_wave(ctx, connection, documents, wave, results, savepoint)
    return [r for r in results if r is not None]


def _has_options(obj: WriteObject) -> bool:
    options = obj.options
    return bool(options.update or options.upsert or options.validate)


def _save_stored(
    ctx: Context, connection: sa.Connection, document: WriteDocument, url_id: Any | None
) -> Stored | ApiError:
    try:
        _, steps = _save(ctx, connection, document, url_id, None, None)
    except ApiError as error:
        return error
    except sa.exc.IntegrityError as error:  # a unique index the checks did not foresee
        if unique_violation_columns(error) is None:
            raise
        return ConflictConstraint("The entity already exists.")
    return _stored(document, steps)


def _stored(document: WriteDocument, steps: list[_Step]) -> Stored:
    ids = {step.obj.index: step.id for step in steps}
    created = {step.obj.index: step.creating for step in steps}
    return Stored(document, ids, created, document.primary.options.validate)


def _save_wave(
    ctx: Context,
    connection: sa.Connection,
    documents: Sequence[tuple[WriteDocument, Any | None]],
    wave: list[int],
    results: list[Stored | ApiError | None],
    savepoint: bool,
) -> None:
    """Plain creates together; each one's errors as :func:`save` would raise them."""
    if not wave:
        return
    writer = Writer(connection, ctx.backend.registry, ctx.backend.schema)
    loader = loader_for(ctx, connection)
    prepared: dict[int, list[_Step]] = {}
    for n in wave:
        document = documents[n][0]
        try:
            raise_all(option_errors(document.primary, post=True))
            allowed_rule(ctx, document.primary.resource, "CREATE")
            prepared[n] = _prepare(ctx, loader, writer, document, None, doc=n)
        except ApiError as error:
            results[n] = error
    steps = [step for n in prepared for step in prepared[n]]
    for n, errors in _storage_errors(ctx, loader, writer, steps).items():
        results[n] = _one_error(errors)
        del prepared[n]
    steps = [step for n in prepared for step in prepared[n]]
    if not _interfering(writer, steps):
        schema = ctx.backend.schema
        sequences = sequence_values(connection, [schema.tables[s.obj.resource.type] for s in steps])
        try:
            with connection.begin_nested() if savepoint else contextlib.nullcontext():
                _write(ctx, loader, writer, steps)
        except (ApiError, sa.exc.IntegrityError) as error:
            if not savepoint:
                raise Unsaved from error
            restore_sequences(connection, sequences)
        else:
            for n, members in prepared.items():
                results[n] = _stored(documents[n][0], members)
            return
    for n in prepared:  # one by one: each gets its own answer
        results[n] = _save_stored(ctx, connection, documents[n][0], None)


def _one_error(errors: list[ApiError]) -> ApiError:
    try:
        raise_all(errors)
    except ApiError as error:
        return error
    raise AssertionError("no error")


def _interfering(writer: Writer, steps: list[_Step]) -> bool:
    """Whether two creates claim the same client id or the same unique value (saved one after
    the other, the second one fails)."""
    claimed: set[tuple[Any, ...]] = set()
    for step in steps:
        resource, data = step.obj.resource, step.data
        assert data is not None
        keys: list[tuple[Any, ...]] = []
        if data.id is not None:
            keys.append((resource.type, "id", data.id))
        for name, value in data.attributes.items():
            rule = resource.attribute[name].unique_rule
            if rule is not None and value is not None:
                scope = _unique_scope(writer, resource, _known(data), rule.scope, None)
                keys.append((resource.type, name, value, *sorted(scope.items())))
        for key in keys:
            if key in claimed:
                return True
            claimed.add(key)
    return False


def _save(
    ctx: Context,
    connection: sa.Connection,
    document: WriteDocument,
    url_id: Any | None,
    pointers: dict[str, str] | None,
    query: Query | None,
) -> tuple[Saved | None, list[_Step]]:
    """One document in a savepoint of its own; rendered when ``query`` is given."""
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
            saved, steps = _run(ctx, connection, document, query, url_id, pointers)
            if primary.options.validate:
                savepoint.rollback()
    except Exception:
        restore_sequences(connection, sequences)  # nothing kept, not even an id
        raise
    if primary.options.validate:
        restore_sequences(connection, sequences)
    return saved, steps


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
    doc: int = 0  # which document of save_many
    data: ResourceInput | None = None
    id: Any | None = None  # the stored id once written
    known: ResourceInput | None = None  # ``data`` without references to this request's objects

    @property
    def creating(self) -> bool:
        return self.existing is None


def _run(
    ctx: Context,
    connection: sa.Connection,
    document: WriteDocument,
    query: Query | None,
    url_id: Any | None,
    pointers: dict[str, str] | None,
) -> tuple[Saved | None, list[_Step]]:
    writer = Writer(connection, ctx.backend.registry, ctx.backend.schema)
    loader = loader_for(ctx, connection)
    steps = _prepare(ctx, loader, writer, document, url_id)
    if pointers is not None:
        for step in steps:
            assert step.data is not None
            pointers.update(column_pointers(step.obj.resource, step.data))
    raise_all(_storage_errors(ctx, loader, writer, steps).get(0, []))
    _write(ctx, loader, writer, steps)
    return (None if query is None else _render(ctx, loader, steps, query)), steps


def _prepare(
    ctx: Context,
    loader: Loader,
    writer: Writer,
    document: WriteDocument,
    url_id: Any | None,
    *,
    doc: int = 0,
) -> list[_Step]:
    """Each object located (a create, or the record it updates) and its form submitted;
    raises the errors of the first phase that has any."""
    errors: list[ApiError] = []
    for obj in document.included:
        errors += option_errors(obj, post=True)
    raise_all(errors)
    steps: list[_Step] = []
    for obj in document.objects:
        try:
            steps.append(_Step(obj, _locate(ctx, loader, writer, obj, url_id), doc))
        except ApiError as error:
            errors.append(error)
    raise_all(errors)
    for step in steps:
        defaults = _defaults(ctx, step.obj.resource) if step.creating else None
        step.data, problems = step.obj.submit(creating=step.creating, defaults=defaults)
        errors += problems
    raise_all(errors)
    return steps


def _defaults(ctx: Context, resource: Resource) -> dict[str, Any]:
    """Ownership the caller gets by default: their user, business unit and organization (a
    storefront visitor has no customer user nor customer: see :func:`_visitor_owner`)."""
    principal = ctx.principal
    return {
        rel.name: principal.default_of(rel.default)
        for rel in resource.relationships
        if rel.default
        and principal is not None
        and not (principal.visitor and rel.default != "organization")
    }


def _visitor_owner(ctx: Context, resource: Resource) -> dict[str, Any]:
    """A record a storefront visitor creates is theirs (``Resource.visitor_owned``)."""
    principal = ctx.principal
    if principal is None or not principal.visitor or not resource.visitor_owned:
        return {}
    return {VISITOR_COLUMN: principal.user_id}


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


def _storage_errors(
    ctx: Context, loader: Loader, writer: Writer, steps: list[_Step]
) -> dict[int, list[ApiError]]:
    """What only the database can tell, by document: missing or hidden related records (each
    type's related ids of all the steps looked up at once), taken unique values (among the
    records of the same scope, say the organization)."""
    registry = ctx.backend.registry
    known = [_known_of(step) for step in steps if step.data is not None]
    wanted: dict[str, set[Any]] = {}
    for step, data in zip(steps, known, strict=True):
        for name, value in data.relationships.items():
            rel = step.obj.resource.relationship[name]
            wanted.setdefault(rel.target, set()).update(_ids(rel.many, value))
    related = {
        type_: related_records(ctx, loader, writer, registry[type_], ids)
        for type_, ids in wanted.items()
    }
    # (the usual case: every record named exists and is visible — no step to look at)
    every_one = all(
        existing.issuperset(wanted[type_]) and (visible is None or visible >= existing)
        for type_, (existing, visible) in related.items()
    )
    errors: dict[int, list[ApiError]] = {}
    for step, data in zip(steps, known, strict=True):
        resource = step.obj.resource
        found: list[ApiError] = []
        for name, value in data.relationships.items() if not every_one else ():
            rel = resource.relationship[name]
            ids, pointer = _ids(rel.many, value), data.pointers.get(name)
            error = related_problem(ids, *related[rel.target], pointer)
            if error is not None:
                found.append(error)
        for name in _unique_names(resource):
            value = data.attributes.get(name)
            rule = resource.attribute[name].unique_rule
            if rule is None or value is None:
                continue
            exclude = step.existing
            scope = _unique_scope(writer, resource, data, rule.scope, exclude)
            if None not in scope.values() and writer.taken(resource, name, value, exclude, scope):
                pointer = data.pointers.get(name)
                found.append(ConstraintViolation.of(Unique.violation(), pointer=pointer))
        if found:
            errors.setdefault(step.doc, []).extend(e for f in found for e in f.objects())
    return errors


@functools.cache
def _unique_names(resource: Resource) -> tuple[str, ...]:
    """The attributes with a unique value (few; every write checks them)."""
    return tuple(a.name for a in resource.attributes if a.unique_rule is not None)


def _ids(many: bool, value: Any) -> list[Any]:
    return list(value) if many else [] if value is None else [value]


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


def _columns(
    resource: Resource, data: ResourceInput, *, creating: bool, stamp: str | None = None
) -> dict[str, Any]:
    attribute, relationship = resource.attribute, resource.relationship
    values = {attribute[name].column: value for name, value in data.attributes.items()}
    for name, value in data.relationships.items():
        rel = relationship[name]
        if not rel.many:
            values[rel.column] = value
    stamp = stamp or now()
    for attr in resource.attributes:
        if attr.auto is Auto.UPDATED or (attr.auto is Auto.CREATED and creating):
            values[attr.column] = stamp
    return values


def _write_links(writer: Writer, resource: Resource, id_: Any, data: ResourceInput) -> None:
    for name, value in data.relationships.items():
        rel = resource.relationship[name]
        if rel.many:
            writer.link(resource, rel, id_, value, "replace")


def _known_of(step: _Step) -> ResourceInput:
    """:func:`_known` of a step's input (worked out once: checks and writes both read it)."""
    if step.known is None:
        assert step.data is not None
        step.known = _known(step.data)
    return step.known


def _known(data: ResourceInput) -> ResourceInput:
    """The input without references to objects of this request (they are not stored yet)."""
    relationships: dict[str, Any] = {}
    for name, value in data.relationships.items():
        if isinstance(value, list):
            relationships[name] = [v for v in value if not isinstance(v, TempRef)]
        else:
            relationships[name] = None if isinstance(value, TempRef) else value
    return ResourceInput(data.id, data.attributes, relationships, data.pointers)


def _resolved(
    data: ResourceInput, ids: dict[tuple[int, int | None], Any], doc: int
) -> ResourceInput:
    def one(value: Any) -> Any:
        return ids[doc, value.index] if isinstance(value, TempRef) else value

    relationships = {
        name: [one(v) for v in value] if isinstance(value, list) else one(value)
        for name, value in data.relationships.items()
    }
    return ResourceInput(data.id, data.attributes, relationships, data.pointers)


def _write(ctx: Context, loader: Loader, writer: Writer, steps: list[_Step]) -> None:
    """Inserts first, each type's in one statement (references to this request's objects left
    empty), then, every id known, the references, the updates and the links (a new record's
    links of each relationship in one statement); last, every record must be within reach."""
    stamp = now()  # one time for the records written together
    creating: dict[str, list[_Step]] = {}
    for step in steps:
        if step.creating:
            creating.setdefault(step.obj.resource.type, []).append(step)
        else:
            step.id = step.existing
    groups: list[tuple[Resource, list[dict[str, Any]]]] = []
    for members in creating.values():
        resource = members[0].obj.resource
        rows = []
        for step in members:
            assert step.data is not None
            values = _columns(resource, _known_of(step), creating=True, stamp=stamp)
            values.update(_visitor_owner(ctx, resource))
            if step.data.id is not None:
                values["id"] = step.data.id
            rows.append(values)
        groups.append((resource, rows))
    for members, inserted in zip(creating.values(), writer.insert_all(groups), strict=True):
        for step, id_ in zip(members, inserted, strict=True):
            step.id = id_
    ids = {(step.doc, step.obj.index): step.id for step in steps}
    new_links: dict[tuple[str, str], list[tuple[Any, list[Any]]]] = {}
    for step in steps:
        assert step.data is not None
        resource, data = step.obj.resource, _resolved(step.data, ids, step.doc)
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
            for name, value in data.relationships.items():
                if resource.relationship[name].many:
                    new_links.setdefault((resource.type, name), []).append((step.id, value))
        else:
            writer.update(resource, step.id, _columns(resource, data, creating=False))
            _write_links(writer, resource, step.id, data)
    registry = ctx.backend.registry
    for (type_, name), pairs in new_links.items():
        resource = registry[type_]
        writer.link_new(resource, resource.relationship[name], pairs)
    _ensure_reachable(ctx, loader, steps)


def _ensure_reachable(ctx: Context, loader: Loader, steps: list[_Step]) -> None:
    """Every record written must be within the caller's reach (say, after an owner change),
    each type's checked at once."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for step in steps:
        groups.setdefault((step.obj.resource.type, _permission(step)), []).append(step.id)
    registry = ctx.backend.registry
    within = {
        key: reachable(ctx, loader, registry[key[0]], ids, key[1]) for key, ids in groups.items()
    }
    for step in steps:  # the first one out of reach, in the order of the objects
        found = within[step.obj.resource.type, _permission(step)]
        if found is not None and step.id not in found:
            raise _at(step.obj, no_access_to_entity())


def _permission(step: _Step) -> str:
    return "CREATE" if step.creating else "EDIT"


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
