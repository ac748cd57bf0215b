"""The client's authentication flows against a live server with authentication on: OAuth client
credentials and password grants (tokens fetched once, renewed before expiry, fetched again once
after a 401), bearer tokens and WSSE; the token requests counted with an httpx event hook."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import orjson
import pytest

from sandbox.auth import (
    EARLY_REFRESH,
    AuthorizationCode,
    BearerToken,
    ClientCredentials,
    PasswordGrant,
    TokenError,
    Wsse,
    s256,
    wsse_headers,
)
from sandbox.client import ApiClient, SandboxError
from server.auth.tokens import AccessClaims, issue_access_token
from tests.auth.oauth_support import CALLBACK, REP, AuthServer, auth_server, authorize

ADMIN_API_KEY = "c4a8b0622d55b80e199ce9319e20370f9d8e4a3d"  # the demo admin's seeded WSSE key


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("sandbox-auth") / "auth.db") as server:
        yield server


class Log:
    """Every request the client sends and its status, token requests by their grant type."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, response: httpx.Response) -> None:
        request = response.request
        self.requests.append(request)
        if request.url.path.endswith("/oauth2-token"):
            grant = orjson.loads(request.content)["grant_type"]
            self.lines.append(f"token {grant} → {response.status_code}")
        else:
            self.lines.append(f"{request.method} {request.url.path} → {response.status_code}")

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def logged_client(url: str, auth: httpx.Auth | None, **options: object) -> tuple[ApiClient, Log]:
    log = Log()
    http = httpx.Client(event_hooks={"response": [log]}, **options)  # type: ignore[arg-type]
    return ApiClient(url, auth, http=http), log


def api_url(server: AuthServer) -> str:
    return server.origin + "/api"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


# --- no credentials ----------------------------------------------------------------------------


def test_without_credentials_the_api_answers_401(server: AuthServer) -> None:
    with ApiClient(api_url(server)) as api:
        exchange = api.get("/users/1")
    assert (exchange.status, exchange.reason) == (401, "Unauthorized")
    assert exchange.headers["www-authenticate"] == "Bearer"  # Oro's OAuthEntryPoint
    assert "authorization" not in exchange.request.headers


# --- client credentials ------------------------------------------------------------------------


def test_client_credentials_fetch_one_token_and_reuse_it(server: AuthServer) -> None:
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    api, log = logged_client(api_url(server), auth)
    with api:
        first = api.get("/users/1")
        second = api.get("/users", params={"filter[id][gt]": "27"})
    assert (first.status, second.status) == (200, 200)
    assert first.data["attributes"]["username"] == "admin"  # the application acts as admin
    assert log.take() == [
        "token client_credentials → 200",
        "GET /api/users/1 → 200",
        "GET /api/users → 200",
    ]
    token_request = log.requests[0]
    assert str(token_request.url) == server.origin + "/oauth2-token"
    assert orjson.loads(token_request.content) == {
        "client_id": "sandbox-integration",
        "client_secret": "integration-secret",
        "grant_type": "client_credentials",
    }
    assert first.request.headers["authorization"] == f"Bearer {auth.access_token}"
    assert second.request.headers["authorization"] == f"Bearer {auth.access_token}"


def expired_token(server: AuthServer) -> str:
    issued = int(time.time()) - 7200
    claims = AccessClaims(
        user_id=1,
        client_id="sandbox-integration",
        organization_id=1,
        token_id="expired",
        issued_at=issued,
        expires_at=issued + 3600,
    )
    return issue_access_token(server.oauth.keys, claims)


def test_a_401_gets_one_fresh_token_and_one_retry(server: AuthServer) -> None:
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    api, log = logged_client(api_url(server), auth)
    with api:
        assert api.get("/users/1").status == 200
        log.take()
        auth.access_token = expired_token(server)  # the client still believes it is good
        exchange = api.get("/users/1")
    assert exchange.status == 200
    assert log.take() == [
        "GET /api/users/1 → 401",
        "token client_credentials → 200",
        "GET /api/users/1 → 200",
    ]
    assert exchange.request.headers["authorization"] == f"Bearer {auth.access_token}"


def test_only_one_retry_when_the_api_keeps_refusing() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2-token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(401, headers={"WWW-Authenticate": "Bearer"})

    log = Log()
    http = httpx.Client(transport=httpx.MockTransport(answer), event_hooks={"response": [log]})
    with ApiClient("http://oro.test/api", ClientCredentials("c", "s"), http=http) as api:
        exchange = api.get("/users")
    assert exchange.status == 401
    assert log.take() == [
        "token client_credentials → 200",
        "GET /api/users → 401",
        "token client_credentials → 200",
        "GET /api/users → 401",
    ]


@pytest.mark.parametrize(
    ("client_id", "secret", "message"),
    [
        pytest.param(
            "sandbox-integration",
            "wrong-secret",
            "401 invalid_client: The client secret is wrong.",
            id="bad-secret",
        ),
        pytest.param(
            "sandbox-revoked",
            "revoked-secret",
            "401 invalid_client: The client has been revoked.",
            id="revoked-client",
        ),
    ],
)
def test_a_refused_grant_is_a_token_error(
    server: AuthServer, client_id: str, secret: str, message: str
) -> None:
    with (
        ApiClient(api_url(server), ClientCredentials(client_id, secret)) as api,
        pytest.raises(TokenError) as refused,
    ):
        api.get("/users/1")
    error = refused.value
    assert isinstance(error, SandboxError)
    assert str(error) == message
    assert (error.status, error.error) == (401, "invalid_client")


def test_a_token_url_of_its_own() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.method == "POST":
            assert orjson.loads(request.content) == {
                "client_id": "public",
                "grant_type": "password",
                "username": "u",
                "password": "p",
            }  # a public client sends no secret
            return httpx.Response(200, json={"access_token": "t"})
        assert request.headers["authorization"] == "Bearer t"
        return httpx.Response(200, json={"data": []})

    auth = PasswordGrant("public", None, "u", "p", token_url="https://oro.test/admin/oauth2-token")
    http = httpx.Client(transport=httpx.MockTransport(answer))
    with ApiClient("https://oro.test/admin/api", auth, http=http) as api:
        assert api.get("/users").status == 200
    assert seen == ["https://oro.test/admin/oauth2-token", "https://oro.test/admin/api/users"]


# --- password grant ----------------------------------------------------------------------------


def test_a_password_grant_is_refreshed_before_it_expires(server: AuthServer) -> None:
    clock = Clock()
    auth = PasswordGrant(
        "sandbox-password", "password-secret", "ronald.rivera_f16d7", "ronald.rivera_f16d7",
        clock=clock,
    )  # fmt: skip
    api, log = logged_client(api_url(server), auth)
    with api:
        me = api.get("/users/4")
        assert me.status == 200
        assert log.take() == ["token password → 200", "GET /api/users/4 → 200"]
        first_access, first_refresh = auth.access_token, auth.refresh_token
        assert first_refresh is not None

        clock.now += 3600 - EARLY_REFRESH - 60  # still well within its lifetime
        assert api.get("/users/4").status == 200
        assert log.take() == ["GET /api/users/4 → 200"]

        clock.now += 60 + 1  # about to expire: renewed with the refresh token
        assert api.get("/users/4").status == 200
        assert log.take() == ["token refresh_token → 200", "GET /api/users/4 → 200"]
        assert auth.access_token != first_access
        assert auth.refresh_token not in (None, first_refresh)  # rotated
        refresh_body = orjson.loads(log.requests[-2].content)
        assert refresh_body == {
            "client_id": "sandbox-password",
            "client_secret": "password-secret",
            "grant_type": "refresh_token",
            "refresh_token": first_refresh,
        }


def test_a_refused_refresh_token_falls_back_to_the_grant(server: AuthServer) -> None:
    clock = Clock()
    auth = PasswordGrant("sandbox-password", "password-secret", "admin", "admin", clock=clock)
    api, log = logged_client(api_url(server), auth)
    with api:
        assert api.get("/users/1").status == 200
        log.take()
        auth.refresh_token = "revoked-refresh-token"
        clock.now += 7200  # expired
        exchange = api.get("/users/1")
    assert exchange.status == 200
    assert log.take() == [
        "token refresh_token → 400",
        "token password → 200",
        "GET /api/users/1 → 200",
    ]


def test_a_wrong_password_is_a_token_error(server: AuthServer) -> None:
    auth = PasswordGrant("sandbox-password", "password-secret", "admin", "not-the-password")
    with ApiClient(api_url(server), auth) as api, pytest.raises(TokenError) as refused:
        api.get("/users/1")
    assert refused.value.status == 400
    assert refused.value.error == "invalid_grant"


# --- bearer tokens and WSSE --------------------------------------------------------------------


def test_a_bearer_token(server: AuthServer) -> None:
    with ApiClient(api_url(server), BearerToken(server.access_token())) as api:
        assert api.get("/users/1").status == 200
    with ApiClient(api_url(server), BearerToken("not-a-token")) as api:
        refused = api.get("/users/1")
    assert (refused.status, refused.raw) == (401, b"")
    assert "www-authenticate" not in refused.headers  # a refused token: a bare 401, as Oro


def test_wsse_sends_a_fresh_nonce_on_every_request(server: AuthServer) -> None:
    api, log = logged_client(api_url(server), Wsse("admin", ADMIN_API_KEY))
    with api:
        first = api.get("/users/1")
        second = api.get("/users/1")  # a reused nonce would be refused
    assert (first.status, second.status) == (200, 200)
    assert log.take() == ["GET /api/users/1 → 200", "GET /api/users/1 → 200"]
    headers = [exchange.request.headers for exchange in (first, second)]
    assert [h["authorization"] for h in headers] == ['WSSE profile="UsernameToken"'] * 2
    nonces = [h["x-wsse"].split('Nonce="')[1].split('"')[0] for h in headers]
    assert nonces[0] != nonces[1]


def test_wsse_with_a_wrong_key_is_refused(server: AuthServer) -> None:
    with ApiClient(api_url(server), Wsse("admin", "0" * 40)) as api:
        assert api.get("/users/1").status == 401


def test_wsse_headers_follow_oros_digest() -> None:
    # the reference's nonce and date, a known key; the digest checked with openssl
    nonce = base64.b64decode("elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==")
    created = "2016-09-20T10:00:00+03:00"
    headers = wsse_headers(
        "admin", "dd1c18d06773cc377c9df6166c54c6e5fefa50fa", nonce=nonce, created=created
    )
    assert headers == {
        "Authorization": 'WSSE profile="UsernameToken"',
        "X-WSSE": 'UsernameToken Username="admin", PasswordDigest="1W1xF6VjOoiFIDnjEKMBv9FiyI0=",'
        ' Nonce="elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==", Created="2016-09-20T10:00:00+03:00"',
    }


# --- reprs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda: BearerToken("s3cret"), "<BearerToken>", id="bearer"),
        pytest.param(
            lambda: ClientCredentials("app", "s3cret"),
            "<ClientCredentials client_id='app'>",
            id="client-credentials",
        ),
        pytest.param(
            lambda: PasswordGrant("app", "s3cret", "ann", "s3cret"),
            "<PasswordGrant client_id='app' username='ann'>",
            id="password",
        ),
        pytest.param(lambda: Wsse("ann", "s3cret"), "<Wsse username='ann'>", id="wsse"),
    ],
)
def test_reprs_show_no_secrets(make: Callable[[], httpx.Auth], expected: str) -> None:
    assert repr(make()) == expected


# --- authorization code with PKCE ---------------------------------------------------------------


def signed_in(server: AuthServer, login: AuthorizationCode, **overrides: str) -> str:
    """Play the browser: open ``login.url``, sign in as the Sales Rep, allow; the address the
    browser is sent back to."""
    query = dict(parse_qsl(urlsplit(login.url).query))
    del query["response_type"], query["client_id"], query["redirect_uri"]
    answer = authorize(
        server, login.client_id, username=REP, password=REP, **{**query, **overrides}
    )
    return f"{CALLBACK}?{urlencode(answer)}"


def test_the_sign_in_url_carries_the_pkce_challenge_and_the_state() -> None:
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url="http://h:8/admin/api")
    url = urlsplit(login.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://h:8/admin/oauth2-token/authorize"
    assert dict(parse_qsl(url.query)) == {
        "response_type": "code",
        "client_id": "sandbox-pkce",
        "redirect_uri": CALLBACK,
        "code_challenge": s256(login.verifier),
        "code_challenge_method": "S256",
        "state": login.state,
    }
    assert login.token_url == "http://h:8/oauth2-token"
    assert 43 <= len(login.verifier) <= 128
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B
    )


def test_authorization_code_signs_in_then_refreshes(server: AuthServer) -> None:
    clock = Clock()
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url=api_url(server), clock=clock)
    assert (
        repr(login) == "<AuthorizationCode client_id='sandbox-pkce', not signed in yet: open .url>"
    )
    assert login.finish(signed_in(server, login)) is login
    client, log = logged_client(api_url(server), login)
    with client:
        assert client.get("/accounts", params={"page[size]": "1"}).status == 200
        clock.now += 3600  # the access token expired: the refresh token renews it
        assert client.get("/accounts", params={"page[size]": "1"}).status == 200
    assert log.take() == [
        "GET /api/accounts → 200",
        "token refresh_token → 200",
        "GET /api/accounts → 200",
    ]
    assert repr(login) == "<AuthorizationCode client_id='sandbox-pkce', signed in>"


def test_authorization_code_takes_the_code_alone(server: AuthServer) -> None:
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url=api_url(server))
    code = dict(parse_qsl(urlsplit(signed_in(server, login)).query))["code"]
    with ApiClient(api_url(server), auth=login.finish(code)) as client:
        assert client.get("/users/4").status == 200


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param({"state": "someone-elses"}, "invalid_state", id="another sign-in's state"),
        pytest.param({"decision": "deny"}, "access_denied", id="the user said no"),
    ],
)
def test_a_refused_or_foreign_sign_in_is_a_token_error(
    server: AuthServer, overrides: dict[str, str], error: str
) -> None:
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url=api_url(server))
    with pytest.raises(TokenError) as raised:
        login.finish(signed_in(server, login, **overrides))
    assert raised.value.error == error


def test_a_wrong_verifier_is_refused_by_the_server(server: AuthServer) -> None:
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url=api_url(server))
    redirected = signed_in(server, login)
    login.verifier = "x" * 64
    with pytest.raises(TokenError) as raised:
        login.finish(redirected)
    assert (raised.value.status, raised.value.error) == (400, "invalid_grant")


def test_before_signing_in_a_request_says_how(server: AuthServer) -> None:
    login = AuthorizationCode("sandbox-pkce", CALLBACK, api_url=api_url(server))
    with (
        ApiClient(api_url(server), auth=login) as client,
        pytest.raises(TokenError, match=r"Sign in again: open \.url"),
    ):
        client.get("/users/1")


def test_authorization_code_needs_to_know_where() -> None:
    with pytest.raises(ValueError, match="api_url"):
        AuthorizationCode("sandbox-pkce", CALLBACK)
