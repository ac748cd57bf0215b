"""API keys: the seeded demo keys, generating and replacing a key, and the ``apikey`` command."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import cli
from server.auth.api_keys import (
    api_key_of,
    create_api_key,
    demo_api_key,
    find_api_key_user,
    find_user,
    generate_api_key,
    seed_api_keys,
)
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema

KEY = re.compile(r"[0-9a-f]{40}")


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema(build_registry())


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> Iterator[sa.Engine]:
    """A seeded database with the demo keys (module-wide: tests use users of their own)."""
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('keys') / 'keys.db'}")
    prepare_database(engine, build_registry(), schema)
    with engine.begin() as connection:
        seed_api_keys(connection, schema)
    yield engine
    engine.dispose()


def test_keys_look_like_oros() -> None:
    assert KEY.fullmatch(generate_api_key())
    assert generate_api_key() != generate_api_key()


@pytest.mark.parametrize(
    ("user_id", "key"),
    [
        pytest.param(1, "c4a8b0622d55b80e199ce9319e20370f9d8e4a3d", id="admin"),
        pytest.param(17, "7ebcd924268a9e5c4625242a95d5703953ec60a5", id="acme-user"),
    ],
)
def test_demo_keys_are_the_same_on_every_machine(user_id: int, key: str) -> None:
    assert demo_api_key(user_id) == key


def test_seed_gives_every_user_a_key_in_their_organization(
    database: sa.Engine, schema: Schema
) -> None:
    users, keys = schema.tables["users"], schema.auth.api_key
    with database.connect() as connection:
        expected = {
            (row.id, row.organization_id, demo_api_key(row.id))
            for row in connection.execute(sa.select(users.c.id, users.c.organization_id))
        }
        stored = {
            (row.user_id, row.organization_id, row.api_key)
            for row in connection.execute(
                sa.select(keys.c.user_id, keys.c.organization_id, keys.c.api_key)
            )
        }
    assert len(expected) == 30
    assert expected <= stored


def test_seed_is_idempotent_and_keeps_generated_keys(tmp_path: Path, schema: Schema) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        prepare_database(engine, build_registry(), schema)
        with engine.begin() as connection:
            seed_api_keys(connection, schema)  # the database seed may have given them already
            count = sa.select(sa.func.count()).select_from(schema.auth.api_key)
            assert connection.execute(count).scalar() == 30
            generated = create_api_key(connection, schema, 2)
            assert seed_api_keys(connection, schema) == 0
            assert api_key_of(connection, schema, 2, 1) == generated
            assert connection.execute(count).scalar() == 30
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param("admin", (1, 1, True), id="username"),
        pytest.param("1", (1, 1, True), id="id-as-text"),
        pytest.param(17, (17, 2, True), id="id"),
        pytest.param("ADMIN@example.com", (1, 1, True), id="email-any-case"),
        pytest.param("gene.cardenas_c760d", (7, 1, True), id="documented-user"),
        pytest.param(9, (9, 1, False), id="disabled"),
        pytest.param("nobody", None, id="unknown-username"),
        pytest.param("999", None, id="unknown-id"),
    ],
)
def test_find_user(
    database: sa.Engine,
    schema: Schema,
    user: str | int,
    expected: tuple[int, int, bool] | None,
) -> None:
    with database.connect() as connection:
        found = find_user(connection, schema, user)
    assert (found and (found.id, found.organization_id, found.enabled)) == expected


def test_find_api_key_user(database: sa.Engine, schema: Schema) -> None:
    with database.connect() as connection:
        assert find_api_key_user(connection, schema, demo_api_key(17)) == (17, 2)
        assert find_api_key_user(connection, schema, "0" * 40) is None


def test_a_new_key_replaces_the_previous_one(database: sa.Engine, schema: Schema) -> None:
    with database.begin() as connection:
        first = create_api_key(connection, schema, 3)
        second = create_api_key(connection, schema, 3, 1)
        assert KEY.fullmatch(first) and KEY.fullmatch(second) and first != second
        assert api_key_of(connection, schema, 3, 1) == second
        assert find_api_key_user(connection, schema, first) is None
        assert find_api_key_user(connection, schema, demo_api_key(3)) is None


def test_create_refuses_unknown_users_and_foreign_organizations(
    database: sa.Engine, schema: Schema
) -> None:
    with database.begin() as connection:
        with pytest.raises(LookupError, match="no user with id 999"):
            create_api_key(connection, schema, 999)
        with pytest.raises(ValueError, match="does not belong to organization 2"):
            create_api_key(connection, schema, 4, 2)
        assert api_key_of(connection, schema, 4, 1) == demo_api_key(4)


# --- oro-sandbox apikey ------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(argv), environ={}, out=out)
    return code, out.getvalue()


def test_apikey_command_prints_a_new_key(
    database: sa.Engine, schema: Schema, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(database.url)
    code, output = run("apikey", "5", "--database", url)
    assert code == 0
    key = output.strip()
    assert KEY.fullmatch(key)
    with database.connect() as connection:
        assert find_api_key_user(connection, schema, key) == (5, 1)
    assert "in organization 1" in capsys.readouterr().err

    code, output = run("apikey", "admin", "--organization", "1", "--database", url)
    assert code == 0 and KEY.fullmatch(output.strip())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["nobody"], "no user 'nobody'", id="unknown-user"),
        pytest.param(["6", "--organization", "2"], "does not belong to organization 2", id="org"),
    ],
)
def test_apikey_command_errors(
    database: sa.Engine, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, output = run("apikey", *argv, "--database", str(database.url))
    assert (code, output) == (1, "")
    assert message in capsys.readouterr().err


def test_apikey_command_prepares_a_new_database(tmp_path: Path) -> None:
    code, output = run("apikey", "admin", "--database", str(tmp_path / "new.db"))
    assert code == 0
    assert KEY.fullmatch(output.strip())
    assert output.strip() != demo_api_key(1)
