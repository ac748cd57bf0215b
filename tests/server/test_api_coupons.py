"""The back-office ``coupons`` resource (server/domain/resources.py, server/domain/coupons.py) over
HTTP, on both database backends: the demo coupons, a new one, its code unique in the organization.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase

INTEGRATION = {"client_id": "sandbox-integration", "client_secret": "integration-secret"}
DEMO = ["SALE25", "TENOFF", "WELCOME5", "SUMMER2025", "NEXTYEAR", "PAUSED10", "FIRST100"]


@pytest.fixture(scope="module")
def http(new_database: NewDatabase) -> Iterator[httpx.Client]:
    with (
        LiveServer(new_database("coupons"), auth=True) as live,
        httpx.Client(base_url=live.origin, timeout=30) as client,
    ):
        body = {"grant_type": "client_credentials", **INTEGRATION}  # (admin, organization 1)
        token = client.post("/oauth2-token", json=body).json()["access_token"]
        client.base_url = httpx.URL(live.origin + "/api")
        client.headers.update(
            {"Accept": JSON_API, "Content-Type": JSON_API, "Authorization": f"Bearer {token}"}
        )
        yield client


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    return response.json()["data"]


def codes(response: httpx.Response) -> list[str]:
    return [item["attributes"]["code"] for item in data(response)]


def test_the_demo_coupons_of_the_callers_organization(http: httpx.Client) -> None:
    # (the administrator of organization 1: Acme's ACME10 is not theirs)
    assert codes(http.get("/coupons", params={"sort": "id"})) == DEMO


def test_a_coupon(http: httpx.Client) -> None:
    coupon = data(http.get("/coupons/1"))
    assert coupon["attributes"] == {
        "code": "SALE25",
        "description": "25% off the order",
        "enabled": True,
        "validFrom": None,
        "validUntil": None,
        "usesPerCoupon": None,
        "usesPerPerson": None,
        "discountPercent": 0.25,
        "discountAmount": None,
        "currency": None,
        "createdAt": "2026-05-01T00:00:00Z",
        "updatedAt": "2026-05-01T00:00:00Z",
    }
    assert coupon["relationships"]["owner"]["data"] == {"type": "businessunits", "id": "1"}
    tenoff = data(http.get("/coupons/2"))["attributes"]
    assert (tenoff["discountAmount"], tenoff["currency"]) == ("10.0000", "USD")
    expired = data(http.get("/coupons", params={"filter[validUntil][lt]": "2026-01-01"}))
    assert [item["attributes"]["code"] for item in expired] == ["SUMMER2025"]
    disabled = http.get("/coupons", params={"filter[enabled]": "false"})
    assert codes(disabled) == ["PAUSED10"]


def test_create_a_coupon_whose_code_is_unique(http: httpx.Client) -> None:
    body = {
        "data": {
            "type": "coupons",
            "attributes": {
                "code": "SPRING10",
                "description": "10% off",
                "enabled": True,
                "discountPercent": 0.1,
                "validUntil": "2027-05-31T23:59:59Z",
            },
        }
    }
    created = data(http.post("/coupons", json=body), 201)
    assert created["attributes"]["code"] == "SPRING10"
    assert created["relationships"]["organization"]["data"]["id"] == "1"
    again = http.post("/coupons", json=body)
    assert again.status_code == 400, again.text
    (error,) = again.json()["errors"]
    assert error["title"] == "unique entity constraint"
    assert error["source"] == {"pointer": "/data/attributes/code"}
    assert codes(http.get("/coupons", params={"filter[code][starts_with]": "SPR"})) == ["SPRING10"]


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        pytest.param({"code": "X1", "discountPercent": 1.5}, "discountPercent", id="percent"),
        pytest.param({"code": "X2", "usesPerCoupon": -1}, "usesPerCoupon", id="uses"),
        pytest.param({"description": "no code"}, "code", id="no-code"),
    ],
)
def test_invalid_coupons_are_refused(
    http: httpx.Client, attributes: dict[str, Any], pointer: str
) -> None:
    response = http.post("/coupons", json={"data": {"type": "coupons", "attributes": attributes}})
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["source"] == {"pointer": f"/data/attributes/{pointer}"}
