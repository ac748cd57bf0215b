"""Search actions: Oro's legacy REST search (``/api/rest/latest/search`` and ``/search/advanced``)
and the JSON:API resources ``/api/search`` and ``/api/searchentities``.

Every search reads the index through :class:`server.storage.search_select.SearchSelector`, which
applies the caller's VIEW rule to each type: a caller finds and counts only what they may view.
A malformed query is a 400 naming the position and what was expected there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from server.actions.common import loader_for
from server.actions.context import Context, Reply
from server.actions.render import render
from server.jsonapi.document import identifier, page_links
from server.jsonapi.errors import (
    ApiError,
    BadRequest,
    FilterConstraint,
    NotFound,
    SortConstraint,
    raise_all,
)
from server.jsonapi.query import Query
from server.jsonapi.search_query import (
    Aggregate,
    SearchQuery,
    SearchSyntaxError,
    parse_aggregations,
    parse_condition,
    parse_search_query,
)
from server.metadata.access import Level, Rule
from server.metadata.model import Resource
from server.storage.search_select import BadValue, Hit, Plan, SearchSelector

DEFAULT_MAX_RESULTS = 10
LARGEST = 2**62  # offsets and limits beyond it find nothing more (and fit SQL's integers)


def _selector(ctx: Context) -> SearchSelector:
    backend = ctx.backend
    return SearchSelector(backend.schema, backend.selector.access, backend.engine.dialect.name)


def searchable(ctx: Context) -> list[Resource]:
    """The searchable types the caller may view something of."""
    found = []
    for resource in ctx.backend.registry:
        if resource.search is None:
            continue
        rule = ctx.rule(resource, "VIEW")
        if rule is None or rule.level != Level.NONE:
            found.append(resource)
    return found


def _by_alias(ctx: Context, aliases: Sequence[str], parameter: str) -> list[Resource]:
    allowed = searchable(ctx)
    known = {r.search.alias: r for r in ctx.backend.registry if r.search is not None}
    chosen = []
    for alias in aliases:
        if alias not in known:
            raise BadRequest(f'The search alias "{alias}" is unknown.', parameter=parameter)
        if known[alias] in allowed:
            chosen.append(known[alias])
    return chosen


def _int_param(ctx: Context, name: str, default: int) -> int:
    text = dict(ctx.params).get(name)
    if text is None or text == "":
        return default
    if not text.isdigit():
        raise BadRequest(f'The "{name}" parameter must be a whole number. Given "{text}".')
    return min(int(text) if len(text) < 20 else LARGEST, LARGEST)


def _rule_of(ctx: Context) -> Any:
    def rule_of(resource: Resource) -> Rule | None:
        return ctx.rule(resource, "VIEW")

    return rule_of


def _legacy_item(ctx: Context, hit: Hit, *, url: bool) -> dict[str, Any]:
    resource = ctx.backend.registry[hit.entity]
    assert resource.search is not None
    item: dict[str, Any] = {
        "entity_name": resource.search.entity_class,
        "record_id": hit.record_id,
        "record_string": hit.title,
    }
    if url:
        item["record_url"] = _record_url(ctx, resource, hit.record_id)
    return item


def _record_url(ctx: Context, resource: Resource, record_id: int) -> str:
    assert resource.search is not None
    origin = ctx.api_url[: -len(ctx.backend.settings.api_prefix) or None]
    return origin + resource.search.url.format(id=record_id)


def _run(
    ctx: Context,
    query: SearchQuery,
    types: list[Resource],
    *,
    text: str | None = None,
) -> tuple[int, list[Hit], dict[int, dict[str, Any]], list[tuple[Aggregate, list[Any]]]]:
    """The total, one page of hits, the selected values by item id, and each aggregate's rows."""
    selector = _selector(ctx)
    plan = Plan()
    try:
        found = selector.matched(plan, types, _rule_of(ctx), query.where, text)
        offset = query.offset or 0
        limit = DEFAULT_MAX_RESULTS if query.max_results is None else query.max_results
        page = selector.page(plan, found, types, query.order_by, offset, limit)
        count_statement = selector.count(found)
        aggregations = [(a, selector.aggregate(plan, found, types, a)) for a in query.aggregates]
    except BadValue as error:
        raise BadRequest(f"{error} (at position {error.position})", parameter="query") from None
    with ctx.backend.engine.connect() as connection:
        total = connection.execute(count_statement, plan.params).scalar_one()
        hits = [Hit(*row) for row in connection.execute(page, plan.params)]
        selected: dict[int, dict[str, Any]] = {}
        if query.select and hits:
            names = [(selector.field_type(types, s.field), s.field.name) for s in query.select]
            alias = {s.field.name: s.alias or s.field.name for s in query.select}
            for statement in selector.values([h.item_id for h in hits], names):
                for item_id, field, value in connection.execute(statement):
                    selected.setdefault(item_id, {})[alias[field]] = value
        aggregated = [
            (a, list(connection.execute(statement, plan.params))) for a, statement in aggregations
        ]
    return total, hits, selected, aggregated


def _legacy_key(value: Any) -> str:
    """A value as the key of a legacy count (PHP's string of it: ``12.0`` is ``"12"``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def legacy_aggregated(aggregated: list[tuple[Aggregate, list[Any]]]) -> dict[str, Any] | list[Any]:
    """``aggregated_data`` as Oro's search result gives it: a count as ``{value: count}`` (left
    out when nothing was counted), another function's number as a float (0.0 over nothing); a
    date's min or max stays a date. No aggregate at all: an empty list (PHP's empty array)."""
    data: dict[str, Any] = {}
    for a, rows in aggregated:
        if a.function == "count":
            counts = {_legacy_key(v): c for v, c in rows if v is not None}
            if counts:
                data[a.name] = counts
            continue
        value = rows[0][0] if rows else None
        data[a.name] = value if isinstance(value, str) else float(value or 0)
    return data or []


def legacy_search(ctx: Context) -> Reply:
    """``GET /api/rest/{version}/search?search=&offset=&max_results=&from=``."""
    params = dict(ctx.params)
    text = params.get("search", "")
    aliases = [a for a in params.get("from", "").replace(",", " ").split() if a]
    types = _by_alias(ctx, aliases, "from") if aliases else searchable(ctx)
    query = SearchQuery(
        offset=_int_param(ctx, "offset", 0),
        max_results=_int_param(ctx, "max_results", DEFAULT_MAX_RESULTS),
    )
    total, hits, _, _ = _run(ctx, query, types, text=text if text.strip() else None)
    data = [_legacy_item(ctx, hit, url=False) for hit in hits]
    return _legacy_result(total, data, [])


def _legacy_result(total: int, data: list[Any], aggregated: Any) -> Reply:
    """Oro's ``Result::toSearchResultData()``."""
    return Reply(
        200,
        {"records_count": total, "data": data, "count": len(data), "aggregated_data": aggregated},
    )


def legacy_advanced(ctx: Context) -> Reply:
    """``GET /api/rest/{version}/search/advanced?query=``."""
    text = dict(ctx.params).get("query", "")
    try:
        query = parse_search_query(text)
    except SearchSyntaxError as error:
        raise BadRequest(str(error), parameter="query") from None
    types = _by_alias(ctx, query.from_, "query") if query.from_ else searchable(ctx)
    total, hits, selected, aggregated = _run(ctx, query, types)
    data = []
    for hit in hits:
        item = _legacy_item(ctx, hit, url=True)
        if query.select:
            item["selected_data"] = selected.get(hit.item_id, {})
        data.append(item)
    return _legacy_result(total, data, legacy_aggregated(aggregated))


# --- JSON:API: /api/search and /api/searchentities ---------------------------------------------

SEARCH_FILTERS = ("searchText", "searchQuery", "aggregations", "entities")
ENTITY_FILTERS = ("entityType", "searchable")


def _page_params(params: dict[str, str], errors: list[ApiError]) -> tuple[int, int]:
    number, size = 1, DEFAULT_MAX_RESULTS
    for key, name in (("page[number]", "number"), ("page[size]", "size")):
        text = params.get(key)
        if text is None:
            continue
        if name == "number" and (not text.isdigit() or int(text) < 1):
            errors.append(
                FilterConstraint(f'Expected unsigned integer value. Given "{text}".', parameter=key)
            )
        elif name == "size" and not re.fullmatch(r"-?\d+", text):
            errors.append(
                FilterConstraint(f'Expected integer value. Given "{text}".', parameter=key)
            )
        elif name == "size" and int(text) < -1:
            errors.append(
                FilterConstraint("The value should be greater than or equals to -1.", parameter=key)
            )
        elif name == "number":
            number = min(int(text) if len(text) < 20 else LARGEST, LARGEST)
        else:
            size = min(int(text) if len(text) < 20 else LARGEST, LARGEST)
    return number, size


def _entity_types(ctx: Context, text: str, errors: list[ApiError]) -> list[Resource]:
    allowed = searchable(ctx)
    chosen = []
    registry = ctx.backend.registry
    for name in [n.strip() for n in text.split(",") if n.strip()]:
        if name not in registry or registry[name].search is None:
            errors.append(
                FilterConstraint(
                    f'The "{name}" is not a searchable entity type.', parameter="filter[entities]"
                )
            )
        elif registry[name] in allowed:
            chosen.append(registry[name])
    return chosen


def search_list(ctx: Context) -> Reply:
    """``GET /api/search``: records of every searchable type the caller may view."""
    params = dict(ctx.params)
    errors: list[ApiError] = []
    filters: dict[str, str] = {}
    include = False
    for key, value in params.items():
        if key.startswith("filter[") and key.endswith("]") and key[7:-1] in SEARCH_FILTERS:
            filters[key[7:-1]] = value
        elif key in ("page[number]", "page[size]"):
            continue
        elif key == "include":
            if value != "entity":
                errors.append(
                    BadRequest(f'The relation "{value}" does not exist.', parameter="include")
                )
            include = True
        elif key == "sort":
            errors.append(SortConstraint("The sorting is not supported.", parameter="sort"))
        else:
            errors.append(FilterConstraint("The filter is not supported.", parameter=key))
    number, size = _page_params(params, errors)
    types = (
        _entity_types(ctx, filters["entities"], errors)
        if "entities" in filters
        else searchable(ctx)
    )
    where = aggregates = None
    try:
        if filters.get("searchQuery", "").strip():
            where = parse_condition(filters["searchQuery"])
    except SearchSyntaxError as error:
        errors.append(FilterConstraint(str(error), parameter="filter[searchQuery]"))
    try:
        if filters.get("aggregations", "").strip():
            aggregates = parse_aggregations(filters["aggregations"])
    except SearchSyntaxError as error:
        errors.append(FilterConstraint(str(error), parameter="filter[aggregations]"))
    raise_all(errors)
    text = filters.get("searchText", "").strip() or None
    selector = _selector(ctx)
    plan = Plan()
    try:
        found = selector.matched(plan, types, _rule_of(ctx), where, text)
        limit = None if size < 0 else size + 1
        offset = min((number - 1) * max(size, 0), LARGEST)
        page = selector.page(plan, found, types, None, offset, limit)
        aggregations = [(a, selector.aggregate(plan, found, types, a)) for a in aggregates or ()]
    except BadValue as error:
        parameter = (
            "filter[aggregations]"
            if aggregates and "function" in str(error)
            else ("filter[searchQuery]")
        )
        raise FilterConstraint(
            f"{error} (at position {error.position})", parameter=parameter
        ) from None
    headers: dict[str, str] = {}
    with ctx.backend.engine.connect() as connection:
        hits = [Hit(*row) for row in connection.execute(page, plan.params)]
        if "totalCount" in ctx.x_include:
            total = connection.execute(selector.count(found), plan.params).scalar_one()
            headers["X-Include-Total-Count"] = str(total)
        aggregated: dict[str, Any] = {}
        for a, statement in aggregations:
            rows = connection.execute(statement, plan.params).all()
            if a.function == "count":
                aggregated[a.name] = [{"value": v, "count": c} for v, c in rows]
            else:
                aggregated[a.name] = rows[0][0] if rows else None
        has_next = size >= 0 and len(hits) > size
        hits = hits[:size] if has_next else hits
        included = _included(ctx, connection, hits) if include else []
    links = "noHateoas" not in ctx.x_include
    data = [_search_item(ctx, hit, links) for hit in hits]
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    if links:
        document["links"] = {
            "self": ctx.url,
            **page_links(ctx.url, list(params.items()), number, has_next),
        }
    if aggregates:
        document["meta"] = {"aggregatedData": aggregated}
    return Reply(200, document, headers)


def _search_item(ctx: Context, hit: Hit, links: bool) -> dict[str, Any]:
    resource = ctx.backend.registry[hit.entity]
    item: dict[str, Any] = {
        "type": "search",
        "id": f"{hit.entity}-{hit.record_id}",
    }
    if links:
        item["links"] = {"entityUrl": _record_url(ctx, resource, hit.record_id)}
    item["attributes"] = {"entityName": hit.title}
    item["relationships"] = {"entity": {"data": identifier(hit.entity, hit.record_id)}}
    return item


def _included(ctx: Context, connection: sa.Connection, hits: list[Hit]) -> list[Any]:
    """The found records, each with the caller's access (they were found under it), in the
    order they were found."""
    included: list[Any] = []
    by_type: dict[str, list[int]] = {}
    for hit in hits:
        by_type.setdefault(hit.entity, []).append(hit.record_id)
    loader = loader_for(ctx, connection)
    query = Query(page_size=-1)
    for type_, ids in by_type.items():
        resource = ctx.backend.registry[type_]
        rows = loader.rows(ctx.backend.selector.by_ids(resource, ids, ctx.rule(resource)))
        data, _ = render(ctx, loader, resource, rows, query)
        included.extend(data)
    place = {(hit.entity, str(hit.record_id)): n for n, hit in enumerate(hits)}
    return sorted(included, key=lambda item: place.get((item["type"], item["id"]), len(place)))


def _entity_object(ctx: Context, resource: Resource) -> dict[str, Any]:
    search = resource.search
    fields = []
    if search is not None:
        fields = [
            {"name": f.name, "type": f.type, "entityFields": list(f.source)} for f in search.fields
        ]
    item: dict[str, Any] = {
        "type": "searchentities",
        "id": resource.type,
    }
    if "noHateoas" not in ctx.x_include:
        item["links"] = {"self": f"{ctx.api_url}/searchentities/{resource.type}"}
    item["attributes"] = {
        "entityType": resource.type,
        "entityName": search.label if search is not None else resource.type,
        "searchable": search is not None,
        "fields": fields,
    }
    return item


def searchentities_list(ctx: Context) -> Reply:
    """``GET /api/searchentities``: the types the caller may view, searchable or not."""
    errors: list[ApiError] = []
    wanted: set[str] | None = None
    searchable_only: bool | None = None
    for key, value in ctx.params:
        if key == "filter[entityType]":
            wanted = {v.strip() for v in value.split(",") if v.strip()}
        elif key == "filter[searchable]":
            if value not in ("true", "false", "1", "0", "yes", "no"):
                errors.append(
                    FilterConstraint(f'Expected boolean value. Given "{value}".', parameter=key)
                )
            searchable_only = value in ("true", "1", "yes")
        else:
            errors.append(FilterConstraint("The filter is not supported.", parameter=key))
    raise_all(errors)
    data = []
    for resource in _viewable(ctx):
        if wanted is not None and resource.type not in wanted:
            continue
        if searchable_only is not None and (resource.search is not None) != searchable_only:
            continue
        data.append(_entity_object(ctx, resource))
    document: dict[str, Any] = {"data": data}
    if "noHateoas" not in ctx.x_include:
        document["links"] = {"self": ctx.url}
    return Reply(200, document)


def searchentities_get(ctx: Context, type_: str) -> Reply:
    for key, _ in ctx.params:
        raise FilterConstraint("The filter is not supported.", parameter=key)
    resource = next((r for r in _viewable(ctx) if r.type == type_), None)
    if resource is None:
        raise NotFound("The entity does not exist.")
    document: dict[str, Any] = {"data": _entity_object(ctx, resource)}
    if "noHateoas" not in ctx.x_include:
        document["links"] = {"self": ctx.url}
    return Reply(200, document)


def _viewable(ctx: Context) -> list[Resource]:
    found = []
    for resource in ctx.backend.registry:
        rule = ctx.rule(resource, "VIEW")
        if rule is None or rule.level != Level.NONE:
            found.append(resource)
    return found
