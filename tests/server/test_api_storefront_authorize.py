"""The storefront's authorization-code flow (server/auth/oauth/storefront_authorize.py): a customer
user signs in on the storefront's login page with their email, consents, and the storefront
application exchanges the code for a storefront token; ``authorize-visitor`` gives a visitor's
code at once. Over HTTP, without a browser, on both database backends; the paths of both layouts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from sandbox.auth import AuthorizationCode
from sandbox.client import ApiClient
from server.auth.oauth.paths import oauth_paths, pages_root
from server.auth.oauth.seed import CUSTOMER_PASSWORD
from server.auth.session import STOREFRONT_SESSION_COOKIE
from server.auth.websites import set_storefront_enabled
from server.domain.resources import build_registry
from server.domain.storefront import build_storefront_registry
from server.openapi import build_openapi
from server.settings import Settings
from tests.auth.oauth_support import CALLBACK, pkce_pair, query_of
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import CLIENT, SF, Storefront

APP = "sandbox-storefront-pkce"
AUTHORIZE = "/storefront/oauth2-token/authorize"
AUTHORIZE_VISITOR = "/storefront/oauth2-token/authorize-visitor"
LOGIN = "/storefront/customer/user/login"
BUYER, ACME_BUYER = 2, 20  # customer user 2: a buyer of customer 1; 20: Acme Retail's


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    database = new_database("storefront-authorize")
    with LiveServer(database, auth=True, storefront_guest_shopping_lists=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


@pytest.fixture
def browser(store: Storefront) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=store.origin, timeout=30) as client:
        yield client


def heading_and_alert(page: httpx.Response) -> tuple[str, str]:
    heading = re.search(r"<h1>(.*?)</h1>", page.text)
    alert = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text)
    assert heading is not None, page.text
    return heading.group(1), alert.group(1) if alert else ""


def sign_in(browser: httpx.Client, email: str, password: str, target: str) -> httpx.Response:
    """Post the storefront's login form as a browser would."""
    if "_sf_csrf" not in browser.cookies:
        assert browser.get(LOGIN).status_code == 200
    form = {
        "_username": email,
        "_password": password,
        "_csrf_token": browser.cookies["_sf_csrf"],
        "_target_path": target,
    }
    return browser.post(LOGIN, data=form)


def authorize(
    store: Storefront,
    browser: httpx.Client,
    customer_user_id: int,
    *,
    decision: str = "allow",
    **params: str,
) -> dict[str, str]:
    """Sign in, answer the consent page, return the final redirect's query."""
    query = {"response_type": "code", "client_id": APP, "redirect_uri": CALLBACK, **params}
    url = f"{AUTHORIZE}?{urlencode(query)}"
    response = browser.get(url)
    if response.status_code == 200 and 'name="_password"' in response.text:
        signed = sign_in(browser, store.email(customer_user_id), CUSTOMER_PASSWORD, url)
        assert (signed.status_code, signed.headers["location"]) == (303, url), signed.text
        response = browser.get(url)
    if response.status_code == 200:  # the consent page
        assert heading_and_alert(response) == ("Allow access?", "")
        assert store.email(customer_user_id) in response.text
        csrf = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
        assert csrf is not None
        response = browser.post(url, data={"_csrf_token": csrf.group(1), "decision": decision})
    assert response.status_code in (302, 303), response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return query_of(location)


def exchange(store: Storefront, code: str, verifier: str, **extra: str) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "client_id": APP,
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
        **extra,
    }
    return store.http.post("/oauth2-token", json=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": JSON_API}


# --- a customer user ----------------------------------------------------------------------------


def test_a_customer_user_signs_in_consents_and_gets_a_storefront_token(
    store: Storefront, browser: httpx.Client
) -> None:
    verifier, challenge = pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256", "state": "s1"}
    page = browser.get(
        f"{AUTHORIZE}?{urlencode({'response_type': 'code', 'client_id': APP, **pkce})}"
    )
    assert page.status_code == 200
    assert f'action="{LOGIN}"' in page.text and "Email address" in page.text
    assert "Demo Storefront PKCE App" in page.text

    query = authorize(store, browser, BUYER, **pkce)
    assert query["state"] == "s1" and query["code"]
    response = exchange(store, query["code"], verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["refresh_token"]
    mine = store.http.get(f"{SF}/customerusers", headers=bearer(body["access_token"]))
    assert [x["id"] for x in mine.json()["data"]] == [str(BUYER)]
    # a storefront token is refused by the back-office API, with no body
    office = store.http.get("/api/users", headers=bearer(body["access_token"]))
    assert (office.status_code, office.content) == (401, b"")
    # the code is used once; the refresh token gives a new storefront token
    assert exchange(store, query["code"], verifier).json()["error"] == "invalid_grant"
    refreshed = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "refresh_token",
            "client_id": APP,
            "refresh_token": body["refresh_token"],
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    again = store.http.get(f"{SF}/customerusers", headers=bearer(refreshed.json()["access_token"]))
    assert again.status_code == 200


def test_a_signed_in_customer_user_goes_straight_to_consent_and_may_deny(
    store: Storefront, browser: httpx.Client
) -> None:
    _, challenge = pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    assert "code" in authorize(store, browser, BUYER, **pkce)
    assert authorize(store, browser, BUYER, decision="deny", state="d", **pkce) == {
        "error": "access_denied",
        "error_description": "The user denied access.",
        "state": "d",
    }


def test_the_two_sessions_are_apart(store: Storefront, browser: httpx.Client) -> None:
    assert sign_in(browser, store.email(BUYER), CUSTOMER_PASSWORD, LOGIN).status_code == 303
    assert "Signed in" in browser.get(LOGIN).text
    # the back-office does not take a storefront session, even under its own cookie's name
    assert 'name="_password"' in browser.get("/login").text
    browser.cookies.set("BAPID", browser.cookies[STOREFRONT_SESSION_COOKIE])
    assert 'name="_password"' in browser.get("/login").text
    office = browser.get("/api/users", headers={"X-CSRF-Header": "1", "Accept": JSON_API})
    assert office.status_code == 401


def test_a_wrong_password_shows_the_form_again(store: Storefront, browser: httpx.Client) -> None:
    response = sign_in(browser, store.email(BUYER), "wrong", LOGIN)
    assert response.status_code == 400
    assert heading_and_alert(response) == ("Sign in", "Invalid email address or password.")
    assert STOREFRONT_SESSION_COOKIE not in browser.cookies


def test_a_customer_user_of_another_organization_is_refused(
    store: Storefront, browser: httpx.Client
) -> None:
    _, challenge = pkce_pair()
    query = authorize(
        store, browser, ACME_BUYER, code_challenge=challenge, code_challenge_method="S256"
    )
    assert query == {
        "error": "access_denied",
        "error_description": "The user does not belong to the organization of this application.",
    }


def test_the_storefront_api_switched_off_refuses_the_authorization(
    store: Storefront, browser: httpx.Client
) -> None:
    storefront = store.live.app.state.storefront
    _, challenge = pkce_pair()
    with storefront.engine.begin() as connection:
        set_storefront_enabled(connection, storefront.schema, 1, api=False)
    try:
        query = authorize(
            store, browser, BUYER, code_challenge=challenge, code_challenge_method="S256"
        )
        visitor = browser.get(
            f"{AUTHORIZE_VISITOR}?"
            + urlencode(
                {
                    "response_type": "code",
                    "client_id": APP,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }
            )
        )
    finally:
        with storefront.engine.begin() as connection:
            set_storefront_enabled(connection, storefront.schema, 1, api=True)
    assert query == {
        "error": "access_denied",
        "error_description": "The API feature is disabled for this website.",
    }
    assert query_of(visitor.headers["location"])["error"] == "access_denied"


@pytest.mark.parametrize(
    ("path", "client_id", "message"),
    [
        pytest.param(
            AUTHORIZE,
            "sandbox-pkce",
            "The application &quot;sandbox-pkce&quot; belongs to the back-office API: use that"
            " API&#x27;s authorize URL.",
            id="back-office-app-on-the-storefront",
        ),
        pytest.param(
            "/oauth2-token/authorize",
            APP,
            f"The application &quot;{APP}&quot; belongs to the storefront API: use that"
            " API&#x27;s authorize URL.",
            id="storefront-app-on-the-back-office",
        ),
        pytest.param(
            AUTHORIZE_VISITOR,
            "sandbox-trusted",
            "The application &quot;sandbox-trusted&quot; belongs to the back-office API: use"
            " that API&#x27;s authorize URL.",
            id="back-office-app-as-a-visitor",
        ),
    ],
)
def test_an_application_authorizes_only_at_its_api_s_url(
    store: Storefront, browser: httpx.Client, path: str, client_id: str, message: str
) -> None:
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK}
    response = browser.get(f"{path}?{urlencode(query)}")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert heading_and_alert(response) == ("Wrong application", message)


def test_a_public_client_must_send_a_code_challenge(
    store: Storefront, browser: httpx.Client
) -> None:
    for path in (AUTHORIZE, AUTHORIZE_VISITOR):
        response = browser.get(f"{path}?{urlencode({'response_type': 'code', 'client_id': APP})}")
        assert response.status_code == 400
        assert response.json()["hint"] == "Code challenge must be provided for public clients"


def test_the_library_s_authorization_code_signs_a_customer_user_in(
    store: Storefront, browser: httpx.Client
) -> None:
    login = AuthorizationCode(APP, CALLBACK, api_url=store.origin + SF)
    assert urlsplit(login.url).path == AUTHORIZE
    query = dict(parse_qsl(urlsplit(login.url).query))
    del query["response_type"], query["client_id"], query["redirect_uri"]
    answer = authorize(store, browser, BUYER, **query)
    login.finish(f"{CALLBACK}?{urlencode(answer)}")
    with ApiClient(store.origin + SF, auth=login) as client:
        mine = client.get("/customerusers")
        assert mine.status == 200
        assert [x["id"] for x in mine.data] == [str(BUYER)]


# --- a visitor ----------------------------------------------------------------------------------


def visitor_code(browser: httpx.Client, challenge: str, **extra: str) -> httpx.Response:
    query = {
        "response_type": "code",
        "client_id": APP,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return browser.get(f"{AUTHORIZE_VISITOR}?{urlencode(query)}")


def test_a_visitor_gets_a_code_at_once_and_a_visitor_token_for_it(
    store: Storefront, browser: httpx.Client
) -> None:
    verifier, challenge = pkce_pair()
    response = visitor_code(browser, challenge, state="v")
    assert response.status_code == 302
    query = query_of(response.headers["location"])
    assert response.headers["location"].startswith(CALLBACK + "?") and query["state"] == "v"
    body = exchange(store, query["code"], verifier).json()
    assert set(body) == {"token_type", "expires_in", "access_token"}  # no refresh token
    token = body["access_token"]
    assert store.http.get(f"{SF}/products", headers=bearer(token)).status_code == 200
    assert store.http.get(f"{SF}/customerusers", headers=bearer(token)).status_code == 403
    assert store.http.get("/api/users", headers=bearer(token)).status_code == 401


def test_a_visitor_s_lists_follow_visitor_access_token_on_the_authorize_url(
    store: Storefront, browser: httpx.Client
) -> None:
    verifier, challenge = pkce_pair()
    code = query_of(visitor_code(browser, challenge).headers["location"])["code"]
    guest = exchange(store, code, verifier).json()["access_token"]
    created = store.http.post(
        f"{SF}/shoppinglists",
        json={"data": {"type": "shoppinglists", "attributes": {"name": "Guest picks"}}},
        headers={**bearer(guest), "Content-Type": JSON_API},
    )
    assert created.status_code == 201, created.text
    list_id = created.json()["data"]["id"]

    verifier, challenge = pkce_pair()
    query = authorize(
        store,
        browser,
        BUYER,
        code_challenge=challenge,
        code_challenge_method="S256",
        visitor_access_token=guest,
    )
    token = exchange(store, query["code"], verifier).json()["access_token"]
    moved = store.http.get(f"{SF}/shoppinglists/{list_id}", headers=bearer(token))
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"]["relationships"]["customerUser"]["data"]["id"] == str(BUYER)
    gone = store.http.get(f"{SF}/shoppinglists/{list_id}", headers=bearer(guest))
    assert gone.status_code == 403


def test_guest_access_switched_off_refuses_visitor_codes(
    store: Storefront, browser: httpx.Client
) -> None:
    storefront = store.live.app.state.storefront
    verifier, challenge = pkce_pair()
    code = query_of(visitor_code(browser, challenge).headers["location"])["code"]
    with storefront.engine.begin() as connection:
        set_storefront_enabled(connection, storefront.schema, 1, guests=False)
    try:
        refused = visitor_code(browser, challenge)
        late = exchange(store, code, verifier)
    finally:
        with storefront.engine.begin() as connection:
            set_storefront_enabled(connection, storefront.schema, 1, guests=True)
    assert query_of(refused.headers["location"]) == {
        "error": "access_denied",
        "error_description": "The guest storefront API is disabled for this website.",
    }
    assert late.json() == {
        "error": "invalid_grant",
        "error_description": "The guest storefront API is disabled for this website.",
    }


def test_the_password_grant_client_cannot_use_codes(store: Storefront) -> None:
    response = store.http.post(
        "/oauth2-token", json={"grant_type": "authorization_code", "code": "x", **CLIENT}
    )
    assert response.json()["error"] == "unauthorized_client"


# --- the paths of both layouts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "root"),
    [("/api", ""), ("/storefront/api", "/storefront"), ("/admin/api/", "/admin"), ("/v1", "")],
)
def test_an_api_s_pages_sit_at_the_root_of_its_prefix(prefix: str, root: str) -> None:
    assert pages_root(prefix) == root


def test_the_oro_layout_moves_both_authorize_urls() -> None:
    default, oro = oauth_paths(Settings()), oauth_paths(Settings().oro_layout())
    assert (default.authorize, default.storefront_authorize, default.storefront_login) == (
        "/oauth2-token/authorize",
        AUTHORIZE,
        LOGIN,
    )
    assert (oro.authorize, oro.storefront_authorize, oro.storefront_authorize_visitor) == (
        "/admin/oauth2-token/authorize",
        "/oauth2-token/authorize",
        "/oauth2-token/authorize-visitor",
    )
    assert oro.storefront_login == "/customer/user/login"
    nested = oauth_paths(Settings(storefront_prefix="/api/shop"))  # not below an API's prefix
    assert (nested.authorize, nested.storefront_authorize) == (
        "/oauth2-token/authorize",
        AUTHORIZE,
    )


@pytest.mark.parametrize(
    ("api", "prefix", "url"),
    [
        ("storefront", "/storefront/api", AUTHORIZE),
        ("storefront", "/api", "/oauth2-token/authorize"),
        ("backoffice", "/api", "/oauth2-token/authorize"),
        ("backoffice", "/admin/api", "/admin/oauth2-token/authorize"),
    ],
)
def test_each_openapi_document_names_its_api_s_authorize_url(
    api: str, prefix: str, url: str
) -> None:
    registry = build_storefront_registry() if api == "storefront" else build_registry()
    document = build_openapi(registry, prefix=prefix, api=api)
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["authorizationCode"]["authorizationUrl"] == url
    assert flows["authorizationCode"]["tokenUrl"] == "/oauth2-token"


def test_the_oro_layout_serves_each_flow_at_oro_s_url(tmp_path: Any) -> None:
    settings = Settings().oro_layout()
    with (
        LiveServer(
            tmp_path / "oro.db",
            auth=True,
            api_prefix=settings.api_prefix,
            storefront_prefix=settings.storefront_prefix,
        ) as live,
        httpx.Client(base_url=live.origin, timeout=30) as client,
    ):
        _, challenge = pkce_pair()
        pkce = {
            "response_type": "code",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        storefront = client.get("/oauth2-token/authorize?" + urlencode({"client_id": APP, **pkce}))
        assert storefront.status_code == 200
        assert 'action="/customer/user/login"' in storefront.text
        office = client.get(
            "/admin/oauth2-token/authorize?" + urlencode({"client_id": "sandbox-pkce", **pkce})
        )
        assert office.status_code == 200 and 'action="/login"' in office.text
        visitor = client.get(
            "/oauth2-token/authorize-visitor?"
            + urlencode({"client_id": APP, "redirect_uri": CALLBACK, **pkce})
        )
        assert visitor.status_code == 302 and "code=" in visitor.headers["location"]


def test_a_database_made_before_gets_the_new_demo_application(tmp_path: Any) -> None:
    database = tmp_path / "older.db"
    with LiveServer(database, auth=True) as live:
        table = live.app.state.backend.schema.auth.application
        with live.app.state.backend.engine.begin() as connection:
            connection.execute(sa.delete(table).where(table.c.client_id == APP))
    with LiveServer(database, auth=True) as live:
        _, challenge = pkce_pair()
        query = {
            "response_type": "code",
            "client_id": APP,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        page = httpx.get(f"{live.origin}{AUTHORIZE}?{urlencode(query)}", timeout=30)
        assert page.status_code == 200 and "Demo Storefront PKCE App" in page.text
