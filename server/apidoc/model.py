"""The view model of the documentation page: plain frozen data built from the resource metadata.

Operations, their summaries, descriptions, status codes, parameters and what a create requires are
read from the OpenAPI document itself (:func:`server.openapi.build_openapi`), one entry per
:func:`server.openapi.paths.endpoints` row; filters and sorting come from the same functions that
write the document's parameters. So the page and ``/api/doc/openapi.json`` cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

from server.metadata.batch import ASYNC_OPERATION, ERRORS
from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.metadata.operators import OPERATORS
from server.openapi import build_openapi, schemas
from server.openapi import parameters as p
from server.openapi import paths as routes

JSONAPI = "application/vnd.api+json"
TOKEN_URL = "/oauth2-token"
DEMO_CLIENT = ("sandbox-integration", "integration-secret")  # client_credentials, as admin

# JSON Schema keywords of a field's rules (schemas.rule_keywords), in words, in this order
RULES = {
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "format": "format {}",
}


@dataclass(frozen=True)
class Status:
    code: int
    meaning: str

    @property
    def phrase(self) -> str:
        return HTTPStatus(self.code).phrase


@dataclass(frozen=True)
class Operation:
    anchor: str  # accounts-get_list, accounts-contacts-get_subresource
    action: str  # Oro's action name
    method: str  # GET, POST, PATCH, DELETE
    path: str
    summary: str
    description: str
    operation_id: str
    parameters: tuple[str, ...]  # families: filter[…], fields[…], include, page[…], sort, meta
    headers: tuple[str, ...]
    filters_of: str | None  # the type whose filters apply
    body: str | None  # the request body's schema (components/schemas)
    example: str | None  # a request body the freshly seeded server accepts, as JSON text
    statuses: tuple[Status, ...]
    try_query: str = ""  # the web sandbox's preset for it: type=accounts&action=get


@dataclass(frozen=True)
class Uri:
    path: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Field:
    name: str
    data_type: str  # as Oro names it: string, money, datetime, …
    description: str
    required: bool | None  # on create; None when the resource cannot be created
    access: str  # "", "read-only", "set by the server" or Oro's "A passed value will be ignored."
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Association:
    name: str
    target: str
    many: bool
    description: str
    required: bool | None  # on create; None when the resource cannot be created
    access: str  # "", "read-only" or "written through <target>.<inverse>"


@dataclass(frozen=True)
class Operator:
    name: str
    parameter: str  # filter[name][neq]
    meaning: str


@dataclass(frozen=True)
class Filter:
    field: str
    value: str  # what the value is: `string`, the id of the related `users`, …
    operators: tuple[Operator, ...]
    lists: bool  # a,b with eq / neq
    ranges: bool  # from..to with eq / neq


@dataclass(frozen=True)
class ResourceDoc:
    type: str
    description: str
    actions: tuple[str, ...]  # the enabled ones, in Oro's order
    uris: tuple[Uri, ...]
    attributes: tuple[Field, ...]
    relationships: tuple[Association, ...]
    filters: tuple[Filter, ...]
    sortable: tuple[str, ...]
    default_sort: str
    max_page_size: int | None
    max_delete: int  # -1: no limit

    @property
    def operation_count(self) -> int:
        return sum(len(uri.operations) for uri in self.uris)

    @property
    def read_only(self) -> bool:
        return not {"create", "update", "delete"} & set(self.actions)


@dataclass(frozen=True)
class Site:
    title: str
    version: str
    about: str  # the OpenAPI document's description
    root: str  # /api: what every API path starts with
    view: str  # rest_json_api
    view_label: str  # JSON:API
    default_page_size: int
    auth: bool
    resources: tuple[ResourceDoc, ...]
    # the way from the page to {root}/doc/: links are relative, so they also work behind a
    # proxy that mounts the server under a path of its own (Binder's /oro-api/)
    base: str = ""
    sandbox_url: str = ""  # the web sandbox, for the "Try it" links ("": no links)
    api: str = "backoffice"  # whose API: the storefront's links open the sandbox on it
    # the search APIs: (path, summary, description, parameter names) of each
    search: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
    # the other views of this API: (name, label) of each, linked from the page's header
    other_views: tuple[tuple[str, str], ...] = ()

    def try_url(self, operation: Operation) -> str:
        """The web sandbox preset to ``operation`` ("" without a sandbox URL): its URL as given
        and the preset as query string (``api=storefront&…`` on the storefront's pages); a bare
        origin (``http://h:8866``) gets its ``/``. So a page's own address works too
        (``/voila/render/notebooks/sandbox.ipynb``, Binder's)."""
        if not self.sandbox_url:
            return ""
        url = self.sandbox_url
        if urlsplit(url).netloc and not urlsplit(url).path:
            url += "/"
        api = "api=storefront&" if self.api == "storefront" else ""
        return f"{url}?{api}{operation.try_query}"

    @property
    def openapi_json(self) -> str:
        return f"{self.base}openapi.json"

    @property
    def openapi_yaml(self) -> str:
        return f"{self.base}openapi.yaml"

    @property
    def token_url(self) -> str:
        return TOKEN_URL

    @property
    def demo_client(self) -> tuple[str, str]:
        return DEMO_CLIENT

    @property
    def set_operators(self) -> list[str]:
        """The operators whose value may be a list or a range."""
        return [op.name for op in OPERATORS.values() if op.sets]

    @property
    def operators(self) -> list[tuple[str, str, str]]:
        """Every filter operator: (name, meaning for a field, for a to-many association)."""
        return [(op.name, op.meaning, op.meaning_many) for op in OPERATORS.values()]

    def doc_url(self, type_: str | None = None) -> str:
        """The page of one resource, or of them all."""
        return f"{self.base}{self.view}" + (f"/{type_}" if type_ else "")

    def resource(self, type_: str) -> ResourceDoc | None:
        return next((r for r in self.resources if r.type == type_), None)


# what a view changes, said first on its pages
VIEW_NOTES = {
    "rest_json_api_sku": "This is the **JSON:API (SKU)** view of the storefront API: send the"
    " header `X-Product-ID: sku` with every request and a product's URL names it by its SKU"
    " (`/products/{sku}`) instead of its id.\n\n",
}


def build_site(
    registry: Registry,
    *,
    prefix: str = "/api",
    default_page_size: int = 10,
    auth: bool = True,
    view: tuple[str, str] = ("rest_json_api", "JSON:API"),
    sandbox_url: str = "",
    api: str = "backoffice",
) -> Site:
    """Everything the page shows, for every resource of ``registry`` (of the back-office or
    the storefront ``api``)."""
    root = routes.api_root(prefix)
    document = build_openapi(registry, prefix=root, api=api)
    info = document["info"]
    about = VIEW_NOTES.get(view[0], "") + info["description"]
    return Site(
        title=info["title"],
        version=info["version"],
        about=about,
        root=root,
        view=view[0],
        view_label=view[1],
        default_page_size=default_page_size,
        auth=auth,
        resources=tuple(_resource(document, registry, root, r) for r in registry)
        + _operations(document, root),
        sandbox_url=sandbox_url,
        api=api,
        search=tuple(
            (
                path,
                item["get"]["summary"],
                item["get"].get("description", ""),
                tuple(p["name"] for p in item["get"]["parameters"]),
            )
            for path, item in document["paths"].items()
            if item.get("get", {}).get("tags") == ["search"]
        ),
    )


# --- per resource ----------------------------------------------------------------------------


def _resource(document: Any, registry: Registry, root: str, resource: Resource) -> ResourceDoc:
    uris: dict[str, list[Operation]] = {}
    create_schema: Any = None
    for path, action, rel in routes.endpoints(root, resource):
        raw = document["paths"][path][action.method]
        uris.setdefault(path, []).append(_operation(document, resource, path, action, rel, raw))
        if action.name == "create":
            body = _resolve(document, raw["requestBody"]["content"][JSONAPI]["schema"])
            create_schema = body["properties"]["data"]["properties"]
    for path, action, sub in routes.custom_endpoints(root, resource):  # its own sub-resources
        raw = document["paths"][path][action.method]
        uris.setdefault(path, []).append(
            _operation(document, resource, path, action, None, raw, sub.name)
        )
    return ResourceDoc(
        type=resource.type,
        description=resource.description,
        actions=tuple(a.name for a in routes.ACTIONS if resource.allows(a.name)),
        uris=tuple(Uri(path, tuple(ops)) for path, ops in uris.items()),
        attributes=tuple(
            _field(a, _required(create_schema, "attributes")) for a in resource.attributes
        ),
        relationships=tuple(
            _association(r, _required(create_schema, "relationships"))
            for r in resource.relationships
        ),
        filters=tuple(_filter(f) for f in p.filter_fields(resource, registry)),
        sortable=tuple(p.sortable_fields(resource)),
        default_sort=p.default_sort(resource),
        max_page_size=resource.max_page_size,
        max_delete=resource.max_delete,
    )


def _operations(document: Any, root: str) -> tuple[ResourceDoc, ...]:
    """The Batch API's ``asyncoperations``, when some resource enables the Batch API: its item
    and its ``errors`` sub-resource (``asyncoperationerrors``)."""
    resource = ASYNC_OPERATION
    item = f"{root}/{resource.type}/{{id}}"
    if item not in document["paths"]:
        return ()
    errors = Relationship("errors", ERRORS, many=True, description="The operation's errors.")
    get = routes.Action("get", "get", "item", 200, "")
    listing = routes.Action("get_subresource", "get", "subresource", 200, "")
    uris = (
        Uri(
            item, (_operation(document, resource, item, get, None, document["paths"][item]["get"]),)
        ),
        Uri(
            f"{item}/errors",
            (
                _operation(
                    document,
                    resource,
                    f"{item}/errors",
                    listing,
                    errors,
                    document["paths"][f"{item}/errors"]["get"],
                ),
            ),
        ),
    )
    return (
        ResourceDoc(
            type=resource.type,
            description=resource.description,
            actions=("get", "get_subresource"),
            uris=uris,
            attributes=tuple(_field(a, None) for a in resource.attributes),
            relationships=tuple(_association(r, None) for r in resource.relationships),
            filters=(),
            sortable=(),
            default_sort="",
            max_page_size=None,
            max_delete=0,
        ),
    )


def _required(create_schema: Any, member: str) -> frozenset[str] | None:
    """The members a create request must carry, or None when there is no create."""
    if create_schema is None:
        return None
    return frozenset(create_schema.get(member, {}).get("required", ()))


def _field(attribute: Attribute, required: frozenset[str] | None) -> Field:
    if attribute.auto is not None:
        access = "set by the server"
    elif attribute.read_only:
        access = "read-only"
    elif attribute.ignored_on:
        access = schemas.ignored_note(attribute)
    else:
        access = ""
    keywords = schemas.rule_keywords(attribute)
    rules = [text.format(keywords[k]) for k, text in RULES.items() if k in keywords]
    rules = [rule.replace("1 characters", "1 character") for rule in rules]
    return Field(
        attribute.name,
        attribute.type.name,
        attribute.description,
        None if required is None else attribute.name in required,
        access,
        (*rules, *(["unique"] if attribute.unique else [])),
    )


def _association(rel: Relationship, required: frozenset[str] | None) -> Association:
    if rel.read_only:
        access = "read-only"
    elif rel.inverse:
        access = f"written through {rel.target}.{rel.inverse}"
    else:
        access = ""
    return Association(
        rel.name,
        rel.target,
        rel.many,
        rel.description,
        None if required is None else rel.name in required,
        access,
    )


def _filter(field: p.FilterField) -> Filter:
    operators = tuple(
        Operator(op, p.filter_name(field.name, op), p.meaning(op, many=field.many))
        for op in field.operators
    )
    sets = any(OPERATORS[op].sets for op in field.operators)
    type_name = f"`{field.type.name}`"
    return Filter(
        field.name,
        field.noun if field.noun == type_name else f"{field.noun} ({type_name})",
        operators,
        sets and field.type.allow_list,
        sets and field.type.allow_range,
    )


# --- per operation ---------------------------------------------------------------------------


def _operation(
    document: Any,
    resource: Resource,
    path: str,
    action: routes.Action,
    rel: Relationship | None,
    raw: Any,
    sub: str | None = None,  # a resource's own sub-resource (its name)
) -> Operation:
    association = rel.name if rel else sub
    anchor = "-".join(part for part in (resource.type, association, action.name) if part)
    shared = [ref for ref in raw.get("parameters", ()) if "$ref" in ref]  # not DELETE's own id
    refs = [ref["$ref"].rsplit("/", 1)[-1] for ref in shared]
    found = [document["components"]["parameters"][key] for key in refs]
    query = [_family(q["name"]) for q in found if q["in"] == "query"]
    media = raw.get("requestBody", {}).get("content", {}).get(JSONAPI, {})
    body = media.get("schema")
    return Operation(
        anchor=anchor,
        action=action.name,
        method=action.method.upper(),
        path=path,
        summary=raw["summary"],
        description=raw["description"],
        operation_id=raw["operationId"],
        parameters=tuple(dict.fromkeys(query)),
        headers=tuple(dict.fromkeys(q["name"] for q in found if q["in"] == "header")),
        filters_of=next((key.split(".")[0] for key in refs if ".filter." in key), None),
        body=body["$ref"].rsplit("/", 1)[-1] if body else None,
        example=json.dumps(media["example"], indent=2) if "example" in media else None,
        statuses=tuple(
            Status(int(code), _resolve(document, response)["description"])
            for code, response in raw["responses"].items()
        ),
        try_query=urlencode(
            [("type", resource.type), ("action", action.name)]
            + ([("relationship", association)] if association else [])
        ),
    )


def _family(name: str) -> str:
    """``filter[name][gt]`` → ``filter[…]``; ``include`` stays."""
    return name.split("[", 1)[0] + ("[…]" if "[" in name else "")


def _resolve(document: Any, node: Any) -> Any:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = document["components"][section][name]
    return node
