"""Oro API Sandbox: a client, a query builder, request specs, DataFrames, search, snippets,
history and a launcher for Oro's JSON:API — the back-office API and OroCommerce's storefront
API (``launch(api="storefront")``) — of the bundled server, a real Oro instance, or any JSON:API
server. The widgets are in :mod:`sandbox.widgets`; the search languages in
:mod:`sandbox.search`."""

from sandbox.auth import (
    AuthorizationCode,
    BearerToken,
    ClientCredentials,
    PasswordGrant,
    Visitor,
    Wsse,
)
from sandbox.batch import BatchResult, batch_document, submit, wait_operation
from sandbox.client import ApiClient, ErrorObject, Exchange
from sandbox.collection import Collection, CollectionStore
from sandbox.exceptions import (
    ApiResponseError,
    ConnectionFailed,
    FramesError,
    LaunchError,
    QueryError,
    SandboxError,
    SavedRequestError,
    SpecError,
    TokenError,
)
from sandbox.frames import Frames, fetch_all, to_frames
from sandbox.history import History, SavedRequest, load_requests, replay, save_requests
from sandbox.launcher import Sandbox, launch, reset, status, stop
from sandbox.metadata import Metadata, ResourceType
from sandbox.query import Query, Range, range_
from sandbox.search import (
    LegacyResult,
    SearchCatalog,
    SearchResult,
    SearchSyntaxError,
    advanced_search,
    legacy_search,
    search_records,
)
from sandbox.snippets import Snippet, to_curl, to_httpie, to_httpx
from sandbox.spec import RequestSpec
from sandbox.writes import Record, Ref, include_ids

__all__ = [
    "ApiClient",
    "ApiResponseError",
    "AuthorizationCode",
    "BatchResult",
    "BearerToken",
    "ClientCredentials",
    "Collection",
    "CollectionStore",
    "ConnectionFailed",
    "ErrorObject",
    "Exchange",
    "Frames",
    "FramesError",
    "History",
    "LaunchError",
    "LegacyResult",
    "Metadata",
    "PasswordGrant",
    "Query",
    "QueryError",
    "Range",
    "Record",
    "Ref",
    "RequestSpec",
    "ResourceType",
    "Sandbox",
    "SandboxError",
    "SavedRequest",
    "SavedRequestError",
    "SearchCatalog",
    "SearchResult",
    "SearchSyntaxError",
    "Snippet",
    "SpecError",
    "TokenError",
    "Visitor",
    "Wsse",
    "advanced_search",
    "batch_document",
    "fetch_all",
    "include_ids",
    "launch",
    "legacy_search",
    "load_requests",
    "range_",
    "replay",
    "reset",
    "save_requests",
    "search_records",
    "status",
    "stop",
    "submit",
    "to_curl",
    "to_frames",
    "to_httpie",
    "to_httpx",
    "wait_operation",
]
