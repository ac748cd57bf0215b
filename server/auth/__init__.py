"""Who is calling. Authentication and access control arrive with a later issue; until then every
request acts as the demo administrator (``open_access``), and this is the one place that changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user: int
    business_unit: int
    organization: int


ADMIN = Principal(user=1, business_unit=1, organization=1)


def open_access(headers: Mapping[str, str]) -> Principal:
    """The authenticator of a server without authentication: everyone is the administrator."""
    del headers
    return ADMIN
