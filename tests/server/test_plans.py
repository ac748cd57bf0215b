"""server/storage/plans.py: estimating what filters match from a sample, choosing the walk."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.storage.plans import (
    Sample,
    Samples,
    analyze,
    read_sample,
    selectivity,
    unindexed,
    walk_sort_order,
)

# 0..99, each once, and a tenth of the rows null
HUNDRED = Sample(tuple(range(100)), 0.1, 1000)


@pytest.mark.parametrize(
    ("operator", "value", "share"),
    [
        pytest.param("eq", 5, 0.009, id="eq-present"),
        pytest.param("eq", 500, 0.0045, id="eq-absent-half-a-value"),
        pytest.param("neq", 5, 0.891, id="neq"),
        pytest.param("lt", 10, 0.09, id="lt"),
        pytest.param("lte", 10, 0.099, id="lte"),
        pytest.param("gt", 89, 0.09, id="gt"),
        pytest.param("gte", 90, 0.09, id="gte"),
        pytest.param("lt", "text", None, id="another-type-unknown"),
        pytest.param("contains", 5, None, id="unknown-operator"),
    ],
)
def test_share_of_one_comparison(operator: str, value: Any, share: float | None) -> None:
    found = HUNDRED.share(operator, value)
    assert found == (None if share is None else pytest.approx(share))


@pytest.mark.parametrize(
    ("low", "high", "high_open", "share"),
    [
        pytest.param(40, 59, False, 0.18, id="closed"),
        pytest.param(40, 60, True, 0.18, id="half-open"),
        pytest.param(200, 300, False, 0.0045, id="outside-half-a-value"),
    ],
)
def test_share_of_a_range(low: int, high: int, high_open: bool, share: float) -> None:
    assert HUNDRED.between(low, high, high_open) == pytest.approx(share)


def test_an_empty_table_matches_nothing() -> None:
    empty = Sample((), 0.0, 0)
    assert (empty.share("eq", 1), empty.between(1, 2, False)) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("shares", "combined"),
    [
        pytest.param([], 1.0, id="no-filter"),
        pytest.param([0.5, 0.2], 0.1, id="independent"),
        pytest.param([0.5, None], None, id="one-unknown"),
    ],
)
def test_selectivity(shares: list[float | None], combined: float | None) -> None:
    assert selectivity(shares) == combined


@pytest.mark.parametrize(
    ("share", "rows", "wanted", "walk"),
    [
        pytest.param(0.2, 100_000, 31, True, id="a-fifth-of-100000-walks-the-sort-order"),
        pytest.param(0.001, 100_000, 31, False, id="a-hundred-rows-use-the-filter-index"),
        pytest.param(0.0, 100_000, 31, False, id="nothing-matches"),
        pytest.param(0.5, 40, 31, False, id="a-small-table"),
    ],
)
def test_walk_sort_order(share: float, rows: int, wanted: int, walk: bool) -> None:
    assert walk_sort_order(share, rows, wanted) is walk


def test_unindexed_is_unary_plus_on_sqlite_only() -> None:
    table = sa.table("orders", sa.column("total"))
    clause = unindexed(table.c.total) > sa.bindparam("p0")
    assert str(clause.compile(dialect=sqlite.dialect())) == "+orders.total > ?"
    assert str(clause.compile(dialect=postgresql.dialect())) == "orders.total > %(p0)s"


def test_samples_are_read_from_the_table_and_kept() -> None:
    engine = sa.create_engine("sqlite://")
    metadata = sa.MetaData()
    table = sa.Table(
        "t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer)
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [{"id": i, "v": None if i % 3 == 0 else i % 50} for i in range(1, 5001)],
        )
    now = [0.0]
    samples = Samples(read_sample(engine), clock=lambda: now[0])
    sample = samples.get(table, "v")
    assert sample.rows == 5000
    assert sample.null_share == pytest.approx(1 / 3, abs=0.02)
    assert list(sample.values) == sorted(sample.values)
    assert sample.between(0, 24, False) == pytest.approx(1 / 3, abs=0.03)
    with engine.begin() as connection:
        connection.execute(table.delete())
    assert samples.get(table, "v") is sample  # kept…
    now[0] = 10_000.0
    assert samples.get(table, "v").rows == 0  # …until it is old


def test_analyze_gives_sqlite_its_statistics_once(tmp_path: Any) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    metadata = sa.MetaData()
    table = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Index("ix_t_id2", table.c.id)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": i} for i in range(1, 101)])
    analyze(engine)
    with engine.connect() as connection:
        stats = connection.exec_driver_sql("SELECT tbl, idx, stat FROM sqlite_stat1").all()
    assert ("t", "ix_t_id2", "100 1") in stats
