"""The error hierarchy, with Oro's statuses and titles, and the multi-error status rule.

Every error the API answers with is an :class:`ApiError`; a subclass fixes Oro's status and title
at class level, so a raise names only what went wrong (``raise NotFound(detail)``)::

    ApiError                         500 internal server error
    ├── TitledError                  status and title per instance (Starlette's, debug 500s)
    │   └── ConstraintViolation      400, the title of a metadata rule ("not blank constraint"…)
    ├── BadRequest                   400 bad request http exception
    ├── FilterConstraint             400 filter constraint
    ├── SortConstraint               400 sort constraint
    ├── RequestDataConstraint        400 request data constraint
    ├── FormConstraint               400 form constraint
    ├── ExtraFieldsConstraint        400 extra fields constraint
    ├── EntityIdentifierConstraint   400 entity identifier constraint
    ├── EntityTypeConstraint         400 entity type constraint
    │   └── UnknownEntityType        404
    ├── EntityConstraint             400 entity constraint ("The entity does not exist.")
    ├── ValueConstraint              400 value constraint (meta options)
    ├── Unauthorized                 401, no body, ``WWW-Authenticate``
    ├── AccessDenied                 403 access denied exception
    ├── AccessGrantedConstraint      403 access granted constraint
    ├── NotFound                     404 not found http exception
    ├── RelationshipConstraint       404 relationship constraint
    ├── MethodNotAllowed             405, no body, ``Allow``
    ├── NotAcceptable                406 not acceptable http exception
    ├── ConflictConstraint           409 conflict constraint
    ├── RequestEntityTooLarge        413 request entity too large http exception
    ├── UnsupportedMediaType         415 unsupported media type http exception
    └── ApiErrors                    several at once; the status follows :func:`status_of`

An error knows its response: :meth:`ApiError.document` (``{"errors": [...]}``, Oro's plain array
for a plain REST request, or None for an empty body) and :meth:`ApiError.headers`;
``server.endpoint.error_reply`` is the one place that turns any of them into a reply, for the API
endpoint and for Starlette's own errors alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from server.metadata.rules import Violation


class ApiError(Exception):
    """One JSON:API error object."""

    status: int = 500
    title: str = "internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
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

    def objects(self) -> list[ApiError]:
        """The error objects the response lists: this one (several for :class:`ApiErrors`)."""
        return [self]

    def document(self, json_api: bool = True) -> Any:
        """The response body: Oro's JSON:API error document, or for a plain REST request its
        plain format (a top-level array of error objects); None: the response has no body."""
        if not json_api:
            return [error.to_plain() for error in self.objects()]
        return {"errors": [error.to_dict() for error in self.objects()]}

    def headers(self) -> dict[str, str]:
        """Response headers the error calls for."""
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.status} {self.title}: {self.detail}>"


class TitledError(ApiError):
    """An error whose status and title are the instance's: Starlette's own HTTP errors, the
    debug-mode 500 named after the exception, and titles that come as data."""

    def __init__(self, status: int, title: str, detail: str | None = None, **where: Any) -> None:
        self.status = status
        self.title = title
        super().__init__(detail, **where)


class ConstraintViolation(TitledError):
    """A validation rule's violation (``server.metadata.rules``): 400 with the rule's title."""

    def __init__(self, title: str, detail: str, *, pointer: str | None = None) -> None:
        super().__init__(400, title, detail, pointer=pointer)

    @classmethod
    def of(cls, violation: Violation, *, pointer: str | None = None) -> ConstraintViolation:
        return cls(violation.title, violation.detail, pointer=pointer)


class BadRequest(ApiError):
    status, title = 400, "bad request http exception"


class FilterConstraint(ApiError):
    status, title = 400, "filter constraint"


class SortConstraint(ApiError):
    status, title = 400, "sort constraint"


class RequestDataConstraint(ApiError):
    status, title = 400, "request data constraint"


class FormConstraint(ApiError):
    status, title = 400, "form constraint"


class ExtraFieldsConstraint(ApiError):
    status, title = 400, "extra fields constraint"


class EntityIdentifierConstraint(ApiError):
    status, title = 400, "entity identifier constraint"


class EntityTypeConstraint(ApiError):
    status, title = 400, "entity type constraint"


class EntityConstraint(ApiError):
    status, title = 400, "entity constraint"


class ValueConstraint(ApiError):
    status, title = 400, "value constraint"


class UnknownEntityType(EntityTypeConstraint):
    """A URL naming a type the API does not know: 404, with the constraint's title."""

    status = 404


class AccessDenied(ApiError):
    status, title = 403, "access denied exception"


class AccessGrantedConstraint(ApiError):
    status, title = 403, "access granted constraint"


class NotFound(ApiError):
    status, title = 404, "not found http exception"


class RelationshipConstraint(ApiError):
    status, title = 404, "relationship constraint"


class NotAcceptable(ApiError):
    status, title = 406, "not acceptable http exception"


class ConflictConstraint(ApiError):
    status, title = 409, "conflict constraint"


class RequestEntityTooLarge(ApiError):
    status, title = 413, "request entity too large http exception"


class UnsupportedMediaType(ApiError):
    status, title = 415, "unsupported media type http exception"


class Unauthorized(ApiError):
    """401 with an empty body and ``WWW-Authenticate: <challenge>`` (none when the challenge is
    None: a refused token, as Oro answers); ``reason`` is for logs."""

    status, title = 401, "unauthorized http exception"

    def __init__(self, challenge: str | None, reason: str = "") -> None:
        super().__init__(reason or None)
        self.challenge = challenge
        self.reason = reason

    def document(self, json_api: bool = True) -> None:
        return None

    def headers(self) -> dict[str, str]:
        return {} if self.challenge is None else {"WWW-Authenticate": self.challenge}


class MethodNotAllowed(ApiError):
    """405 with an empty body and ``Allow``."""

    status, title = 405, "method not allowed http exception"

    def __init__(self, allow: Sequence[str]) -> None:
        super().__init__(", ".join(allow))
        self.allow = list(allow)

    def document(self, json_api: bool = True) -> None:
        return None

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allow)}


class ApiErrors(ApiError):
    """Several errors raised together; the status follows :func:`status_of`."""

    def __init__(self, errors: Sequence[ApiError]) -> None:
        self.errors = list(errors)
        self.status = status_of(e.status for e in self.errors)
        super().__init__("; ".join(str(e) for e in errors))

    def objects(self) -> list[ApiError]:
        return self.errors


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


# --- Oro's messages used in more than one place --------------------------------------------------


def filter_error(parameter: str, detail: str) -> FilterConstraint:
    return FilterConstraint(detail, parameter=parameter)


def request_data_error(detail: str, pointer: str | None = None) -> RequestDataConstraint:
    return RequestDataConstraint(detail, pointer=pointer)


def not_found() -> NotFound:
    return NotFound("An entity with the requested identifier does not exist.")


def unknown_type(type_: str, *, parent: bool = False) -> UnknownEntityType:
    """``parent``: on sub-resource and relationship routes, Oro names the parent entity type."""
    noun = "parent entity type" if parent else "entity type"
    return UnknownEntityType(f"Unknown {noun}: {type_}.")


def no_access_to_type() -> AccessDenied:
    return AccessDenied("No access to this type of entities.")


def no_access_to_entity() -> AccessDenied:
    return AccessDenied("No access to the entity.")


def unsupported_subresource() -> RelationshipConstraint:
    return RelationshipConstraint("Unsupported subresource.")
