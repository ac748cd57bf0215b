"""Tables of authentication and access control (not API resources): credentials, API keys,
WSSE nonces, OAuth applications, codes and refresh tokens, signing keys, role permissions,
per-organization configuration, login sessions and failed logins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class AuthTables:
    credential: sa.Table
    api_key: sa.Table
    wsse_nonce: sa.Table
    application: sa.Table
    auth_code: sa.Table
    refresh_token: sa.Table
    refresh_family: sa.Table
    server_key: sa.Table
    permission: sa.Table
    config: sa.Table
    session: sa.Table
    login_failure: sa.Table
    website: sa.Table
    customer_credential: sa.Table
    customer_visitor: sa.Table


def define_auth_tables(metadata: sa.MetaData) -> AuthTables:
    def table(name: str, *columns: sa.schema.SchemaItem, **options: Any) -> sa.Table:
        return sa.Table(name, metadata, *columns, **options)

    return AuthTables(
        credential=table(
            "auth_user_credential",
            sa.Column("user_id", sa.Integer, primary_key=True),
            sa.Column("password_hash", sa.String(255), nullable=False),
        ),
        api_key=table(
            "auth_user_api_key",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("user_id", sa.Integer, nullable=False, index=True),
            sa.Column("organization_id", sa.Integer, nullable=False),
            sa.Column("api_key", sa.String(255), nullable=False, unique=True),
        ),
        wsse_nonce=table(
            "auth_wsse_nonce",
            sa.Column("nonce", sa.String(255), primary_key=True),
            sa.Column("expires_at", sa.Integer, nullable=False, index=True),  # epoch seconds
        ),
        application=table(
            "auth_oauth_application",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(255), nullable=False),
            sa.Column("client_id", sa.String(255), nullable=False, unique=True),
            sa.Column("secret_hash", sa.String(255)),  # None: a public client
            sa.Column("grants", sa.JSON, nullable=False),  # e.g. ["password", "refresh_token"]
            sa.Column("redirect_uris", sa.JSON, nullable=False),
            sa.Column("skip_consent", sa.Boolean, nullable=False, default=False),
            sa.Column("user_id", sa.Integer),  # client_credentials act as this user
            sa.Column("organization_id", sa.Integer, nullable=False),
            sa.Column("active", sa.Boolean, nullable=False, default=True),
            sa.Column("api", sa.String(20), nullable=False, default="backoffice"),
        ),
        auth_code=table(
            "auth_oauth_code",
            sa.Column("code_hash", sa.String(64), primary_key=True),
            sa.Column("application_id", sa.Integer, nullable=False),
            sa.Column("user_id", sa.Integer, nullable=False),
            sa.Column("redirect_uri", sa.String(2000), nullable=False),
            sa.Column("code_challenge", sa.String(255)),
            sa.Column("code_challenge_method", sa.String(10)),
            sa.Column("expires_at", sa.Integer, nullable=False),
            sa.Column("used", sa.Boolean, nullable=False, default=False),
            sa.Column("visitor", sa.Boolean),  # a storefront visitor's code: user_id is theirs
        ),
        refresh_token=table(
            "auth_oauth_refresh_token",
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("application_id", sa.Integer, nullable=False),
            sa.Column("user_id", sa.Integer, nullable=False),
            sa.Column("expires_at", sa.Integer, nullable=False),
            sa.Column("revoked", sa.Boolean, nullable=False, default=False),
        ),
        # which login a refresh token descends from (the hash of the first of its line): a table
        # of its own, so a database made before gets it at start
        refresh_family=table(
            "auth_oauth_refresh_family",
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("family", sa.String(64), nullable=False, index=True),
        ),
        server_key=table(
            "auth_server_key",
            sa.Column("name", sa.String(50), primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        ),
        permission=table(
            "auth_role_permission",
            sa.Column("role_id", sa.Integer, primary_key=True),
            sa.Column("resource_type", sa.String(100), primary_key=True),
            sa.Column("permission", sa.String(10), primary_key=True),  # VIEW CREATE EDIT DELETE
            sa.Column("level", sa.String(20), nullable=False),  # see server.auth.acl.Level
        ),
        config=table(
            "auth_organization_config",
            sa.Column("organization_id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(100), primary_key=True),
            sa.Column("value", sa.JSON),
        ),
        session=table(
            "auth_login_session",
            sa.Column("session_hash", sa.String(64), primary_key=True),
            sa.Column("user_id", sa.Integer, nullable=False),
            sa.Column("csrf_token", sa.String(255), nullable=False),
            sa.Column("expires_at", sa.Integer, nullable=False),
            sa.Column("api", sa.String(20)),  # "storefront": a customer user's; None: back-office
        ),
        # failed logins per throttle key (server.auth.oauth.throttle), shared by every worker
        login_failure=table(
            "auth_login_failure",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("key", sa.String(64), nullable=False, index=True),  # sha256 of the key
            sa.Column("at", sa.Float, nullable=False, index=True),  # epoch seconds
        ),
        # the storefront's websites: each with its defaults and its storefront API switches
        website=table(
            "website",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(255), nullable=False),
            sa.Column("organization_id", sa.Integer, nullable=False, unique=True),
            sa.Column("localization_id", sa.Integer, nullable=False),  # the default one
            sa.Column("currency", sa.String(3), nullable=False),  # the default one
            sa.Column("api_enabled", sa.Boolean, nullable=False, default=True),
            sa.Column("guest_api_enabled", sa.Boolean, nullable=False, default=True),
        ),
        # a customer user's password and storefront role (ROLE_FRONTEND_BUYER / _ADMINISTRATOR)
        customer_credential=table(
            "auth_customer_user_credential",
            sa.Column("customer_user_id", sa.Integer, primary_key=True),
            sa.Column("password_hash", sa.String(255), nullable=False),
            sa.Column("role", sa.String(50), nullable=False),
        ),
        # a storefront visitor (Oro's CustomerVisitor): made by each guest token, named by it
        customer_visitor=table(
            "customer_visitor",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("organization_id", sa.Integer, nullable=False),  # its website's
            sa.Column("created_at", sa.Integer, nullable=False),  # epoch seconds
            sqlite_autoincrement=True,
        ),
    )
