"""The demo applications and passwords: fixed, documented, stored hashed, seeded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.auth.credentials_seed import demo_password, seed_credentials
from server.auth.oauth.seed import DEMO_APPLICATIONS, demo_summary, seed_applications
from server.auth.passwords import verify_password
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema(build_registry())


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> Iterator[sa.Engine]:
    path: Path = tmp_path_factory.mktemp("seed") / "seed.db"
    engine = create_engine(f"sqlite:///{path}")
    prepare_database(engine, build_registry(), schema)
    with engine.begin() as connection:  # a no-op once the database seed does it
        seed_applications(connection, schema)
        seed_credentials(connection, schema)
    yield engine
    engine.dispose()


def test_seeding_again_adds_nothing(engine: sa.Engine, schema: Schema) -> None:
    with engine.begin() as connection:
        assert (seed_applications(connection, schema), seed_credentials(connection, schema)) == (
            0,
            0,
        )


def test_the_demo_applications(engine: sa.Engine, schema: Schema) -> None:
    table = schema.auth.application
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    assert [
        (
            row.client_id,
            row.grants,
            row.skip_consent,
            row.user_id,
            row.organization_id,
            row.active,
            row.api,
        )
        for row in rows
    ] == [
        ("sandbox-integration", ["client_credentials"], False, 1, 1, True, "backoffice"),
        ("sandbox-password", ["password"], False, None, 1, True, "backoffice"),
        ("sandbox-pkce", ["authorization_code"], False, None, 1, True, "backoffice"),
        ("sandbox-trusted", ["authorization_code"], True, None, 1, True, "backoffice"),
        ("sandbox-revoked", ["client_credentials", "password"], False, 1, 1, False, "backoffice"),
        ("acme-integration", ["client_credentials"], False, 17, 2, True, "backoffice"),
        ("acme-password", ["password"], False, None, 2, True, "backoffice"),
        ("sandbox-storefront", ["password"], False, None, 1, True, "storefront"),
        ("acme-storefront", ["password"], False, None, 2, True, "storefront"),
        ("sandbox-storefront-pkce", ["authorization_code"], False, None, 1, True, "storefront"),
    ]
    for row, app in zip(rows, DEMO_APPLICATIONS, strict=True):
        if app.secret is None:
            assert row.secret_hash is None
        else:
            assert row.secret_hash.startswith("$argon2id$")
            assert verify_password(row.secret_hash, app.secret)


def test_every_password_is_the_username_and_admins_is_admin(
    engine: sa.Engine, schema: Schema
) -> None:
    users, credentials = schema.tables["users"], schema.auth.credential
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(users.c.id, users.c.username, credentials.c.password_hash).join(
                credentials, credentials.c.user_id == users.c.id
            )
        ).all()
    assert len(rows) == 30
    assert demo_password(1, "admin") == "admin"
    for row in rows[:3] + rows[-2:]:  # Argon2 is slow on purpose: a sample is enough
        assert row.password_hash.startswith("$argon2id$")
        assert row.username not in row.password_hash
        assert verify_password(row.password_hash, demo_password(row.id, row.username))


def test_the_printed_summary(engine: sa.Engine, schema: Schema) -> None:
    with engine.connect() as connection:
        lines = demo_summary(connection, schema).splitlines()
    assert lines[0] == (
        "OAuth applications (POST /oauth2-token; authorize at /oauth2-token/authorize):"
    )
    assert lines[1].split() == ["client_id", "client_secret", "grants", "notes"]
    assert lines[2].split()[:3] == [
        "sandbox-integration",
        "integration-secret",
        "client_credentials",
    ]
    assert lines[4].split()[:4] == [
        "sandbox-pkce",
        "(public)",
        "authorization_code,",
        "refresh_token",
    ]
    users_at = lines.index("Demo users (every password is the username; admin's is 'admin'), e.g.:")
    assert users_at == 12
    assert lines[users_at + 2].split() == [
        "admin",
        "admin",
        "John",
        "Doe",
        "Oro",
        "Demo",
        "Inc",
        "Administrator",
    ]
    assert any("Acme Retail" in line for line in lines[users_at:])
