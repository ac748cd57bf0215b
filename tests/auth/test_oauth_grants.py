"""``POST /oauth2-token``: every grant succeeds as Oro documents it, and its token opens the API."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.auth.oauth_support import (
    ACME_USER,
    CALLBACK,
    REP,
    AuthServer,
    auth_server,
    authorize,
    pkce_pair,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("grants") / "grants.db") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_throttle(server: AuthServer) -> None:
    server.oauth.throttle.reset()


def claims(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


def assert_token_response(response: httpx.Response, *, refresh: bool) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    keys = ["token_type", "expires_in", "access_token"] + (["refresh_token"] if refresh else [])
    assert list(body) == keys
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    return body


def test_client_credentials_act_as_the_applications_user(server: AuthServer) -> None:
    response = server.token(
        grant_type="client_credentials",
        client_id="sandbox-integration",
        client_secret="integration-secret",
    )
    body = assert_token_response(response, refresh=False)
    payload = claims(body["access_token"])
    assert {k: payload[k] for k in ("iss", "aud", "sub", "client_id", "org")} == {
        "iss": "oro-api-sandbox",
        "aud": "backoffice",
        "sub": "1",
        "client_id": "sandbox-integration",
        "org": 1,
    }
    assert payload["exp"] - payload["iat"] == 3600


def test_a_form_encoded_request_with_basic_client_authentication(server: AuthServer) -> None:
    """RFC 6749 §2.3.1 and §4.4.2, for clients that do not speak Oro's JSON body."""
    credentials = base64.b64encode(b"acme-integration:acme-secret").decode()
    response = httpx.post(
        server.origin + "/oauth2-token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {credentials}"},
    )
    body = assert_token_response(response, refresh=False)
    assert (claims(body["access_token"])["sub"], claims(body["access_token"])["org"]) == ("17", 2)


@pytest.mark.parametrize(
    ("username", "user_id"),
    [
        pytest.param("admin", 1, id="username"),
        pytest.param("ADMIN@example.com", 1, id="email-any-case"),
        pytest.param(REP, 4, id="sales-rep"),
    ],
)
def test_the_password_grant(server: AuthServer, username: str, user_id: int) -> None:
    password = "admin" if user_id == 1 else username
    response = server.token(
        grant_type="password",
        client_id="sandbox-password",
        client_secret="password-secret",
        username=username,
        password=password,
    )
    body = assert_token_response(response, refresh=True)
    assert claims(body["access_token"])["sub"] == str(user_id)


def test_an_acme_user_logs_in_through_the_acme_application(server: AuthServer) -> None:
    body = server.token_for("acme-password", "password", username=ACME_USER, password=ACME_USER)
    assert (claims(body["access_token"])["sub"], claims(body["access_token"])["org"]) == ("18", 2)


def test_the_refresh_token_grant_rotates_the_refresh_token(server: AuthServer) -> None:
    first = server.token_for("sandbox-password", "password", username=REP, password=REP)
    second = server.token_for(
        "sandbox-password", "refresh_token", refresh_token=first["refresh_token"]
    )
    assert list(second) == ["token_type", "expires_in", "access_token", "refresh_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert claims(second["access_token"])["sub"] == "4"
    replay = server.token(
        grant_type="refresh_token",
        client_id="sandbox-password",
        client_secret="password-secret",
        refresh_token=first["refresh_token"],
    )
    assert (replay.status_code, replay.json()) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "The refresh token is invalid, expired, revoked or was issued to "
            "another client.",
        },
    )
    assert refresh(server, second["refresh_token"]) == 400  # the replay revoked its line


def refresh(server: AuthServer, token: str) -> int:
    return server.token(
        grant_type="refresh_token",
        client_id="sandbox-password",
        client_secret="password-secret",
        refresh_token=token,
    ).status_code


def test_reusing_a_rotated_out_refresh_token_revokes_its_line(server: AuthServer) -> None:
    """OAuth 2.1: a refresh token that comes back after its rotation was stolen (or its thief
    holds the newer one): every token descending from the same login is revoked."""
    first = server.token_for("sandbox-password", "password", username=REP, password=REP)
    other = server.token_for("sandbox-password", "password", username=REP, password=REP)
    second = server.token_for(
        "sandbox-password", "refresh_token", refresh_token=first["refresh_token"]
    )
    third = server.token_for(
        "sandbox-password", "refresh_token", refresh_token=second["refresh_token"]
    )
    assert refresh(server, first["refresh_token"]) == 400  # the reuse
    assert refresh(server, third["refresh_token"]) == 400  # its line is revoked
    assert refresh(server, other["refresh_token"]) == 200  # another login's line is not


def test_the_authorization_code_grant_with_pkce_for_a_public_client(server: AuthServer) -> None:
    verifier, challenge = pkce_pair()
    redirect = authorize(
        server, "sandbox-pkce", code_challenge=challenge, code_challenge_method="S256", state="xyz"
    )
    assert set(redirect) == {"code", "state"} and redirect["state"] == "xyz"
    response = server.token(
        grant_type="authorization_code",
        client_id="sandbox-pkce",
        code=redirect["code"],
        redirect_uri=CALLBACK,
        code_verifier=verifier,
    )
    body = assert_token_response(response, refresh=True)
    assert claims(body["access_token"])["client_id"] == "sandbox-pkce"
    # a public client refreshes without a secret
    refreshed = server.token(
        grant_type="refresh_token", client_id="sandbox-pkce", refresh_token=body["refresh_token"]
    )
    assert_token_response(refreshed, refresh=True)


def test_a_loopback_redirect_uri_on_any_port(server: AuthServer) -> None:
    verifier, challenge = pkce_pair()
    callback = "http://127.0.0.1:53682/callback"
    redirect = authorize(
        server,
        "sandbox-pkce",
        redirect_uri=callback,
        code_challenge=challenge,
        code_challenge_method="S256",
        username=REP,
        password=REP,
    )
    body = server.token_for(
        "sandbox-pkce",
        "authorization_code",
        code=redirect["code"],
        redirect_uri=callback,
        code_verifier=verifier,
    )
    assert claims(body["access_token"])["sub"] == "4"


def test_a_confidential_client_that_skips_consent_and_pkce(server: AuthServer) -> None:
    redirect = authorize(server, "sandbox-trusted", state="s1")
    body = server.token_for(
        "sandbox-trusted", "authorization_code", code=redirect["code"], redirect_uri=CALLBACK
    )
    assert claims(body["access_token"])["sub"] == "1"


def test_a_confidential_client_may_use_pkce_and_omit_the_redirect_uri(server: AuthServer) -> None:
    verifier, challenge = pkce_pair()
    redirect = authorize(
        server, "sandbox-trusted", code_challenge=challenge, code_challenge_method="S256"
    )
    body = server.token_for(
        "sandbox-trusted", "authorization_code", code=redirect["code"], code_verifier=verifier
    )  # the default (first registered) URI
    assert claims(body["access_token"])["client_id"] == "sandbox-trusted"


def test_a_token_opens_the_api(server: AuthServer) -> None:
    token = server.access_token()
    response = server.api("GET", "/users/1", token)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["username"] == "admin"


def test_without_a_token_the_api_answers_401(server: AuthServer) -> None:
    response = server.api("GET", "/users/1")
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["www-authenticate"].startswith("Bearer")
