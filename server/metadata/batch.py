"""The two resources of the Batch API, declared as metadata but outside the registry: they are
not data of the demo (no table of the registry, no seed, no filters), only what the batch
endpoints answer and the documentation describes (Oro's ``AsyncOperation`` and ``BatchError``).
"""

from __future__ import annotations

from server.metadata import types as t
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.model import Resource

OPERATIONS = "asyncoperations"
ERRORS = "asyncoperationerrors"
STATUSES = ("new", "running", "success", "failed", "cancelled")
SUMMARY_KEYS = (
    "aggregateTime",
    "readCount",
    "writeCount",
    "errorCount",
    "createCount",
    "updateCount",
)

ASYNC_OPERATION = Resource(
    OPERATIONS,
    "api_async_operation",
    "An asynchronous operation: a batch request (PATCH on a list URL) and how it goes.",
    (
        A(
            "status",
            t.STRING,
            "The status: new, running, success, failed or cancelled. Item errors do not fail an"
            " operation: it ends success with summary.errorCount > 0.",
            filterable=False,
        ),
        A(
            "progress",
            t.PERCENT,
            "The share of the work done, from 0 to 1 (1 = 100%); null before it starts.",
            filterable=False,
        ),
        A("createdAt", t.DATETIME, "When the operation was created.", filterable=False),
        A("updatedAt", t.DATETIME, "When the operation last changed.", filterable=False),
        A(
            "elapsedTime",
            t.INTEGER,
            "The number of seconds the operation has been running (or ran).",
            filterable=False,
        ),
        A(
            "entityType",
            t.STRING,
            "The type of the resources the operation writes.",
            filterable=False,
        ),
        A(
            "summary",
            t.JSON,
            "Set once the operation is finished (success or failed): aggregateTime (the"
            " milliseconds spent processing), readCount, writeCount, errorCount, createCount"
            " and updateCount.",
            filterable=False,
        ),
    ),
    (
        R("owner", "users", description="The user who started the operation.", filterable=False),
        R(
            "organization",
            "organizations",
            description="The organization the operation belongs to.",
            filterable=False,
        ),
    ),
    actions=frozenset({"get"}),
    ownership="user",
)

ASYNC_OPERATION_ERROR = Resource(
    ERRORS,
    "api_async_operation_error",
    "An error of an asynchronous operation; the source points into the request as it was sent.",
    (
        A("status", t.INTEGER, "The HTTP status code of the error.", filterable=False),
        A("title", t.STRING, "A short summary of the kind of error.", filterable=False),
        A("detail", t.STRING, "What went wrong.", filterable=False),
        A(
            "source",
            t.JSON,
            "Where: a pointer into the request document as sent (/data/N/…, /included/N/…),"
            " or a property path when no pointer applies.",
            filterable=False,
        ),
    ),
    id_type=t.STRING,
    actions=frozenset({"get_list"}),
)
