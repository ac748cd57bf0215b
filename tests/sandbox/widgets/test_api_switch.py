"""The sandbox's API switch: the back-office API or the storefront API, each with its own client,
metadata, sign-in and headers — the app driven headless against a live server with auth on, and
the pure parts alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import ApiClient, Metadata
from sandbox.auth import ClientCredentials, PasswordGrant, Visitor
from sandbox.widgets import SandboxApp
from sandbox.widgets.api_switch import (
    BACK_OFFICE,
    STOREFRONT,
    back_office_root,
    client_api,
    preset_api,
    storefront_auth,
    storefront_root,
)
from server.domain.resources import build_registry
from server.openapi import build_openapi
from tests.live_server import LiveServer

BACK_OFFICE_APP = ("sandbox-integration", "integration-secret")
BUYER = "jacob.lewis2@example.com"  # customer user 2, a buyer of customer 1


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("switch") / "sandbox.db", auth=True) as server:
        yield server


@pytest.fixture
def app(live: LiveServer) -> Iterator[SandboxApp]:
    metadata = Metadata.from_openapi(build_openapi(build_registry()))
    with ApiClient(live.origin + "/api", ClientCredentials(*BACK_OFFICE_APP)) as client:
        sandbox = SandboxApp(client, metadata)
        yield sandbox
        for other, _ in sandbox.api_switch.clients.values():
            other.close()


def test_the_storefront_has_its_own_metadata_sign_in_and_answers(app: SandboxApp) -> None:
    back_office = app.client
    assert "accounts" in app.metadata.types
    app.api_switch.api.value = STOREFRONT  # what a click on "Storefront API" does
    assert app.client is not back_office
    assert app.client.base_url.endswith("/storefront/api")
    assert isinstance(app.client.auth, Visitor)  # a guest until told otherwise
    assert "accounts" not in app.metadata.types and "products" in app.metadata.types
    assert "storefront guest (visitor)" in app.header.value
    assert "as a guest (visitor)" in app.api_switch.message
    assert app.api_switch.storefront.layout.display is None  # its sign-in and headers shown
    assert app.search_button.layout.display == "none"  # the back-office's tools: hidden
    app.builder.type.value = "products"
    exchange = app.send()
    assert exchange is not None and exchange.status == 200
    assert exchange.request.url.path.endswith("/storefront/api/products")
    assert "api=storefront&amp;type=products" in app.share.value  # a link opens it there again

    app.builder.type.value = "customerusers"  # not a guest resource: what to do is said
    refused = app.send()
    assert refused is not None and refused.status == 403
    assert "sign in as a customer user above" in app.message.value

    app.api_switch.api.value = BACK_OFFICE
    assert app.client is back_office and "accounts" in app.metadata.types
    assert app.api_switch.storefront.layout.display == "none"
    assert app.search_button.layout.display is None

    app.history_view.select(exchange)  # a storefront exchange of the History: back there
    assert app.api_switch.current == STOREFRONT and app.builder.spec.type == "products"
    assert app.api_switch.hint(exchange) == ""  # a 200 needs no hint
    assert app.response.status_text == "200 OK"


def test_the_storefront_headers_are_offered_from_its_lists(app: SandboxApp) -> None:
    app.api_switch.switch(STOREFRONT)
    switch = app.api_switch
    assert [value for _, value in switch.localization.options] == ["", "1", "2"]
    assert switch.localization.options[2][0] == "German (Germany) (id 2)"
    assert [value for _, value in switch.currency.options] == ["", "EUR", "USD"]
    switch.localization.value = "2"
    switch.currency.value = "EUR"
    switch.by_sku.value = True
    assert "X-Localization-ID: 2" in app.code.text and "X-Currency: EUR" in app.code.text
    assert "X-Product-ID: sku" in app.code.text
    app.builder.type.value = "products"
    app.builder.action.value = "get"
    app.builder.id.value = "4HH33"  # with X-Product-ID: sku a product is named by its SKU
    exchange = app.send()
    assert exchange is not None and exchange.status == 200
    product = exchange.data
    assert product["attributes"]["name"] == "Antimikrobieller Arbeitshandschuh"
    assert product["attributes"]["currencyId"] == "EUR"
    assert exchange.request.headers["x-localization-id"] == "2"
    switch.by_sku.value = False  # a setting switched off sends no header
    assert "X-Product-ID" not in app.client.headers


def test_a_customer_user_signs_in_and_a_wrong_password_is_said(app: SandboxApp) -> None:
    switch = app.api_switch
    app.open_preset("api=storefront")
    assert switch.current == STOREFRONT
    switch.who.value = "customer"
    assert switch.email.layout.display is None and switch.email.value == BUYER
    switch.sign_in_button.click()
    assert isinstance(app.client.auth, PasswordGrant) and app.client.auth.username == BUYER
    assert f"OAuth password grant ({BUYER})" in app.header.value
    app.builder.type.value = "customerusers"
    exchange = app.send()
    assert exchange is not None and exchange.status == 200
    assert [item["id"] for item in exchange.data] == ["2"]  # their own profile

    signed_in = app.client
    switch.password.value = "wrong"
    switch.sign_in_button.click()
    assert switch.message.endswith("The user credentials were incorrect.")
    assert switch.message.startswith("Not signed in to ")
    assert app.client is signed_in  # the last good sign-in stays


def test_a_link_presets_a_storefront_request(live: LiveServer) -> None:
    with ApiClient(live.origin + "/api", ClientCredentials(*BACK_OFFICE_APP)) as client:
        app = SandboxApp(
            client, preset="api=storefront&type=products&filter[sku]=4HH33", send_preset=True
        )
        assert app.api_switch.current == STOREFRONT
        assert app.exchange is not None and app.exchange.status == 200
        assert app.exchange.request.url.path.endswith("/storefront/api/products")
        assert [item["attributes"]["sku"] for item in app.exchange.data] == ["4HH33"]
        app.api_switch.clients[STOREFRONT][0].close()


def test_the_server_panel_goes_back_to_the_back_office(app: SandboxApp, live: LiveServer) -> None:
    app.api_switch.switch(STOREFRONT)
    app.environment.url.value = live.origin + "/api"
    app.environment.auth.value = "client_credentials"
    app.environment.first.value, app.environment.second.value = BACK_OFFICE_APP
    app.environment.connect_button.click()
    assert app.api_switch.current == BACK_OFFICE
    assert STOREFRONT not in app.api_switch.clients  # signs in anew beside the new server
    assert "accounts" in app.metadata.types
    app.api_switch.switch(STOREFRONT)
    assert app.client.base_url == live.origin + "/storefront/api"


def test_an_app_given_a_storefront_client_starts_on_the_storefront(live: LiveServer) -> None:
    auth = PasswordGrant("sandbox-storefront", "storefront-secret", BUYER, "storefront")
    with ApiClient(live.origin + "/storefront/api", auth, currency="EUR", product_id="sku") as shop:
        app = SandboxApp(shop)
        switch = app.api_switch
        assert switch.current == STOREFRONT and app.client is shop
        assert "products" in app.metadata.types and "accounts" not in app.metadata.types
        assert (switch.who.value, switch.email.value) == ("customer", BUYER)
        assert (switch.localization.value, switch.currency.value, switch.by_sku.value) == (
            "",
            "EUR",
            True,
        )
        assert shop.currency == "EUR" and shop.product_id == "sku"  # kept as given
        assert app.search_button.layout.display == "none"
        switch.switch(BACK_OFFICE)  # the back-office beside it, as the demo application
        assert app.client.base_url == live.origin + "/api" and "accounts" in app.metadata.types
        assert isinstance(app.client.auth, ClientCredentials)
        app.builder.type.value = "accounts"
        exchange = app.send()
        assert exchange is not None and exchange.status == 200
        switch.switch(STOREFRONT)
        assert app.client is shop
        app.api_switch.clients[BACK_OFFICE][0].close()


# --- the pure parts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("type=accounts&filter[name]=Acme", (BACK_OFFICE, "type=accounts&filter[name]=Acme")),
        ("api=storefront&type=products", (STOREFRONT, "type=products")),
        ("type=products&api=storefront", (STOREFRONT, "type=products")),
        ("api=storefront", (STOREFRONT, "")),
        ("api=back-office&type=users", (BACK_OFFICE, "type=users")),
        ("api=nonsense&type=users", (BACK_OFFICE, "type=users")),
        ("type=users&filter[api]=x", (BACK_OFFICE, "type=users&filter[api]=x")),
    ],
)
def test_preset_api(preset: str, expected: tuple[str, str]) -> None:
    assert preset_api(preset) == expected


def test_storefront_root_by_the_layouts(tmp_path: Path) -> None:
    assert storefront_root("http://h/api", {}) == "http://h/storefront/api"
    assert storefront_root("http://h/admin/api/", {}) == "http://h/api"
    assert storefront_root("http://h/rest", {}) is None
    given = {"ORO_SANDBOX_URL": "http://h/rest", "ORO_SANDBOX_STOREFRONT_URL": "http://s/api/"}
    assert storefront_root("http://h/rest", given) == "http://s/api"
    assert storefront_root("http://other/api", given) == "http://other/storefront/api"


def test_storefront_auth() -> None:
    guest = storefront_auth("guest", environ={})
    assert isinstance(guest, Visitor) and guest.client_id == "sandbox-storefront"
    user = storefront_auth("customer", f" {BUYER} ", "storefront", visitor_token="v1", environ={})
    assert isinstance(user, PasswordGrant) and not isinstance(user, Visitor)
    assert (user.username, user.password, user.visitor_access_token) == (BUYER, "storefront", "v1")
    own = {"ORO_SANDBOX_STOREFRONT_CLIENT_ID": "shop", "ORO_SANDBOX_STOREFRONT_CLIENT_SECRET": "s"}
    assert storefront_auth("guest", environ=own).client_id == "shop"
    with pytest.raises(ValueError, match="email"):
        storefront_auth("customer", " ", "storefront", environ={})


def test_back_office_root_and_client_api() -> None:
    assert back_office_root("http://h/storefront/api", {}) == "http://h/api"
    assert back_office_root("http://h/api", {}) == "http://h/admin/api"  # OroCommerce's layout
    assert back_office_root("http://h/rest", {}) is None
    given = {"ORO_SANDBOX_URL": "http://h/rest", "ORO_SANDBOX_STOREFRONT_URL": "http://s/shop"}
    assert back_office_root("http://s/shop", given) == "http://h/rest"
    assert client_api(ApiClient("http://h/api"), {}) == BACK_OFFICE
    assert client_api(ApiClient("http://h/x", Visitor("any", None)), {}) == STOREFRONT
    buyer = PasswordGrant("sandbox-storefront", "s", BUYER, "storefront")
    assert client_api(ApiClient("http://h/x", buyer), {}) == STOREFRONT
    admin = PasswordGrant("sandbox-password", "s", "admin", "admin")
    assert client_api(ApiClient("http://h/api", admin), {}) == BACK_OFFICE
    assert client_api(ApiClient("http://s/shop/"), given) == STOREFRONT
