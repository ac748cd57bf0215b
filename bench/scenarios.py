"""The measured requests, one row each, with the target each is judged by.

Targets are either a share of the ceiling's throughput (``min_ratio``: ours / ceiling req/s,
measured back to back in the same run) or a median latency (``max_p50_ms``), measured with a
single connection so that it is the time to answer a request, not time spent queueing behind
seven others.
"""

from __future__ import annotations

from dataclasses import dataclass

JSON_API = "application/vnd.api+json"
API = "/api"

# 'open' is about 15 % of the orders and a total above 5,000 about a quarter of those (~3.8 % of
# all orders: 3,819 of 100,000 at scale 50, ~76 at scale 1): selective, never empty.
ORDERS_FILTERED = (
    f"{API}/orders?filter[status]=open&filter[totalValue][gt]=5000&sort=-createdAt&page[size]=10"
)
FULL_LIST = f"{API}/orders?page[size]=-1"
# issue 16's shape: a range over the 40th..60th percentile of totalValue (a fifth of the orders;
# the bounds are the seed's at scale 50, and a fifth at any scale, the seed being the same draw)
# sorted by another field
ORDERS_RANGE_SORTED = (
    f"{API}/orders?filter[totalValue]=2422.26..3774.075&sort=createdAt&page[size]=30"
)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    target: str  # the request target, sent verbatim by wrk and by the body fetch
    connections: int | None = None  # None: the run's --connections
    min_ratio: float | None = None
    max_p50_ms: float | None = None
    min_items: int = 1  # the response must hold at least this many primary resources

    def target_text(self) -> str:
        if self.min_ratio is not None:
            return f">= {self.min_ratio:.0%}"
        if self.max_p50_ms is not None:
            return f"p50 < {self.max_p50_ms:g} ms"
        return "-"

    def passed(self, ratio: float, p50_ms: float) -> bool | None:
        """True / False against the target; None when the row has no target."""
        if self.min_ratio is not None:
            return ratio >= self.min_ratio
        if self.max_p50_ms is not None:
            return p50_ms < self.max_p50_ms
        return None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "1", "30 accounts, links", f"{API}/accounts?page[size]=30", min_ratio=0.35, min_items=30
    ),
    Scenario(
        "2",
        "30 accounts + owner,contacts",
        f"{API}/accounts?page[size]=30&include=owner,contacts",
        min_ratio=0.25,
        min_items=30,
    ),
    Scenario("3", "one account", f"{API}/accounts/1", min_ratio=0.50),
    Scenario("4", "orders filtered+sorted", ORDERS_FILTERED, min_items=10),
    Scenario(
        "4a", "same, 1 connection", ORDERS_FILTERED, connections=1, max_p50_ms=10, min_items=10
    ),
    Scenario("6", "orders range, other sort", ORDERS_RANGE_SORTED, min_ratio=0.25, min_items=30),
    Scenario(
        "6a", "same, 1 connection", ORDERS_RANGE_SORTED, connections=1, max_p50_ms=3, min_items=30
    ),
)

# Scenario 5 is not a wrk run: the whole collection once, from a freshly started server.
FULL_LIST_MAX_RSS_MB = 150
