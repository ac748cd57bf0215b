"""The error hierarchy, with Oro's titles, and the multi-error status rule.

``ApiError`` is one JSON:API error object; ``ApiErrors`` carries several and is what handlers
raise when they collect problems. ``MethodNotAllowed`` renders as an empty 405 with ``Allow``.
The one exception handler in ``server.app`` turns any of these into ``{"errors": [...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.pointer = pointer
        self.parameter = parameter
        self.meta = meta

    def to_dict(self) -> dict[str, Any]:
        """Members in Oro's order, each only when non-empty; a pointer wins over a parameter."""
        error: dict[str, Any] = {"status": str(self.status), "title": self.title}
        if self.detail:
            error["detail"] = self.detail
        if self.pointer is not None:
            error["source"] = {"pointer": self.pointer}
        elif self.parameter is not None:
            error["source"] = {"parameter": self.parameter}
        if self.meta:
            error["meta"] = self.meta
        return error

    def to_plain(self) -> dict[str, Any]:
        """Oro's plain REST error object (``RestDocumentBuilder``): title, detail and the source
        as a string (the pointer, else the parameter); no status member."""
        error: dict[str, Any] = {"title": self.title}
        if self.detail:
            error["detail"] = self.detail
        source = self.pointer if self.pointer is not None else self.parameter
        if source is not None:
            error["source"] = source
        return error

    def __repr__(self) -> str:
        return f"<ApiError {self.status} {self.title}: {self.detail}>"


class ApiErrors(Exception):
    """Several errors raised together; the status follows :func:`status_of`."""

    def __init__(self, errors: Sequence[ApiError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)

    @property
    def status(self) -> int:
        return status_of(e.status for e in self.errors)


class MethodNotAllowed(Exception):
    def __init__(self, allow: Sequence[str]) -> None:
        super().__init__(", ".join(allow))
        self.allow = list(allow)


def status_of(statuses: Iterable[int | None]) -> int:
    """Oro's rule: the highest hundred wins; one distinct code keeps it; mixed 4xx is 400 or 409."""
    codes = [s or 500 for s in statuses] or [500]
    group = max(code // 100 for code in codes)
    in_group = {code for code in codes if code // 100 == group}
    if len(in_group) == 1:
        return in_group.pop()
    if group == 4 and 409 in in_group:
        return 409
    return group * 100


def raise_all(errors: Sequence[ApiError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ApiErrors(errors)


# --- constructors for the titles used most -----------------------------------------------------


def filter_error(parameter: str, detail: str) -> ApiError:
    return ApiError(400, "filter constraint", detail, parameter=parameter)


def request_data_error(detail: str, pointer: str | None = None) -> ApiError:
    return ApiError(400, "request data constraint", detail, pointer=pointer)


def not_found() -> ApiError:
    return ApiError(
        404, "not found http exception", "An entity with the requested identifier does not exist."
    )


def unknown_type(type_: str, *, parent: bool = False) -> ApiError:
    """``parent``: on sub-resource and relationship routes, Oro names the parent entity type."""
    noun = "parent entity type" if parent else "entity type"
    return ApiError(404, "entity type constraint", f"Unknown {noun}: {type_}.")


def no_access_to_type() -> ApiError:
    return ApiError(403, "access denied exception", "No access to this type of entities.")


def no_access_to_entity() -> ApiError:
    return ApiError(403, "access denied exception", "No access to the entity.")


def unsupported_subresource() -> ApiError:
    return ApiError(404, "relationship constraint", "Unsupported subresource.")
