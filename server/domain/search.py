"""The demo's search index, resource by resource: Oro's ``search.yml`` files in Python.

Aliases, class names and UI pages are those of OroPlatform/OroCommerce; the fields are the
searchable ones of each resource here (texts, numbers, dates and the ids of the owner and the
organization, which Oro also indexes).
"""

from __future__ import annotations

from dataclasses import replace

from server.metadata.model import Resource
from server.metadata.search import Search
from server.metadata.search import SearchField as F


def _text(name: str, *source: str) -> F:
    return F(name, "text", source or (name,))


def _int(name: str, *source: str) -> F:
    return F(name, "integer", source or (name,))


def _dec(name: str, *source: str) -> F:
    return F(name, "decimal", source or (name,))


def _date(name: str, *source: str) -> F:
    return F(name, "datetime", source or (name,))


OWNED = (_int("owner"), _int("organization"))

SEARCH = {
    "users": Search(
        "oro_user",
        "Oro\\Bundle\\UserBundle\\Entity\\User",
        "User",
        "{firstName} {lastName}",
        "/user/view/{id}",
        (
            _text("username"),
            _text("email"),
            _text("firstName"),
            _text("lastName"),
            _text("fullName", "firstName", "middleName", "lastName"),
            _text("title"),
            _text("phone"),
            _int("loginCount"),
            _date("createdAt"),
            _date("lastLogin"),
            _int("organization"),
        ),
    ),
    "businessunits": Search(
        "oro_business_unit",
        "Oro\\Bundle\\OrganizationBundle\\Entity\\BusinessUnit",
        "Business Unit",
        "{name}",
        "/organization/business_unit/view/{id}",
        (
            _text("name"),
            _text("email"),
            _text("phone"),
            _text("website"),
            _int("organization"),
        ),
    ),
    "accounts": Search(
        "oro_account",
        "Oro\\Bundle\\AccountBundle\\Entity\\Account",
        "Account",
        "{name}",
        "/account/view/{id}",
        (_text("name"), _text("description"), _date("createdAt"), *OWNED),
    ),
    "contacts": Search(
        "oro_contact",
        "Oro\\Bundle\\ContactBundle\\Entity\\Contact",
        "Contact",
        "{firstName} {lastName}",
        "/contact/view/{id}",
        (
            _text("firstName"),
            _text("lastName"),
            _text("fullName", "namePrefix", "firstName", "middleName", "lastName", "nameSuffix"),
            _text("jobTitle"),
            _text("primaryEmail"),
            _text("primaryPhone"),
            _text("description"),
            _int("timesContacted"),
            _date("birthday"),
            _date("createdAt"),
            *OWNED,
        ),
    ),
    "products": Search(
        "oro_product",
        "Oro\\Bundle\\ProductBundle\\Entity\\Product",
        "Product",
        "{name}",
        "/product/view/{id}",
        (
            _text("sku"),
            _text("name"),
            _text("description"),
            _text("status"),
            _dec("weight"),
            _date("createdAt"),
            *OWNED,
        ),
    ),
    "customers": Search(
        "oro_customer",
        "Oro\\Bundle\\CustomerBundle\\Entity\\Customer",
        "Customer",
        "{name}",
        "/customer/customer/view/{id}",
        (_text("name"), _int("parent"), _date("createdAt"), *OWNED),
    ),
    "tasks": Search(
        "oro_task",
        "Oro\\Bundle\\TaskBundle\\Entity\\Task",
        "Task",
        "{subject}",
        "/task/view/{id}",
        (
            _text("subject"),
            _text("description"),
            _text("taskPriority"),
            _date("dueDate"),
            _date("createdAt"),
            *OWNED,
        ),
    ),
    "orders": Search(
        "oro_order",
        "Oro\\Bundle\\OrderBundle\\Entity\\Order",
        "Order",
        "{identifier}",
        "/order/view/{id}",
        (
            _text("identifier"),
            _text("poNumber"),
            _text("customerNotes"),
            _text("currency"),
            _text("status"),
            _dec("subtotalValue"),
            _dec("totalValue"),
            _int("customer"),
            _date("createdAt"),
            *OWNED,
        ),
    ),
}


def with_search(resource: Resource) -> Resource:
    """``resource`` with its search metadata, its sources checked against its fields."""
    search = SEARCH.get(resource.type)
    if search is None:
        return resource
    known = set(resource.attribute) | {r.name for r in resource.relationships if not r.many}
    for field in search.fields:
        unknown = set(field.source) - known
        if unknown:
            raise ValueError(f"{resource.type} search field {field.name}: unknown {unknown}")
    return replace(resource, search=search)
