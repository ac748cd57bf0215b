"""The storefront API (reference §2, §4.2, §21): its own prefix, registry, tokens and roles, served
by the same machinery as the back-office API, on both database backends.

Demo layout (server/domain/storefront_seed.py): customer ``c`` has customer users ``2c - 1`` (its
administrator) and ``2c`` (a buyer); customer 3's parent is customer 2; customer 10 is Acme's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server.auth.oauth.seed import CUSTOMER_PASSWORD, demo_summary
from server.auth.websites import STOREFRONT_DISABLED_DETAIL, set_storefront_enabled
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase

SF = "/storefront/api"
CLIENT = {"client_id": "sandbox-storefront", "client_secret": "storefront-secret"}
ACME = {"client_id": "acme-storefront", "client_secret": "acme-storefront-secret"}


def client_of(customer_user_id: int) -> dict[str, str]:
    """The storefront application of the customer user's organization (every tenth customer is
    Acme's)."""
    return ACME if ((customer_user_id + 1) // 2) % 10 == 0 else CLIENT


class Storefront:
    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.origin = live.origin
        self.http = httpx.Client(base_url=live.origin, headers={"Accept": JSON_API}, timeout=30)
        self.tokens: dict[Any, str] = {}

    def email(self, customer_user_id: int) -> str:
        storefront = self.live.app.state.storefront
        users = storefront.schema.tables["customerusers"]
        with storefront.engine.connect() as connection:
            email: str = connection.execute(
                sa.select(users.c.email).where(users.c.id == customer_user_id)
            ).scalar_one()
        return email

    def token_response(
        self, username: str, password: str, client: dict[str, str] = CLIENT
    ) -> httpx.Response:
        body = {"grant_type": "password", **client, "username": username, "password": password}
        return self.http.post("/oauth2-token", json=body)

    def token(self, who: int | str) -> str:
        """A storefront token of customer user ``who`` (an id), or of a visitor (``"guest"``)."""
        if who not in self.tokens:
            if who == "guest":
                response = self.token_response("guest", "guest")
            else:
                assert isinstance(who, int)
                email = self.email(who)
                response = self.token_response(email, CUSTOMER_PASSWORD, client_of(who))
            assert response.status_code == 200, response.text
            self.tokens[who] = response.json()["access_token"]
        return self.tokens[who]

    def get(self, path: str, who: int | str | None, **params: Any) -> httpx.Response:
        headers = {} if who is None else {"Authorization": f"Bearer {self.token(who)}"}
        return self.http.get(SF + path, params=params, headers=headers)


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    with LiveServer(new_database("storefront"), auth=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_API
    data = response.json()["data"]
    return [item["id"] for item in data] if isinstance(data, list) else [data["id"]]


# --- plumbing -----------------------------------------------------------------------------------


def test_dictionaries_are_served_below_the_storefront_prefix(store: Storefront) -> None:
    response = store.get("/localizations", "guest")
    assert ids(response) == ["1", "2"]
    first = response.json()["data"][0]
    assert first["attributes"] == {
        "title": "English (United States)",
        "languageCode": "en",
        "formattingCode": "en_US",
        "rtlMode": False,
    }
    assert first["links"]["self"] == f"{store.origin}{SF}/localizations/1"
    assert ids(store.get("/currencies", "guest")) == ["EUR", "USD"]


def test_a_back_office_type_is_unknown_on_the_storefront(store: Storefront) -> None:
    response = store.get("/users", 2)
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {
            "status": "404",
            "title": "entity type constraint",
            "detail": "Unknown entity type: users.",
        }
    ]


def test_the_storefront_has_no_search_nor_batch_resources(store: Storefront) -> None:
    for path in ("/search", "/asyncoperations/1", "/rest/latest/search"):
        response = store.get(path, 2)
        assert response.status_code == 404, path


def test_storefront_resources_are_read_only(store: Storefront) -> None:
    response = store.http.patch(
        f"{SF}/customerusers/2",
        json={"data": {"type": "customerusers", "id": "2", "attributes": {"firstName": "X"}}},
        headers={"Authorization": f"Bearer {store.token(2)}", "Content-Type": JSON_API},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, GET"


def test_openapi_document_of_the_storefront(store: Storefront) -> None:
    response = store.http.get(f"{SF}/doc/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Oro API Sandbox (storefront)"
    assert f"{SF}/customerusers/{{id}}" in document["paths"]
    assert all(path.startswith(SF + "/") for path in document["paths"])
    assert not any("search" in path for path in document["paths"])
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert list(flows) == ["password", "authorizationCode"]
    assert flows["authorizationCode"]["authorizationUrl"] == "/storefront/oauth2-token/authorize"
    back_office = store.http.get("/api/doc/openapi.json").json()
    assert "/api/users" in back_office["paths"] and "/api/shoppinglists" not in back_office["paths"]


def test_html_documentation_of_the_storefront(store: Storefront) -> None:
    response = store.http.get(f"{SF}/doc/rest_json_api/customeraddresses")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"{SF}/customeraddresses/{{id}}" in response.text


# --- authentication -------------------------------------------------------------------------------


def test_no_token_is_a_401_with_the_bearer_challenge(store: Storefront) -> None:
    response = store.get("/localizations", None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.content == b""


def test_tokens_of_one_api_are_refused_by_the_other(store: Storefront) -> None:
    back_office = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "client_credentials",
            "client_id": "sandbox-integration",
            "client_secret": "integration-secret",
        },
    ).json()["access_token"]
    refused = store.http.get(
        f"{SF}/localizations", headers={"Authorization": f"Bearer {back_office}"}
    )
    assert (refused.status_code, refused.content) == (401, b"")
    assert "www-authenticate" not in refused.headers
    for who in (2, "guest"):
        refused = store.http.get(
            "/api/users", headers={"Authorization": f"Bearer {store.token(who)}"}
        )
        assert (refused.status_code, refused.content) == (401, b"")


def test_password_grant_with_the_customer_users_email(store: Storefront) -> None:
    response = store.token_response(store.email(2).upper(), CUSTOMER_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    refreshed = store.http.post(
        "/oauth2-token",
        json={"grant_type": "refresh_token", **CLIENT, "refresh_token": body["refresh_token"]},
    )
    assert refreshed.status_code == 200, refreshed.text
    token = refreshed.json()["access_token"]
    response = store.http.get(f"{SF}/customerusers", headers={"Authorization": f"Bearer {token}"})
    assert ids(response) == ["2"]


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("nobody@example.com", CUSTOMER_PASSWORD, id="unknown-email"),
        pytest.param("jacob.lewis2@example.com", "wrong", id="wrong-password"),
        pytest.param("admin", "admin", id="back-office-user"),
    ],
)
def test_wrong_customer_credentials(store: Storefront, username: str, password: str) -> None:
    response = store.token_response(username, password)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The user credentials were incorrect.",
    }


def test_a_visitor_token_has_no_refresh_token(store: Storefront) -> None:
    body = store.token_response("guest", "guest").json()
    assert set(body) == {"token_type", "expires_in", "access_token"}


def test_a_back_office_application_cannot_sign_in_a_customer_user(store: Storefront) -> None:
    response = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "password",
            "client_id": "sandbox-password",
            "client_secret": "password-secret",
            "username": store.email(2),
            "password": CUSTOMER_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


# --- access control -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "who", "expected"),
    [
        pytest.param("/customerusers", 2, ["2"], id="buyer-own-profile"),
        pytest.param("/customerusers", 1, ["1", "2"], id="administrator-their-customer"),
        pytest.param("/customers", 2, ["1"], id="buyer-own-customer"),
        pytest.param("/customers", 5, ["3"], id="administrator-not-the-parent"),
        pytest.param("/customeraddresses", 2, ["1"], id="buyer-customer-address"),
        pytest.param("/customeruseraddresses", 2, ["2"], id="buyer-own-address"),
        pytest.param("/customeruseraddresses", 1, ["1", "2"], id="administrator-addresses"),
        pytest.param("/customerusers", 19, ["19", "20"], id="acme-administrator"),
    ],
)
def test_lists_hold_what_the_caller_may_see(
    store: Storefront, path: str, who: int, expected: list[str]
) -> None:
    assert ids(store.get(path, who)) == expected


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/customerusers/3", id="item"),
        pytest.param("/customerusers/1", id="own-customers-administrator"),
        pytest.param("/customers/2", id="other-customer"),
        pytest.param("/customeruseraddresses/3", id="other-address"),
        pytest.param("/customerusers/3/customer", id="sub-resource"),
        pytest.param("/customerusers/3/relationships/customer", id="relationship"),
    ],
)
def test_a_buyer_cannot_read_anothers_records(store: Storefront, path: str) -> None:
    response = store.get(path, 2)
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["title"] == "access denied exception"


def test_a_nested_filter_does_not_reach_across_customers(store: Storefront) -> None:
    other = store.email(3)  # customer 2's administrator
    found = store.get("/customeruseraddresses", 1, **{"filter[customerUser.email]": other})
    assert ids(found) == []
    own = store.get("/customeruseraddresses", 1, **{"filter[customerUser.email]": store.email(2)})
    assert ids(own) == ["2"]
    # customer 3's parent is customer 2: its administrator cannot find customer 3 by it
    parent = store.get("/customers/2", 3).json()["data"]["attributes"]["name"]
    assert ids(store.get("/customers", 5, **{"filter[parent.name]": parent})) == []
    assert ids(store.get("/customers", 3, **{"filter[parent.name]": parent})) == []


def test_an_include_does_not_reach_across_customers(store: Storefront) -> None:
    response = store.get("/customers/3", 5, include="parent")
    assert ids(response) == ["3"]
    document = response.json()
    assert document["data"]["relationships"]["parent"]["data"] is None
    assert "included" not in document
    response = store.get("/customeruseraddresses", 2, include="customerUser.customer")
    included = {(item["type"], item["id"]) for item in response.json()["included"]}
    assert included == {("customerusers", "2"), ("customers", "1")}


def test_a_sub_resource_of_ones_own_record(store: Storefront) -> None:
    assert ids(store.get("/customerusers/2/customer", 2)) == ["1"]
    assert ids(store.get("/customerusers/1/addresses", 1)) == ["1"]


def test_a_visitor_reads_the_guest_resources_only(store: Storefront) -> None:
    assert ids(store.get("/countries", "guest", **{"page[size]": "1"})) == ["AU"]
    response = store.get("/customers", "guest")
    assert response.status_code == 403
    assert response.json()["errors"][0]["title"] == "access denied exception"


# --- the API feature per website ------------------------------------------------------------------


def test_the_storefront_api_switched_off_for_a_website(store: Storefront) -> None:
    storefront = store.live.app.state.storefront
    body = {"grant_type": "password", **ACME, "username": "guest", "password": "guest"}
    token = store.http.post("/oauth2-token", json=body).json()["access_token"]
    with storefront.engine.begin() as connection:
        set_storefront_enabled(connection, storefront.schema, 2, api=False)
    storefront.websites.invalidate()
    try:
        response = store.http.get(
            f"{SF}/localizations", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 404
        assert response.json()["errors"] == [
            {
                "status": "404",
                "title": "not found http exception",
                "detail": STOREFRONT_DISABLED_DETAIL,
            }
        ]
        refused = store.http.post("/oauth2-token", json=body)
        assert refused.status_code == 400
        assert ids(store.get("/localizations", "guest")) == ["1", "2"]  # the other website
    finally:
        with storefront.engine.begin() as connection:
            set_storefront_enabled(connection, storefront.schema, 2, api=True)
        storefront.websites.invalidate()


def test_guest_access_switched_off_for_a_website(store: Storefront) -> None:
    storefront = store.live.app.state.storefront
    token = store.token("guest")
    with storefront.engine.begin() as connection:
        set_storefront_enabled(connection, storefront.schema, 1, guests=False)
    try:
        response = store.http.get(
            f"{SF}/localizations", headers={"Authorization": f"Bearer {token}"}
        )
        assert (response.status_code, response.content) == (401, b"")
        assert store.token_response("guest", "guest").json() == {
            "error": "invalid_grant",
            "error_description": "The guest storefront API is disabled for this website.",
        }
        assert ids(store.get("/customerusers", 2)) == ["2"]
    finally:
        with storefront.engine.begin() as connection:
            set_storefront_enabled(connection, storefront.schema, 1, guests=True)


def test_the_banner_lists_the_storefront_application_and_customer_users(store: Storefront) -> None:
    backend = store.live.app.state.backend
    with backend.engine.connect() as connection:
        lines = demo_summary(connection, backend.schema).splitlines()
    assert any(line.split()[:2] == ["sandbox-storefront", "storefront-secret"] for line in lines)
    at = lines.index(
        "Storefront customer users (sandbox-storefront; every password is 'storefront';"
        " a visitor logs in as guest/guest), e.g.:"
    )
    assert lines[at + 2].split()[:2] == [store.email(1), CUSTOMER_PASSWORD]
    assert lines[at + 2].split()[-1] == "ROLE_FRONTEND_ADMINISTRATOR"


def test_the_oro_layout_serves_the_storefront_at_api(new_database: NewDatabase) -> None:
    settings = {"api_prefix": "/admin/api", "storefront_prefix": "/api"}
    with LiveServer(new_database("oro-layout"), auth=True, **settings) as live:
        store = Storefront(live)
        try:
            token = store.token(2)
            response = store.http.get(
                "/api/customerusers", headers={"Authorization": f"Bearer {token}"}
            )
            assert ids(response) == ["2"]
            assert (
                response.json()["data"][0]["links"]["self"] == f"{live.origin}/api/customerusers/2"
            )
            back_office = store.http.get(
                "/admin/api/users/1", headers={"Authorization": f"Bearer {token}"}
            )
            assert (back_office.status_code, back_office.content) == (401, b"")
            assert store.http.get("/admin/api/doc/openapi.json").json()["paths"]["/admin/api/users"]
            assert store.http.get("/api/doc/openapi.json").json()["paths"]["/api/customerusers"]
        finally:
            store.http.close()


# --- products: localization, currency, SKU ----------------------------------------------------


def product(store: Storefront, who: int | str, path: str, **headers: str) -> dict[str, Any]:
    token = {"Authorization": f"Bearer {store.token(who)}"}
    response = store.http.get(SF + path, headers=token | headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_API
    data: dict[str, Any] = response.json()["data"]
    return data


def acme_guest(store: Storefront) -> str:
    body = {"grant_type": "password", **ACME, "username": "guest", "password": "guest"}
    token: str = store.http.post("/oauth2-token", json=body).json()["access_token"]
    store.tokens["acme-guest"] = token
    return "acme-guest"


@pytest.mark.parametrize(
    ("headers", "name", "description"),
    [
        pytest.param({}, "Antimicrobial Work Gloves", "made for everyday", id="website-default"),
        pytest.param(
            {"X-Localization-ID": "2"}, "Antimikrobieller Arbeitshandschuh", "gemacht für", id="de"
        ),
        pytest.param({"X-Localization-ID": "1"}, "Antimicrobial Work Gloves", "made for", id="en"),
        pytest.param(
            {"X-Localization-ID": "99"}, "Antimicrobial Work Gloves", "made", id="unknown"
        ),
        pytest.param(
            {"X-Localization-ID": "de"}, "Antimicrobial Work Gloves", "made", id="malformed"
        ),
    ],
)
def test_product_names_in_the_requested_localization(
    store: Storefront, headers: dict[str, str], name: str, description: str
) -> None:
    attributes = product(store, "guest", "/products/1", **headers)["attributes"]
    assert attributes["name"] == name
    assert description in attributes["description"]


def test_the_websites_localization_and_currency_are_the_defaults(store: Storefront) -> None:
    guest = acme_guest(store)  # Acme Retail's website: German, EUR
    attributes = product(store, guest, "/products/181")["attributes"]
    assert (attributes["name"], attributes["currencyId"]) == ("Komfort-Werkzeuggürtel", "EUR")
    english = product(store, guest, "/products/181", **{"X-Localization-ID": "1"})
    assert english["attributes"]["name"] == "Comfort Tool Belt"
    assert ids(store.get("/products", guest, **{"page[size]": "2"})) == ["181", "182"]


@pytest.mark.parametrize(
    ("headers", "price", "currency"),
    [
        pytest.param({}, "163.9900", "USD", id="website-default"),
        pytest.param({"X-Currency": "EUR"}, "150.8700", "EUR", id="eur"),
        pytest.param({"X-Currency": "eur"}, "150.8700", "EUR", id="any-case"),
        pytest.param({"X-Currency": "GBP"}, "163.9900", "USD", id="unknown"),
    ],
)
def test_product_prices_in_the_requested_currency(
    store: Storefront, headers: dict[str, str], price: str, currency: str
) -> None:
    attributes = product(store, 2, "/products/1", **headers)["attributes"]
    assert (attributes["price"], attributes["currencyId"]) == (price, currency)


def test_a_product_addressed_by_its_sku(store: Storefront) -> None:
    sku = product(store, 2, "/products/1")["attributes"]["sku"]
    by_sku = product(store, 2, f"/products/{sku}", **{"X-Product-ID": "sku"})
    assert (by_sku["id"], by_sku["attributes"]["sku"]) == ("1", sku)
    token = {"Authorization": f"Bearer {store.token(2)}", "X-Product-ID": "sku"}
    for missing in ("1", "NOPE"):
        response = store.http.get(f"{SF}/products/{missing}", headers=token)
        assert response.status_code == 404
        assert response.json()["errors"][0]["detail"] == (
            "An entity with the requested identifier does not exist."
        )
    acme_sku = product(store, 19, "/products/181")["attributes"]["sku"]
    response = store.http.get(f"{SF}/products/{acme_sku}", headers=token)
    if acme_sku != sku:  # another organization's product is out of reach by its SKU too
        assert response.status_code == 404


def test_products_of_the_callers_website_only(store: Storefront) -> None:
    response = store.get("/products", 2, **{"page[size]": "200"})
    assert ids(response) == [str(i) for i in range(1, 181)]
    response = store.get("/products/181", 2)
    assert response.status_code == 403


def test_localized_and_priced_fields_are_not_filters(store: Storefront) -> None:
    for name in ("name", "price"):
        response = store.get("/products", 2, **{f"filter[{name}]": "1"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["title"] == "filter constraint"


@pytest.mark.parametrize(
    ("path", "label", "others"),
    [
        pytest.param("/doc", "JSON:API", ["doc/rest_json_api_sku"], id="default"),
        pytest.param("/doc/rest_json_api_sku", "JSON:API (SKU)", ["rest_json_api"], id="sku-view"),
        pytest.param(
            "/doc/rest_json_api_sku/products", "JSON:API (SKU)", ["../rest_json_api"], id="sku-type"
        ),
    ],
)
def test_the_storefront_documentation_views(
    store: Storefront, path: str, label: str, others: list[str]
) -> None:
    response = store.http.get(SF + path)
    assert response.status_code == 200
    header = response.text.split('<span class="view">', 1)[1].split("</span>", 1)[0]
    assert f"<strong>{label}</strong>" in header
    assert re.findall(r'href="([^"]+)"', header) == others
    if "sku" in path:
        assert "X-Product-ID: sku" in response.text


def test_the_back_office_has_no_sku_view(store: Storefront) -> None:
    response = store.http.get("/api/doc/rest_json_api_sku")
    assert response.status_code == 404
    header = store.http.get("/api/doc").text.split('<span class="view">', 1)[1].split("</span>")[0]
    assert "href" not in header
