"""``GET/POST /oauth2-token/authorize``: what the browser sees, without a browser (the full flow in
Chromium is test_pkce_browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from server.auth.session import CSRF_COOKIE
from tests.auth.oauth_support import (
    ACME_USER,
    CALLBACK,
    AuthServer,
    auth_server,
    authorize,
    authorize_url,
    pkce_pair,
    query_of,
    sign_in,
)

_, CHALLENGE = pkce_pair()
PKCE = {"code_challenge": CHALLENGE, "code_challenge_method": "S256"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("authorize") / "authorize.db") as server:
        yield server


@pytest.fixture
def browser(server: AuthServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        yield client


def heading(page: httpx.Response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", page.text)
    assert match is not None, page.text
    return match.group(1)


def alert(page: httpx.Response) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text)
    assert match is not None, page.text
    return match.group(1)


def signed_in_browser(
    server: AuthServer, browser: httpx.Client, username: str = "admin", password: str = "admin"
) -> None:
    assert sign_in(browser, username, password, "/login").status_code == 303


@pytest.mark.parametrize(
    ("params", "title", "message"),
    [
        pytest.param({}, "Invalid request", "The client_id parameter is missing.", id="no-client"),
        pytest.param(
            {"client_id": "nobody"},
            "Unknown application",
            "The application &quot;nobody&quot; is unknown.",
            id="unknown-client",
        ),
        pytest.param(
            {"client_id": "sandbox-revoked"},
            "Unknown application",
            "The application &quot;sandbox-revoked&quot; has been revoked.",
            id="revoked-client",
        ),
        pytest.param(
            {"client_id": "sandbox-pkce", "redirect_uri": "https://evil.example/cb"},
            "Invalid redirect URI",
            "The redirect_uri is not one of the redirect URIs registered for this application.",
            id="foreign-redirect-uri",
        ),
        pytest.param(
            {"client_id": "sandbox-integration"},
            "Invalid redirect URI",
            "The redirect_uri is not one of the redirect URIs registered for this application.",
            id="client-without-redirect-uris",
        ),
    ],
)
def test_an_untrusted_request_gets_an_error_page_never_a_redirect(
    server: AuthServer, browser: httpx.Client, params: dict[str, str], title: str, message: str
) -> None:
    response = browser.get(authorize_url(server, response_type="code", **params))
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "location" not in response.headers
    assert (heading(response), alert(response)) == (title, message)


@pytest.mark.parametrize(
    ("params", "error", "description"),
    [
        pytest.param(
            {"client_id": "sandbox-pkce", "response_type": "token", **PKCE},
            "unsupported_response_type",
            'response_type must be "code".',
            id="token",
        ),
    ],
)
def test_other_problems_are_redirected_back_with_the_state(
    server: AuthServer, browser: httpx.Client, params: dict[str, str], error: str, description: str
) -> None:
    response = browser.get(authorize_url(server, redirect_uri=CALLBACK, state="st", **params))
    assert response.status_code == 302
    assert response.headers["location"].startswith(CALLBACK + "?")
    assert query_of(response.headers["location"]) == {
        "error": error,
        "error_description": description,
        "state": "st",
    }


INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value,"
    " includes a parameter more than once, or is otherwise malformed."
)


@pytest.mark.parametrize(
    ("pkce", "hint"),
    [
        pytest.param({}, "Code challenge must be provided for public clients", id="no-pkce"),
        pytest.param(
            {"code_challenge_method": "S256"},
            "Code challenge must be provided for public clients",
            id="method-without-challenge",
        ),
        pytest.param(
            {"code_challenge": CHALLENGE, "code_challenge_method": "plain"},
            "Plain code challenge method is not allowed for this client",
            id="plain",
        ),
        pytest.param(
            {"code_challenge": CHALLENGE},
            "Plain code challenge method is not allowed for this client",
            id="no-method-means-plain",
        ),
        pytest.param(
            {"code_challenge": CHALLENGE, "code_challenge_method": "S512"},
            "Code challenge method must be one of `S256`, `plain`",
            id="unknown-method",
        ),
        pytest.param(
            {"code_challenge": "short", "code_challenge_method": "S256"},
            "Code challenge must follow the specifications of RFC-7636.",
            id="malformed-challenge",
        ),
    ],
)
def test_a_pkce_problem_is_a_400_json_error_not_a_redirect(
    server: AuthServer, browser: httpx.Client, pkce: dict[str, str], hint: str
) -> None:
    """Reference §4.2: Oro answers league/oauth2-server's ``invalid_request`` as JSON."""
    response = browser.get(
        authorize_url(
            server,
            client_id="sandbox-pkce",
            response_type="code",
            redirect_uri=CALLBACK,
            state="st",
            **pkce,
        )
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "location" not in response.headers
    assert response.json() == {
        "error": "invalid_request",
        "error_description": INVALID_REQUEST,
        "hint": hint,
        "message": INVALID_REQUEST,
    }


def test_without_a_session_the_login_page_is_shown(
    server: AuthServer, browser: httpx.Client
) -> None:
    url = authorize_url(
        server, client_id="sandbox-pkce", response_type="code", redirect_uri=CALLBACK, **PKCE
    )
    page = browser.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert heading(page) == "Sign in"
    assert "Sign in to continue to <strong>Demo PKCE App</strong>." in page.text
    fields = dict(re.findall(r'<input[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', page.text))
    target = url.removeprefix(server.origin).replace("&", "&amp;")
    assert fields == {
        "_csrf_token": browser.cookies[CSRF_COOKIE],
        "_target_path": target,
        "_username": "",
    }


def test_the_consent_page_names_the_application_and_the_user(
    server: AuthServer, browser: httpx.Client
) -> None:
    signed_in_browser(server, browser)
    page = browser.get(
        authorize_url(
            server, client_id="sandbox-pkce", response_type="code", redirect_uri=CALLBACK, **PKCE
        )
    )
    assert page.status_code == 200
    assert heading(page) == "Allow access?"
    assert (
        "<strong>Demo PKCE App</strong> wants to access the Oro API as <strong>John Doe</strong>."
    ) in page.text
    assert re.findall(r'name="decision" value="(\w+)">(\w+)<', page.text) == [
        ("allow", "Allow"),
        ("deny", "Deny"),
    ]


def test_deny_redirects_with_access_denied(server: AuthServer) -> None:
    redirect = authorize(server, "sandbox-pkce", decision="deny", state="abc", **PKCE)
    assert redirect == {
        "error": "access_denied",
        "error_description": "The user denied access.",
        "state": "abc",
    }


def test_an_application_that_skips_consent_redirects_at_once(
    server: AuthServer, browser: httpx.Client
) -> None:
    signed_in_browser(server, browser)
    response = browser.get(
        authorize_url(server, client_id="sandbox-trusted", response_type="code", state="q r")
    )
    assert response.status_code == 302
    redirect = query_of(response.headers["location"])
    assert response.headers["location"].startswith(CALLBACK + "?code=")
    assert (redirect["state"], len(redirect["code"])) == ("q r", 43)


def test_consent_needs_the_sessions_csrf_token(server: AuthServer, browser: httpx.Client) -> None:
    signed_in_browser(server, browser)
    url = authorize_url(
        server, client_id="sandbox-pkce", response_type="code", redirect_uri=CALLBACK, **PKCE
    )
    response = browser.post(url, data={"_csrf_token": "forged", "decision": "allow"})
    assert response.status_code == 400
    assert (heading(response), alert(response)) == (
        "Request expired",
        "The consent form has expired. Please retry.",
    )


def test_a_user_of_another_organization_is_denied(server: AuthServer) -> None:
    redirect = authorize(server, "sandbox-pkce", username=ACME_USER, password=ACME_USER, **PKCE)
    assert redirect == {
        "error": "access_denied",
        "error_description": "The user does not belong to the organization of this application.",
    }
