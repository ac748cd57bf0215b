"""``POST /oauth2-token`` failures: RFC 6749 §5.2 bodies (reference §21), 401 for a bad client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server.auth.feature import set_api_enabled
from tests.auth.oauth_support import (
    ACME_USER,
    CALLBACK,
    DISABLED,
    REP,
    AuthServer,
    auth_server,
    authorize,
    pkce_pair,
)

CLIENT_CHALLENGE = 'Basic realm="Oro API Sandbox"'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("errors") / "errors.db") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_throttle(server: AuthServer) -> None:
    server.oauth.throttle.reset()


def assert_error(response: httpx.Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {"error": error, "error_description": description}
    if error == "invalid_client":
        assert response.headers["www-authenticate"] == CLIENT_CHALLENGE
    else:
        assert "www-authenticate" not in response.headers


PASSWORD_APP = {"client_id": "sandbox-password", "client_secret": "password-secret"}


@pytest.mark.parametrize(
    ("params", "status", "error", "description"),
    [
        pytest.param(
            {
                "grant_type": "client_credentials",
                "client_id": "sandbox-integration",
                "client_secret": "wrong",
            },
            401,
            "invalid_client",
            "The client secret is wrong.",
            id="bad-secret",
        ),
        pytest.param(
            {"grant_type": "client_credentials", "client_id": "sandbox-integration"},
            401,
            "invalid_client",
            "The client secret is missing: this client is confidential.",
            id="missing-secret",
        ),
        pytest.param(
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            401,
            "invalid_client",
            'Unknown client "nobody".',
            id="unknown-client",
        ),
        pytest.param(
            {
                "grant_type": "client_credentials",
                "client_id": "sandbox-revoked",
                "client_secret": "revoked-secret",
            },
            401,
            "invalid_client",
            "The client has been revoked.",
            id="revoked-client",
        ),
        pytest.param(
            {"grant_type": "client_credentials", **PASSWORD_APP},
            400,
            "unauthorized_client",
            'The client is not allowed to use the "client_credentials" grant.',
            id="grant-not-allowed",
        ),
        pytest.param(
            {
                "grant_type": "refresh_token",
                "client_id": "sandbox-integration",
                "client_secret": "integration-secret",
                "refresh_token": "x",
            },
            400,
            "unauthorized_client",
            'The client is not allowed to use the "refresh_token" grant.',
            id="refresh-for-client-credentials-app",
        ),
        pytest.param(
            {"grant_type": "implicit", **PASSWORD_APP},
            400,
            "unsupported_grant_type",
            'The grant type "implicit" is not supported.',
            id="unsupported-grant",
        ),
        pytest.param(
            PASSWORD_APP,
            400,
            "invalid_request",
            'The "grant_type" parameter is missing.',
            id="no-grant-type",
        ),
        pytest.param(
            {"grant_type": "password", "client_secret": "password-secret"},
            400,
            "invalid_request",
            'The "client_id" parameter is missing.',
            id="no-client-id",
        ),
        pytest.param(
            {"grant_type": "password", **PASSWORD_APP, "username": "admin"},
            400,
            "invalid_request",
            'The "password" parameter is missing.',
            id="no-password",
        ),
        pytest.param(
            {"grant_type": "password", **PASSWORD_APP, "username": "admin", "password": "x"},
            400,
            "invalid_grant",
            "The user credentials were incorrect.",
            id="wrong-password",
        ),
        pytest.param(
            {"grant_type": "password", **PASSWORD_APP, "username": "nobody", "password": "x"},
            400,
            "invalid_grant",
            "The user credentials were incorrect.",
            id="unknown-user",
        ),
        pytest.param(
            {"grant_type": "password", **PASSWORD_APP, "username": DISABLED, "password": DISABLED},
            400,
            "invalid_grant",
            "The user credentials were incorrect.",
            id="disabled-user",
        ),
        pytest.param(
            {
                "grant_type": "password",
                **PASSWORD_APP,
                "username": ACME_USER,
                "password": ACME_USER,
            },
            400,
            "invalid_grant",
            "The user does not belong to the organization of this application.",
            id="user-of-another-organization",
        ),
        pytest.param(
            {"grant_type": "refresh_token", **PASSWORD_APP, "refresh_token": "made-up"},
            400,
            "invalid_grant",
            "The refresh token is invalid, expired, revoked or was issued to another client.",
            id="unknown-refresh-token",
        ),
        pytest.param(
            {
                "grant_type": "authorization_code",
                "client_id": "sandbox-pkce",
                "code": "made-up",
                "redirect_uri": CALLBACK,
                "code_verifier": "v" * 43,
            },
            400,
            "invalid_grant",
            "The authorization code is invalid, was already used or was issued to another client.",
            id="unknown-code",
        ),
    ],
)
def test_token_request_errors(
    server: AuthServer, params: dict[str, str], status: int, error: str, description: str
) -> None:
    assert_error(server.token(**params), status, error, description)


def test_a_body_that_is_neither_json_nor_a_form(server: AuthServer) -> None:
    response = httpx.post(
        server.origin + "/oauth2-token",
        content=b"grant_type=password",
        headers={"Content-Type": "text/plain"},
    )
    description = (
        "Send the token request as application/json (or application/x-www-form-urlencoded)."
    )
    assert_error(response, 400, "invalid_request", description)


def test_the_token_endpoint_only_takes_post(server: AuthServer) -> None:
    assert httpx.get(server.origin + "/oauth2-token").status_code == 405


def test_a_refresh_token_of_another_client_is_refused(server: AuthServer) -> None:
    issued = server.token_for("sandbox-password", "password", username=REP, password=REP)
    response = server.token(
        grant_type="refresh_token",
        client_id="sandbox-trusted",
        client_secret="trusted-secret",
        refresh_token=issued["refresh_token"],
    )
    assert_error(
        response,
        400,
        "invalid_grant",
        "The refresh token is invalid, expired, revoked or was issued to another client.",
    )


def test_an_expired_refresh_token_is_refused(server: AuthServer) -> None:
    issued = server.token_for("sandbox-password", "password", username=REP, password=REP)
    server.execute(sa.update(server.schema.auth.refresh_token).values(expires_at=0))
    response = server.token(
        grant_type="refresh_token", **PASSWORD_APP, refresh_token=issued["refresh_token"]
    )
    assert response.json()["error"] == "invalid_grant"


def code_request(code: str, verifier: str | None, **params: str) -> dict[str, Any]:
    request = {
        "grant_type": "authorization_code",
        "client_id": "sandbox-pkce",
        "code": code,
        "redirect_uri": CALLBACK,
        **params,
    }
    if verifier is not None:
        request["code_verifier"] = verifier
    return request


def pkce_code(server: AuthServer) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    redirect = authorize(
        server, "sandbox-pkce", code_challenge=challenge, code_challenge_method="S256"
    )
    return redirect["code"], verifier


def test_a_replayed_authorization_code_is_refused(server: AuthServer) -> None:
    code, verifier = pkce_code(server)
    assert server.token(**code_request(code, verifier)).status_code == 200
    assert_error(
        server.token(**code_request(code, verifier)),
        400,
        "invalid_grant",
        "The authorization code is invalid, was already used or was issued to another client.",
    )


def test_an_expired_authorization_code_is_refused(server: AuthServer) -> None:
    code, verifier = pkce_code(server)
    server.execute(sa.update(server.schema.auth.auth_code).values(expires_at=0))
    assert_error(
        server.token(**code_request(code, verifier)),
        400,
        "invalid_grant",
        "The authorization code has expired.",
    )


@pytest.mark.parametrize(
    ("change", "status", "error", "description"),
    [
        pytest.param(
            {"code_verifier": "w" * 43},
            400,
            "invalid_grant",
            "The code_verifier does not match the code_challenge.",
            id="wrong-verifier",
        ),
        pytest.param(
            {"code_verifier": None},
            400,
            "invalid_request",
            'The "code_verifier" parameter is missing.',
            id="missing-verifier",
        ),
        pytest.param(
            {"redirect_uri": "http://localhost/callback"},
            400,
            "invalid_grant",
            "The redirect_uri does not match the one of the authorization request.",
            id="other-redirect-uri",
        ),
        pytest.param(
            {"client_id": "sandbox-trusted", "client_secret": "trusted-secret"},
            400,
            "invalid_grant",
            "The authorization code is invalid, was already used or was issued to another client.",
            id="another-client",
        ),
    ],
)
def test_a_code_exchange_that_does_not_match_the_authorization(
    server: AuthServer, change: dict[str, Any], status: int, error: str, description: str
) -> None:
    code, verifier = pkce_code(server)
    request = {**code_request(code, verifier), **change}
    assert_error(
        server.token(**{k: v for k, v in request.items() if v is not None}),
        status,
        error,
        description,
    )
    # a failed exchange still used the code up
    assert server.token(**code_request(code, verifier)).json()["error"] == "invalid_grant"


def test_a_verifier_without_a_challenge_is_refused(server: AuthServer) -> None:
    code = authorize(server, "sandbox-trusted")["code"]
    response = server.token(
        grant_type="authorization_code",
        client_id="sandbox-trusted",
        client_secret="trusted-secret",
        code=code,
        redirect_uri=CALLBACK,
        code_verifier="v" * 43,
    )
    assert_error(
        response,
        400,
        "invalid_grant",
        "A code_verifier was sent, but the authorization had no challenge.",
    )


def test_no_tokens_for_an_organization_whose_api_is_switched_off(server: AuthServer) -> None:
    with server.engine.begin() as connection:
        set_api_enabled(connection, server.schema, 2, False)
    try:
        response = server.token(
            grant_type="client_credentials",
            client_id="acme-integration",
            client_secret="acme-secret",
        )
        assert_error(
            response,
            400,
            "invalid_grant",
            "The API feature is disabled for the organization of this user.",
        )
        assert server.access_token("sandbox-integration")  # organization 1 is unaffected
    finally:
        with server.engine.begin() as connection:
            set_api_enabled(connection, server.schema, 2, True)
    assert server.access_token("acme-integration")


def test_a_revoked_application_loses_its_tokens(server: AuthServer) -> None:
    token = server.access_token("sandbox-integration")
    assert server.api("GET", "/users/1", token).status_code == 200
    applications = server.schema.auth.application
    server.execute(
        sa.update(applications)
        .where(applications.c.client_id == "sandbox-integration")
        .values(active=False)
    )
    try:
        response = server.api("GET", "/users/1", token)
        assert response.status_code == 401
        assert response.content == b""
        assert "www-authenticate" not in response.headers
        assert_error(
            server.token(
                grant_type="client_credentials",
                client_id="sandbox-integration",
                client_secret="integration-secret",
            ),
            401,
            "invalid_client",
            "The client has been revoked.",
        )
    finally:
        server.execute(
            sa.update(applications)
            .where(applications.c.client_id == "sandbox-integration")
            .values(active=True)
        )
