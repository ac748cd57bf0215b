"""Request documents of write actions, validated as Oro validates them and turned into plain data.

Oro checks a body in three phases and stops after the first phase that found anything (its
processors run in groups, and a group that added errors ends the request):

1. structure (Oro's ``TypedRequestDataValidator``): members and their JSON types, ``type`` and
   ``id``; 400 ``request data constraint``, plus the two 409 ``conflict constraint`` errors;
2. identifiers (Oro's ``NormalizeRequestData``): related types known and acceptable (400 ``entity
   type constraint``), ids well-formed (400 ``entity identifier constraint``);
3. the form: extra fields, value conversion (``form constraint``), validation rules.

Every problem of a phase is reported and they are raised together (:func:`raise_all`), so the
status follows Oro's multi-error rule (400 + 409 → 409). Oro reads JSON as PHP arrays, hence
``_php_empty`` and "should be an array" messages for JSON objects. Where Oro is silent, or would
answer 500, this module decides; each such place is marked "Choice:".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from server.jsonapi.body import empty_request
from server.jsonapi.errors import (
    ApiError,
    ConflictConstraint,
    ConstraintViolation,
    EntityTypeConstraint,
    ExtraFieldsConstraint,
    FormConstraint,
    raise_all,
    request_data_error,
)
from server.jsonapi.ids import id_error, parse_id
from server.jsonapi.meta_options import MetaOptions, parse_meta_options
from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.metadata.rules import NotBlank, Rule, Violation
from server.metadata.types import InvalidValue

__all__ = [
    "ResourceInput",
    "TempRef",
    "WriteDocument",
    "WriteObject",
    "parse_relationship_document",
    "parse_resource_document",
    "parse_write_document",
    "pointer",
]

RESOURCE_OBJECT_MEMBERS = ("type", "id", "meta", "attributes", "relationships", "links")
NOT_VALID = "This value is not valid."
_SCALED_TYPES = frozenset({"money", "decimal"})  # stored as integers of 10**-scale units
_PHP_TRIM = " \t\n\r\0\x0b"


@dataclass(frozen=True)
class ResourceInput:
    id: Any | None  # stored id (None when the server generates it)
    attributes: dict[str, Any]  # name -> stored value, only those sent (auto fields dropped)
    relationships: dict[str, Any]  # to-one: id or None; to-many: ids (order kept, no duplicates)
    pointers: dict[str, str]  # field name (and "id" for a client id) -> where it was sent


@dataclass(frozen=True)
class TempRef:
    """A relationship's reference to another object of the same request (``included`` items
    and the primary object are referenced by ``type`` and the ``id`` as sent); the stored id
    is known once that object is written."""

    type: str
    key: str  # the id as sent
    index: int | None  # the included item's index; None: the primary object


def pointer(parent: str, *parts: str | int) -> str:
    """``parent`` extended by JSON pointer reference tokens.

    Choice: tokens are escaped as RFC 6901 says (``/`` → ``~1``, ``~`` → ``~0``); Oro does not
    escape, which only matters for member names holding those characters.
    """
    for part in parts:
        text = str(part)
        if "~" in text or "/" in text:  # (seldom: a check is cheaper than two replacements)
            text = text.replace("~", "~0").replace("/", "~1")
        parent += "/" + text
    return parent


@functools.cache
def _token(name: str) -> str:
    """A field name as a JSON pointer reference token (names are few: computed once each)."""
    return pointer("", name)[1:]


def _php_empty(value: Any) -> bool:
    return value in (None, False, 0, "", "0") or (isinstance(value, dict | list) and not value)


def _request_data(doc: Any) -> dict[str, Any]:
    """The body as Oro sees it: a non-empty JSON array is a PHP array without named members;
    ``{}``, ``[]``, ``null`` and scalars are no request data at all (Oro's body listener drops a
    body that is not an array)."""
    if isinstance(doc, dict | list) and doc:
        return doc if isinstance(doc, dict) else {}
    raise empty_request()


def _form_error(detail: str, where: str) -> ApiError:
    return FormConstraint(detail, pointer=where)


# --- phase 1: structure ------------------------------------------------------------------------


class _Checks:
    """Oro's request-data checks over decoded JSON; every failed check adds one error."""

    def __init__(self) -> None:
        self.errors: list[ApiError] = []

    def fail(self, where: str, detail: str) -> bool:
        self.errors.append(request_data_error(detail, where))
        return False

    def conflict(self, where: str, detail: str) -> None:
        self.errors.append(ConflictConstraint(detail, pointer=where))

    def array(
        self,
        holder: dict[str, Any],
        prop: str,
        parent: str,
        *,
        not_empty: bool = False,
        associative: bool = False,
    ) -> bool:
        value = holder[prop]  # (the pointer is made only for an error: this runs per member)
        if not isinstance(value, dict | list):
            return self.fail(pointer(parent, prop), f"The '{prop}' property should be an array")
        if not_empty and not value:
            return self.fail(pointer(parent, prop), f"The '{prop}' property should not be empty")
        if associative and isinstance(value, list) and value:
            detail = f"The '{prop}' property should be an associative array"
            return self.fail(pointer(parent, prop), detail)
        return True

    def optional_objects(self, holder: dict[str, Any], parent: str, *props: str) -> None:
        for prop in props:
            if prop in holder:
                self.array(holder, prop, parent, associative=True)

    def string(self, holder: dict[str, Any], prop: str, parent: str, *, required: bool) -> bool:
        if prop not in holder:
            if not required:
                return True
            return self.fail(pointer(parent, prop), f"The '{prop}' property is required")
        value = holder[prop]
        if isinstance(value, str) and value.strip(_PHP_TRIM):
            return True
        if value is None:
            detail = f"The '{prop}' property should not be null"
        elif not isinstance(value, str):
            detail = f"The '{prop}' property should be a string"
        else:
            detail = f"The '{prop}' property should not be blank"
        return self.fail(pointer(parent, prop), detail)

    def identifier(self, holder: dict[str, Any], parent: str) -> bool:
        has_type = self.string(holder, "type", parent, required=True)
        return self.string(holder, "id", parent, required=True) and has_type


def _check_document(
    doc: dict[str, Any], resource: Resource, url_id: Any | None, checks: _Checks, *, included: bool
) -> dict[str, Any] | None:
    """Phase 1 for a resource document; the primary resource object when it is an object."""
    # Other top-level members (``access_token``, anything unknown) are ignored, as Oro does.
    checks.optional_objects(doc, "", "jsonapi", "meta", "links")
    if "data" not in doc:
        checks.fail("/data", "The primary data object should exist")
        return None
    data = doc["data"]
    if _php_empty(data):
        checks.fail("/data", "The primary data object should not be empty")
        return None
    if not isinstance(data, dict):
        # Choice: Oro reads a JSON array here as an object without members ("The 'type' property
        # is required") and fails with a 500 on a scalar; both get the catalogue's message.
        checks.fail("/data", "The primary resource object should be an object")
        return None
    _check_members(data, "/data", checks)
    _check_type_and_id(data, resource, url_id, checks)
    _check_fields(data, "/data", checks)
    if "included" in doc:
        if included:
            _check_included(doc["included"], checks)
        else:
            checks.fail("/included", "The 'included' section should not exist")
    return data


def _check_members(data: dict[str, Any], base: str, checks: _Checks) -> None:
    for prop in data:
        if prop not in RESOURCE_OBJECT_MEMBERS:  # Oro points at the object, not the member
            checks.fail(base, f"The '{prop}' property is not allowed for a resource object")
    checks.optional_objects(data, base, "meta", "links")


def _check_fields(data: dict[str, Any], base: str, checks: _Checks) -> None:
    if "attributes" in data:
        checks.array(data, "attributes", base, not_empty=True, associative=True)
    if "relationships" in data and checks.array(
        data, "relationships", base, not_empty=True, associative=True
    ):
        for name, relation in data["relationships"].items():
            _check_relationship(relation, pointer(base, "relationships", name), checks)


def _check_included(included: Any, checks: _Checks) -> None:
    """The ``included`` section: resource objects with ``type`` and ``id``, each once."""
    if isinstance(included, dict) and not included:
        return  # ``{}`` is PHP's empty array
    if not isinstance(included, list):
        checks.fail("/included", "The 'included' property should be an array")
        return
    seen: dict[tuple[Any, Any], int] = {}
    for index, item in enumerate(included):
        base = pointer("/included", index)
        if not isinstance(item, dict) or not item:
            checks.fail(base, "The item should be an object")
            continue
        _check_members(item, base, checks)
        if checks.identifier(item, base):
            key = (item["type"], item["id"])
            if key in seen:
                checks.fail(base, f"The item duplicates the item with the index {seen[key]}")
            else:
                seen[key] = index
        _check_fields(item, base, checks)


def _check_type_and_id(
    data: dict[str, Any], resource: Resource, url_id: Any | None, checks: _Checks
) -> None:
    if url_id is None:
        if checks.string(data, "type", "/data", required=True):
            _match_type(data, resource, checks)
        checks.string(data, "id", "/data", required=False)
    elif checks.identifier(data, "/data"):
        _match_type(data, resource, checks)
        if not _same_id(resource, data["id"], url_id):
            checks.conflict(
                "/data/id",
                "The 'id' property of the primary data object should match 'id' parameter of the "
                "query string",
            )


def _match_type(data: dict[str, Any], resource: Resource, checks: _Checks) -> None:
    # An unknown type is the same conflict: the URL decides which resource is written.
    if data["type"] != resource.type:
        checks.conflict(
            "/data/type",
            "The 'type' property of the primary data object should match the requested resource",
        )


def _same_id(resource: Resource, text: str, url_id: Any) -> bool:
    # Oro compares the raw texts; the URL id arrives parsed, so compare stored values ("01" = "1").
    try:
        return bool(parse_id(resource, text) == url_id)
    except ApiError:
        return False


def _check_relationship(relation: Any, where: str, checks: _Checks) -> None:
    if not isinstance(relation, dict) or "data" not in relation:
        checks.fail(where, "The relationship should have 'data' property")
        return
    if relation["data"] is None or not checks.array(relation, "data", where):
        return
    for item_pointer, item in _linkage(relation["data"], pointer(where, "data")):
        if isinstance(item, dict):
            checks.identifier(item, item_pointer)
        else:
            # Choice: Oro fails with a 500 on a non-object item; the catalogue's message instead.
            checks.fail(item_pointer, "The related resource should be an object")


def _linkage(data: Any, where: str) -> Iterator[tuple[str, Any]]:
    """(pointer, resource identifier) pairs of relationship data; none when it is empty."""
    if isinstance(data, list):
        yield from ((pointer(where, index), item) for index, item in enumerate(data))
    elif data:
        yield where, data


# --- phase 2: identifiers ----------------------------------------------------------------------


def _primary_id(
    data: dict[str, Any], resource: Resource, url_id: Any | None, errors: list[ApiError]
) -> Any | None:
    if url_id is not None:
        return url_id
    if resource.id_generated:
        return None  # a client id is ignored (reference §5.4)
    if "id" not in data:
        errors.append(id_error("The identifier is mandatory", pointer="/data/id"))
        return None
    return _parse(resource, data["id"], "/data/id", errors)


def _parse(resource: Resource, text: str, where: str, errors: list[ApiError]) -> Any | None:
    try:
        return parse_id(resource, text, pointer=where)
    except ApiError as error:
        errors.append(error)
        return None


def _related_id(
    item: dict[str, Any],
    where: str,
    relationship: Relationship | None,
    registry: Registry,
    errors: list[ApiError],
    refs: Mapping[tuple[str, str], TempRef],
) -> Any:
    type_ = item["type"]
    if type_ not in registry:
        detail = f"Unknown entity type: {type_}."
        errors.append(EntityTypeConstraint(detail, pointer=f"{where}/type"))
        return None
    if relationship is None:
        return item["id"]  # an unknown field: reported as an extra field by the form
    if type_ != relationship.target:
        detail = "Not acceptable entity type."
        errors.append(EntityTypeConstraint(detail, pointer=f"{where}/type"))
        return None
    ref = refs.get((type_, item["id"]))
    if ref is not None:
        return ref  # an object of the same request: its id is known once it is written
    return _parse(registry[type_], item["id"], f"{where}/id", errors)


@dataclass(frozen=True)
class _Linkage:
    many: bool | None  # True: an array was sent, False: an object, None: null or empty
    ids: list[Any]


def _resolve_relationships(
    relationships: dict[str, Any],
    resource: Resource,
    registry: Registry,
    errors: list[ApiError],
    base: str = "/data",
    refs: Mapping[tuple[str, str], TempRef] | None = None,
) -> dict[str, _Linkage]:
    resolved = {}
    for name, relation in relationships.items():
        data, where = relation["data"], pointer(base, "relationships", name, "data")
        related = resource.relationship.get(name)
        ids = [
            _related_id(item, item_pointer, related, registry, errors, refs or {})
            for item_pointer, item in _linkage(data, where)
        ]
        resolved[name] = _Linkage(isinstance(data, list) if ids else None, ids)
    return resolved


# --- phase 3: the form -------------------------------------------------------------------------


def _extra_fields(
    attributes: dict[str, Any], relationships: dict[str, Any], resource: Resource
) -> ApiError | None:
    """Unknown and output-only fields, in request order; ignored ones (server-managed timestamps,
    Oro's unmapped "read-only" fields) are dropped later, without a word."""
    accepted_attributes, accepted_relationships = _accepted(resource)
    if attributes.keys() <= accepted_attributes and relationships.keys() <= accepted_relationships:
        return None  # (the usual case, told at once)
    names = [name for name in attributes if _is_extra_attribute(resource, name)]
    names += [name for name in relationships if _is_extra_relationship(resource, name)]
    if not names:
        return None
    listed = ", ".join(f'"{name}"' for name in names)
    detail = f"This form should not contain extra fields: {listed}."
    return ExtraFieldsConstraint(detail)


@functools.cache
def _accepted(resource: Resource) -> tuple[frozenset[str], frozenset[str]]:
    """The attribute and relationship names a write accepts (the others are extra fields)."""
    return (
        frozenset(a.name for a in resource.attributes if not _is_extra_attribute(resource, a.name)),
        frozenset(
            r.name for r in resource.relationships if not _is_extra_relationship(resource, r.name)
        ),
    )


def _is_extra_attribute(resource: Resource, name: str) -> bool:
    attribute = resource.attribute.get(name)
    return attribute is None or attribute.read_only


def _is_extra_relationship(resource: Resource, name: str) -> bool:
    relationship = resource.relationship.get(name)
    return relationship is None or not relationship.writable  # read-only, or an inverse side


def _rule_errors(rules: Iterable[Rule], value: Any, where: str) -> list[ApiError]:
    errors: list[ApiError] = []
    for rule in rules:
        v = rule.check(value)
        if v is not None:
            errors.append(ConstraintViolation.of(v, pointer=pointer(where, *v.path)))
    return errors


def _submit_attribute(attribute: Attribute, value: Any, where: str) -> tuple[Any, list[ApiError]]:
    """The stored value and the errors of one attribute value (``None`` is allowed as such)."""
    if value is None:
        return None, _rule_errors(attribute.all_rules, None, where)
    try:
        stored = attribute.type.load(value)
    except InvalidValue as error:
        return None, [_form_error(error.message, where)]
    # Money and decimals are stored as integer units; their rules see the number that was sent.
    checked = float(value) if attribute.type.name in _SCALED_TYPES else stored
    return stored, _rule_errors(attribute.all_rules, checked, where)


def _submit_relationship(
    relationship: Relationship, linkage: _Linkage, where: str
) -> tuple[Any, list[ApiError]]:
    if linkage.many is not None and linkage.many != relationship.many:
        return None, [_form_error(NOT_VALID, where)]  # Choice: an array for a to-one, or back
    if relationship.many:
        return list(dict.fromkeys(linkage.ids)), []
    return (linkage.ids[0] if linkage.ids else None), []


def _submit_attributes(
    sent: dict[str, Any], resource: Resource, creating: bool, base: str
) -> tuple[dict[str, Any], dict[str, str], list[ApiError]]:
    values: dict[str, Any] = {}
    pointers: dict[str, str] = {}
    errors: list[ApiError] = []
    prefix = pointer(base, "attributes") + "/"
    for attribute, token, unsent in _attribute_plan(resource, creating):
        name = attribute.name
        if name not in sent:  # left out: a create checks the rules on no value (update: kept)
            if creating and unsent:
                errors += [
                    ConstraintViolation.of(v, pointer=pointer(prefix + token, *v.path))
                    for v in unsent
                ]
            continue
        where = prefix + token
        value, problems = _submit_attribute(attribute, sent[name], where)
        errors += problems
        values[name], pointers[name] = value, where
    in_request_order = {name: values[name] for name in sent if name in values}
    return in_request_order, pointers, errors


@functools.cache
def _attribute_plan(
    resource: Resource, creating: bool
) -> tuple[tuple[Attribute, str, tuple[Violation, ...]], ...]:
    """The attributes a create or update stores, in declaration order, each with its pointer
    token and its rules' violations on no value (worked out once per resource and action:
    every object of every write goes through it)."""
    action = "create" if creating else "update"
    return tuple(
        (
            attribute,
            _token(attribute.name),
            tuple(v for rule in attribute.all_rules if (v := rule.check(None)) is not None),
        )
        for attribute in resource.attributes
        # (read-only ones are refused above; ignored ones dropped, as Oro's unmapped fields)
        if attribute.writable_on(action)
    )


def _submit_relationships(
    sent: dict[str, Any],
    resource: Resource,
    linkages: dict[str, _Linkage],
    defaults: Mapping[str, Any] | None,
    base: str,
) -> tuple[dict[str, Any], dict[str, str], list[ApiError]]:
    values, pointers, errors = {}, {}, []
    prefix = pointer(base, "relationships") + "/"
    for relationship, token in _relationship_plan(resource):
        name = relationship.name
        if name in sent:
            where = prefix + token
            value, problems = _submit_relationship(relationship, linkages[name], where)
            values[name], pointers[name] = value, where
        elif defaults is None:
            continue  # left out of an update: kept
        else:  # left out of a create: the default (nothing to point at), else empty
            value, problems = defaults.get(name, [] if relationship.many else None), []
            if value is not None and value != []:
                values[name] = value
        if not problems and relationship.required:
            violation = _NOT_BLANK.check(value)  # (the pointer made only for an error)
            if violation is not None:
                problems = _rule_errors((_NOT_BLANK,), value, prefix + token)
        errors += problems
    return values, pointers, errors


_NOT_BLANK = NotBlank()


@functools.cache
def _relationship_plan(resource: Resource) -> tuple[tuple[Relationship, str], ...]:
    """The relationships a write stores, each with its pointer below ``…/relationships``."""
    return tuple(
        (relationship, f"{_token(relationship.name)}/data")
        for relationship in resource.relationships
        if relationship.writable
    )


def _submit_form(
    data: dict[str, Any],
    resource: Resource,
    linkages: dict[str, _Linkage],
    defaults: Mapping[str, Any] | None,
    base: str = "/data",
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], list[ApiError]]:
    """Phase 3: stored values, pointers and errors; fields in declaration order, as Oro's form.

    ``defaults`` is ``None`` on update; on create it holds the values relationships left out of
    the request take (the caller's user, business unit, organization).
    """
    sent_attributes = data.get("attributes") or {}
    sent_relationships = data.get("relationships") or {}
    extra = _extra_fields(sent_attributes, sent_relationships, resource)
    attributes, attribute_pointers, attribute_errors = _submit_attributes(
        sent_attributes, resource, defaults is not None, base
    )
    relationships, relationship_pointers, relationship_errors = _submit_relationships(
        sent_relationships, resource, linkages, defaults, base
    )
    errors = ([extra] if extra else []) + attribute_errors + relationship_errors
    return attributes, relationships, attribute_pointers | relationship_pointers, errors


# --- the two entry points ----------------------------------------------------------------------


def parse_resource_document(
    doc: Any,
    resource: Resource,
    registry: Registry,
    *,
    url_id: Any | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> ResourceInput:
    """The input of a create (``url_id is None``) or an update of ``url_id``.

    ``defaults`` (create only): stored ids that relationships left out of the request take, e.g.
    ``{"owner": 1, "organization": 1}`` for the caller; they appear in ``relationships`` without a
    pointer. A relationship sent as ``null`` gets no default. Raises :class:`ApiError` or
    :class:`ApiErrors` with Oro's titles, details and pointers. Uniqueness and the existence of
    related records are left to storage (see ``pointers``).
    """
    checks = _Checks()
    data = _check_document(_request_data(doc), resource, url_id, checks, included=False)
    raise_all(checks.errors)
    assert data is not None
    errors: list[ApiError] = []
    stored_id = _primary_id(data, resource, url_id, errors)
    linkages = _resolve_relationships(data.get("relationships") or {}, resource, registry, errors)
    raise_all(errors)
    creating = url_id is None
    attributes, relationships, pointers, errors = _submit_form(
        data, resource, linkages, (defaults or {}) if creating else None
    )
    raise_all(errors)
    if creating and not resource.id_generated:
        pointers = {"id": "/data/id", **pointers}
    return ResourceInput(stored_id, attributes, relationships, pointers)


def parse_relationship_document(
    doc: Any, resource: Resource, relationship: Relationship, registry: Registry
) -> Any:
    """The stored target of ``/api/{type}/{id}/relationships/{name}`` writes.

    To-one: ``{"data": {"type", "id"}}`` or ``{"data": null}`` → the id or ``None``. To-many:
    ``{"data": [...]}`` → the ids, order kept, duplicates removed; ``[]`` is allowed (PATCH clears
    the relationship, POST and DELETE do nothing). Messages are those of Oro's
    ``RelationshipRequestDataValidator``, which differ from the resource document's. ``resource``
    (the owner) is not needed yet: the relationship names its target.
    """
    doc = _request_data(doc)
    checks = _Checks()
    checks.optional_objects(doc, "", "jsonapi", "meta", "links")
    if "data" not in doc:
        checks.fail("/data", 'The "data" top-level section should exist')
    elif relationship.many:
        _check_identifier_list(doc["data"], checks)
    else:
        _check_identifier_object(doc["data"], "/data", checks, single=True)
    if "included" in doc:  # relationship requests carry identifiers only
        checks.fail("/included", "The 'included' section should not exist")
    raise_all(checks.errors)
    errors: list[ApiError] = []
    data = doc["data"]
    ids = [
        _related_id(item, where, relationship, registry, errors, {})
        for where, item in _linkage(data, "/data")
    ]
    raise_all(errors)
    if relationship.many:
        return list(dict.fromkeys(ids))
    target = ids[0] if ids else None
    if target is None and relationship.required:
        raise_all(_rule_errors((NotBlank(),), None, "/data"))  # Choice: the form's NotBlank
    return target


def _check_identifier_list(data: Any, checks: _Checks) -> None:
    if isinstance(data, dict) and not data:
        return  # ``{}`` is PHP's empty array
    if not isinstance(data, list):
        checks.fail("/data", "The list of resource identifier objects should be an array")
        return
    for index, item in enumerate(data):
        _check_identifier_object(item, pointer("/data", index), checks, single=False)


def _check_identifier_object(data: Any, where: str, checks: _Checks, *, single: bool) -> None:
    if data is None and single:
        return
    if not isinstance(data, dict | list):
        kind = "NULL or an object" if single else "an object"
        checks.fail(where, f"The resource identifier object should be {kind}")
    elif not data:
        checks.fail(where, "The resource identifier object should be not empty object")
    elif isinstance(data, list):
        checks.fail(where, "The resource identifier object should be an object")
    else:
        checks.identifier(data, where)


# --- documents with ``included`` and meta options (create and update) -----------------------------

PRIMARY_OPTIONS = ("upsert", "validate")
INCLUDED_OPTIONS = ("update", "upsert")
NO_CONNECTION = "The entity should have a relationship with the primary entity"


@dataclass(frozen=True)
class WriteObject:
    """One resource object of a write request after phases 1 and 2; phase 3 (:meth:`submit`)
    waits until the action knows whether the object creates or updates a record."""

    resource: Resource
    base: str  # "/data" or "/included/N"
    index: int | None  # None: the primary object
    sent_id: str | None  # the id as sent (an included item's ``includeId``)
    id: Any | None  # the stored id when the request names a real one
    options: MetaOptions
    raw: dict[str, Any]
    linkages: dict[str, _Linkage]

    @property
    def meta_pointer(self) -> str:
        """Where this object's meta options are reported: the root's ``/meta`` for the primary
        object, as Oro does."""
        return "/meta" if self.index is None else f"{self.base}/meta"

    def submit(
        self, *, creating: bool, defaults: Mapping[str, Any] | None = None
    ) -> tuple[ResourceInput, list[ApiError]]:
        """Phase 3 for this object: a create (``defaults`` fill relationships left out) or an
        update of an existing record."""
        attributes, relationships, pointers, errors = _submit_form(
            self.raw,
            self.resource,
            self.linkages,
            (defaults or {}) if creating else None,
            self.base,
        )
        if creating and self.id is not None and not self.resource.id_generated:
            pointers = {"id": f"{self.base}/id", **pointers}
        return ResourceInput(self.id, attributes, relationships, pointers), errors

    def sent_fields(self) -> frozenset[str]:
        return frozenset(self.raw.get("attributes") or {}) | frozenset(
            self.raw.get("relationships") or {}
        )

    def value_of(self, name: str) -> Any:
        """The stored value of a sent attribute or to-one relationship (for finding a record by
        it); an invalid value is left to the form, which reports it."""
        attribute = self.resource.attribute.get(name)
        if attribute is not None:
            value = (self.raw.get("attributes") or {}).get(name)
            try:
                return None if value is None else attribute.type.load(value)
            except InvalidValue:
                return None
        linkage = self.linkages.get(name)
        return linkage.ids[0] if linkage and linkage.ids else None

    def references(self) -> set[int | None]:
        """The objects of the request this one refers to."""
        return {
            ref.index
            for linkage in self.linkages.values()
            for ref in linkage.ids
            if isinstance(ref, TempRef)
        }


@dataclass(frozen=True)
class WriteDocument:
    primary: WriteObject
    included: tuple[WriteObject, ...]

    @property
    def objects(self) -> tuple[WriteObject, ...]:
        """Included items first: Oro validates and saves them before the primary object."""
        return (*self.included, self.primary)


def parse_write_document(
    doc: Any, resource: Resource, registry: Registry, *, url_id: Any | None = None
) -> WriteDocument:
    """Phases 1 and 2 of a create (``url_id is None``) or update document with ``included``
    items and meta options; raises with every error of the first phase that found any."""
    checks = _Checks()
    doc = _request_data(doc)
    data = _check_document(doc, resource, url_id, checks, included=True)
    raise_all(checks.errors)
    assert data is not None
    items: list[dict[str, Any]] = list(doc.get("included") or [])
    errors: list[ApiError] = []
    primary_options, problems = parse_meta_options(data.get("meta"), "/meta", PRIMARY_OPTIONS)
    errors += problems
    item_options = []
    for index, item in enumerate(items):
        options, problems = parse_meta_options(
            item.get("meta"), pointer("/included", index, "meta"), INCLUDED_OPTIONS
        )
        item_options.append(options)
        errors += problems
    raise_all(errors)
    # phase 2: types, ids, references between the objects
    refs: dict[tuple[str, str], TempRef] = {}
    sent_primary = data.get("id") if isinstance(data.get("id"), str) else None
    if sent_primary is not None:
        refs[(resource.type, sent_primary)] = TempRef(resource.type, sent_primary, None)
    for index, item in enumerate(items):
        refs.setdefault((item["type"], item["id"]), TempRef(item["type"], item["id"], index))
    primary_id = _primary_id(data, resource, url_id, errors)
    primary = WriteObject(
        resource,
        "/data",
        None,
        sent_primary,
        primary_id,
        primary_options,
        data,
        _resolve_relationships(
            data.get("relationships") or {}, resource, registry, errors, "/data", refs
        ),
    )
    included = []
    for index, item in enumerate(items):
        base = pointer("/included", index)
        if item["type"] not in registry:
            detail = f"Unknown entity type: {item['type']}."
            errors.append(EntityTypeConstraint(detail, pointer=f"{base}/type"))
            continue
        target = registry[item["type"]]
        options = item_options[index]
        real = options.update or options.upsert_by_id or not target.id_generated
        id_ = _parse(target, item["id"], f"{base}/id", errors) if real else None
        linkages = _resolve_relationships(
            item.get("relationships") or {}, target, registry, errors, base, refs
        )
        included.append(WriteObject(target, base, index, item["id"], id_, options, item, linkages))
    raise_all(errors)
    result = WriteDocument(primary, tuple(included))
    raise_all(_unconnected(result))
    return result


def _unconnected(document: WriteDocument) -> list[ApiError]:
    """Every included item must be linked to the primary object: directly, inversely or
    through other included items (Oro's ``ValidateIncludedDataDependencies``)."""
    neighbours: dict[int | None, set[int | None]] = {None: set()}
    for item in document.objects:
        for other in item.references():
            neighbours.setdefault(item.index, set()).add(other)
            neighbours.setdefault(other, set()).add(item.index)
    reached: set[int | None] = {None}
    todo: list[int | None] = [None]
    while todo:
        for other in neighbours.get(todo.pop(), set()) - reached:
            reached.add(other)
            todo.append(other)
    return [
        request_data_error(NO_CONNECTION, item.base)
        for item in document.included
        if item.index not in reached
    ]
