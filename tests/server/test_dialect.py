"""server/storage/dialect.py: one statement, SQLite's and PostgreSQL's text; unique violations
named by their columns on both."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.storage.dialect import listed, ordered, reserve_many, unique_violation_columns

TABLE = sa.Table(
    "t",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("x", sa.Integer),
    sa.Column("name", sa.String(20)),
)


def sql(statement: Any, dialect: sa.Dialect) -> str:
    return " ".join(str(statement.compile(dialect=dialect)).split())


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        pytest.param(
            sqlite.dialect(),
            "SELECT t.id FROM t WHERE t.x IN (SELECT anon_1.value FROM json_each(?) AS anon_1)",
            id="sqlite",
        ),
        pytest.param(
            postgresql.dialect(),
            "SELECT t.id FROM t WHERE t.x IN (SELECT anon_1.value FROM (SELECT CAST(value AS"
            " INTEGER) AS value FROM json_array_elements_text(CAST(%(p)s AS JSON)) AS value)"
            " AS anon_1)",
            id="postgresql-cast-to-the-column-type",
        ),
    ],
)
def test_a_list_is_one_json_parameter(dialect: sa.Dialect, text: str) -> None:
    statement = sa.select(TABLE.c.id).where(TABLE.c.x.in_(listed("p", TABLE.c.x.type)))
    assert sql(statement, dialect) == text


def test_text_items_compare_under_the_columns_collation() -> None:
    statement = sa.select(TABLE.c.id).where(TABLE.c.name.in_(listed("p", TABLE.c.name.type)))
    assert "CAST(value AS TEXT)" in sql(statement, postgresql.dialect())


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        pytest.param(sqlite.dialect(), "ORDER BY t.x ASC, t.name DESC, t.id ASC", id="sqlite"),
        pytest.param(
            postgresql.dialect(),
            "ORDER BY t.x ASC NULLS FIRST, t.name DESC NULLS LAST, t.id ASC",
            id="postgresql-null-lowest-but-not-on-a-key",
        ),
    ],
)
def test_null_sorts_lowest_on_both(dialect: sa.Dialect, text: str) -> None:
    order = [ordered(TABLE.c.x, False), ordered(TABLE.c.name, True), ordered(TABLE.c.id, False)]
    assert sql(sa.select(TABLE.c.id).order_by(*order), dialect).endswith(text)


class _Diag:
    message_detail = 'Key (organization_id, sku)=(1, "A-1") already exists.'


class _PgUnique(Exception):
    sqlstate = "23505"
    diag = _Diag()


@pytest.mark.parametrize(
    ("orig", "columns"),
    [
        pytest.param(
            Exception("UNIQUE constraint failed: product.organization_id, product.sku"),
            ["organization_id", "sku"],
            id="sqlite",
        ),
        pytest.param(_PgUnique(), ["organization_id", "sku"], id="postgresql"),
        pytest.param(Exception("NOT NULL constraint failed: product.sku"), None, id="not-unique"),
    ],
)
def test_unique_violations_name_their_columns(orig: Exception, columns: list[str] | None) -> None:
    error = sa.exc.IntegrityError("INSERT …", {}, orig)
    assert unique_violation_columns(error) == columns


def test_ids_of_several_tables_are_reserved_at_once_after_the_largest_ever_given() -> None:
    """SQLite: the next ids follow ``AUTOINCREMENT``'s counter (a deleted last id is not given
    again); a table whose ids are not generated integers gets None, a count of 0 no ids."""
    metadata = sa.MetaData()
    one, two, three = (
        sa.Table(
            name, metadata, sa.Column("id", sa.Integer, primary_key=True), sqlite_autoincrement=True
        )
        for name in ("one", "two", "three")
    )
    named = sa.Table("named", metadata, sa.Column("id", sa.String(9), primary_key=True))
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(one.insert(), [{"id": 1}, {"id": 2}, {"id": 3}])
        connection.execute(one.delete().where(one.c.id == 3))
        connection.execute(two.insert(), [{"id": 7}])
        reserved = reserve_many(connection, [(one, 2), (two, 3), (named, 1), (three, 0)])
    assert reserved == [[4, 5], [8, 9, 10], None, []]
