"""Which resource, record and association a path below the API root names, and its methods.

Pure: ``resolve(registry, "/users/1/relationships/owner")`` → :class:`Target`, or Oro's 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.jsonapi.errors import NotFound, unknown_type, unsupported_subresource
from server.metadata.model import Registry, Relationship, Resource, SubResource

METHOD_ORDER = ("OPTIONS", "GET", "PATCH", "POST", "DELETE")  # Oro's order in "Allow"


@dataclass(frozen=True)
class Target:
    kind: str  # "collection" | "item" | "subresource" | "relationship" | "custom"
    resource: Resource
    id: str | None = None
    relationship: Relationship | None = None
    custom: SubResource | None = None  # kind "custom": a declared sub-resource

    def actions(self) -> dict[str, str]:
        """Enabled action per HTTP method."""
        resource, rel = self.resource, self.relationship
        if self.custom is not None:  # its own actions, as declared
            return dict(self.custom.methods)
        if self.kind == "collection":
            candidates = {"GET": "get_list", "POST": "create", "DELETE": "delete_list"}
            # the Batch API: only where enabled, and where items can be read and written
            if resource.allows("get") and (resource.allows("create") or resource.allows("update")):
                candidates["PATCH"] = "update_list"
        elif self.kind == "item":
            candidates = {"GET": "get", "PATCH": "update", "DELETE": "delete"}
        elif self.kind == "subresource":
            candidates = {"GET": "get_subresource"}
        else:
            assert rel is not None
            candidates = {"GET": "get_relationship"}
            if rel.writable:
                candidates["PATCH"] = "update_relationship"
                if rel.many:
                    candidates["POST"] = "add_relationship"
                    candidates["DELETE"] = "delete_relationship"
        return {method: action for method, action in candidates.items() if resource.allows(action)}

    def allow(self) -> list[str]:
        enabled = self.actions()
        return [m for m in METHOD_ORDER if m == "OPTIONS" or m in enabled]


_LEGACY_SEARCH = re.compile(r"^/rest/(?:latest|v1)/search(/advanced)?(?:\.json)?/?$")


def legacy_search_action(path: str) -> str | None:
    """``/rest/latest/search`` → ``"legacy_search"``, ``.../search/advanced`` →
    ``"legacy_advanced"`` (Oro's old REST API, GET only); None for any other path."""
    match = _LEGACY_SEARCH.match(path)
    if match is None:
        return None
    return "legacy_advanced" if match.group(1) else "legacy_search"


def search_action(path: str) -> tuple[str, tuple[str, ...]] | None:
    """JSON:API's search resources (no table of their own): ``/search``, ``/searchentities``
    and ``/searchentities/{type}`` → (action, arguments); None for any other path."""
    segments = path.strip("/").split("/")
    if segments == ["search"]:
        return "search_list", ()
    if segments == ["searchentities"]:
        return "searchentities_list", ()
    if len(segments) == 2 and segments[0] == "searchentities" and segments[1]:
        return "searchentities_get", (segments[1],)
    return None


def no_route(method: str, url: str) -> NotFound:
    return NotFound(f'No route found for "{method} {url}".')


def resolve(registry: Registry, path: str, method: str = "GET", url: str = "") -> Target:
    segments = path.strip("/").split("/") if path.strip("/") else []
    if not segments or len(segments) > 4 or any(not s for s in segments):
        raise no_route(method, url or path)
    if len(segments) == 4 and segments[2] != "relationships":
        raise no_route(method, url or path)
    type_ = segments[0]
    if type_ not in registry:  # below an item, the type names the association's parent
        raise unknown_type(type_, parent=len(segments) > 2)
    resource = registry[type_]
    if len(segments) == 1:
        return Target("collection", resource)
    if len(segments) == 2:
        return Target("item", resource, segments[1])
    name = segments[-1]
    rel = resource.relationship.get(name)
    custom = resource.subresource.get(name) if len(segments) == 3 else None
    if custom is not None:
        return Target("custom", resource, segments[1], custom=custom)
    if rel is None:
        raise unsupported_subresource()
    kind = "subresource" if len(segments) == 3 else "relationship"
    return Target(kind, resource, segments[1], rel)
