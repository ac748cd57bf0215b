"""server/jsonapi/errors.py: the error object layout (reference §9.1) and the status rule (§8)."""

from __future__ import annotations

from typing import Any

import pytest

from server.jsonapi import errors as e
from server.jsonapi.errors import ApiError, ApiErrors, status_of
from tests.jsonapi_schema import assert_valid_response

# --- ApiError.to_dict ---------------------------------------------------------------------------

TO_DICT = [
    pytest.param(
        e.NotFound(),
        {"status": "404", "title": "not found http exception"},
        id="status-and-title-only",
    ),
    pytest.param(
        e.ConstraintViolation(
            "not blank constraint",
            "This value should not be blank.",
            pointer="/data/attributes/name",
        ),
        {
            "status": "400",
            "title": "not blank constraint",
            "detail": "This value should not be blank.",
            "source": {"pointer": "/data/attributes/name"},
        },
        id="pointer",
    ),
    pytest.param(
        e.FilterConstraint('Expected integer value. Given "aaa".', parameter="filter[id]"),
        {
            "status": "400",
            "title": "filter constraint",
            "detail": 'Expected integer value. Given "aaa".',
            "source": {"parameter": "filter[id]"},
        },
        id="parameter",
    ),
    pytest.param(
        e.RequestDataConstraint(
            "The 'id' property is required",
            pointer="/data/id",
            parameter="filter[id]",
        ),
        {
            "status": "400",
            "title": "request data constraint",
            "detail": "The 'id' property is required",
            "source": {"pointer": "/data/id"},
        },
        id="pointer-wins-over-parameter",
    ),
    pytest.param(
        e.TitledError(400, "runtime exception", "Payment failed.", meta={"paymentMethod": "pm1"}),
        {
            "status": "400",
            "title": "runtime exception",
            "detail": "Payment failed.",
            "meta": {"paymentMethod": "pm1"},
        },
        id="meta",
    ),
    pytest.param(
        e.ConflictConstraint("", meta={}),
        {"status": "409", "title": "conflict constraint"},
        id="empty-detail-and-meta-omitted",
    ),
    pytest.param(
        e.NotFound(None, pointer=None, parameter=None, meta=None),
        {"status": "404", "title": "not found http exception"},
        id="none-omitted",
    ),
    # the constructors for the titles used most
    pytest.param(
        e.filter_error("filter[unknown]", "The filter is not supported."),
        {
            "status": "400",
            "title": "filter constraint",
            "detail": "The filter is not supported.",
            "source": {"parameter": "filter[unknown]"},
        },
        id="filter-error",
    ),
    pytest.param(
        e.request_data_error("The primary data object should exist", "/data"),
        {
            "status": "400",
            "title": "request data constraint",
            "detail": "The primary data object should exist",
            "source": {"pointer": "/data"},
        },
        id="request-data-error",
    ),
    pytest.param(
        e.request_data_error("The request data should not be empty."),
        {
            "status": "400",
            "title": "request data constraint",
            "detail": "The request data should not be empty.",
        },
        id="request-data-error-without-pointer",
    ),
    pytest.param(
        e.not_found(),
        {
            "status": "404",
            "title": "not found http exception",
            "detail": "An entity with the requested identifier does not exist.",
        },
        id="not-found",
    ),
    pytest.param(
        e.unknown_type("unknown"),
        {
            "status": "404",
            "title": "entity type constraint",
            "detail": "Unknown entity type: unknown.",
        },
        id="unknown-type",
    ),
    pytest.param(
        e.unsupported_subresource(),
        {
            "status": "404",
            "title": "relationship constraint",
            "detail": "Unsupported subresource.",
        },
        id="unsupported-subresource",
    ),
]


@pytest.mark.parametrize(("error", "expected"), TO_DICT)
def test_to_dict(error: ApiError, expected: dict[str, Any]) -> None:
    actual = error.to_dict()
    assert actual == expected
    assert list(actual) == list(expected)  # Oro's member order


@pytest.mark.parametrize(("error", "expected"), TO_DICT)
def test_error_document_is_valid_json_api(error: ApiError, expected: dict[str, Any]) -> None:
    assert_valid_response({"errors": [error.to_dict()]})


def test_member_order_with_every_member() -> None:
    error = e.TitledError(
        400, "value constraint", "The option is not supported.", pointer="/meta/update"
    )
    error.meta = {"option": "update"}
    assert list(error.to_dict()) == ["status", "title", "detail", "source", "meta"]


def test_no_id_member() -> None:
    assert "id" not in e.TitledError(500, "runtime exception", "Boom.").to_dict()


def test_status_is_a_string() -> None:
    assert e.AccessDenied().to_dict()["status"] == "403"


def test_several_errors_make_one_valid_document() -> None:
    errors = [
        e.ConstraintViolation(
            "not blank constraint",
            "This value should not be blank.",
            pointer="/data/attributes/name",
        ),
        e.FilterConstraint("The filter is not supported.", parameter="filter[x]"),
        e.not_found(),
    ]
    assert_valid_response({"errors": [error.to_dict() for error in errors]})


# --- the status of a response with several errors ------------------------------------------------

STATUSES = [
    pytest.param([400], 400, id="one-400"),
    pytest.param([400, 400, 400], 400, id="all-400"),
    pytest.param([404], 404, id="one-404"),
    pytest.param([404, 404], 404, id="all-404"),
    pytest.param([403], 403, id="one-403"),
    pytest.param([409], 409, id="one-409"),
    pytest.param([400, 403], 400, id="400-and-403-is-the-group"),
    pytest.param([403, 404], 400, id="403-and-404-is-the-group"),
    pytest.param([400, 409], 409, id="400-and-409-is-409"),
    pytest.param([403, 404, 409], 409, id="mixed-4xx-with-409-is-409"),
    pytest.param([409, 409], 409, id="all-409"),
    pytest.param([400, 500], 500, id="4xx-and-5xx-is-500"),
    pytest.param([409, 503], 503, id="4xx-and-one-5xx-keeps-it"),
    pytest.param([500, 503], 500, id="mixed-5xx-is-the-group"),
    pytest.param([None], 500, id="missing-status-is-500"),
    pytest.param([400, None], 500, id="missing-status-counts-as-500"),
    pytest.param([404, None, 404], 500, id="missing-status-among-404s"),
]


@pytest.mark.parametrize(("statuses", "expected"), STATUSES)
def test_status_of(statuses: list[int | None], expected: int) -> None:
    assert status_of(statuses) == expected


def test_status_of_accepts_an_iterator() -> None:
    assert status_of(code for code in (400, 409)) == 409


def test_api_errors_status_follows_the_rule() -> None:
    errors = ApiErrors([e.FormConstraint(), e.AccessGrantedConstraint()])
    assert errors.status == 400
    assert [error.status for error in errors.errors] == [400, 403]


def test_raise_all_raises_a_single_error_as_is() -> None:
    error = e.not_found()
    with pytest.raises(ApiError) as caught:
        e.raise_all([error])
    assert caught.value is error


def test_raise_all_raises_several_together() -> None:
    errors: list[ApiError] = [e.FormConstraint(), e.ConflictConstraint()]
    with pytest.raises(ApiErrors) as caught:
        e.raise_all(errors)
    assert caught.value.errors == errors
    assert caught.value.status == 409


def test_raise_all_with_nothing_does_nothing() -> None:
    e.raise_all([])


# --- the hierarchy: status and title by class, and the response each error makes ------------------

CLASSES = [
    pytest.param(e.ApiError, 500, "internal server error", id="base"),
    pytest.param(e.BadRequest, 400, "bad request http exception", id="bad-request"),
    pytest.param(e.FilterConstraint, 400, "filter constraint", id="filter"),
    pytest.param(e.SortConstraint, 400, "sort constraint", id="sort"),
    pytest.param(e.RequestDataConstraint, 400, "request data constraint", id="request-data"),
    pytest.param(e.FormConstraint, 400, "form constraint", id="form"),
    pytest.param(e.ExtraFieldsConstraint, 400, "extra fields constraint", id="extra-fields"),
    pytest.param(
        e.EntityIdentifierConstraint, 400, "entity identifier constraint", id="entity-identifier"
    ),
    pytest.param(e.EntityTypeConstraint, 400, "entity type constraint", id="entity-type"),
    pytest.param(e.UnknownEntityType, 404, "entity type constraint", id="unknown-entity-type"),
    pytest.param(e.AccessDenied, 403, "access denied exception", id="access-denied"),
    pytest.param(e.AccessGrantedConstraint, 403, "access granted constraint", id="access-granted"),
    pytest.param(e.NotFound, 404, "not found http exception", id="not-found"),
    pytest.param(e.RelationshipConstraint, 404, "relationship constraint", id="relationship"),
    pytest.param(e.NotAcceptable, 406, "not acceptable http exception", id="not-acceptable"),
    pytest.param(e.ConflictConstraint, 409, "conflict constraint", id="conflict"),
    pytest.param(
        e.UnsupportedMediaType, 415, "unsupported media type http exception", id="media-type"
    ),
]


@pytest.mark.parametrize(("cls", "status", "title"), CLASSES)
def test_status_and_title_are_the_class_s(cls: type[ApiError], status: int, title: str) -> None:
    error = cls("Why.", parameter="filter[id]")
    assert (cls.status, cls.title) == (status, title)
    assert error.document() == {
        "errors": [
            {
                "status": str(status),
                "title": title,
                "detail": "Why.",
                "source": {"parameter": "filter[id]"},
            }
        ]
    }
    assert error.headers() == {}


RESPONSES = [
    pytest.param(
        e.Unauthorized('Bearer realm="x"', "No credentials were sent."),
        (401, None, {"WWW-Authenticate": 'Bearer realm="x"'}),
        id="unauthorized-has-no-body",
    ),
    pytest.param(
        e.MethodNotAllowed(["OPTIONS", "GET", "POST"]),
        (405, None, {"Allow": "OPTIONS, GET, POST"}),
        id="method-not-allowed-has-no-body",
    ),
    pytest.param(
        e.ApiErrors([e.FormConstraint("A."), e.ConflictConstraint("B.")]),
        (
            409,
            {
                "errors": [
                    {"status": "400", "title": "form constraint", "detail": "A."},
                    {"status": "409", "title": "conflict constraint", "detail": "B."},
                ]
            },
            {},
        ),
        id="several-errors-one-document",
    ),
    pytest.param(
        e.ConstraintViolation.of(e.Violation("length constraint", "Too long.")),
        (
            400,
            {"errors": [{"status": "400", "title": "length constraint", "detail": "Too long."}]},
            {},
        ),
        id="violation-takes-the-rule-s-title",
    ),
]


@pytest.mark.parametrize(("error", "expected"), RESPONSES)
def test_response_parts(error: ApiError, expected: tuple[Any, ...]) -> None:
    assert (error.status, error.document(), error.headers()) == expected


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(
            e.FilterConstraint("Bad.", parameter="filter[id]"),
            [{"title": "filter constraint", "detail": "Bad.", "source": "filter[id]"}],
            id="one",
        ),
        pytest.param(
            e.ApiErrors([e.FormConstraint("A.", pointer="/data"), e.NotFound()]),
            [
                {"title": "form constraint", "detail": "A.", "source": "/data"},
                {"title": "not found http exception"},
            ],
            id="several",
        ),
        pytest.param(e.MethodNotAllowed(["GET"]), None, id="no-body-either"),
    ],
)
def test_plain_rest_document(error: ApiError, expected: Any) -> None:
    assert error.document(json_api=False) == expected


def test_every_error_is_an_api_error() -> None:
    assert issubclass(e.Unauthorized, ApiError)
    assert issubclass(e.MethodNotAllowed, ApiError)
    assert issubclass(e.ApiErrors, ApiError)
