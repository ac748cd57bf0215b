"""The demo OAuth applications (fixed client ids and secrets, documented and printed) and the
printable summary of how to log in to the sandbox.

===========================  ======================  ==========================================
client_id                    client_secret           grants, notes
===========================  ======================  ==========================================
``sandbox-integration``      integration-secret      client_credentials, as admin (user 1)
``sandbox-password``         password-secret         password (+ refresh), Oro Demo Inc
``sandbox-pkce``             (public)                authorization_code + PKCE, consent
``sandbox-trusted``          trusted-secret          authorization_code, skips consent
``sandbox-revoked``          revoked-secret          revoked: no tokens
``acme-integration``         acme-secret             client_credentials, as user 17 (Acme)
``acme-password``            acme-password-secret    password (+ refresh), Acme Retail
``sandbox-storefront``       storefront-secret       storefront API: password (+ refresh) with
                                                     a customer user's email, or guest/guest
``acme-storefront``          acme-storefront-secret  the same, on Acme Retail's website
``sandbox-storefront-pkce``  (public)                storefront API: authorization_code + PKCE
                                                     (+ refresh), a customer user signs in with
                                                     their email, consent; or a visitor's code
                                                     from ``authorize-visitor``
===========================  ======================  ==========================================

Redirect URIs of the authorization-code apps: ``http://127.0.0.1/callback`` and
``http://localhost/callback``, on any port (RFC 8252 §7.3). The storefront's authorize URL is
``/storefront/oauth2-token/authorize`` (``/oauth2-token/authorize`` with ``--oro-layout``, where
the back-office's is ``/admin/oauth2-token/authorize``): see :mod:`server.auth.oauth.paths`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.credentials_seed import ADMIN_PASSWORD, demo_users
from server.auth.oauth.clients import REFRESHABLE
from server.auth.passwords import hash_password
from server.auth.tokens import BACKOFFICE, STOREFRONT
from server.storage.tables import Schema

__all__ = ["DEMO_APPLICATIONS", "DemoApplication", "demo_summary", "seed_applications"]

CUSTOMER_PASSWORD = "storefront"  # every demo customer user's (server.domain.storefront_seed)
LOOPBACK_CALLBACKS = ("http://127.0.0.1/callback", "http://localhost/callback")


@dataclass(frozen=True)
class DemoApplication:
    id: int
    name: str
    client_id: str
    secret: str | None  # None: a public client
    grants: tuple[str, ...]
    note: str
    user_id: int | None = None
    organization_id: int = 1
    redirect_uris: tuple[str, ...] = ()
    skip_consent: bool = False
    active: bool = True
    api: str = BACKOFFICE


DEMO_APPLICATIONS = (
    DemoApplication(
        1,
        "Demo Integration",
        "sandbox-integration",
        "integration-secret",
        ("client_credentials",),
        "acts as admin (John Doe)",
        user_id=1,
    ),
    DemoApplication(
        2,
        "Demo Password App",
        "sandbox-password",
        "password-secret",
        ("password",),
        "any user of Oro Demo Inc",
    ),
    DemoApplication(
        3,
        "Demo PKCE App",
        "sandbox-pkce",
        None,
        ("authorization_code",),
        "public: PKCE S256 required; asks for consent",
        redirect_uris=LOOPBACK_CALLBACKS,
    ),
    DemoApplication(
        4,
        "Demo Trusted Web App",
        "sandbox-trusted",
        "trusted-secret",
        ("authorization_code",),
        "skips the consent page",
        redirect_uris=LOOPBACK_CALLBACKS,
        skip_consent=True,
    ),
    DemoApplication(
        5,
        "Revoked Demo App",
        "sandbox-revoked",
        "revoked-secret",
        ("client_credentials", "password"),
        "revoked: gets no tokens",
        user_id=1,
        active=False,
    ),
    DemoApplication(
        6,
        "Acme Integration",
        "acme-integration",
        "acme-secret",
        ("client_credentials",),
        "acts as Hans Becker (Acme Retail)",
        user_id=17,
        organization_id=2,
    ),
    DemoApplication(
        7,
        "Acme Password App",
        "acme-password",
        "acme-password-secret",
        ("password",),
        "any user of Acme Retail",
        organization_id=2,
    ),
    DemoApplication(
        8,
        "Demo Storefront App",
        "sandbox-storefront",
        "storefront-secret",
        ("password",),
        "storefront API: a customer user's email, or guest/guest",
        api=STOREFRONT,
    ),
    DemoApplication(
        9,
        "Acme Storefront App",
        "acme-storefront",
        "acme-storefront-secret",
        ("password",),
        "storefront API of Acme Retail's website",
        organization_id=2,
        api=STOREFRONT,
    ),
    DemoApplication(
        10,
        "Demo Storefront PKCE App",
        "sandbox-storefront-pkce",
        None,
        ("authorization_code",),
        "storefront API: public, PKCE S256 required; a customer user signs in with their email"
        " and consents (authorize at /storefront/oauth2-token/authorize), or a visitor's code"
        " at /storefront/oauth2-token/authorize-visitor",
        redirect_uris=LOOPBACK_CALLBACKS,
        api=STOREFRONT,
    ),
)


def seed_applications(connection: sa.Connection, schema: Schema) -> int:
    """Insert the demo applications missing from ``auth_oauth_application`` (at every start: a
    database made by an older version gets the newer ones; an id or client id taken already is
    left alone); returns how many."""
    table = schema.auth.application
    present = set()
    for client_id, id_ in connection.execute(sa.select(table.c.client_id, table.c.id)):
        present |= {client_id, id_}
    rows = [
        {
            "id": app.id,
            "name": app.name,
            "client_id": app.client_id,
            "secret_hash": None if app.secret is None else hash_password(app.secret),
            "grants": list(app.grants),
            "redirect_uris": list(app.redirect_uris),
            "skip_consent": app.skip_consent,
            "user_id": app.user_id,
            "organization_id": app.organization_id,
            "active": app.active,
            "api": app.api,
        }
        for app in DEMO_APPLICATIONS
        if app.client_id not in present and app.id not in present
    ]
    if rows:
        connection.execute(sa.insert(table), rows)
    return len(rows)


def _grants(app: DemoApplication) -> tuple[str, ...]:
    """The stored grants, with the refresh-token grant that password and code grants imply."""
    implied = ("refresh_token",) if REFRESHABLE & set(app.grants) else ()
    return app.grants + implied


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def demo_summary(connection: sa.Connection, schema: Schema) -> str:
    """How to log in: the demo applications and one demo user per organization and role set."""
    apps = [("client_id", "client_secret", "grants", "notes")] + [
        (app.client_id, app.secret or "(public)", ", ".join(_grants(app)), app.note)
        for app in DEMO_APPLICATIONS
    ]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    users = [("username", "password", "name", "organization", "roles")]
    for user in demo_users(connection, schema):
        if user.enabled and (user.organization, user.roles) not in seen:
            seen.add((user.organization, user.roles))
            users.append(
                (
                    user.username,
                    user.password,
                    user.full_name,
                    user.organization,
                    ", ".join(user.roles),
                )
            )
    return "\n".join(
        [
            "OAuth applications (POST /oauth2-token; authorize at /oauth2-token/authorize):",
            *_table(apps),
            f"Demo users (every password is the username; admin's is {ADMIN_PASSWORD!r}), e.g.:",
            *_table(users),
            *_customer_users(connection, schema),
        ]
    )


def _customer_users(connection: sa.Connection, schema: Schema) -> list[str]:
    """The first customer users (the storefront's tables, when this database has them)."""
    users = schema.metadata.tables.get("customer_user")
    if users is None:
        return []
    credentials, customers = schema.auth.customer_credential, schema.metadata.tables["customer"]
    query = (
        sa.select(
            users.c.email,
            users.c.first_name,
            users.c.last_name,
            customers.c.name,
            credentials.c.role,
        )
        .join(credentials, credentials.c.customer_user_id == users.c.id)
        .join(customers, customers.c.id == users.c.customer_id)
        .order_by(users.c.id)
        .limit(4)
    )
    rows = [("email", "password", "name", "customer", "role")] + [
        (email, CUSTOMER_PASSWORD, f"{first} {last}", customer, role)
        for email, first, last, customer, role in connection.execute(query)
    ]
    if len(rows) == 1:
        return []
    return [
        "Storefront customer users (sandbox-storefront; every password is"
        f" {CUSTOMER_PASSWORD!r}; a visitor logs in as guest/guest), e.g.:",
        *_table(rows),
    ]
