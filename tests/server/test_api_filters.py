"""``filter[...]`` against the live server: every operator, the per-type rules, and every error.

Expected results are computed in Python from whole collections fetched once per module with
``page[size]=-1`` (no filter), then compared, ids and order, with what the filtered request
returns. Reference: spec §11.1-§11.2, §9.3 (filter messages), §20 "Filters / query parameters".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.jsonapi_schema import assert_valid_response
from tests.server.api_support import JSON_API, NO_LINKS, Record, get_doc, record

Params = list[tuple[str, str]]
Db = Callable[[str], dict[str, Record]]


@pytest.fixture(scope="module")
def db(client: httpx.Client) -> Db:
    """Every record of a type, by id, in the server's default order (fetched once)."""
    cache: dict[str, dict[str, Record]] = {}

    def records(type_: str) -> dict[str, Record]:
        if type_ not in cache:
            doc = get_doc(client, f"/{type_}", [("page[size]", "-1")], headers=NO_LINKS)
            cache[type_] = {obj["id"]: record(obj) for obj in doc["data"]}
        return cache[type_]

    return records


# One cheap attribute per type keeps filtered responses small (the filters do not depend on it).
# fmt: off
LEAN = {
    "users": "username", "userroles": "label", "businessunits": "name", "contacts": "lastName",
    "accounts": "name", "orders": "identifier", "products": "sku", "countries": "name",
    "regions": "name", "orderlineitems": "productSku", "customers": "name",
    "taxjurisdictions": "code", "weightunits": "conversionRates", "organizations": "name",
    "contactsources": "name", "orderstatuses": "name", "tasks": "subject",
    "taskpriorities": "name",
}
# fmt: on


def filtered_ids(client: httpx.Client, type_: str, params: Params) -> list[str]:
    query = [*params, ("page[size]", "-1"), (f"fields[{type_}]", LEAN[type_])]
    doc = get_doc(client, f"/{type_}", query, headers=NO_LINKS)
    assert {obj["type"] for obj in doc["data"]} <= {type_}
    return [obj["id"] for obj in doc["data"]]


def n(record_: Record) -> int:
    return int(record_["id"])


def dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def starts(field: str, prefix: str) -> Callable[[Record, Db], bool]:
    return lambda r, db: r[field] is not None and r[field].startswith(prefix)


def case(
    type_: str, params: Params | dict[str, str], matches: Callable[[Record, Db], bool], id: str
) -> Any:
    pairs = list(params.items()) if isinstance(params, dict) else params
    return pytest.param(type_, pairs, matches, id=id)


def _owners_of_accounts(db: Db, account_ids: list[str]) -> set[str]:
    accounts = db("accounts")
    return {accounts[a]["owner"] for a in account_ids}


# Every case must select some but not all records of its type (checked), so it discriminates.
# fmt: off
FILTERS = [
    # --- integer id: eq, lists, ranges, the ordered operators, neq with list/range ---
    case("users", {"filter[id]": "5"}, lambda r, db: n(r) == 5, "id-eq-implied"),
    case("users", {"filter[id][eq]": "5"}, lambda r, db: n(r) == 5, "id-eq-explicit"),
    case("users", {"filter[id]": "5,7,99"}, lambda r, db: n(r) in (5, 7), "id-list-is-in"),
    case("users", {"filter[id]": "5..7"}, lambda r, db: 5 <= n(r) <= 7, "id-range-inclusive"),
    case("users", {"filter[id][neq]": "5"}, lambda r, db: n(r) != 5, "id-neq"),
    case("users", {"filter[id][neq]": "5,7"}, lambda r, db: n(r) not in (5, 7),
         "id-neq-list-is-not-in"),
    case("users", {"filter[id][neq]": "5..25"}, lambda r, db: not 5 <= n(r) <= 25,
         "id-neq-range-is-outside"),
    case("users", {"filter[id][neq_or_null]": "5,7"}, lambda r, db: n(r) not in (5, 7),
         "id-neq_or_null-list"),
    case("users", {"filter[id][lt]": "5"}, lambda r, db: n(r) < 5, "id-lt"),
    case("users", {"filter[id][lte]": "5"}, lambda r, db: n(r) <= 5, "id-lte"),
    case("users", {"filter[id][gt]": "5"}, lambda r, db: n(r) > 5, "id-gt"),
    case("users", {"filter[id][gte]": "5"}, lambda r, db: n(r) >= 5, "id-gte"),
    case("users", [("filter[id][gte]", "5"), ("filter[id][lte]", "7")],
         lambda r, db: 5 <= n(r) <= 7, "same-field-two-operators-and"),
    case("users", [("filter[id][gt]", "3"), ("filter[id][neq]", "5..6"), ("filter[id][lt]", "9")],
         lambda r, db: n(r) in (4, 7, 8), "same-field-three-operators-and"),
    # --- integer attribute with NULLs ---
    case("users", {"filter[loginCount]": "100..500"},
         lambda r, db: r["loginCount"] is not None and 100 <= r["loginCount"] <= 500,
         "integer-range"),
    case("users", {"filter[loginCount][gt]": "1000"},
         lambda r, db: r["loginCount"] is not None and r["loginCount"] > 1000, "integer-gt"),
    case("users", {"filter[loginCount][neq]": "1348"},
         lambda r, db: r["loginCount"] is not None and r["loginCount"] != 1348,
         "integer-neq-excludes-null"),
    case("users", {"filter[loginCount][neq_or_null]": "1348"},
         lambda r, db: r["loginCount"] != 1348, "integer-neq_or_null-includes-null"),
    case("users", {"filter[loginCount][exists]": "false"},
         lambda r, db: r["loginCount"] is None, "integer-exists-false"),
    case("contacts", {"filter[timesContacted]": "0"}, lambda r, db: r["timesContacted"] == 0,
         "integer-eq-zero"),
    case("contacts", {"filter[timesContacted][gte]": "30"},
         lambda r, db: r["timesContacted"] >= 30, "integer-gte"),
    # --- strings: eq, neq (NULLs excluded), neq_or_null, exists; commas and dots are literal ---
    case("users", {"filter[username]": "admin"}, lambda r, db: r["username"] == "admin",
         "string-eq"),
    case("users", {"filter[username][neq]": "admin"}, lambda r, db: r["username"] != "admin",
         "string-neq"),
    case("users", {"filter[title]": "Support Engineer"},
         lambda r, db: r["title"] == "Support Engineer", "string-eq-with-space"),
    case("users", {"filter[title][neq]": "Sales Manager"},
         lambda r, db: r["title"] is not None and r["title"] != "Sales Manager",
         "string-neq-excludes-null"),
    case("users", {"filter[title][neq_or_null]": "Sales Manager"},
         lambda r, db: r["title"] != "Sales Manager", "string-neq_or_null-includes-null"),
    case("contacts", {"filter[lastName]": "Smith"}, lambda r, db: r["lastName"] == "Smith",
         "string-eq-contacts"),
    *(
        case("users", {"filter[title][exists]": value}, lambda r, db: r["title"] is not None,
             f"string-exists-{value}")
        for value in ("true", "1", "yes", "Yes", "True")
    ),
    *(
        case("users", {"filter[title][exists]": value}, lambda r, db: r["title"] is None,
             f"string-exists-{value}")
        for value in ("false", "0", "no", "No", "False")
    ),
    # --- text: exists only ---
    case("contacts", {"filter[description][exists]": "true"},
         lambda r, db: r["description"] is not None, "text-exists-true"),
    case("contacts", {"filter[description][exists]": "no"},
         lambda r, db: r["description"] is None, "text-exists-no"),
    # --- contains / starts_with / ends_with where enabled ---
    case("products", {"filter[name][contains]": "Jacket"}, lambda r, db: "Jacket" in r["name"],
         "name-contains"),
    case("products", {"filter[name][starts_with]": "Premium"},
         lambda r, db: r["name"].startswith("Premium"), "name-starts_with"),
    case("products", {"filter[name][ends_with]": "Gloves"},
         lambda r, db: r["name"].endswith("Gloves"), "name-ends_with"),
    case("products", {"filter[name][contains]": "Scrub P"}, lambda r, db: "Scrub P" in r["name"],
         "name-contains-with-space"),
    case("products", {"filter[sku][starts_with]": "1"}, lambda r, db: r["sku"].startswith("1"),
         "sku-starts_with"),
    case("products", {"filter[sku][contains]": "A"}, lambda r, db: "A" in r["sku"],
         "sku-contains"),
    case("orders", {"filter[identifier][starts_with]": "SO-00001"},
         lambda r, db: r["identifier"].startswith("SO-00001"), "identifier-starts_with"),
    # --- booleans: every spelling; lists are not split ---
    *(
        case("users", {"filter[enabled]": value}, lambda r, db: r["enabled"] is True,
             f"boolean-{value}")
        for value in ("true", "True", "1", "yes", "Yes")
    ),
    *(
        case("users", {"filter[enabled]": value}, lambda r, db: r["enabled"] is False,
             f"boolean-{value}")
        for value in ("false", "False", "0", "no", "No")
    ),
    case("users", {"filter[enabled][neq]": "true"}, lambda r, db: r["enabled"] is False,
         "boolean-neq"),
    case("products", {"filter[featured]": "yes"}, lambda r, db: r["featured"] is True,
         "boolean-featured"),
    # --- enum attribute ---
    case("contacts", {"filter[gender]": "male"}, lambda r, db: r["gender"] == "male",
         "enum-eq"),
    case("contacts", {"filter[gender]": "male,female"}, lambda r, db: r["gender"] is not None,
         "enum-list"),
    case("contacts", {"filter[gender][neq]": "male"}, lambda r, db: r["gender"] == "female",
         "enum-neq-excludes-null"),
    case("contacts", {"filter[gender][neq_or_null]": "male"},
         lambda r, db: r["gender"] != "male", "enum-neq_or_null-includes-null"),
    case("contacts", {"filter[gender][exists]": "0"}, lambda r, db: r["gender"] is None,
         "enum-exists-0"),
    case("products", {"filter[status]": "disabled"}, lambda r, db: r["status"] == "disabled",
         "enum-products-status"),
    # --- currency ---
    case("orders", {"filter[currency]": "EUR"}, lambda r, db: r["currency"] == "EUR",
         "currency-eq"),
    case("orders", {"filter[currency][neq]": "EUR"}, lambda r, db: r["currency"] == "USD",
         "currency-neq"),
    case("orders", {"filter[currency]": "EUR,GBP"}, lambda r, db: r["currency"] == "EUR",
         "currency-list"),
    # --- money (4-decimal strings on the wire) ---
    case("orders", {"filter[totalValue][gt]": "1000"},
         lambda r, db: dec(r["totalValue"]) > 1000, "money-gt"),
    case("orders", {"filter[totalValue][gte]": "1000.5"},
         lambda r, db: dec(r["totalValue"]) >= Decimal("1000.5"), "money-gte-fraction"),
    case("orders", {"filter[totalValue][lt]": "100"},
         lambda r, db: dec(r["totalValue"]) < 100, "money-lt"),
    case("orders", {"filter[subtotalValue]": "100..200.25"},
         lambda r, db: 100 <= dec(r["subtotalValue"]) <= Decimal("200.25"), "money-range"),
    case("orders", {"filter[subtotalValue][neq]": "100..5000"},
         lambda r, db: not 100 <= dec(r["subtotalValue"]) <= 5000, "money-neq-range"),
    case("orderlineitems", {"filter[value][lte]": "10"},
         lambda r, db: dec(r["value"]) <= 10, "money-lte-line-items"),
    # --- decimal ---
    case("products", {"filter[weight][gt]": "10.5"},
         lambda r, db: r["weight"] is not None and dec(r["weight"]) > Decimal("10.5"),
         "decimal-gt"),
    case("products", {"filter[weight]": "1..2.5"},
         lambda r, db: r["weight"] is not None and 1 <= dec(r["weight"]) <= Decimal("2.5"),
         "decimal-range"),
    case("products", {"filter[weight][exists]": "false"}, lambda r, db: r["weight"] is None,
         "decimal-exists-false"),
    case("products", {"filter[weight][neq_or_null]": "1..24"},
         lambda r, db: r["weight"] is None or not 1 <= dec(r["weight"]) <= 24,
         "decimal-neq_or_null-range"),
    # --- bigint (strings on the wire) ---
    case("products", {"filter[gtin][gt]": "50000000000000"},
         lambda r, db: int(r["gtin"]) > 50000000000000, "bigint-gt"),
    case("products", {"filter[gtin]": "20000000000000..40000000000000"},
         lambda r, db: 20000000000000 <= int(r["gtin"]) <= 40000000000000, "bigint-range"),
    # --- float / percent ---
    case("orderlineitems", {"filter[quantity]": "2.5"}, lambda r, db: r["quantity"] == 2.5,
         "float-eq"),
    case("orderlineitems", {"filter[quantity][gt]": "8"}, lambda r, db: r["quantity"] > 8,
         "float-gt"),
    case("orders", {"filter[discountPercent]": "0.1"},
         lambda r, db: r["discountPercent"] == 0.1, "percent-eq"),
    case("orders", {"filter[discountPercent]": "0.1,0.2"},
         lambda r, db: r["discountPercent"] in (0.1, 0.2), "percent-list"),
    case("orders", {"filter[discountPercent][gt]": "0.1"},
         lambda r, db: r["discountPercent"] is not None and r["discountPercent"] > 0.1,
         "percent-gt"),
    case("orders", {"filter[discountPercent]": "0.1..0.15"},
         lambda r, db: r["discountPercent"] in (0.1, 0.15), "percent-range"),
    case("orders", {"filter[discountPercent][neq]": "0.1"},
         lambda r, db: r["discountPercent"] is not None and r["discountPercent"] != 0.1,
         "percent-neq-excludes-null"),
    case("orders", {"filter[discountPercent][neq_or_null]": "0.1"},
         lambda r, db: r["discountPercent"] != 0.1, "percent-neq_or_null-includes-null"),
    case("orders", {"filter[discountPercent][exists]": "false"},
         lambda r, db: r["discountPercent"] is None, "percent-exists-false"),
    # --- duration (seconds; input also as 1h 2m 3s / h:m:s) ---
    case("orders", {"filter[handlingTime][gt]": "86400"},
         lambda r, db: r["handlingTime"] is not None and r["handlingTime"] > 86400,
         "duration-gt-seconds"),
    case("orders", {"filter[handlingTime][gt]": "24h"},
         lambda r, db: r["handlingTime"] is not None and r["handlingTime"] > 86400,
         "duration-gt-hours"),
    case("orders", {"filter[handlingTime][lte]": "1h 30m"},
         lambda r, db: r["handlingTime"] is not None and r["handlingTime"] <= 5400,
         "duration-lte-units"),
    case("orders", {"filter[handlingTime][lt]": "2:00:00"},
         lambda r, db: r["handlingTime"] is not None and r["handlingTime"] < 7200,
         "duration-lt-clock"),
    case("orders", {"filter[handlingTime]": "600..3600"},
         lambda r, db: r["handlingTime"] is not None and 600 <= r["handlingTime"] <= 3600,
         "duration-range"),
    case("orders", {"filter[handlingTime][exists]": "false"},
         lambda r, db: r["handlingTime"] is None, "duration-exists-false"),
    # --- time ---
    case("orders", {"filter[preferredDeliveryTime]": "10:30"},
         lambda r, db: r["preferredDeliveryTime"] == "10:30:00", "time-eq-minutes"),
    case("orders", {"filter[preferredDeliveryTime]": "10:30:00"},
         lambda r, db: r["preferredDeliveryTime"] == "10:30:00", "time-eq-seconds"),
    case("orders", {"filter[preferredDeliveryTime]": "09:00,18:00"},
         lambda r, db: r["preferredDeliveryTime"] in ("09:00:00", "18:00:00"), "time-list"),
    case("orders", {"filter[preferredDeliveryTime][gt]": "12:00"},
         lambda r, db: (r["preferredDeliveryTime"] or "") > "12:00:00", "time-gt"),
    case("orders", {"filter[preferredDeliveryTime][lte]": "12:00"},
         lambda r, db: r["preferredDeliveryTime"] is not None
         and r["preferredDeliveryTime"] <= "12:00:00", "time-lte"),
    case("orders", {"filter[preferredDeliveryTime]": "10:00..14:00"},
         lambda r, db: r["preferredDeliveryTime"] is not None
         and "10:00:00" <= r["preferredDeliveryTime"] <= "14:00:00", "time-range"),
    case("orders", {"filter[preferredDeliveryTime][neq]": "16:30"},
         lambda r, db: r["preferredDeliveryTime"] not in (None, "16:30:00"),
         "time-neq-excludes-null"),
    # --- date: partial periods (year, month, day), complement, gt/lte past the period ---
    case("users", {"filter[birthday]": "1994"}, starts("birthday", "1994"), "date-year"),
    case("users", {"filter[birthday]": "1994-04"}, starts("birthday", "1994-04"), "date-month"),
    case("users", {"filter[birthday]": "1994-04-11"}, starts("birthday", "1994-04-11"),
         "date-day"),
    case("users", {"filter[birthday][neq]": "1994"},
         lambda r, db: r["birthday"] is not None and not r["birthday"].startswith("1994"),
         "date-neq-year-is-complement-without-null"),
    case("users", {"filter[birthday][neq_or_null]": "1994"},
         lambda r, db: r["birthday"] is None or not r["birthday"].startswith("1994"),
         "date-neq_or_null-year"),
    case("users", {"filter[birthday][gt]": "1994"},
         lambda r, db: (r["birthday"] or "") >= "1995", "date-gt-year-after-the-year"),
    case("users", {"filter[birthday][gte]": "1994"},
         lambda r, db: (r["birthday"] or "") >= "1994", "date-gte-year"),
    case("users", {"filter[birthday][lt]": "1994"},
         lambda r, db: r["birthday"] is not None and r["birthday"] < "1994",
         "date-lt-year"),
    case("users", {"filter[birthday][lte]": "1994"},
         lambda r, db: r["birthday"] is not None and r["birthday"] < "1995",
         "date-lte-year-includes-the-year"),
    case("users", {"filter[birthday][gt]": "1994-04"},
         lambda r, db: (r["birthday"] or "") >= "1994-05-01", "date-gt-month"),
    case("users", {"filter[birthday][lte]": "1994-04"},
         lambda r, db: r["birthday"] is not None and r["birthday"] < "1994-05-01",
         "date-lte-month"),
    case("users", {"filter[birthday]": "1976..1979"},
         lambda r, db: r["birthday"] is not None and "1976" <= r["birthday"] < "1980",
         "date-range-of-years"),
    case("contacts", {"filter[birthday]": "1977-01..1977-06"},
         lambda r, db: r["birthday"] is not None and "1977-01" <= r["birthday"] < "1977-07",
         "date-range-of-months"),
    case("contacts", {"filter[birthday][neq]": "1960..1989"},
         lambda r, db: r["birthday"] is not None and not "1960" <= r["birthday"] < "1990",
         "date-neq-range"),
    case("users", {"filter[birthday][exists]": "false"}, lambda r, db: r["birthday"] is None,
         "date-exists-false"),
    case("orders", {"filter[shipUntil]": "2025-12"}, starts("shipUntil", "2025-12"),
         "date-month-orders"),
    # --- datetime: periods of every precision, time zones, complement, ordered operators ---
    case("users", {"filter[createdAt]": "2023"}, starts("createdAt", "2023"), "datetime-year"),
    case("users", {"filter[createdAt]": "2024-02"}, starts("createdAt", "2024-02"),
         "datetime-month"),
    case("orders", {"filter[createdAt]": "2025-03-15"}, starts("createdAt", "2025-03-15"),
         "datetime-day"),
    case("users", {"filter[createdAt]": "2024-02-15T09"}, starts("createdAt", "2024-02-15T09"),
         "datetime-hour"),
    case("users", {"filter[createdAt]": "2024-02-15T09:35"},
         starts("createdAt", "2024-02-15T09:35"), "datetime-minute"),
    case("users", {"filter[createdAt]": "2024-02-15T09:35:30Z"},
         lambda r, db: r["createdAt"] == "2024-02-15T09:35:30Z", "datetime-second-utc"),
    case("users", {"filter[createdAt]": "2024-02-15T11:35:30+02:00"},
         lambda r, db: r["createdAt"] == "2024-02-15T09:35:30Z", "datetime-second-offset"),
    case("users", {"filter[createdAt]": "2024-02-15T11+02:00"},
         starts("createdAt", "2024-02-15T09"), "datetime-hour-offset"),
    case("users", {"filter[createdAt][neq]": "2023"},
         lambda r, db: not r["createdAt"].startswith("2023"), "datetime-neq-year-complement"),
    case("users", {"filter[createdAt][gt]": "2025"}, lambda r, db: r["createdAt"] >= "2026",
         "datetime-gt-year-after-the-year"),
    case("users", {"filter[createdAt][gte]": "2025"}, lambda r, db: r["createdAt"] >= "2025",
         "datetime-gte-year"),
    case("users", {"filter[createdAt][lt]": "2024"}, lambda r, db: r["createdAt"] < "2024",
         "datetime-lt-year"),
    case("users", {"filter[createdAt][lte]": "2024"}, lambda r, db: r["createdAt"] < "2025",
         "datetime-lte-year-includes-the-year"),
    case("users", {"filter[createdAt][lt]": "2024-02-15"},
         lambda r, db: r["createdAt"] < "2024-02-15", "datetime-lt-day"),
    case("users", {"filter[createdAt][lte]": "2024-02-15"},
         lambda r, db: r["createdAt"] < "2024-02-16", "datetime-lte-day"),
    case("orders", {"filter[createdAt]": "2024-06..2024-08"},
         lambda r, db: "2024-06" <= r["createdAt"] < "2024-09", "datetime-range-of-months"),
    case("orders", {"filter[createdAt][neq]": "2024..2025"},
         lambda r, db: r["createdAt"] >= "2026", "datetime-neq-range-of-years"),
    # lists of partial dates: the union of their periods (the reference leaves this open, §11.1)
    case("users", {"filter[createdAt]": "2023,2025"},
         lambda r, db: r["createdAt"][:4] in ("2023", "2025"), "datetime-list-of-years"),
    case("users", {"filter[createdAt][neq]": "2023,2025-03"},
         lambda r, db: r["createdAt"][:4] != "2023" and r["createdAt"][:7] != "2025-03",
         "datetime-neq-list-of-periods"),
    case("users", {"filter[lastLogin][neq_or_null]": "2026,2024-10"},
         lambda r, db: r["lastLogin"] is None
         or (r["lastLogin"][:4] != "2026" and r["lastLogin"][:7] != "2024-10"),
         "datetime-neq_or_null-list"),
    case("users", {"filter[birthday]": "1994,1977-06"},
         lambda r, db: (r["birthday"] or "")[:4] == "1994"
         or (r["birthday"] or "")[:7] == "1977-06",
         "date-list-of-periods"),
    case("contacts", {"filter[birthday][neq]": "1977,1988"},
         lambda r, db: r["birthday"] is not None and r["birthday"][:4] not in ("1977", "1988"),
         "date-neq-list-excludes-null"),
    case("users", {"filter[lastLogin][neq]": "2026"},
         lambda r, db: r["lastLogin"] is not None and not r["lastLogin"].startswith("2026"),
         "datetime-neq-excludes-null"),
    case("users", {"filter[lastLogin][neq_or_null]": "2026"},
         lambda r, db: r["lastLogin"] is None or not r["lastLogin"].startswith("2026"),
         "datetime-neq_or_null-includes-null"),
    case("contacts", {"filter[lastContactedDate][exists]": "no"},
         lambda r, db: r["lastContactedDate"] is None, "datetime-exists-no"),
    case("tasks", {"filter[dueDate][lt]": "2026-06-01T00:00:00Z"},
         lambda r, db: (r["dueDate"] or "9") < "2026-06-01T00:00:00Z", "datetime-lt-second"),
    case("tasks", {"filter[dueDate]": "2026-05..2026-07"},
         lambda r, db: "2026-05" <= (r["dueDate"] or "") < "2026-08", "datetime-range-months"),
    case("tasks", {"filter[dueDate][exists]": "false"}, lambda r, db: r["dueDate"] is None,
         "datetime-exists-false-tasks"),
    # --- to-one association by id (integer and string ids) ---
    case("users", {"filter[owner]": "2"}, lambda r, db: r["owner"] == "2", "to-one-eq"),
    case("users", {"filter[owner]": "2,3"}, lambda r, db: r["owner"] in ("2", "3"),
         "to-one-list"),
    case("users", {"filter[owner]": "2..3"}, lambda r, db: r["owner"] in ("2", "3"),
         "to-one-range"),
    case("users", {"filter[owner][neq]": "2"}, lambda r, db: r["owner"] != "2", "to-one-neq"),
    case("users", {"filter[organization]": "2"}, lambda r, db: r["organization"] == "2",
         "to-one-organization"),
    case("accounts", {"filter[owner]": "5"}, lambda r, db: r["owner"] == "5",
         "to-one-accounts-owner"),
    case("accounts", {"filter[referredBy][exists]": "true"},
         lambda r, db: r["referredBy"] is not None, "to-one-exists-true"),
    case("contacts", {"filter[source]": "tv"}, lambda r, db: r["source"] == "tv",
         "to-one-string-id"),
    case("contacts", {"filter[source]": "tv,email"}, lambda r, db: r["source"] in ("tv", "email"),
         "to-one-string-id-list"),
    case("contacts", {"filter[source][neq]": "tv"},
         lambda r, db: r["source"] not in (None, "tv"), "to-one-neq-excludes-null"),
    case("contacts", {"filter[source][neq_or_null]": "tv"}, lambda r, db: r["source"] != "tv",
         "to-one-neq_or_null-includes-null"),
    case("contacts", {"filter[source][exists]": "false"}, lambda r, db: r["source"] is None,
         "to-one-exists-false"),
    case("contacts", {"filter[assignedTo][neq_or_null]": "2,3"},
         lambda r, db: r["assignedTo"] not in ("2", "3"), "to-one-neq_or_null-list"),
    case("orders", {"filter[status]": "open,pending"},
         lambda r, db: r["status"] in ("open", "pending"), "to-one-enum-option-list"),
    case("orders", {"filter[customer]": "27"}, lambda r, db: r["customer"] == "27",
         "to-one-customer"),
    case("products", {"filter[weightUnit]": "kg,lbs"},
         lambda r, db: r["weightUnit"] in ("kg", "lbs"), "to-one-weight-unit-list"),
    case("products", {"filter[weightUnit][neq]": "kg"},
         lambda r, db: r["weightUnit"] not in (None, "kg"), "to-one-weight-unit-neq"),
    case("regions", {"filter[country]": "US"}, lambda r, db: r["country"] == "US",
         "to-one-country"),
    case("tasks", {"filter[taskPriority][neq]": "high"},
         lambda r, db: r["taskPriority"] not in (None, "high"), "to-one-task-priority-neq"),
    case("tasks", {"filter[taskPriority.default]": "yes"},
         lambda r, db: r["taskPriority"] == "normal", "nested-boolean-of-option"),
    # --- string ids ---
    case("countries", {"filter[id]": "US,DE"}, lambda r, db: r["id"] in ("US", "DE"),
         "string-id-list"),
    case("countries", {"filter[id][neq]": "US"}, lambda r, db: r["id"] != "US",
         "string-id-neq"),
    case("contactsources", {"filter[id]": "tv"}, lambda r, db: r["id"] == "tv", "string-id-eq"),
    # --- to-many: eq = contains any, neq = contains none (empty excluded), exists ---
    case("users", {"filter[userRoles]": "4"}, lambda r, db: "4" in r["userRoles"],
         "to-many-eq"),
    case("users", {"filter[userRoles]": "1,2"},
         lambda r, db: bool({"1", "2"} & set(r["userRoles"])), "to-many-eq-list-any"),
    case("users", {"filter[userRoles][neq]": "5"}, lambda r, db: "5" not in r["userRoles"],
         "to-many-neq-none"),
    case("users", {"filter[userRoles][neq]": "1,2"},
         lambda r, db: not {"1", "2"} & set(r["userRoles"]), "to-many-neq-list-none"),
    case("users", {"filter[businessUnits]": "4"}, lambda r, db: "4" in r["businessUnits"],
         "to-many-business-units"),
    case("userroles", {"filter[users]": "12"}, lambda r, db: "12" in r["users"],
         "to-many-inverse-eq"),
    case("userroles", {"filter[users][neq]": "12"},
         lambda r, db: bool(r["users"]) and "12" not in r["users"],
         "to-many-neq-excludes-empty"),
    case("userroles", {"filter[users][neq_or_null]": "12"}, lambda r, db: "12" not in r["users"],
         "to-many-neq_or_null-includes-empty"),
    case("userroles", {"filter[users][exists]": "true"}, lambda r, db: bool(r["users"]),
         "to-many-exists-true"),
    case("userroles", {"filter[users][exists]": "false"}, lambda r, db: not r["users"],
         "to-many-exists-false"),
    case("contacts", {"filter[accounts]": "5,7"},
         lambda r, db: bool({"5", "7"} & set(r["accounts"])), "to-many-contacts-accounts"),
    case("contacts", {"filter[accounts][neq]": "5"},
         lambda r, db: bool(r["accounts"]) and "5" not in r["accounts"],
         "to-many-contacts-neq"),
    case("contacts", {"filter[accounts][exists]": "no"}, lambda r, db: not r["accounts"],
         "to-many-contacts-exists-no"),
    # contains / not_contains: enabled by default on to-many associations (contains all of)
    case("users", {"filter[userRoles][contains]": "1,2"},
         lambda r, db: {"1", "2"} <= set(r["userRoles"]), "to-many-contains-all"),
    case("users", {"filter[userRoles][contains]": "4"}, lambda r, db: "4" in r["userRoles"],
         "to-many-contains-one"),
    case("users", {"filter[userRoles]": "3..4"},
         lambda r, db: any(3 <= int(x) <= 4 for x in r["userRoles"]), "to-many-range-any"),
    case("users", {"filter[userRoles][neq]": "3..4"},
         lambda r, db: bool(r["userRoles"]) and not any(3 <= int(x) <= 4 for x in r["userRoles"]),
         "to-many-range-none"),
    case("users", {"filter[userRoles][neq_or_null]": "1..2"},
         lambda r, db: not any(1 <= int(x) <= 2 for x in r["userRoles"]),
         "to-many-range-none-or-empty"),
    case("users", {"filter[userRoles][not_contains]": "1,2"},
         lambda r, db: not {"1", "2"} <= set(r["userRoles"]), "to-many-not-contains-all"),
    case("contacts", {"filter[accounts][contains]": "10,20"},
         lambda r, db: {"10", "20"} <= set(r["accounts"]), "to-many-contacts-contains"),
    case("countries", {"filter[regions][contains]": "US-CA,US-NY"},
         lambda r, db: {"US-CA", "US-NY"} <= set(r["regions"]), "to-many-string-ids-contains"),
    case("countries", {"filter[regions]": "US-CA"}, lambda r, db: "US-CA" in r["regions"],
         "to-many-string-ids"),
    case("countries", {"filter[regions][neq]": "US-CA"},
         lambda r, db: bool(r["regions"]) and "US-CA" not in r["regions"],
         "to-many-string-ids-neq"),
    case("countries", {"filter[regions][exists]": "false"}, lambda r, db: not r["regions"],
         "to-many-string-ids-exists-false"),
    case("orders", {"filter[lineItems]": "15,100"},
         lambda r, db: bool({"15", "100"} & set(r["lineItems"])), "to-many-line-items"),
    case("organizations", {"filter[businessUnits]": "6"},
         lambda r, db: "6" in r["businessUnits"], "to-many-organization-units"),
    # --- nested association filters: dot and bracket forms, any depth ---
    case("users", {"filter[owner.name]": "Sales East"},
         lambda r, db: db("businessunits")[r["owner"]]["name"] == "Sales East", "nested-dot"),
    case("users", {"filter[owner][name]": "Sales East"},
         lambda r, db: db("businessunits")[r["owner"]]["name"] == "Sales East",
         "nested-brackets"),
    case("users", {"filter[owner.id]": "2"}, lambda r, db: r["owner"] == "2", "nested-id"),
    case("users", {"filter[owner][id][neq]": "1"}, lambda r, db: r["owner"] != "1",
         "nested-brackets-with-operator"),
    case("users", {"filter[owner.name][neq]": "Main"},
         lambda r, db: db("businessunits")[r["owner"]]["name"] != "Main", "nested-neq"),
    case("users", {"filter[owner.owner.name]": "Main"},
         lambda r, db: db("businessunits")[r["owner"]]["owner"] == "1", "nested-depth-3"),
    case("users", {"filter[owner][owner][name]": "Main"},
         lambda r, db: db("businessunits")[r["owner"]]["owner"] == "1",
         "nested-depth-3-brackets"),
    case("users", {"filter[owner.organization.name]": "Acme Retail"},
         lambda r, db: db("businessunits")[r["owner"]]["organization"] == "2",
         "nested-to-organization"),
    case("users", {"filter[userRoles.label]": "Read Only"}, lambda r, db: "2" in r["userRoles"],
         "nested-through-to-many"),
    case("contacts", {"filter[accounts.owner.id]": "5"},
         lambda r, db: "5" in _owners_of_accounts(db, r["accounts"]),
         "nested-to-many-then-to-one"),
    case("contacts", {"filter[accounts.owner]": "5"},
         lambda r, db: "5" in _owners_of_accounts(db, r["accounts"]),
         "nested-to-many-then-association-id"),
    case("contacts", {"filter[accounts][owner][id]": "5,6"},
         lambda r, db: bool({"5", "6"} & _owners_of_accounts(db, r["accounts"])),
         "nested-brackets-list"),
    case("orders", {"filter[status.name]": "Shipped"}, lambda r, db: r["status"] == "shipped",
         "nested-string-id-target"),
    case("orders", {"filter[customer.organization]": "2"},
         lambda r, db: db("customers")[r["customer"]]["organization"] == "2",
         "nested-customer-organization"),
    case("orders", {"filter[owner.owner]": "6"},
         lambda r, db: db("users")[r["owner"]]["owner"] == "6", "nested-owner-owner"),
    case("taxjurisdictions", {"filter[region.name]": "California"},
         lambda r, db: r["region"] == "US-CA", "nested-region-name"),
    case("regions", {"filter[country.name]": "Germany"}, lambda r, db: r["country"] == "DE",
         "nested-country-name"),
    # --- several filters: AND ---
    case("orders", [("filter[currency]", "EUR"), ("filter[status]", "open"),
                    ("filter[totalValue][gt]", "500")],
         lambda r, db: r["currency"] == "EUR" and r["status"] == "open"
         and dec(r["totalValue"]) > 500, "three-filters-and"),
    case("users", [("filter[enabled]", "true"), ("filter[organization]", "1"),
                   ("filter[id][gt]", "10")],
         lambda r, db: r["enabled"] and r["organization"] == "1" and n(r) > 10,
         "mixed-filters-and"),
]
# fmt: on


@pytest.mark.parametrize(("type_", "params", "matches"), FILTERS)
def test_filter_selects_exactly_the_matching_records(
    client: httpx.Client,
    db: Db,
    type_: str,
    params: Params,
    matches: Callable[[Record, Db], bool],
) -> None:
    records = db(type_)
    expected = [id_ for id_, r in records.items() if matches(r, db)]
    assert 0 < len(expected) < len(records), "the case should select some records, not all"
    assert filtered_ids(client, type_, params) == expected


# Results known from the fixed part of the demo data (roles, units, dictionaries).
# fmt: off
LITERAL = [
    pytest.param("users", {"filter[username]": "admin,jimmy.henderson_c4261"}, [],
                 id="string-comma-is-not-a-list"),
    pytest.param("users", {"filter[username][neq]": "admin,jimmy.henderson_c4261"},
                 [str(i) for i in range(1, 31)], id="string-neq-comma-is-literal"),
    pytest.param("users", {"filter[username]": "jimmy.henderson_c4261"}, ["6"],
                 id="string-documented-user"),
    pytest.param("orders", {"filter[identifier]": "SO-000005,SO-000006"}, [],
                 id="string-comma-literal-orders"),
    pytest.param("orders", {"filter[identifier]": "SO-000005..SO-000007"}, [],
                 id="string-range-is-literal"),
    pytest.param("orders", {"filter[identifier]": "SO-000005"}, ["5"], id="string-eq-orders"),
    pytest.param("orders", {"filter[identifier][starts_with]": "SO-00001"},
                 [str(i) for i in range(10, 20)], id="starts-with-literal"),
    pytest.param("orders", {"filter[currency]": "USD..EUR"}, [], id="currency-range-is-literal"),
    pytest.param("products", {"filter[name][contains]": "%"}, [], id="like-percent-is-literal"),
    pytest.param("products", {"filter[sku][contains]": "_"}, [],
                 id="like-underscore-is-literal"),
    pytest.param("users", {"filter[id]": "999"}, [], id="unknown-id-matches-nothing"),
    pytest.param("users", {"filter[id]": "31..40"}, [], id="empty-range"),
    pytest.param("users", [("filter[id][gt]", "5"), ("filter[id][lt]", "8")], ["6", "7"],
                 id="gt-and-lt"),
    pytest.param("countries", {"filter[id]": "US,DE"}, ["DE", "US"], id="country-ids"),
    pytest.param("countries", {"filter[id]": "US,XX"}, ["US"], id="unresolvable-string-id"),
    pytest.param("countries", {"filter[regions][exists]": "true"},
                 ["AU", "CA", "DE", "FR", "MX", "US"], id="countries-with-regions"),
    pytest.param("countries", {"filter[regions][neq_or_null]": "US-CA,DE-BE"},
                 ["AU", "BR", "CA", "ES", "FR", "GB", "IN", "IT", "JP", "MX", "NL", "PL", "UA"],
                 id="countries-neq_or_null-includes-empty"),
    pytest.param("weightunits", {"filter[id][neq]": "kg,g"}, ["lbs", "oz"],
                 id="string-id-neq-list"),
    pytest.param("regions", {"filter[country]": "DE"}, ["DE-BE", "DE-BY", "DE-HH"],
                 id="regions-of-a-country"),
    pytest.param("taxjurisdictions", {"filter[region][exists]": "false"}, ["11", "12", "13"],
                 id="to-one-string-id-exists-false"),
    pytest.param("businessunits", {"filter[owner][exists]": "no"}, ["1", "6"],
                 id="top-level-business-units"),
    pytest.param("businessunits", {"filter[users]": "2"}, ["1", "4"], id="units-of-user-2"),
    pytest.param("businessunits", {"filter[owner.name]": "Main"}, ["2", "3", "4"],
                 id="units-under-main"),
    pytest.param("organizations", {"filter[businessUnits]": "6"}, ["2"], id="org-of-unit-6"),
    pytest.param("userroles", {"filter[users]": "12"}, ["1", "2"], id="roles-of-user-12"),
    pytest.param("userroles", {"filter[users][neq]": "12"}, ["3", "4", "5", "7"],
                 id="roles-without-user-12-not-empty"),
    pytest.param("userroles", {"filter[users][neq_or_null]": "12"}, ["3", "4", "5", "6", "7"],
                 id="roles-without-user-12-or-empty"),
    pytest.param("userroles", {"filter[users][exists]": "false"}, ["6"], id="roles-unused"),
    # to-many contains: all of the ids (account 10 has contacts 19, 20, 39; account 20 has 39, 40)
    pytest.param("accounts", {"filter[contacts][contains]": "19,39"}, ["10"],
                 id="accounts-with-both-contacts"),
    pytest.param("accounts", {"filter[contacts]": "19,39"}, ["10", "20"],
                 id="accounts-with-any-of-the-contacts"),
    pytest.param("accounts", {"filter[contacts][contains]": "19,40"}, [],
                 id="no-account-has-both"),
    pytest.param("accounts", [("filter[contacts][not_contains]", "39,40"),
                              ("filter[id]", "9..21")],
                 ["9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21"],
                 id="accounts-without-both-contacts"),
    pytest.param("userroles", {"filter[organization][neq]": "2"}, [],
                 id="to-one-neq-excludes-null"),
    pytest.param("userroles", {"filter[organization][neq_or_null]": "2"},
                 ["1", "2", "3", "4", "5", "6"], id="to-one-neq_or_null-includes-null"),
    pytest.param("userroles", {"filter[extendDescription][exists]": "false"}, ["6"],
                 id="text-exists-false"),
    pytest.param("users", {"filter[enabled]": "false"}, ["9", "15", "29"], id="disabled-users"),
    pytest.param("users", {"filter[organization]": "2"}, ["17", "18", "19", "20"],
                 id="acme-users"),
    pytest.param("contactsources", {"filter[name]": "TV"}, ["tv"], id="enum-option-by-name"),
    pytest.param("orderstatuses", {"filter[default]": "true"}, ["open"], id="default-option"),
]
# fmt: on


@pytest.mark.parametrize(("type_", "params", "expected"), LITERAL)
def test_filter_returns_known_records(
    client: httpx.Client, type_: str, params: Params | dict[str, str], expected: list[str]
) -> None:
    pairs = list(params.items()) if isinstance(params, dict) else params
    assert filtered_ids(client, type_, pairs) == expected


def test_exact_values_of_every_type_match_their_records(client: httpx.Client, db: Db) -> None:
    """Values read from one record (guid, money, decimal, bigint, datetime) find that record."""
    orders, products, items = db("orders"), db("products"), db("orderlineitems")
    order, other = orders["5"], orders["6"]
    cases: list[tuple[str, Params, list[str]]] = [
        ("orders", [("filter[externalId]", order["externalId"])], ["5"]),
        (
            "orders",
            [("filter[externalId]", f"{other['externalId']},{order['externalId']}")],
            ["5", "6"],
        ),
        (
            "orders",
            [("filter[externalId][neq]", order["externalId"])],
            [i for i in orders if i != "5"],
        ),
        (
            "orders",
            [("filter[subtotalValue]", order["subtotalValue"])],
            [
                i
                for i, r in orders.items()
                if dec(r["subtotalValue"]) == dec(order["subtotalValue"])
            ],
        ),
        (
            "orders",
            [("filter[subtotalValue]", str(dec(order["subtotalValue"]).normalize()))],
            [
                i
                for i, r in orders.items()
                if dec(r["subtotalValue"]) == dec(order["subtotalValue"])
            ],
        ),
        (
            "orders",
            [("filter[createdAt]", order["createdAt"])],
            [i for i, r in orders.items() if r["createdAt"] == order["createdAt"]],
        ),
        (
            "orders",
            [("filter[createdAt]", order["createdAt"][:13])],
            [i for i, r in orders.items() if r["createdAt"][:13] == order["createdAt"][:13]],
        ),
        (
            "products",
            [("filter[weight]", products["3"]["weight"])],
            [i for i, r in products.items() if r["weight"] == products["3"]["weight"]],
        ),
        ("products", [("filter[gtin]", products["3"]["gtin"])], ["3"]),
        (
            "products",
            [("filter[gtin]", f"{products['4']['gtin']},{products['3']['gtin']}")],
            ["3", "4"],
        ),
        (
            "orders",
            [("filter[lineItems.productSku]", items["15"]["productSku"])],
            [
                i
                for i, r in orders.items()
                if any(
                    items[li]["productSku"] == items["15"]["productSku"] for li in r["lineItems"]
                )
            ],
        ),
    ]
    for type_, params, expected in cases:
        assert filtered_ids(client, type_, params) == expected, params


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/users?filter[id][gt]=5&filter[id][lt]=8", id="raw-brackets"),
        pytest.param(
            "/users?filter%5Bid%5D%5Bgt%5D=5&filter%5Bid%5D%5Blt%5D=8",
            id="percent-encoded-brackets",
        ),
        pytest.param("/users?filter[id]=6..7", id="raw-range"),
        pytest.param("/users?filter[id]=1&filter[id]=6,7", id="repeated-key-last-wins"),
        pytest.param(
            "/users?filter[createdAt]=2023-09-02T07:35:43+02:00&filter[id][lt]=8",
            id="plus-sent-as-space-in-datetime",
        ),
    ],
)
def test_filter_keys_and_values_as_sent_on_the_wire(client: httpx.Client, url: str) -> None:
    doc = get_doc(client, url + "&fields[users]=username", headers=NO_LINKS)
    ids = [obj["id"] for obj in doc["data"]]
    assert ids == (["6"] if "createdAt" in url else ["6", "7"])


# --- errors ----------------------------------------------------------------------------------

NOT_SUPPORTED = "The filter is not supported."


def operator_error(operator: str) -> str:
    return f'The operator "{operator}" is not supported.'


# fmt: off
FILTER_ERRORS = [
    # unknown fields and paths
    ("users", "filter[unknown]", "1", NOT_SUPPORTED),
    ("users", "filter", "1", NOT_SUPPORTED),
    ("users", "filter[]", "1", NOT_SUPPORTED),
    ("users", "filter[owner.unknown]", "1", NOT_SUPPORTED),
    ("users", "filter[owner][unknown]", "1", NOT_SUPPORTED),
    ("users", "filter[unknown.name]", "1", NOT_SUPPORTED),
    ("users", "filter[owner.]", "1", NOT_SUPPORTED),
    ("users", "filter[id][foo]", "1", NOT_SUPPORTED),
    ("products", "filter[tags]", "new", NOT_SUPPORTED),
    ("orders", "filter[trackingData]", "x", NOT_SUPPORTED),
    ("weightunits", "filter[conversionRates]", "x", NOT_SUPPORTED),
    # operators not enabled for the field
    ("users", "filter[id][contains]", "1", operator_error("contains")),
    ("users", "filter[id][empty]", "true", operator_error("empty")),
    ("users", "filter[username][gt]", "a", operator_error("gt")),
    ("users", "filter[username][contains]", "a", operator_error("contains")),
    ("users", "filter[enabled][lt]", "1", operator_error("lt")),
    ("users", "filter[userRoles][gt]", "1", operator_error("gt")),
    ("users", "filter[owner][contains]", "1", operator_error("contains")),
    ("users", "filter[owner][not_contains]", "1", operator_error("not_contains")),
    ("users", "filter[userRoles][starts_with]", "1", operator_error("starts_with")),
    ("users", "filter[owner.name][starts_with]", "S", operator_error("starts_with")),
    ("contacts", "filter[description]", "x", operator_error("eq")),
    ("contacts", "filter[description][neq_or_null]", "x", operator_error("neq_or_null")),
    ("contacts", "filter[gender][gte]", "male", operator_error("gte")),
    ("products", "filter[sku][ends_with]", "1", operator_error("ends_with")),
    ("products", "filter[name][not_contains]", "a", operator_error("not_contains")),
    ("orders", "filter[identifier][contains]", "SO", operator_error("contains")),
    ("orders", "filter[currency][gt]", "EUR", operator_error("gt")),
    ("orders", "filter[externalId][lt]", "x", operator_error("lt")),
    # values of the wrong type
    ("users", "filter[id]", "aaa", 'Expected integer value. Given "aaa".'),
    ("users", "filter[id][gt]", "aaa", 'Expected integer value. Given "aaa".'),
    ("users", "filter[id]", "1.5", 'Expected integer value. Given "1.5".'),
    ("users", "filter[loginCount][lte]", "x", 'Expected integer value. Given "x".'),
    ("users", "filter[owner]", "x", 'Expected integer value. Given "x".'),
    ("users", "filter[userRoles]", "a", 'Expected integer value. Given "a".'),
    ("users", "filter[userRoles][contains]", "1..2", 'Expected integer value. Given "1..2".'),
    ("users", "filter[owner.id]", "x", 'Expected integer value. Given "x".'),
    ("users", "filter[enabled]", "x", 'Expected boolean value. Given "x".'),
    ("users", "filter[enabled]", "true,false", 'Expected boolean value. Given "true,false".'),
    ("users", "filter[enabled]", "TRUE", 'Expected boolean value. Given "TRUE".'),
    ("users", "filter[title][exists]", "maybe", 'Expected boolean value. Given "maybe".'),
    ("users", "filter[userRoles][exists]", "2", 'Expected boolean value. Given "2".'),
    ("users", "filter[birthday]", "test", 'Expected date value. Given "test".'),
    ("users", "filter[birthday]", "2020-13-01", 'Expected date value. Given "2020-13-01".'),
    ("users", "filter[birthday][gt]", "2020-01-01T10:00:00Z",
     'Expected date value. Given "2020-01-01T10:00:00Z".'),
    ("users", "filter[createdAt]", "test", 'Expected datetime value. Given "test".'),
    ("users", "filter[createdAt]", "2024-02-30", 'Expected datetime value. Given "2024-02-30".'),
    ("users", "filter[createdAt][lt]", "2024-01-01T25:00Z",
     'Expected datetime value. Given "2024-01-01T25:00Z".'),
    ("orders", "filter[totalValue]", "abc", 'Expected decimal value. Given "abc".'),
    ("products", "filter[weight][gt]", "abc", 'Expected decimal value. Given "abc".'),
    ("products", "filter[gtin]", "abc", 'Expected integer value. Given "abc".'),
    ("orders", "filter[discountPercent]", "abc", 'Expected float value. Given "abc".'),
    ("orderlineitems", "filter[quantity]", "abc", 'Expected float value. Given "abc".'),
    ("orders", "filter[handlingTime]", "abc", 'Expected duration value. Given "abc".'),
    ("orders", "filter[preferredDeliveryTime]", "25:00", 'Expected time value. Given "25:00".'),
    ("orders", "filter[externalId]", "abc", 'Expected GUID value. Given "abc".'),
    ("orders", "filter[externalId]", "a..b", 'Expected GUID value. Given "a..b".'),
    ("products", "filter[status]", "x",
     'The value "x" is not valid. Known values: enabled, disabled.'),
    ("products", "filter[status]", "enabled..disabled",
     'The value "enabled..disabled" is not valid. Known values: enabled, disabled.'),
    # empty strings
    ("users", "filter[username]", "", 'Expected not empty string value. Given "".'),
    ("orders", "filter[currency]", "", 'Expected not empty string value. Given "".'),
    ("contacts", "filter[source]", "", 'Expected not empty string value. Given "".'),
    ("countries", "filter[id]", "", 'Expected not empty string value. Given "".'),
    # bad lists
    ("users", "filter[id]", "1,a", 'Expected an array of integers. Given "1,a".'),
    ("users", "filter[id]", "1,", 'Expected an array of integers. Given "1,".'),
    ("users", "filter[id][neq]", "1,a", 'Expected an array of integers. Given "1,a".'),
    ("users", "filter[owner]", "1,a", 'Expected an array of integers. Given "1,a".'),
    ("users", "filter[userRoles]", "1,a", 'Expected an array of integers. Given "1,a".'),
    ("orders", "filter[totalValue]", "1,x", 'Expected an array of decimals. Given "1,x".'),
    ("orders", "filter[preferredDeliveryTime]", "10:00,x",
     'Expected an array of times. Given "10:00,x".'),
    ("users", "filter[id][gt]", "1,2", 'Expected integer value. Given "1,2".'),
    # bad ranges
    ("users", "filter[id]", "a..b",
     'Expected a pair of integers (integer..integer). Given "a..b".'),
    ("users", "filter[id]", "1..b",
     'Expected a pair of integers (integer..integer). Given "1..b".'),
    ("users", "filter[id]", "5..",
     'Expected a pair of integers (integer..integer). Given "5..".'),
    ("users", "filter[loginCount][neq]", "1..x",
     'Expected a pair of integers (integer..integer). Given "1..x".'),
    ("users", "filter[birthday]", "x..y", 'Expected a pair of dates (date..date). Given "x..y".'),
    ("users", "filter[createdAt]", "2024..x",
     'Expected a pair of datetimes (datetime..datetime). Given "2024..x".'),
    ("orders", "filter[totalValue]", "1..x",
     'Expected a pair of decimals (decimal..decimal). Given "1..x".'),
    ("users", "filter[id][gt]", "1..2", 'Expected integer value. Given "1..2".'),
]
# fmt: on


@pytest.mark.parametrize(
    ("type_", "key", "value", "detail"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}={row[2]}") for row in FILTER_ERRORS],
)
def test_filter_error(client: httpx.Client, type_: str, key: str, value: str, detail: str) -> None:
    doc = get_doc(client, f"/{type_}", [(key, value)], status=400)
    assert doc == {
        "errors": [
            {
                "status": "400",
                "title": "filter constraint",
                "detail": detail,
                "source": {"parameter": key},
            }
        ]
    }


OPERATORS = (
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "exists",
    "neq_or_null",
    "contains",
    "not_contains",
    "starts_with",
    "not_starts_with",
    "ends_with",
    "not_ends_with",
    "empty",
)
COMPARABLE = ("eq", "neq", "exists", "neq_or_null")
ORDERED = ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "neq_or_null")
GUID = "0b7e7dee-87ac-4b5f-9ce1-2a1c4b1d6f10"

# fmt: off
OPERATOR_MATRIX = [
    # (type, field, a valid value, the operators enabled: §11.2 defaults + per-field extras)
    ("users", "id", "1", ORDERED),                                  # integer id
    ("users", "loginCount", "1", ORDERED),                          # integer
    ("users", "username", "admin", COMPARABLE),                     # string
    ("users", "enabled", "true", COMPARABLE),                       # boolean
    ("users", "birthday", "1990", ORDERED),                         # date
    ("users", "createdAt", "2024", ORDERED),                        # datetime
    ("users", "owner", "1", COMPARABLE),                            # to-one
    ("users", "userRoles", "1", (*COMPARABLE, "contains", "not_contains")),  # to-many
    ("users", "owner.name", "Main", COMPARABLE),                    # nested string
    ("users", "owner.createdAt", "2023", ORDERED),                  # nested datetime
    ("contacts", "description", "x", ("exists",)),                  # text
    ("contacts", "gender", "male", COMPARABLE),                     # enum
    ("contacts", "source", "tv", COMPARABLE),                       # to-one, string id
    ("countries", "id", "US", COMPARABLE),                          # string id
    ("orders", "currency", "USD", COMPARABLE),                      # currency
    ("orders", "externalId", GUID, COMPARABLE),                     # guid
    ("orders", "totalValue", "1", ORDERED),                         # money
    ("orders", "discountPercent", "0.1", ORDERED),                  # percent
    ("orders", "handlingTime", "60", ORDERED),                      # duration
    ("orders", "preferredDeliveryTime", "10:00", ORDERED),          # time
    ("orders", "shipUntil", "2025", ORDERED),                       # date
    ("orders", "identifier", "SO", (*COMPARABLE, "starts_with")),   # string + extra
    ("orderlineitems", "quantity", "1", ORDERED),                   # float
    ("products", "weight", "1", ORDERED),                           # decimal
    ("products", "gtin", "1", ORDERED),                             # bigint
    ("products", "sku", "1", (*COMPARABLE, "starts_with", "contains")),
    ("products", "name", "a", (*COMPARABLE, "contains", "starts_with", "ends_with")),
]
# fmt: on


@pytest.mark.parametrize(
    ("type_", "field", "value", "enabled"),
    [pytest.param(*row, id=f"{row[0]}.{row[1]}") for row in OPERATOR_MATRIX],
)
def test_operators_enabled_per_data_type(
    client: httpx.Client, type_: str, field: str, value: str, enabled: tuple[str, ...]
) -> None:
    """Every operator name against one field: the enabled ones filter, the others are refused."""
    for operator in OPERATORS:
        key = f"filter[{field}][{operator}]"
        text = "true" if operator in ("exists", "empty") else value
        response = client.get(f"/{type_}", params={key: text, "page[size]": "1"})
        assert response.headers["content-type"] == JSON_API
        doc = response.json()
        assert_valid_response(doc)
        if operator in enabled:
            assert response.status_code == 200, (operator, doc)
        else:
            assert response.status_code == 400, operator
            assert doc == {
                "errors": [
                    {
                        "status": "400",
                        "title": "filter constraint",
                        "detail": operator_error(operator),
                        "source": {"parameter": key},
                    }
                ]
            }


def test_filter_errors_are_reported_together(client: httpx.Client) -> None:
    params = [
        ("filter[id]", "aaa"),
        ("filter[unknown]", "1"),
        ("filter[username][gt]", "a"),
        ("filter[enabled]", "x"),
        ("filter[birthday]", "x..y"),
    ]
    doc = get_doc(client, "/users", params, status=400)
    assert sorted(doc["errors"], key=lambda e: e["source"]["parameter"]) == [
        {
            "status": "400",
            "title": "filter constraint",
            "detail": 'Expected a pair of dates (date..date). Given "x..y".',
            "source": {"parameter": "filter[birthday]"},
        },
        {
            "status": "400",
            "title": "filter constraint",
            "detail": 'Expected boolean value. Given "x".',
            "source": {"parameter": "filter[enabled]"},
        },
        {
            "status": "400",
            "title": "filter constraint",
            "detail": 'Expected integer value. Given "aaa".',
            "source": {"parameter": "filter[id]"},
        },
        {
            "status": "400",
            "title": "filter constraint",
            "detail": NOT_SUPPORTED,
            "source": {"parameter": "filter[unknown]"},
        },
        {
            "status": "400",
            "title": "filter constraint",
            "detail": operator_error("gt"),
            "source": {"parameter": "filter[username][gt]"},
        },
    ]


@pytest.mark.parametrize(
    ("url", "key"),
    [
        pytest.param("/users/1/userRoles", "filter[unknown]", id="to-many-subresource"),
        pytest.param(
            "/users/1/relationships/userRoles", "filter[unknown]", id="to-many-relationship"
        ),
        pytest.param("/users/1", "filter[id]", id="item"),
        pytest.param("/users/1/owner", "filter[id]", id="to-one-subresource"),
    ],
)
def test_filter_errors_on_other_endpoints(client: httpx.Client, url: str, key: str) -> None:
    doc = get_doc(client, url, [(key, "1")], status=400)
    assert doc == {
        "errors": [
            {
                "status": "400",
                "title": "filter constraint",
                "detail": NOT_SUPPORTED,
                "source": {"parameter": key},
            }
        ]
    }


def test_filter_error_drops_the_total_count_header(client: httpx.Client) -> None:
    response = client.get("/users", params={"filter[id]": "x"}, headers={"X-Include": "totalCount"})
    assert response.status_code == 400
    assert "x-include-total-count" not in response.headers


@pytest.mark.parametrize(
    ("operator", "text"),
    [("contains", "acket"), ("starts_with", "Premium"), ("ends_with", "Gloves")],
)
def test_text_operators_match_case_as_oro_does(
    client: httpx.Client, operator: str, text: str
) -> None:
    """Oro lowers only filters configured ``case_insensitive``; these are not."""

    def names(value: str) -> list[str]:
        response = client.get("/products", params={f"filter[name][{operator}]": value})
        assert response.status_code == 200, response.text
        return [r["attributes"]["name"] for r in response.json()["data"]]

    assert names(text)
    assert names(text.swapcase()) == []
