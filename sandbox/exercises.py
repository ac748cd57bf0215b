"""The exercises of the guided notebooks whose answer is data: each checks against the server.

    answer = ...  # the learner's
    check(answer, exercises.eur_orders_between(client), hint="…")

Each function takes the notebook's client and returns the test that :func:`sandbox.lessons.check`
runs: it asks the server for the right answer *when the check runs* and compares — so a check
holds whatever earlier cells, other notebooks or the web sandbox have changed, and the notebook
never shows the answer (neither its value nor the request that finds it). The checks' own
requests go through a client of their own, so a :class:`sandbox.History` hooked to the
notebook's client does not record them.
"""

from __future__ import annotations

import json
import numbers
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sandbox.auth import ClientCredentials, PasswordGrant
from sandbox.client import ApiClient, Exchange
from sandbox.query import Query, range_

__all__ = [
    "account_with_new_contacts",
    "batch_fixed",
    "checked_out",
    "eur_orders_between",
    "ignored_read_only_field",
    "orders_by_status",
    "orders_seen_by",
    "organization_of",
    "search_found_by",
    "shopping_list_filled",
    "sync_batch_written",
    "top_eur_customer",
    "top_eur_orders",
    "upserted_by_fields",
]

Test = Callable[[Any], bool]


def _quiet(client: ApiClient, auth: Any = None) -> ApiClient:
    """A client of the same server and credentials (or ``auth``), with no exchange hook."""
    return ApiClient(client.base_url, auth=auth or client.auth)


def _total(client: ApiClient, path: str, query: Query) -> int | None:
    return client.get(path, params=query.x_include("totalCount")).total_count


def _is_number(answer: Any) -> bool:
    return isinstance(answer, int) and not isinstance(answer, bool)


def eur_orders_between(client: ApiClient, low: int = 1000, high: int = 5000) -> Test:
    """06: how many orders in EUR have ``low <= totalValue <= high``."""

    def test(answer: Any) -> bool:
        query = Query().filter("currency", "EUR").filter("totalValue", range_(low, high))
        with _quiet(client) as api:
            return _is_number(answer) and answer == _total(api, "/orders", query)

    return test


def top_eur_orders(client: ApiClient, size: int = 5) -> Test:
    """07: the identifiers of the ``size`` EUR orders with the highest ``totalValue``, in order."""

    def test(answer: Any) -> bool:
        query = (
            Query()
            .filter("currency", "EUR")
            .sort("-totalValue")
            .fields("orders", "identifier")
            .page(size=size)
        )
        with _quiet(client) as api:
            data = api.get("/orders", params=query).data
        expected = [order["attributes"]["identifier"] for order in data]
        return isinstance(answer, list | tuple) and list(answer) == expected

    return test


def orders_seen_by(client: ApiClient, username: str, password: str | None = None) -> Test:
    """08: how many orders a user sees, signed in with the password grant of
    ``sandbox-password`` (every demo user's password is the username)."""

    def test(answer: Any) -> bool:
        grant = PasswordGrant("sandbox-password", "password-secret", username, password or username)
        with ApiClient(client.base_url, auth=grant) as user:
            return _is_number(answer) and answer == _total(user, "/orders", Query())

    return test


def top_eur_customer(client: ApiClient) -> Test:
    """09: the name of the customer with the highest sum of ``totalValue`` over its EUR orders
    (summed exactly, as decimals)."""

    def test(answer: Any) -> bool:
        query = (
            Query()
            .filter("currency", "EUR")
            .fields("orders", "totalValue", "customer")
            .include("customer")
            .fields("customers", "name")
            .page(size=-1)
        )
        with _quiet(client) as api:
            orders = api.get("/orders", params=query)
        return isinstance(answer, str) and answer == _top_customer(orders)

    return test


def _top_customer(orders: Exchange) -> str | None:
    names = {c["id"]: c["attributes"]["name"] for c in orders.included}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders.data:
        customer = order["relationships"]["customer"]["data"]
        if customer is not None and order["attributes"]["totalValue"] is not None:
            sums[customer["id"]] += Decimal(order["attributes"]["totalValue"])
    if not sums:
        return None
    return names.get(max(sums, key=lambda id_: sums[id_]))


def organization_of(client: ApiClient, client_id: str, client_secret: str) -> Test:
    """10: the name of the organization an OAuth application works in."""

    def test(answer: Any) -> bool:
        with _quiet(client, ClientCredentials(client_id, client_secret)) as application:
            data = application.get("/organizations").data
        return isinstance(answer, str) and [answer] == [o["attributes"]["name"] for o in data]

    return test


def ignored_read_only_field(client: ApiClient, type_: str, name: str) -> Test:
    """04: ``answer`` is the exchange of a PATCH that sent a value for ``type_``'s read-only
    field ``name``; Oro answered 200 and the record keeps its value (it ignores such a field)."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.request.method != "PATCH":
            return False
        sent = _sent_attributes(answer)
        if name not in sent or answer.status != 200 or answer.data["type"] != type_:
            return False
        with _quiet(client) as api:
            now = api.get(f"/{type_}/{answer.data['id']}").data["attributes"][name]
        return bool(now == answer.data["attributes"][name] and now != sent[name])

    return test


def _sent_attributes(exchange: Exchange) -> Mapping[str, Any]:
    try:
        body = json.loads(exchange.request.content or b"null")
        return dict(body["data"]["attributes"])
    except (ValueError, TypeError, KeyError):
        return {}


def _sent(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.request.content or b"null")
    except ValueError:
        return None


def account_with_new_contacts(
    client: ApiClient,
    name: str,
    contacts: list[tuple[str, str]],
    default: tuple[str, str],
) -> Test:
    """11: one request (a 201 exchange) that created the account ``name`` together with new
    contacts named ``contacts`` (first and last names) in ``included``, ``default`` being its
    default contact."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.status != 201:
            return False
        if not isinstance(answer.data, dict) or answer.data.get("type") != "accounts":
            return False
        created = set(answer.include_ids.values())  # made by this very request
        with _quiet(client) as api:
            account = api.get(f"/accounts/{answer.data['id']}", params={"include": "contacts"})
        if not account.ok or not isinstance(account.data, dict):
            return False
        people = {
            (item["attributes"].get("firstName"), item["attributes"].get("lastName")): item["id"]
            for item in account.included
        }
        link = account.data["relationships"]["defaultContact"]["data"] or {}
        return (
            account.data["attributes"]["name"] == name
            and set(people) == set(contacts)
            and set(people.values()) <= created
            and link.get("id") == people.get(default)
        )

    return test


def upserted_by_fields(
    client: ApiClient, type_: str, criteria: Mapping[str, str], changes: Mapping[str, Any]
) -> Test:
    """12: an upsert by the fields of ``criteria`` (``meta.upsert`` naming them) that found the
    one record of ``type_`` they match (200) and gave it ``changes``."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.status != 200:
            return False
        sent = _sent(answer)
        data = sent.get("data") if isinstance(sent, dict) else None
        meta = data.get("meta") if isinstance(data, dict) else None
        upsert = meta.get("upsert") if isinstance(meta, dict) else None
        if not isinstance(upsert, list) or sorted(map(str, upsert)) != sorted(criteria):
            return False
        params = [(f"filter[{name}]", value) for name, value in criteria.items()]
        with _quiet(client) as api:
            found = api.get(f"/{type_}", params=params).data
        if not isinstance(found, list) or len(found) != 1 or not isinstance(answer.data, dict):
            return False
        stored = found[0]["attributes"]
        return answer.data.get("id") == found[0]["id"] and all(
            stored.get(name) == value for name, value in changes.items()
        )

    return test


def batch_fixed(client: ApiClient, rows: Any) -> Test:
    """13: ``answer`` is the :class:`~sandbox.batch.BatchResult` of a second batch that sent only
    the rows of ``rows`` (a DataFrame of accounts) the first one refused, fixed: it succeeded
    without errors, had exactly as many rows as ``rows`` has invalid names, and every valid
    name of ``rows`` is stored."""

    def test(answer: Any) -> bool:
        names = rows["name"]
        bad = names.str.strip().eq("") | names.str.len().gt(255)
        if answer.status != "success" or answer.summary["errorCount"] or answer.rows != bad.sum():
            return False
        with _quiet(client) as api:
            query = Query().fields("accounts", "name").page(size=-1)
            stored = {
                item["attributes"]["name"] for item in api.get("/accounts", params=query).data
            }
        return set(names[~bad]) <= stored

    return test


def sync_batch_written(client: ApiClient, names: list[str], keys: tuple[str, ...]) -> Test:
    """14: ``answer`` is the exchange of one ``X-Mode: sync`` batch that created an account per
    name of ``names`` under the request ids ``keys``, each with a contact whose last name is the
    account's name."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.status != 200:
            return False
        if answer.request.headers.get("x-mode", "").lower() != "sync":
            return False
        by_key = {item.get("meta", {}).get("dataId"): item["id"] for item in answer.data}
        with _quiet(client) as api:
            for key, name in zip(keys, names, strict=True):
                if key not in by_key:
                    return False
                stored = api.get(f"/accounts/{by_key[key]}", params={"include": "contacts"})
                last_names = [c["attributes"]["lastName"] for c in stored.included]
                if stored.data["attributes"]["name"] != name or name not in last_names:
                    return False
        return True

    return test


def _search_total(api: ApiClient, params: Mapping[str, str]) -> int | None:
    return api.get("/search", params=params, headers={"X-Include": "totalCount"}).total_count


def search_found_by(client: ApiClient, username: str, word: str, entity: str) -> Test:
    """15: how many records of type ``entity`` a search for ``word`` finds for the user
    ``username`` (password grant; every demo user's password is the username)."""

    def test(answer: Any) -> bool:
        grant = PasswordGrant("sandbox-password", "password-secret", username, username)
        params = {"filter[searchText]": word, "filter[entities]": entity, "page[size]": "1"}
        with ApiClient(client.base_url, auth=grant) as user:
            return _is_number(answer) and answer == _search_total(user, params)

    return test


def orders_by_status(client: ApiClient, condition: str) -> Test:
    """16: the number of orders per status among those ``condition`` (a ``filter[searchQuery]``)
    finds, as a mapping or a pandas Series status → count."""

    def test(answer: Any) -> bool:
        if hasattr(answer, "to_dict") and not isinstance(answer, Mapping):
            answer = answer.to_dict()
        if not isinstance(answer, Mapping):
            return False
        params = {
            "filter[entities]": "orders",
            "filter[searchQuery]": condition,
            "filter[aggregations]": "status count",
            "page[size]": "1",
        }
        with _quiet(client) as api:
            found = api.get("/search", params=params).document["meta"]["aggregatedData"]
        expected = {item["value"]: item["count"] for item in found["statusCount"]}
        given = {str(k): v for k, v in answer.items()}
        return bool(expected) and given == expected and all(_is_count(v) for v in given.values())

    return test


def shopping_list_filled(
    client: ApiClient, name: str, quantities: Mapping[str, float], currency: str
) -> Test:
    """17: ``answer`` is the exchange of a GET, sent with ``X-Currency: currency``, of one of the
    shopping lists of the customer user ``client`` signs in (a storefront client): the list named
    ``name`` whose items hold exactly ``quantities`` (SKU → quantity, the same product's items
    summed), read after its last item was added (its total is the one the server gives now)."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.request.method != "GET":
            return False
        data = answer.data
        if answer.status != 200 or not isinstance(data, dict) or data["type"] != "shoppinglists":
            return False
        if (
            answer.request.headers.get("x-currency") != currency
            or data["attributes"]["name"] != name
        ):
            return False
        priced = {"X-Currency": currency}
        with _quiet(client) as api:
            now = api.get(f"/shoppinglists/{data['id']}", headers=priced)
            items = api.get(
                f"/shoppinglists/{data['id']}/items",
                params={"include": "product", "page[size]": "-1"},
                headers=priced,
            )
        if not now.ok or not items.ok:
            return False
        skus = {product["id"]: product["attributes"]["sku"] for product in items.included}
        held: dict[str, Decimal] = defaultdict(Decimal)
        for item in items.data:
            sku = skus[item["relationships"]["product"]["data"]["id"]]
            held[sku] += Decimal(str(item["attributes"]["quantity"]))
        wanted = {sku: Decimal(str(quantity)) for sku, quantity in quantities.items()}
        return held == wanted and data["attributes"] == now.data["attributes"]

    return test


def checked_out(
    client: ApiClient,
    back_office: ApiClient,
    quantities: Mapping[str, float],
    shipping: tuple[str, str],
    payment: str = "payment_term_1",
) -> Test:
    """18: ``answer`` is the exchange of the payment request (``POST
    /checkouts/{id}/payment…``) that turned a checkout of the customer user ``client`` signs in
    into an order: the checkout is now completed, its line items hold exactly ``quantities`` (SKU
    → quantity), its shipping method and type are ``shipping``, its payment method ``payment``,
    and it ships to an address of the customer user's own; ``back_office`` (a back-office
    client) finds the order, of the checkout's customer and total."""

    def test(answer: Any) -> bool:
        if not isinstance(answer, Exchange) or answer.request.method != "POST":
            return False
        data = answer.data
        if not answer.ok or not isinstance(data, dict) or data["type"] != "orders":
            return False
        *_, kind, checkout_id, _pay = answer.request.url.path.split("/")
        if kind != "checkouts":
            return False
        with _quiet(back_office) as office:
            order = office.get(f"/orders/{data['id']}")
        if not order.ok:
            return False
        in_its_currency = {"X-Currency": order.data["attributes"]["currency"]}
        with _quiet(client) as api:
            checkout = api.get(
                f"/checkouts/{checkout_id}",
                params={"include": "shippingAddress"},
                headers=in_its_currency,
            )
            items = api.get(
                f"/checkouts/{checkout_id}/lineItems",
                params={"include": "product", "page[size]": "-1"},
            )
            own = {address["id"] for address in api.get("/customeruseraddresses").data}
        if not (checkout.ok and items.ok):
            return False
        attributes = checkout.data["attributes"]
        chosen = (attributes["shippingMethod"], attributes["shippingMethodType"])
        if (
            not attributes["completed"]
            or chosen != shipping
            or attributes["paymentMethod"] != payment
        ):
            return False
        skus = {product["id"]: product["attributes"]["sku"] for product in items.included}
        held: dict[str, Decimal] = defaultdict(Decimal)
        for item in items.data:
            held[skus[item["relationships"]["product"]["data"]["id"]]] += Decimal(
                str(item["attributes"]["quantity"])
            )
        shipped_to = [
            address["relationships"]["customerUserAddress"]["data"] for address in checkout.included
        ]
        return (
            held == {sku: Decimal(str(quantity)) for sku, quantity in quantities.items()}
            and len(shipped_to) == 1
            and shipped_to[0] is not None
            and shipped_to[0]["id"] in own
            and order.data["attributes"]["totalValue"] == attributes["totalValue"]
            and order.data["relationships"]["customer"]["data"]
            == checkout.data["relationships"]["customer"]["data"]
        )

    return test


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
