"""The fields of a postal address (Oro's ``AbstractAddress``), which the storefront's address
books, checkout addresses and order addresses all have."""

from __future__ import annotations

from collections.abc import Collection

from server.metadata import types as t
from server.metadata.model import Attribute
from server.metadata.rules import Rule

ADDRESS_FIELDS = (
    ("label", "The address label."),
    ("street", "The street address."),
    ("street2", "The second line of the street address."),
    ("city", "The city."),
    ("postalCode", "The ZIP or postal code."),
    ("organization", "The company name."),
    ("firstName", "The first name of the addressee."),
    ("lastName", "The last name of the addressee."),
    ("phone", "The phone number."),
)


def address_attributes(
    sortable: Collection[str] = (), rules: tuple[Rule, ...] = ()
) -> tuple[Attribute, ...]:
    """The address fields as string attributes: those named in ``sortable`` sortable, each
    with ``rules``."""
    return tuple(
        Attribute(name, t.STRING, description, sortable=name in sortable, rules=rules)
        for name, description in ADDRESS_FIELDS
    )
