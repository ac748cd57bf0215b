"""The bearer authenticator: ``Authorization: Bearer`` or ``access_token`` in a JSON:API body
(RFC 6750 §2.2); every refusal is a bare 401 (no ``WWW-Authenticate``, as Oro's
``OAuth2Authenticator::onAuthenticationFailure``), its reason only logged."""

from __future__ import annotations

import time
from collections.abc import Iterator

import orjson
import pytest
import sqlalchemy as sa

from server.auth.authenticate import Credentials, Unauthorized
from server.auth.bearer import BearerAuthenticator
from server.auth.keys import generate_keys
from server.auth.tokens import AccessClaims, issue_access_token
from tests.auth.oauth_support import AuthServer, auth_server
from tests.live_server import JSON_API


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("bearer") / "bearer.db") as server:
        yield server


@pytest.fixture(scope="module")
def bearer(server: AuthServer) -> BearerAuthenticator:
    return BearerAuthenticator(
        server.engine, server.schema, server.live.settings, server.oauth.keys
    )


def credentials(
    token: str | None = None, *, body: object = None, json_api: bool = True, method: str = "GET"
) -> Credentials:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    raw = b"" if body is None else orjson.dumps(body)
    return Credentials(method, headers, raw, json_api)


def token_for(
    server: AuthServer,
    user_id: int = 1,
    client_id: str = "sandbox-integration",
    organization_id: int = 1,
    *,
    age: int = 0,
    audience: str = "backoffice",
    keys: object = None,
) -> str:
    now = int(time.time()) - age
    claims = AccessClaims(user_id, client_id, organization_id, "jti", now, now + 3600, audience)
    return issue_access_token(keys or server.oauth.keys, claims)  # type: ignore[arg-type]


def refusal(bearer: BearerAuthenticator, request: Credentials) -> str:
    with pytest.raises(Unauthorized) as refused:
        bearer.authenticate(request)
    assert refused.value.challenge is None
    return refused.value.reason


def test_a_valid_token_gives_the_users_principal(
    server: AuthServer, bearer: BearerAuthenticator
) -> None:
    principal = bearer.authenticate(credentials(server.access_token()))
    assert principal is not None
    assert (
        principal.user_id,
        principal.organization_id,
        principal.client_id,
        principal.method,
        3 in principal.role_ids,
    ) == (1, 1, "sandbox-integration", "oauth", True)


def test_no_token_is_not_this_authenticators_business(bearer: BearerAuthenticator) -> None:
    assert bearer.authenticate(credentials()) is None
    wsse = Credentials("GET", {"authorization": 'WSSE profile="UsernameToken"'}, b"", False)
    assert bearer.authenticate(wsse) is None


def test_the_token_may_come_in_a_json_api_body(
    server: AuthServer, bearer: BearerAuthenticator
) -> None:
    body = {"access_token": server.access_token(), "data": {"type": "tasks"}}
    principal = bearer.authenticate(credentials(body=body, method="POST"))
    assert principal is not None and principal.user_id == 1
    # only in a JSON:API body (RFC 6750 §2.2 wants the media type), and never a non-object
    assert bearer.authenticate(credentials(body=body, json_api=False, method="POST")) is None
    assert bearer.authenticate(credentials(body=[body], method="POST")) is None
    assert refusal(bearer, credentials(body={"access_token": 5}, method="POST")) == (
        "The access token is missing."
    )


def test_the_header_wins_over_the_body(server: AuthServer, bearer: BearerAuthenticator) -> None:
    body = {"access_token": "garbage"}
    principal = bearer.authenticate(credentials(server.access_token(), body=body, method="POST"))
    assert principal is not None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(
            lambda s: token_for(s, age=3600), "The access token has expired.", id="expired"
        ),
        pytest.param(
            lambda s: token_for(s, keys=generate_keys()),
            "The access token signature is invalid.",
            id="wrong-key",
        ),
        pytest.param(
            lambda s: token_for(s)[:-4] + "AAAA",
            "The access token signature is invalid.",
            id="tampered-signature",
        ),
        pytest.param(
            lambda s: token_for(s, audience="storefront"),
            "The access token was issued for another API.",
            id="storefront-token",
        ),
        pytest.param(lambda s: "not.a.token", "The access token is malformed.", id="garbage"),
        pytest.param(lambda s: "", "The access token is missing.", id="empty"),
        pytest.param(
            lambda s: token_for(s, client_id="sandbox-revoked"),
            "The client of this access token has been revoked.",
            id="revoked-client",
        ),
        pytest.param(
            lambda s: token_for(s, client_id="gone"),
            "The client of this access token has been revoked.",
            id="deleted-client",
        ),
        pytest.param(
            lambda s: token_for(s, user_id=9),
            "The user of this access token is disabled.",
            id="disabled-user",
        ),
        pytest.param(
            lambda s: token_for(s, user_id=17, organization_id=1),
            "The user of this access token is disabled.",
            id="organization-mismatch",
        ),
    ],
)
def test_refused_tokens(
    server: AuthServer, bearer: BearerAuthenticator, make: object, reason: str
) -> None:
    token = make(server)  # type: ignore[operator]
    assert refusal(bearer, credentials(token)) == reason


def test_the_api_refuses_a_bad_token_with_a_bare_401(server: AuthServer) -> None:
    """Oro: ``new Response('', 401, [])`` for a refused token; ``WWW-Authenticate: Bearer`` from
    its ``OAuthEntryPoint`` only when no credentials came (reference §4.5)."""
    response = server.api("GET", "/users/1", token_for(server, age=3600))
    assert (response.status_code, response.content) == (401, b"")
    assert "www-authenticate" not in response.headers
    anonymous = server.api("GET", "/users/1", None)
    assert (anonymous.status_code, anonymous.content) == (401, b"")
    assert anonymous.headers["www-authenticate"] == "Bearer"


def test_the_api_takes_access_token_in_a_json_api_body(server: AuthServer) -> None:
    """Reference §4.2: ``POST /api/...`` with ``access_token`` next to ``data``."""
    tasks = server.schema.tables["tasks"]
    body = {
        "access_token": server.access_token(),
        "data": {"type": "tasks", "attributes": {"subject": "Call back"}},
    }
    response = server.api(
        "POST", "/tasks", content=orjson.dumps(body), headers={"Content-Type": JSON_API}
    )
    assert response.status_code == 201, response.text
    created = int(response.json()["data"]["id"])
    with server.engine.connect() as connection:
        assert (
            connection.execute(sa.select(tasks.c.subject).where(tasks.c.id == created)).scalar_one()
            == "Call back"
        )
