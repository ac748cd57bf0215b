"""The seeded records the API's examples name (OpenAPI, ``/api/doc``), set on each resource as
``example_id`` and ``deletable_id`` so that the OpenAPI document reads them from the metadata.

``example_id`` is the record examples read, change and point at: id 1, the first option of the
string-id dictionaries, and user 2 rather than the administrator, whose roles a relationship
example would replace. ``deletable_id`` is a record a ``DELETE`` example may remove: one nothing
else refers to, or, for types whose seeded records all are referred to, the record the type's
create example adds (the next id).
"""

from __future__ import annotations

from dataclasses import replace

from server.domain import seed, vocabulary
from server.metadata.model import Resource

RECORDS = {"users": "2"}  # by default a type's record 1 (or its first dictionary option)
# Seeded records nothing refers to; otherwise the record the create example adds (the next id).
DELETABLE = {
    "organizations": str(len(vocabulary.ORGANIZATIONS) + 1),
    "businessunits": str(len(vocabulary.BUSINESS_UNITS) + 1),
    "customers": str(seed.CUSTOMERS + 1),
    "userroles": str(len(vocabulary.USER_ROLES)),
    "users": "30",
    "accounts": "299",
    "contacts": "599",
    "taxjurisdictions": str(len(vocabulary.TAX_JURISDICTIONS)),
    "products": "199",
    "tasks": "199",
    "orders": "1999",
    "orderlineitems": "2",
    "coupons": "7",
}
DICTIONARY_IDS = {type_: str(rows[0]["id"]) for type_, rows in seed.dictionaries().items()}


def with_samples(resource: Resource) -> Resource:
    """``resource`` naming the demo's records for its examples."""
    example = RECORDS.get(resource.type) or DICTIONARY_IDS.get(resource.type, "1")
    deletable = DELETABLE.get(resource.type)
    return replace(resource, example_id=example, deletable_id=deletable)
