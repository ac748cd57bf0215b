"""Answers to reads kept under the database's data version, so the same read of unchanged data
is answered without running it again.

A read's answer is a function of the request (path, query string, headers, body), of who asks
(the principal: their roles and units, themselves data) and of what the database holds. The
last is known cheaply as a *data version* (``ReadConnections.version``: SQLite's
``data_version``, PostgreSQL's snapshot) that changes with every commit, of any connection in any
process. An answer is kept with the version it was read at and given again only while the
version is the same, so it is never stale: there is nothing to invalidate and nothing to share
between worker processes.

The version is taken before the read runs; a commit between the two leaves an answer newer than
its version says, which no later request can meet (the version has moved on). Only whole
answers of 200 are kept, serialized; memory is bounded (past ``max_bytes`` it starts afresh).
"""

from __future__ import annotations

from collections.abc import Hashable

import orjson
from starlette.types import Scope

from server.actions.context import Reply

MAX_BYTES = 32 * 1024 * 1024  # bodies and keys kept
KEY_OVERHEAD = 512  # bytes of a kept answer besides its strings: tuples, the caller, a dict slot

# what a read answers from the request and the database alone (not the Batch API's operations,
# whose elapsed time and status move without a write of the request's own)
CACHEABLE = frozenset(
    {
        "get_list",
        "get",
        "get_subresource",
        "get_relationship",
        "legacy_search",
        "legacy_advanced",
        "search_list",
        "searchentities_list",
        "searchentities_get",
    }
)


class ReplyCache:
    """Bodies of 200 answers by request and principal, each with the data version it is of.
    What is counted against ``max_bytes``: each body, and each key's strings (headers, query
    string, request body) with :data:`KEY_OVERHEAD`."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        # key -> (data version, body, headers, whether the body is JSON:API, bytes counted)
        self._replies: dict[Hashable, tuple[Hashable, bytes, dict[str, str], bool, int]] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._replies)

    def get(self, key: Hashable, version: Hashable) -> tuple[Reply, bool] | None:
        """The answer kept for ``key`` at ``version``, and whether it is JSON:API."""
        found = self._replies.get(key)
        if found is None or found[0] != version:
            return None
        return Reply(200, orjson.Fragment(found[1]), dict(found[2])), found[3]

    def put(self, key: Hashable, version: Hashable, reply: Reply, json_api: bool) -> Reply:
        """Keep ``reply`` when it can be given again; the reply to send (serialized once)."""
        if reply.status != 200 or reply.stream is not None or reply.empty:
            return reply
        body = orjson.dumps(reply.document)
        weight = len(body) + key_weight(key)
        old = self._replies.get(key)
        self._bytes += weight - (old[4] if old else 0)
        if self._bytes > self.max_bytes:
            self._replies.clear()
            self._bytes = weight
        self._replies[key] = (version, body, dict(reply.headers), json_api, weight)
        return Reply(200, orjson.Fragment(body), reply.headers)


def request_key(scope: Scope, method: str, principal: Hashable, body: bytes) -> Hashable:
    """Everything of a request an answer may depend on besides the data: the method, path and
    query string, every header as sent (the API root comes from ``Host``), the caller, the body
    (a GET sent as POST with ``X-HTTP-Method-Override`` carries its filters there)."""
    return (
        method,
        scope.get("root_path", ""),
        scope["path"],
        scope["query_string"],
        tuple(scope["headers"]),
        scope["scheme"],
        principal,
        body,
    )


def key_weight(key: Hashable) -> int:
    """About the bytes a key holds: its strings (a :func:`request_key`'s headers among them)."""
    parts = key if isinstance(key, tuple) else (key,)
    weight = KEY_OVERHEAD
    for part in parts:
        if isinstance(part, (bytes, str)):
            weight += len(part)
        elif isinstance(part, tuple):
            weight += sum(len(name) + len(value) for name, value in part)
    return weight
