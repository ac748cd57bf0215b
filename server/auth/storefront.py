"""Who calls the storefront API, and what they may see: customer users (by email and password)
and visitors (``guest``/``guest`` tokens), with Oro's storefront roles.

Roles (Oro's predefined storefront roles; levels as ``server.storage.access.FRONTEND`` reads them):

- ``ROLE_FRONTEND_ANONYMOUS`` (visitors, each a stored ``customer_visitor`` its token names):
  VIEW on the configured guest resources (``Settings.storefront_guest_resources``) and, when
  guest shopping lists are on (``Settings.storefront_guest_shopping_lists``), their own shopping
  lists (Basic); when guest checkout is on too (``Settings.storefront_guest_checkout``), their
  own checkouts (Basic; a visitor starts one from their shopping list only, never with ``POST
  /checkouts``); anything else answers 403;
- ``ROLE_FRONTEND_BUYER``: the dictionaries, and their own records (Basic);
- ``ROLE_FRONTEND_ADMINISTRATOR``: the dictionaries, and their customer's records (Local).

A storefront token carries the audience ``storefront``: the back-office API refuses it, and the
storefront API refuses back-office tokens (401 without a body, as any refused token).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.acl import Acl
from server.auth.authenticate import Credentials
from server.auth.bearer import check_client, invalid_token, token_claims
from server.auth.keys import Keys
from server.auth.passwords import hash_password, verify_password
from server.auth.principal import Principal
from server.auth.tokens import STOREFRONT
from server.auth.visitors import find_visitor
from server.auth.websites import website_of
from server.metadata.access import Level
from server.metadata.model import Registry
from server.storage.tables import Schema

__all__ = [
    "GUEST",
    "ROLES",
    "CustomerLogin",
    "StorefrontBearer",
    "customer_principal",
    "find_customer_user",
    "storefront_acl",
    "verify_customer_login",
    "visitor_principal",
]

GUEST = "guest"  # a visitor's username and password at the token endpoint, as in Oro
ANONYMOUS, BUYER, ADMINISTRATOR = (
    "ROLE_FRONTEND_ANONYMOUS",
    "ROLE_FRONTEND_BUYER",
    "ROLE_FRONTEND_ADMINISTRATOR",
)
ROLES = {ANONYMOUS: 1, BUYER: 2, ADMINISTRATOR: 3}  # role ids of the storefront's own Acl
# the resources a customer user's role reaches by ownership (the rest: dictionaries)
OWNED_TYPES = (
    "customers",
    "customerusers",
    "customeraddresses",
    "customeruseraddresses",
    "orders",
    "orderlineitems",
    "orderaddresses",
)
# the ones a customer user also creates, edits and deletes (Oro's oro_shopping_list_frontend_*)
WRITTEN_TYPES = ("shoppinglists", "shoppinglistitems")
# the checkout's (Oro's oro_checkout_frontend_*): customer users, and visitors with guest checkout
CHECKOUT_TYPES = ("checkouts", "checkoutlineitems", "checkoutaddresses")
# what a visitor may do to their own checkout: all but create it outright (they start it from
# their shopping list: ``server.actions.checkout.checkout_start``)
GUEST_CHECKOUT_PERMISSIONS = {"checkouts": ("VIEW", "EDIT", "DELETE")}


def storefront_acl(
    registry: Registry,
    guest_resources: Iterable[str],
    guest_shopping_lists: bool = False,
    guest_checkout: bool = False,
) -> Acl:
    """The storefront's roles as an :class:`Acl` (they are fixed: no table holds them); with
    ``guest_shopping_lists`` visitors keep shopping lists of their own (Basic), with
    ``guest_checkout`` too their own checkouts (Basic)."""
    guests = frozenset(guest_resources)
    grants: dict[int, dict[tuple[str, str], Level]] = {role: {} for role in ROLES.values()}
    for resource in registry:
        if resource.ownership in (None, "website"):  # every customer user, guests if listed
            grants[ROLES[BUYER]][(resource.type, "VIEW")] = Level.ORGANIZATION
            grants[ROLES[ADMINISTRATOR]][(resource.type, "VIEW")] = Level.ORGANIZATION
        if resource.type in guests:
            grants[ROLES[ANONYMOUS]][(resource.type, "VIEW")] = Level.ORGANIZATION
    for type_ in OWNED_TYPES:
        if type_ in registry:
            grants[ROLES[BUYER]][(type_, "VIEW")] = Level.USER
            grants[ROLES[ADMINISTRATOR]][(type_, "VIEW")] = Level.BUSINESS_UNIT
    for type_ in WRITTEN_TYPES:
        if type_ in registry:
            for permission in ("VIEW", "CREATE", "EDIT", "DELETE"):
                grants[ROLES[BUYER]][(type_, permission)] = Level.USER
                grants[ROLES[ADMINISTRATOR]][(type_, permission)] = Level.BUSINESS_UNIT
                if guest_shopping_lists:
                    grants[ROLES[ANONYMOUS]][(type_, permission)] = Level.USER
    for type_ in CHECKOUT_TYPES:
        if type_ in registry:
            for permission in ("VIEW", "CREATE", "EDIT", "DELETE"):
                grants[ROLES[BUYER]][(type_, permission)] = Level.USER
                grants[ROLES[ADMINISTRATOR]][(type_, permission)] = Level.BUSINESS_UNIT
            if guest_shopping_lists and guest_checkout:
                for permission in GUEST_CHECKOUT_PERMISSIONS.get(
                    type_, ("VIEW", "CREATE", "EDIT", "DELETE")
                ):
                    grants[ROLES[ANONYMOUS]][(type_, permission)] = Level.USER
    return Acl(grants)


@dataclass(frozen=True)
class CustomerLogin:
    id: int
    email: str
    customer_id: int
    organization_id: int
    role: str


def _select(schema: Schema) -> sa.Select[tuple[int, str, int, int, str, str]]:
    users, customers = schema.tables["customerusers"], schema.tables["customers"]
    credentials = schema.auth.customer_credential
    return (
        sa.select(
            users.c.id,
            users.c.email,
            users.c.customer_id,
            customers.c.organization_id,
            credentials.c.role,
            credentials.c.password_hash,
        )
        .join(customers, customers.c.id == users.c.customer_id)
        .join(credentials, credentials.c.customer_user_id == users.c.id)
        .where(users.c.enabled.is_(True))
    )


def _login(row: sa.Row[tuple[int, str, int, int, str, str]]) -> CustomerLogin:
    return CustomerLogin(row.id, row.email, row.customer_id, row.organization_id, row.role)


def find_customer_user(
    connection: sa.Connection, schema: Schema, customer_user_id: int
) -> CustomerLogin | None:
    """The enabled customer user ``customer_user_id``."""
    users = schema.tables["customerusers"]
    row = connection.execute(_select(schema).where(users.c.id == customer_user_id)).first()
    return None if row is None else _login(row)


@functools.cache
def _decoy_hash() -> str:
    return hash_password("not a password of anyone")


def verify_customer_login(
    connection: sa.Connection, schema: Schema, email: str, password: str
) -> CustomerLogin | None:
    """The enabled customer user whose email (in any case) is ``email`` and whose password is
    ``password``; an unknown email costs the same hash check."""
    users = schema.tables["customerusers"]
    query = _select(schema).where(sa.func.lower(users.c.email) == email.lower())
    row = connection.execute(query.order_by(users.c.id)).first()
    valid = verify_password(row.password_hash if row is not None else _decoy_hash(), password)
    return _login(row) if row is not None and valid else None


def customer_principal(login: CustomerLogin, client_id: str | None = None) -> Principal:
    return Principal(
        login.id,
        login.organization_id,
        login.customer_id,
        frozenset({login.customer_id}),
        frozenset({ROLES[login.role]}),
        client_id,
        "oauth",
        api=STOREFRONT,
    )


def visitor_principal(
    visitor_id: int, organization_id: int, client_id: str | None = None
) -> Principal:
    return Principal(
        visitor_id,
        organization_id,
        0,
        frozenset(),
        frozenset({ROLES[ANONYMOUS]}),
        client_id,
        "oauth",
        api=STOREFRONT,
        visitor=True,
    )


class StorefrontBearer:
    """Bearer tokens of the storefront API: a customer user's or a visitor's."""

    def __init__(self, engine: sa.Engine, schema: Schema, keys: Keys, clock: Callable[[], float]):
        self.engine = engine
        self.schema = schema
        self.keys = keys
        self.clock = clock

    def authenticate(self, credentials: Credentials) -> Principal | None:
        claims = token_claims(credentials, self.keys, STOREFRONT, self.clock())
        if claims is None:
            return None
        with self.engine.connect() as connection:
            check_client(connection, self.schema, claims.client_id)
            if claims.visitor:
                website = website_of(connection, self.schema, claims.organization_id)
                if website is None or not website.guest_api_enabled:
                    raise invalid_token("The guest storefront API is disabled.")
                visitor = find_visitor(connection, self.schema, claims.user_id)
                if visitor is None or visitor.organization_id != claims.organization_id:
                    raise invalid_token("The visitor of this access token does not exist.")
                return visitor_principal(visitor.id, visitor.organization_id, claims.client_id)
            login = find_customer_user(connection, self.schema, claims.user_id)
        if login is None or login.organization_id != claims.organization_id:
            raise invalid_token("The customer user of this access token is disabled.")
        return customer_principal(login, claims.client_id)
