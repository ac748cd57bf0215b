"""server/storage/database.py: a database made by an older version gets the nullable columns (and
their indexes) this version's tables have and it lacks, its rows kept."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from server.storage.database import add_missing_columns, create_engine


def lists_table(metadata: sa.MetaData, *extra: sa.Column[int]) -> sa.Table:
    return sa.Table(
        "shopping_list",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255)),
        *extra,
    )


def test_an_older_table_gets_the_new_nullable_columns(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    older = sa.MetaData()
    lists_table(older).create(engine)
    with engine.begin() as connection:
        connection.execute(older.tables["shopping_list"].insert(), {"id": 1, "name": "Kept"})

    newer = sa.MetaData()
    table = lists_table(newer, sa.Column("visitor_id", sa.Integer, index=True))
    sa.Table("customer_visitor", newer, sa.Column("id", sa.Integer, primary_key=True))

    assert add_missing_columns(engine, newer) == ["shopping_list.visitor_id"]
    inspector = sa.inspect(engine)
    assert [c["name"] for c in inspector.get_columns("shopping_list")] == [
        "id",
        "name",
        "visitor_id",
    ]
    assert [i["column_names"] for i in inspector.get_indexes("shopping_list")] == [["visitor_id"]]
    with engine.connect() as connection:
        assert connection.execute(sa.select(table)).all() == [(1, "Kept", None)]
    assert add_missing_columns(engine, newer) == []  # once only; absent tables are not its job
