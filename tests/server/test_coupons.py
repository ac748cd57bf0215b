"""What a coupon is worth (server/domain/coupons.py): the pure judgement, with Oro's messages, and
the look-up and use counting on a real table."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa

from server.domain import coupons as c
from server.domain.coupons import Applied, CouponRow, Refused, coupon_discount
from server.domain.resources import build_registry
from server.domain.seed import seed
from server.storage.tables import build_schema

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
SALE25 = CouponRow(1, "SALE25", "25% off", True, discount_percent=0.25)
TENOFF = CouponRow(2, "TENOFF", "$10 off", True, discount_amount=100_000, currency="USD")
SUBTOTAL = 1_000_000  # 100.0000 in 1/10000


def case(
    name: str,
    coupon: CouponRow | None,
    expected: Applied | Refused,
    *,
    uses: int = 0,
    by_person: int = 0,
    subtotal: int = SUBTOTAL,
    currency: str = "USD",
) -> object:
    """A row of the table: the coupon, its uses (by all, by this person), the subtotal and the
    request's currency, and what it is worth."""
    return pytest.param(coupon, uses, by_person, subtotal, currency, expected, id=name)


@pytest.mark.parametrize(
    ("coupon", "uses", "by_person", "subtotal", "currency", "expected"),
    [
        case("percent", SALE25, Applied(250_000, 0.25, 0)),
        case(
            "any-currency", SALE25, Applied(250_000, 0.25, 0), uses=5, by_person=5, currency="EUR"
        ),
        case("percent-rounds", SALE25, Applied(1, 0.25, 0), subtotal=3),
        case("amount", TENOFF, Applied(100_000, 0.0, 100_000)),
        case("capped", TENOFF, Applied(40_000, 0.0, 100_000), subtotal=40_000),
        case("empty-subtotal", TENOFF, Applied(0, 0.0, 100_000), subtotal=0),
        case("amount-other-currency", TENOFF, Refused((c.NOT_APPLICABLE,)), currency="EUR"),
        case(
            "both-other-currency-keeps-the-share",
            replace(SALE25, discount_amount=100_000, currency="USD"),
            Applied(250_000, 0.25, 0),
            currency="EUR",
        ),
        case(
            "both",
            replace(SALE25, discount_amount=100_000, currency="USD"),
            Applied(350_000, 0.25, 100_000),
        ),
        case("unknown-code", None, Refused((c.INVALID_CODE,))),
        case("off", replace(SALE25, enabled=False), Refused((c.DISABLED,))),
        case(
            "not-started",
            replace(SALE25, valid_from="2026-12-07T12:00:01Z"),
            Refused((c.NOT_STARTED,)),
        ),
        case(
            "valid-at-both-bounds",
            replace(SALE25, valid_from="2026-12-07T12:00:00Z", valid_until="2026-12-07T12:00:00Z"),
            Applied(250_000, 0.25, 0),
        ),
        case("expired", replace(SALE25, valid_until="2026-12-07T11:59:59Z"), Refused((c.EXPIRED,))),
        case("used-up", replace(SALE25, uses_per_coupon=3), Refused((c.USAGE_LIMIT,)), uses=3),
        case("one-use-left", replace(SALE25, uses_per_coupon=3), Applied(250_000, 0.25, 0), uses=2),
        case(
            "used-by-this-person",
            replace(SALE25, uses_per_person=1),
            Refused((c.PERSON_LIMIT,)),
            uses=1,
            by_person=1,
        ),
        case(
            "used-by-others", replace(SALE25, uses_per_person=1), Applied(250_000, 0.25, 0), uses=7
        ),
        case(
            "every-violation-in-oros-order",
            replace(
                SALE25,
                enabled=False,
                valid_until="2025-01-01T00:00:00Z",
                uses_per_coupon=0,
                uses_per_person=0,
            ),
            Refused((c.DISABLED, c.EXPIRED, c.USAGE_LIMIT, c.PERSON_LIMIT)),
        ),
    ],
)
def test_coupon_discount(
    coupon: CouponRow | None,
    uses: int,
    by_person: int,
    subtotal: int,
    currency: str,
    expected: Applied | Refused,
) -> None:
    assert coupon_discount(coupon, NOW, uses, by_person, subtotal, currency) == expected


def test_a_visitors_uses_are_not_limited() -> None:
    once = replace(SALE25, uses_per_person=1)
    result = coupon_discount(once, NOW, 1, 1, SUBTOTAL, "USD", customer_user=False)
    assert result == Applied(250_000, 0.25, 0)


def test_the_time_may_be_in_any_zone() -> None:
    ends = replace(SALE25, valid_until="2026-12-07T12:00:00Z")
    berlin = dt.timezone(dt.timedelta(hours=1))
    assert coupon_discount(ends, NOW.astimezone(berlin), 0, 0, 1, "USD") == Applied(0, 0.25, 0)
    later = (NOW + dt.timedelta(seconds=1)).astimezone(berlin)
    assert coupon_discount(ends, later, 0, 0, 1, "USD") == Refused((c.EXPIRED,))


def test_oros_messages() -> None:
    # PromotionBundle's jsmessages.en.yml, oro.promotion.coupon.violation.*
    assert (c.INVALID_CODE, c.DISABLED, c.NOT_STARTED, c.EXPIRED) == (
        "Invalid coupon code, please try another",
        "Coupon is disabled",
        "Coupon start date has not begun",
        "Coupon is expired",
    )
    assert (c.USAGE_LIMIT, c.PERSON_LIMIT, c.ALREADY_ADDED, c.NOT_APPLICABLE) == (
        "Coupon usage limit is exceeded",
        "Customer user coupon usage limit is exceeded",
        "This coupon has been already added",
        "This coupon's discount is not applicable",
    )


# --- the table: look-up by code, uses -----------------------------------------------------------


@pytest.fixture(scope="module")
def database() -> tuple[sa.Engine, sa.Table]:
    registry = build_registry()
    schema = build_schema(registry)
    engine = sa.create_engine("sqlite://")
    schema.metadata.create_all(engine)
    with engine.begin() as connection:
        seed(connection, registry, schema)
    return engine, schema.tables["coupons"]


@pytest.mark.parametrize(
    ("organization", "code", "found"),
    [
        pytest.param(1, "SALE25", "SALE25", id="exact"),
        pytest.param(1, "sale25", "SALE25", id="any-case"),
        pytest.param(1, " Sale25 ", "SALE25", id="spaces-around"),
        pytest.param(1, "SALE2", None, id="a-prefix-is-not-a-code"),
        pytest.param(1, "ACME10", None, id="another-organizations"),
        pytest.param(2, "acme10", "ACME10", id="acme"),
    ],
)
def test_find_coupon(
    database: tuple[sa.Engine, sa.Table], organization: int, code: str, found: str | None
) -> None:
    engine, table = database
    with engine.connect() as connection:
        coupon = c.find_coupon(connection, table, organization, code)
    assert (coupon.code if coupon else None) == found


@pytest.mark.parametrize(
    ("code", "customer_user", "expected"),
    [
        pytest.param("SALE25", 2, Applied(250_000, 0.25, 0), id="SALE25"),
        pytest.param("TENOFF", 2, Applied(100_000, 0.0, 100_000), id="TENOFF"),
        pytest.param("WELCOME5", 2, Refused((c.PERSON_LIMIT,)), id="WELCOME5-used"),
        pytest.param("WELCOME5", 4, Applied(50_000, 0.05, 0), id="WELCOME5-unused"),
        pytest.param("SUMMER2025", 2, Refused((c.EXPIRED,)), id="SUMMER2025"),
        pytest.param("NEXTYEAR", 2, Refused((c.NOT_STARTED,)), id="NEXTYEAR"),
        pytest.param("PAUSED10", 2, Refused((c.DISABLED,)), id="PAUSED10"),
        pytest.param("FIRST100", 2, Refused((c.USAGE_LIMIT,)), id="FIRST100"),
    ],
)
def test_the_demo_coupons(
    database: tuple[sa.Engine, sa.Table],
    code: str,
    customer_user: int,
    expected: Applied | Refused,
) -> None:
    engine, table = database
    with engine.connect() as connection:
        coupon = c.find_coupon(connection, table, 1, code)
    assert coupon is not None
    uses = coupon.uses_of(customer_user)
    assert coupon_discount(coupon, NOW, coupon.uses, uses, SUBTOTAL, "USD") == expected


def test_record_coupon_use(database: tuple[sa.Engine, sa.Table]) -> None:
    engine, table = database
    with engine.begin() as connection:
        before = c.find_coupon(connection, table, 1, "TENOFF")
        assert before is not None and (before.uses, before.uses_of(6)) == (0, 0)
        c.record_coupon_use(connection, table, before.id, 6)
        c.record_coupon_use(connection, table, before.id, 6)
        c.record_coupon_use(connection, table, before.id, None)  # a visitor's order
        after = c.find_coupon(connection, table, 1, "TENOFF")
    assert after is not None
    assert (after.uses, after.uses_of(6), after.uses_of(2), after.uses_of(None)) == (3, 2, 0, 0)
