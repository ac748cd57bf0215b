"""A request as the sandbox's controls describe it, and what follows from it: the exact HTTP
request, a shareable preset (a query string) and a body template that the server accepts.

A :class:`RequestSpec` names an Oro action (``get_list``, ``create``, ``update_relationship``…)
on a resource type, with an id and a relationship where the action needs them, query parameters
*as written* (``filter[id][gt]``, ``5,7``, ``1..10`` reach the server untouched, so a wrong one
gets the server's own error), extra headers and a body as typed. Pure data: no widgets, no I/O
but :meth:`RequestSpec.build`, which asks a client for the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import orjson

from sandbox._values import quote_query
from sandbox.exceptions import SpecError as SpecError  # re-exported: its old home

if TYPE_CHECKING:
    import httpx

    from sandbox.client import ApiClient
    from sandbox.metadata import Attribute, Metadata, ResourceType


@dataclass(frozen=True)
class Action:
    """One of Oro's API actions: its method, the URL shape it is sent to, and what it takes."""

    name: str
    method: str
    target: str  # "collection", "item", "subresource" or "relationship"
    body: bool = False  # sends a request document
    query: frozenset[str] = frozenset()  # the query-parameter families it reads

    @property
    def needs_id(self) -> bool:
        return self.target != "collection"

    @property
    def needs_relationship(self) -> bool:
        return self.target in ("subresource", "relationship")


_READ = frozenset({"fields", "include", "meta"})
_LIST = _READ | {"filter", "sort", "page"}

# §5: the URL and method of each action, and the query parameters it takes
ACTIONS: Mapping[str, Action] = {
    action.name: action
    for action in (
        Action("get_list", "GET", "collection", query=_LIST),
        Action("get", "GET", "item", query=_READ),
        Action("create", "POST", "collection", body=True, query=_READ),
        Action("update", "PATCH", "item", body=True, query=_READ),
        Action("delete", "DELETE", "item"),
        Action("delete_list", "DELETE", "collection", query=frozenset({"filter"})),
        Action("update_list", "PATCH", "collection", body=True),  # the Batch API
        Action("get_subresource", "GET", "subresource", query=_LIST),
        # only where a resource defines them (checkout payments, coupons…); the body is optional
        Action("add_subresource", "POST", "subresource", body=True, query=_READ),
        Action("update_subresource", "PATCH", "subresource", body=True, query=_READ),
        Action("delete_subresource", "DELETE", "subresource", body=True),
        Action("get_relationship", "GET", "relationship", query=frozenset({"filter", "page"})),
        Action("update_relationship", "PATCH", "relationship", body=True),
        Action("add_relationship", "POST", "relationship", body=True),
        Action("delete_relationship", "DELETE", "relationship", body=True),
    )
}

# headers a client or transport adds by itself: a spec read back from a request leaves them out
_OWN_HEADERS = frozenset(
    {
        "host",
        "accept",
        "accept-encoding",
        "connection",
        "user-agent",
        "content-length",
        "content-type",
        "authorization",
        "x-wsse",
        "cookie",
        "x-csrf-header",
    }
)

# preset keys that describe the request rather than being its query parameters
PRESET_KEYS = ("type", "action", "id", "relationship", "header", "body")


@dataclass(frozen=True)
class RequestSpec:
    """What to send; see the module docstring. ``params`` and ``headers`` are ``(name, value)``
    pairs in order; ``body`` is the request document's text as typed."""

    type: str
    action: str = "get_list"
    id: str = ""
    relationship: str = ""
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise SpecError(f"unknown action {self.action!r}; actions: {', '.join(ACTIONS)}")

    @property
    def shape(self) -> Action:
        return ACTIONS[self.action]

    @property
    def method(self) -> str:
        return self.shape.method

    def problems(self) -> list[str]:
        """What keeps this spec from being sent, in words for the user (empty: ready)."""
        found = []
        if not self.type:
            found.append("choose a resource type")
        if self.shape.needs_id and not self.id.strip():
            found.append(f"{self.action} needs the id of a {self.type or 'resource'} record")
        if self.shape.needs_relationship and not self.relationship:
            found.append(f"{self.action} needs a relationship")
        return found

    @property
    def path(self) -> str:
        """The path under the API root: ``accounts``, ``accounts/1/relationships/contacts``."""
        parts = [quote(self.type, safe="")]
        if self.shape.needs_id:
            parts.append(quote(self.id.strip(), safe=""))
        if self.shape.target == "relationship":
            parts.append("relationships")
        if self.shape.needs_relationship:
            parts.append(quote(self.relationship, safe=""))
        return "/".join(parts)

    def query_string(self) -> str:
        """The query parameters as Oro's documentation writes them (brackets, commas literal)."""
        return quote_query(self.params)

    @property
    def target(self) -> str:
        """The path and query string: ``accounts?filter[name]=Acme``."""
        text = self.query_string()
        return f"{self.path}?{text}" if text else self.path

    def build(self, client: ApiClient) -> httpx.Request:
        """The exact request (auth headers are added when the client sends it)."""
        problems = self.problems()
        if problems:
            raise SpecError("; ".join(problems))
        content = self.body.encode() if self.shape.body else None
        if self.shape.target == "subresource" and not self.body.strip():
            content = None  # a sub-resource's own action may take no document (a payment's)
        return client.build_request(
            self.method, self.target, content=content, headers=dict(self.headers)
        )

    # --- presets: a request in a link's query string -------------------------------------------

    def to_preset(self) -> str:
        """The query string of a link that opens the sandbox on this request:
        ``type=accounts&action=get&id=1&include=owner`` (query parameters are kept as they are;
        ``header`` repeats as ``Name: value``)."""
        pairs: list[tuple[str, str]] = [("type", self.type)]
        if self.action != "get_list":
            pairs.append(("action", self.action))
        if self.shape.needs_id and self.id:
            pairs.append(("id", self.id))
        if self.shape.needs_relationship and self.relationship:
            pairs.append(("relationship", self.relationship))
        pairs += [("header", f"{name}: {value}") for name, value in self.headers]
        if self.shape.body and self.body.strip():
            pairs.append(("body", self.body))
        head = urlencode(pairs, quote_via=quote)
        tail = self.query_string()
        return "&".join(part for part in (head, tail) if part)

    @classmethod
    def from_preset(cls, text: str, *, default_type: str = "") -> RequestSpec:
        """The spec a link's query string describes (see :meth:`to_preset`); unknown actions fall
        back to ``get_list``, and anything that is not a preset key is a query parameter."""
        values: dict[str, str] = {}
        headers: list[tuple[str, str]] = []
        params: list[tuple[str, str]] = []
        for key, value in parse_qsl(text.lstrip("?"), keep_blank_values=True):
            if key == "header":
                name, colon, header_value = value.partition(":")
                if colon and name.strip():
                    headers.append((name.strip(), header_value.strip()))
            elif key in PRESET_KEYS:
                values[key] = value
            elif not key.startswith("voila-"):  # Voila's own (template, theme)
                params.append((key, value))
        action = values.get("action", "get_list")
        return cls(
            values.get("type") or default_type,
            action if action in ACTIONS else "get_list",
            values.get("id", ""),
            values.get("relationship", ""),
            tuple(params),
            tuple(headers),
            values.get("body", ""),
        )

    @classmethod
    def from_request(cls, request: httpx.Request, base_url: str) -> RequestSpec | None:
        """The spec of a request sent to the API at ``base_url`` (one from the history), or
        ``None`` when its URL or method is no Oro action's. Headers a client adds itself
        (``Accept``, ``Authorization``…) are left out."""
        base = base_url.rstrip("/") + "/"
        url = str(request.url)
        if not url.startswith(base):
            return None
        path, _, query = url[len(base) :].partition("?")
        parts = [unquote(part) for part in path.split("/") if part]
        shapes = {1: "collection", 2: "item", 3: "subresource", 4: "relationship"}
        target = shapes.get(len(parts))
        if target is None or (target == "relationship" and parts[2] != "relationships"):
            return None
        action = next(
            (a for a in ACTIONS.values() if (a.method, a.target) == (request.method, target)), None
        )
        if action is None:
            return None
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.decode("latin-1").lower() not in _OWN_HEADERS
        )
        return cls(
            parts[0],
            action.name,
            parts[1] if len(parts) > 1 else "",
            parts[-1] if len(parts) > 2 else "",
            tuple(parse_qsl(query, keep_blank_values=True)),
            headers,
            request.content.decode("utf-8", "replace") if action.body else "",
        )

    def with_meta(self, **options: Any) -> RequestSpec:
        """This spec with meta options set on its body's primary object (``upsert=True``,
        ``upsert=["sku"]``, ``validate=True``; None removes one); the body must be a JSON
        object (a write document)."""
        from sandbox.writes import with_meta

        try:
            document = orjson.loads(self.body or "{}")
        except orjson.JSONDecodeError as error:
            raise SpecError(f"the body is not JSON: {error}") from None
        if not isinstance(document, dict):
            raise SpecError("the body is not a JSON object")
        body = with_meta(document, **options)
        return replace(self, body=orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())

    def with_included(self, *records: Any) -> RequestSpec:
        """This spec with ``records`` (:class:`sandbox.writes.Record`) added to its body's
        ``included`` section, under their ids (temporary ones for new records)."""
        try:
            document = orjson.loads(self.body or "{}")
        except orjson.JSONDecodeError as error:
            raise SpecError(f"the body is not JSON: {error}") from None
        if not isinstance(document, dict):
            raise SpecError("the body is not a JSON object")
        included = list(document.get("included") or [])
        for record in records:
            if record.id is None:
                raise SpecError(f"a {record.type} record for included needs an id (any text)")
            item = record.document()["data"]
            included.append(item)
        document["included"] = included
        return replace(self, body=orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())

    def with_template(
        self, metadata: Metadata | None, ids: Mapping[str, str] | None = None
    ) -> RequestSpec:
        """This spec with :func:`body_template`'s body (the body is left alone when it has one)."""
        if self.body.strip() or not self.shape.body:
            return self
        return replace(self, body=body_template(self, metadata, ids))


# --- body templates ---------------------------------------------------------------------------

_SAMPLES: Mapping[str, Any] = {
    "string": "Sandbox example",
    "text": "Written in the Oro API sandbox.",
    "integer": 1,
    "smallint": 1,
    "bigint": "1",
    "boolean": True,
    "decimal": "1.5",
    "float": 1.5,
    "percent": 0.1,
    "percent_100": 10,
    "money": "10.00",
    "money_value": "10.00",
    "currency": "USD",
    "duration": 3600,
    "guid": "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
    "json": {},
    "array": [],
    "simple_array": [],
}
_FORMAT_SAMPLES = {"email": "sandbox.example@example.com"}


def sample_value(attribute: Attribute, today: dt.date | None = None) -> Any:
    """A value of the attribute's type that the server accepts (the first enum option)."""
    if attribute.enum:
        return attribute.enum[0]
    if attribute.format in _FORMAT_SAMPLES:
        return _FORMAT_SAMPLES[attribute.format]
    if attribute.data_type == "string" and attribute.name.lower().endswith("email"):
        return _FORMAT_SAMPLES["email"]  # response schemas may not repeat the format
    day = today or dt.date.today()
    dated = {
        "date": day.isoformat(),
        "datetime": f"{day.isoformat()}T09:00:00Z",
        "time": "09:00:00",
    }
    if attribute.data_type in dated:
        return dated[attribute.data_type]
    return _SAMPLES.get(attribute.data_type, _SAMPLES["string"])


def body_template(
    spec: RequestSpec, metadata: Metadata | None, ids: Mapping[str, str] | None = None
) -> str:
    """A request document for ``spec``'s action that the server accepts as it stands: a create
    gives the required fields, an update one writable attribute, a relationship write one
    identifier of the related type — ``ids[type]`` when given (an existing record's id), else
    ``"1"``; a sub-resource's own write (a checkout's coupon, a payment) the example its OpenAPI
    document shows. Formatted JSON text; ``""`` for actions without a body (or no example)."""
    resource = metadata.resources.get(spec.type) if metadata is not None else None
    if not spec.shape.body:
        return ""
    if spec.shape.target == "subresource":  # a resource's own action: the document's example
        example = next(
            (
                route.example
                for route in (resource.routes if resource else ())
                if (route.action, route.relationship) == (spec.action, spec.relationship)
            ),
            None,
        )
        return "" if example is None else _dumps(example)
    known = ids or {}
    if spec.shape.target == "relationship":
        rel = resource.relationships.get(spec.relationship) if resource else None
        target = (rel.target if rel else None) or spec.relationship
        identifier = {"type": target, "id": known.get(target, "1")}
        many = rel.many if rel is not None else spec.action != "update_relationship"
        return _dumps({"data": [identifier] if many else identifier})
    data: dict[str, Any] = {"type": spec.type}
    if spec.action == "update":
        data["id"] = spec.id.strip() or "1"
    elif resource is not None and resource.client_id:
        data["id"] = "sandbox-example"  # a new record's id, chosen by the client
    attributes, relationships = _template_fields(resource, spec.action, known)
    if attributes:
        data["attributes"] = attributes
    if relationships:
        data["relationships"] = relationships
    if spec.action == "update_list":  # the Batch API: a list of such items
        return _dumps({"data": [data]})
    return _dumps({"data": data})


def _template_fields(
    resource: ResourceType | None, action: str, ids: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    if resource is None:
        return {}, {}
    writable = {n: a for n, a in resource.attributes.items() if not a.read_only}
    if action == "update":  # one field to change: optional text first (required may be unique)
        rank = {"string": 0, "text": 1}
        chosen = sorted(
            writable,
            key=lambda n: (n in resource.required, rank.get(writable[n].data_type, 2)),
        )[:1]
        return {name: sample_value(writable[name]) for name in chosen}, {}
    attributes = {n: sample_value(a) for n, a in writable.items() if n in resource.required}
    relationships = {
        name: {"data": [ident] if rel.many else ident}
        for name, rel in resource.relationships.items()
        if name in resource.required
        for ident in [{"type": rel.target or name, "id": ids.get(rel.target or name, "1")}]
    }
    return attributes, relationships


def _dumps(document: Any) -> str:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()


# --- a body template with a related record (reference §12) -------------------------------------

TEMPORARY_ID = "new-1"  # the id a new related record is known by within the request
_OWNERSHIP = frozenset({"owner", "organization"})  # defaulted to the caller: not the example


def related_choice(metadata: Metadata | None, spec: RequestSpec) -> tuple[str, ResourceType] | None:
    """The relationship a template creates a related record through, and its target type: one
    whose target can be created, to-many first on a create (``accounts`` → ``contacts``),
    to-one first on an update (a new link that replaces nothing else); a target whose records
    have ids of their own (weight units: shared dictionaries) only when nothing else is."""
    resource = metadata.resources.get(spec.type) if metadata is not None else None
    if metadata is None or resource is None or spec.action not in ("create", "update"):
        return None
    many_first = spec.action == "create"
    found = []
    for name, rel in sorted(resource.relationships.items(), key=lambda i: i[1].many != many_first):
        target = metadata.resources.get(rel.target or "")
        if name not in _OWNERSHIP and target is not None and target.allows("create"):
            found.append((target.client_id, name, target))
    if not found:
        return None
    _, name, target = min(found, key=lambda choice: choice[0])  # stable: the first of its kind
    return name, target


def included_template(
    spec: RequestSpec, metadata: Metadata | None, ids: Mapping[str, str] | None = None
) -> str:
    """A create/update document that also creates a related record in ``included``, under a
    temporary id the primary object links to — the server's own example for a create when its
    OpenAPI has one (``x-example-with-included``), else one made from the metadata. Without a
    relationship to a type that can be created: :func:`body_template`'s body."""
    resource = metadata.resources.get(spec.type) if metadata is not None else None
    example = resource.write_options("create").included_example if resource else None
    if spec.action == "create" and example:
        return _dumps(example)
    document = orjson.loads(body_template(spec, metadata, ids) or "{}")
    choice = related_choice(metadata, spec)
    if choice is None or not isinstance(document.get("data"), dict):
        return _dumps(document) if document else ""
    name, target = choice
    item = orjson.loads(body_template(RequestSpec(target.type, "create"), metadata, ids))["data"]
    item["id"] = item.get("id") or TEMPORARY_ID
    item = {"type": item.pop("type"), "id": item.pop("id"), **item}
    assert resource is not None  # a choice was found
    identifier = {"type": target.type, "id": item["id"]}
    link = [identifier] if resource.relationships[name].many else identifier
    document["data"].setdefault("relationships", {})[name] = {"data": link}
    document["included"] = [item]
    return _dumps(document)
