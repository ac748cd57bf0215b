"""Oro's search query languages in Python: build, parse, format and check queries (reference §17).

Two languages share one grammar:

- the legacy advanced search (``GET /api/rest/latest/search/advanced?query=…``): a whole query,
  ``select … from alias where … aggregate … order_by … offset … max_results …``, typed fields
  (``integer count``);
- JSON:API ``GET /api/search``: ``filter[searchQuery]`` (a condition, fields by name, with
  ``starts_with``, ``exists`` and ``notexists``) and ``filter[aggregations]``.

Public API::

    F("name").contains("inc") & (F("total") >= 100)   # build: Condition / Group (& and |;
                                             # bracket comparisons: & binds before ==)
    F("status").count()  F("name").desc()  F("name").as_("n")   # Aggregate, OrderBy, Selected
    AdvancedQuery(from_=("oro_account",), where=..., max_results=5)   # a legacy query, or
    AdvancedQuery().selecting(...).from_aliases(...).filter(...).sorted_by(...).limit(5)
    parse_query(text) → AdvancedQuery        parse_condition(text) → Condition | Group
    parse_aggregations(text) → tuple[Aggregate, ...]
    str(node)                                # format: parse(str(node)) == node
    format_aggregations(aggregates) → "status count statusCount, …"
    SearchSyntaxError                        # .position (0-based), .found, .expected
    tokenize(text) → [Token(kind, text, position), …]
    SearchCatalog.fetch(client)              # GET searchentities: .entities, .fields(types)
    catalog.check_condition(where, entities) / check_aggregations / check_query
                                             # → [SearchProblem(position, message)]

    search_records(client, "john", query=..., aggregations=..., entities=[...], size=10)
        → SearchResult: .hits, .records (type → frame, include=entity), .aggregations, .total
    legacy_search(client, "john", from_=["oro_contact"], max_results=5) → LegacyResult
    advanced_search(client, "from oro_order where …") → LegacyResult: .frame, .records_count
    search_frames(document) / aggregations_frame(document) / legacy_frame(document)  # pure

Exceptions: :class:`SearchSyntaxError` and :class:`SearchCheckError` are ``sandbox.QueryError``\\ s
(so ``SandboxError`` and ``ValueError``).
"""

from sandbox.search.catalog import (
    ALL_TEXT,
    ORO_ALIASES,
    SearchCatalog,
    SearchCheckError,
    SearchEntity,
    SearchField,
    SearchProblem,
)
from sandbox.search.language import (
    FUNCTIONS,
    JSONAPI_OPERATORS,
    LEGACY_OPERATORS,
    TYPES,
    AdvancedQuery,
    Aggregate,
    Condition,
    Expression,
    F,
    Field,
    Group,
    OrderBy,
    Selected,
    conditions,
    format_aggregations,
    search_value,
)
from sandbox.search.parser import (
    SearchSyntaxError,
    Token,
    parse_aggregations,
    parse_condition,
    parse_query,
    tokenize,
)
from sandbox.search.results import aggregations_frame, legacy_frame, search_frames
from sandbox.search.run import (
    LegacyResult,
    SearchResult,
    advanced_search,
    legacy_search,
    search_records,
)

__all__ = [
    "ALL_TEXT",
    "FUNCTIONS",
    "JSONAPI_OPERATORS",
    "LEGACY_OPERATORS",
    "ORO_ALIASES",
    "TYPES",
    "AdvancedQuery",
    "Aggregate",
    "Condition",
    "Expression",
    "F",
    "Field",
    "Group",
    "LegacyResult",
    "OrderBy",
    "SearchCatalog",
    "SearchCheckError",
    "SearchEntity",
    "SearchField",
    "SearchProblem",
    "SearchResult",
    "SearchSyntaxError",
    "Selected",
    "Token",
    "advanced_search",
    "aggregations_frame",
    "conditions",
    "format_aggregations",
    "legacy_frame",
    "legacy_search",
    "parse_aggregations",
    "parse_condition",
    "parse_query",
    "search_frames",
    "search_records",
    "search_value",
    "tokenize",
]
