"""The client on OroCommerce's storefront API, with real HTTP against a live server with
authentication on: a visitor and a customer user signing in (token endpoint errors as
``TokenError``), tokens of the other API refused with a clear 401, the storefront's request
settings (``X-Localization-ID``, ``X-Currency``, ``X-Product-ID``) on every request and in the
snippets and history, and the metadata read from the storefront's own OpenAPI document — in our
layout and in OroCommerce's (storefront at ``/api``, back-office at ``/admin/api``).

Demo customer users (deterministic seed): 1 ``robert.ramirez1@example.com`` administers customer
1, 2 ``jacob.lewis2@example.com`` is its buyer; every password is ``storefront``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import orjson
import pytest

from sandbox.auth import EARLY_REFRESH, ClientCredentials, PasswordGrant, TokenError, Visitor
from sandbox.client import ApiClient, Exchange
from sandbox.exceptions import ApiResponseError
from sandbox.frames import fetch_all
from sandbox.history import History
from sandbox.metadata import Metadata
from sandbox.snippets import to_curl, to_httpie, to_httpx
from tests.live_server import LiveServer
from tests.sandbox.test_auth import Clock, logged_client

STOREFRONT_APP = ("sandbox-storefront", "storefront-secret")
BACK_OFFICE_APP = ("sandbox-integration", "integration-secret")
BUYER = "jacob.lewis2@example.com"  # customer user 2, a buyer of customer 1
PASSWORD = "storefront"


class Layout:
    """A live server with authentication on, and the roots of its two APIs."""

    def __init__(self, live: LiveServer, back_office: str, storefront: str) -> None:
        self.origin = live.origin
        self.back_office = live.origin + back_office
        self.storefront = live.origin + storefront


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    with LiveServer(tmp_path_factory.mktemp("storefront") / "sandbox.db", auth=True) as live:
        yield Layout(live, "/api", "/storefront/api")


@pytest.fixture(scope="module")
def oro(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    """OroCommerce's layout (``--oro-layout``)."""
    database = tmp_path_factory.mktemp("oro-layout") / "sandbox.db"
    with LiveServer(database, auth=True, api_prefix="/admin/api", storefront_prefix="/api") as live:
        yield Layout(live, "/admin/api", "/api")


@pytest.fixture(params=["ours", "oro"])
def layout(request: pytest.FixtureRequest) -> Layout:
    server: Layout = request.getfixturevalue(request.param)
    return server


def ids(exchange: Exchange) -> list[str]:
    assert (exchange.status, exchange.headers["content-type"]) == (200, "application/vnd.api+json")
    data = exchange.data
    return [item["id"] for item in data] if isinstance(data, list) else [data["id"]]


def api_path(layout: Layout) -> str:
    return httpx.URL(layout.storefront).path


# --- signing in ---------------------------------------------------------------------------------


def test_a_visitor_reads_localizations(layout: Layout) -> None:
    auth = Visitor(*STOREFRONT_APP)
    api, log = logged_client(layout.storefront, auth)
    with api:
        exchange = api.get("/localizations")
    assert ids(exchange) == ["1", "2"]
    assert exchange.data[1]["attributes"]["title"] == "German (Germany)"
    assert log.take() == ["token password → 200", f"GET {api_path(layout)}/localizations → 200"]
    token_request = log.requests[0]
    assert str(token_request.url) == layout.origin + "/oauth2-token"
    assert orjson.loads(token_request.content) == {
        "client_id": "sandbox-storefront",
        "client_secret": "storefront-secret",
        "grant_type": "password",
        "username": "guest",
        "password": "guest",
    }
    assert auth.refresh_token is None  # a visitor token comes alone
    assert repr(auth) == "<Visitor client_id='sandbox-storefront'>"


def test_a_visitor_reads_only_the_guest_resources(ours: Layout) -> None:
    with ApiClient(ours.storefront, Visitor(*STOREFRONT_APP)) as api:
        exchange = api.get("/customerusers")
    assert exchange.status == 403
    assert [(e.status, e.title) for e in exchange.errors] == [("403", "access denied exception")]


def test_a_customer_user_reads_their_own_profile_and_is_refreshed(layout: Layout) -> None:
    clock = Clock()
    auth = PasswordGrant(*STOREFRONT_APP, BUYER.upper(), PASSWORD, clock=clock)  # email: any case
    api, log = logged_client(layout.storefront, auth)
    with api:
        mine = api.get("/customerusers")
        assert ids(mine) == ["2"]  # a buyer sees their own profile only
        assert mine.data[0]["attributes"]["email"] == BUYER
        assert ids(api.get("/customerusers/2")) == ["2"]
        assert api.get("/customerusers/1").status == 403  # their administrator's: not theirs
        first_refresh = auth.refresh_token
        assert first_refresh is not None
        clock.now += 3600 - EARLY_REFRESH + 1  # about to expire: renewed with the refresh token
        assert ids(api.get("/customerusers/2")) == ["2"]
    path = api_path(layout)
    assert log.take() == [
        "token password → 200",
        f"GET {path}/customerusers → 200",
        f"GET {path}/customerusers/2 → 200",
        f"GET {path}/customerusers/1 → 403",
        "token refresh_token → 200",
        f"GET {path}/customerusers/2 → 200",
    ]
    assert orjson.loads(log.requests[-2].content)["refresh_token"] == first_refresh
    assert auth.refresh_token not in (None, first_refresh)


def test_a_customer_user_signs_in_with_the_visitors_token_once(ours: Layout) -> None:
    visitor = Visitor(*STOREFRONT_APP)
    with ApiClient(ours.storefront, visitor) as guest:
        assert guest.get("/currencies").status == 200
    assert visitor.access_token is not None
    clock = Clock()
    auth = PasswordGrant(
        *STOREFRONT_APP, BUYER, PASSWORD, visitor_access_token=visitor.access_token, clock=clock
    )
    api, log = logged_client(ours.storefront, auth)
    with api:
        assert ids(api.get("/customerusers/2")) == ["2"]
        assert auth.visitor_access_token is None  # handed over with the sign-in
        clock.now += 7200
        auth.refresh_token = None  # a new sign-in: the user's alone
        assert ids(api.get("/customerusers/2")) == ["2"]
    bodies = [orjson.loads(r.content) for r in log.requests if r.url.path == "/oauth2-token"]
    assert [body.get("visitor_access_token") for body in bodies] == [visitor.access_token, None]
    assert [body["username"] for body in bodies] == [BUYER, BUYER]


@pytest.fixture(scope="module")
def guest_lists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    """Our layout with guest shopping lists on (``--guest-shopping-lists``)."""
    database = tmp_path_factory.mktemp("guest-lists") / "sandbox.db"
    with LiveServer(database, auth=True, storefront_guest_shopping_lists=True) as live:
        yield Layout(live, "/api", "/storefront/api")


def test_the_visitors_shopping_list_follows_the_sign_in(guest_lists: Layout) -> None:
    visitor = Visitor(*STOREFRONT_APP)
    new_list = {"data": {"type": "shoppinglists", "attributes": {"name": "Before signing in"}}}
    with ApiClient(guest_lists.storefront, visitor) as guest:
        created = guest.post("/shoppinglists", json=new_list)
        assert created.status == 201, created.text
        list_id = created.data["id"]
        auth = PasswordGrant(
            *STOREFRONT_APP, BUYER, PASSWORD, visitor_access_token=visitor.access_token
        )
        with ApiClient(guest_lists.storefront, auth) as buyer:
            moved = buyer.get(f"/shoppinglists/{list_id}")
            assert (moved.status, moved.data["relationships"]["customerUser"]["data"]) == (
                200,
                {"type": "customerusers", "id": "2"},
            )
        assert guest.get("/shoppinglists").data == []


@pytest.mark.parametrize(
    ("auth", "status", "error"),
    [
        pytest.param(
            PasswordGrant(*STOREFRONT_APP, BUYER, "wrong"), 400, "invalid_grant", id="password"
        ),
        pytest.param(Visitor("sandbox-storefront", "wrong"), 401, "invalid_client", id="secret"),
        pytest.param(  # a back-office application cannot sign a customer user in
            PasswordGrant("sandbox-password", "password-secret", BUYER, PASSWORD),
            400,
            "invalid_grant",
            id="back-office-app",
        ),
    ],
)
def test_a_refused_sign_in_is_a_token_error(
    ours: Layout, auth: httpx.Auth, status: int, error: str
) -> None:
    with ApiClient(ours.storefront, auth) as api, pytest.raises(TokenError) as refused:
        api.get("/localizations")
    assert (refused.value.status, refused.value.error) == (status, error)
    assert str(refused.value).startswith(f"{status} {error}: ")


def test_a_back_office_client_on_the_storefront_gets_a_clear_401(layout: Layout) -> None:
    api, log = logged_client(layout.storefront, ClientCredentials(*BACK_OFFICE_APP))
    with api:
        exchange = api.get("/localizations")
    assert (exchange.status, exchange.raw, exchange.errors) == (401, b"", [])
    path = api_path(layout)
    assert log.take() == [  # the token is good (for the back-office): one fresh one, one retry
        "token client_credentials → 200",
        f"GET {path}/localizations → 401",
        "token client_credentials → 200",
        f"GET {path}/localizations → 401",
    ]
    with pytest.raises(ApiResponseError) as raised:
        exchange.raise_for_errors()
    assert str(raised.value) == (
        f"401 for GET {layout.storefront}/localizations: Unauthorized; the server refused the"
        " credentials (an expired or revoked token, or a token of the other API: back-office and"
        " storefront tokens are not interchangeable)"
    )


def test_a_storefront_token_on_the_back_office_is_refused(layout: Layout) -> None:
    with ApiClient(layout.back_office, PasswordGrant(*STOREFRONT_APP, BUYER, PASSWORD)) as api:
        assert api.get("/users/1").status == 401
    with ApiClient(layout.back_office, ClientCredentials(*BACK_OFFICE_APP)) as api:
        assert api.get("/users/1").status == 200  # the same server, the right token


def test_no_credentials_is_a_401_that_says_so(ours: Layout) -> None:
    with ApiClient(ours.storefront) as api:
        exchange = api.get("/localizations")
    assert (exchange.status, exchange.headers["www-authenticate"]) == (401, "Bearer")
    with pytest.raises(
        ApiResponseError, match=r"Unauthorized; the request carried no credentials$"
    ):
        exchange.raise_for_errors()


# --- the request settings -----------------------------------------------------------------------


def test_the_settings_go_with_every_request_and_show_in_snippets_and_history(
    ours: Layout,
) -> None:
    history = History()
    api = ApiClient(
        ours.storefront,
        PasswordGrant(*STOREFRONT_APP, BUYER, PASSWORD),
        localization=2,
        currency="EUR",
        on_exchange=history.record,
    )
    with api:
        assert (api.localization, api.currency, api.product_id) == ("2", "EUR", None)
        first = api.get("/localizations/2")
        second = api.get("/customerusers", params={"page[size]": "1"})
        api.currency = "USD"  # settings change between requests
        api.product_id = "sku"
        third = api.get("/currencies")
        api.localization = None  # no longer sent
        fourth = api.get("/currencies", headers={"X-Currency": "EUR"})  # a request's own wins
    sent = [
        {
            name: e.request.headers.get(name)
            for name in ("x-localization-id", "x-currency", "x-product-id")
        }
        for e in (first, second, third, fourth)
    ]
    assert sent == [
        {"x-localization-id": "2", "x-currency": "EUR", "x-product-id": None},
        {"x-localization-id": "2", "x-currency": "EUR", "x-product-id": None},
        {"x-localization-id": "2", "x-currency": "USD", "x-product-id": "sku"},
        {"x-localization-id": None, "x-currency": "EUR", "x-product-id": "sku"},
    ]
    assert [e.status for e in (first, second, third, fourth)] == [200, 200, 200, 200]
    assert list(history) == [first, second, third, fourth]
    assert history[1].request.headers["x-currency"] == "EUR"
    assert repr(api).endswith("currency='USD' product_id='sku'>")

    url = f"{ours.storefront}/localizations/2"
    assert to_curl(first, redact=True).text == (
        f"curl --globoff \\\n  {url} \\\n  -H 'Accept: application/vnd.api+json' \\\n"
        "  -H 'X-Localization-ID: 2' \\\n  -H 'X-Currency: EUR' \\\n"
        "  -H 'Authorization: Bearer <ACCESS_TOKEN>'"
    )
    assert to_httpie(first, redact=True).text.splitlines()[1:] == [
        "  Accept:application/vnd.api+json \\",
        "  X-Localization-ID:2 \\",
        "  X-Currency:EUR \\",
        "  'Authorization:Bearer <ACCESS_TOKEN>'",
    ]
    assert to_httpx(third, redact=True).text.splitlines()[6:12] == [
        '        "Accept": "application/vnd.api+json",',
        '        "X-Localization-ID": "2",',
        '        "X-Currency": "USD",',
        '        "X-Product-ID": "sku",',
        '        "Authorization": "Bearer <ACCESS_TOKEN>",',
        "    },",
    ]


def test_the_settings_choose_the_products_language_price_and_key(layout: Layout) -> None:
    fields = {"fields[products]": "sku,name,price,currencyId", "page[size]": "1"}
    with ApiClient(
        layout.storefront, Visitor(*STOREFRONT_APP), localization=2, currency="EUR"
    ) as api:
        german = api.get("/products", params=fields).data[0]
        api.localization, api.currency = 1, "USD"
        english = api.get("/products", params=fields).data[0]
        api.product_id = "sku"
        by_sku = api.get(f"/products/{english['attributes']['sku']}")
        by_id = api.get(f"/products/{english['id']}")
    assert german["id"] == english["id"] == "1"
    assert german["attributes"] | {"price": None} == {
        "sku": "4HH33",
        "name": "Antimikrobieller Arbeitshandschuh",
        "price": None,
        "currencyId": "EUR",
    }
    assert english["attributes"] | {"price": None} == {
        "sku": "4HH33",
        "name": "Antimicrobial Work Gloves",
        "price": None,
        "currencyId": "USD",
    }
    assert german["attributes"]["price"] != english["attributes"]["price"]
    assert (ids(by_sku), by_sku.request.headers["x-product-id"]) == (["1"], "sku")
    assert by_id.status == 404  # with X-Product-ID: sku an id names no product


def test_fetch_all_sends_the_settings_with_every_page(ours: Layout) -> None:
    history = History()
    with ApiClient(
        ours.storefront, Visitor(*STOREFRONT_APP), currency="EUR", on_exchange=history.record
    ) as api:
        frames = fetch_all(api, "/products", page_size=20, max_rows=50, progress=False)
    products = frames["products"]
    assert len(products) == 50
    assert set(products["currencyId"]) == {"EUR"}
    assert len(history) == 3
    assert [e.request.headers["x-currency"] for e in history] == ["EUR"] * 3


def test_a_curl_snippet_of_a_localized_request_gets_the_same_answer(ours: Layout) -> None:
    with ApiClient(ours.storefront, Visitor(*STOREFRONT_APP), localization=2) as api:
        exchange = api.get("/localizations")
    assert exchange.status == 200
    run = subprocess.run(
        ["bash", "-c", to_curl(exchange).text + " --silent"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert orjson.loads(run.stdout) == exchange.document


def test_the_settings_are_previewed_and_given_in_any_case() -> None:
    api = ApiClient("https://shop.test/api", headers={"x-currency": "USD"}, currency="EUR")
    assert api.headers == {"Accept": "application/vnd.api+json", "X-Currency": "EUR"}
    api.localization = 3
    request = api.build_request("GET", "/products")
    assert (request.headers["x-localization-id"], request.headers["x-currency"]) == ("3", "EUR")
    assert (
        repr(api) == "<ApiClient https://shop.test/api auth=None localization='3' currency='EUR'>"
    )
    api.currency = api.localization = None
    assert "x-currency" not in api.build_request("GET", "/products").headers
    assert repr(api) == "<ApiClient https://shop.test/api auth=None>"


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_comes_from_the_storefronts_own_document(layout: Layout) -> None:
    with ApiClient(layout.storefront, Visitor(*STOREFRONT_APP)) as api:
        metadata = Metadata.fetch(api)
    assert metadata is not None
    assert {"localizations", "currencies", "customerusers", "customeraddresses"} <= set(
        metadata.types
    )
    assert "users" not in metadata  # a back-office type
    localizations = metadata["localizations"]
    assert set(localizations.attributes) >= {"title", "languageCode", "formattingCode"}
    assert localizations.allows("get_list")
    assert all(route.path.startswith(api_path(layout) + "/") for route in localizations.routes)
    assert metadata["customerusers"].filters is not None


def test_the_back_office_metadata_is_not_the_storefronts(oro: Layout) -> None:
    with ApiClient(oro.back_office, ClientCredentials(*BACK_OFFICE_APP)) as api:
        metadata = Metadata.fetch(api)
    assert metadata is not None
    assert "users" in metadata and "shoppinglists" not in metadata


def test_a_token_url_of_another_host() -> None:
    """A storefront whose token endpoint is elsewhere (``token_url``), as any grant allows."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url}")
        if request.method == "POST":
            return httpx.Response(200, json={"access_token": "v", "expires_in": 3600})
        assert request.headers["x-localization-id"] == "2"
        return httpx.Response(200, json={"data": []})

    auth = Visitor("shop", None, token_url="https://auth.test/oauth2-token")
    http = httpx.Client(transport=httpx.MockTransport(answer))
    with ApiClient("https://shop.test/api", auth, http=http, localization=2) as api:
        assert api.get("/localizations").status == 200
    assert seen == [
        "POST https://auth.test/oauth2-token",
        "GET https://shop.test/api/localizations",
    ]
