"""The paths of the Batch API's own types (pure): ``/asyncoperations/{id}`` (GET) and its
``/errors`` sub-resource (GET); every other method on them, and both types' other URLs, 405
(reference §15.3). The batch request itself, ``PATCH /{type}``, is a collection route of
``server.routing``.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.jsonapi.errors import unsupported_subresource
from server.metadata.batch import ERRORS, OPERATIONS

ORDER = ("OPTIONS", "GET", "PATCH", "POST", "DELETE")


@dataclass(frozen=True)
class BatchTarget:
    kind: str  # "operation" | "errors" | "none" (a URL of these types without actions)
    id: str | None = None

    def actions(self) -> dict[str, str]:
        if self.kind == "operation":
            return {"GET": "get_operation"}
        if self.kind == "errors":
            return {"GET": "get_operation_errors"}
        return {}

    def allow(self) -> list[str]:
        enabled = self.actions()
        return [m for m in ORDER if m == "OPTIONS" or m in enabled]


def batch_target(path: str) -> BatchTarget | None:
    """The target of ``path`` when it is one of the Batch API's types, else None."""
    segments = path.strip("/").split("/")
    if segments[0] not in (OPERATIONS, ERRORS) or any(not s for s in segments):
        return None
    if segments[0] == ERRORS or len(segments) == 1:
        return BatchTarget("none") if len(segments) <= 2 else None
    if len(segments) == 2:
        return BatchTarget("operation", segments[1])
    if len(segments) == 3 and segments[2] == "errors":
        return BatchTarget("errors", segments[1])
    if len(segments) in (3, 4):  # owner, organization: no sub-resources, no relationships
        raise unsupported_subresource()
    return None
