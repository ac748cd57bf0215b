"""The pure parts of OAuth: PKCE, redirect-URI matching, token request parsing, the login
throttle."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import sqlalchemy as sa

from server.auth.oauth.clients import Application, resolve_redirect_uri
from server.auth.oauth.errors import OAuthError
from server.auth.oauth.pkce import challenge_problem, s256, verifier_matches
from server.auth.oauth.throttle import LoginThrottle
from server.auth.oauth.token_endpoint import parse_token_request
from server.storage.auth_tables import define_auth_tables
from server.storage.database import create_engine

# RFC 7636, Appendix B
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_s256_matches_the_rfc_example() -> None:
    assert s256(RFC_VERIFIER) == RFC_CHALLENGE
    assert verifier_matches(RFC_VERIFIER, RFC_CHALLENGE)
    assert not verifier_matches(RFC_VERIFIER[:-1] + "A", RFC_CHALLENGE)
    assert not verifier_matches("short", s256("short"))  # below 43 characters


@pytest.mark.parametrize(
    ("challenge", "method", "public", "problem"),
    [
        pytest.param(RFC_CHALLENGE, "S256", True, None, id="public-s256"),
        pytest.param(None, None, False, None, id="confidential-without"),
        pytest.param(
            None, None, True, "Code challenge must be provided for public clients", id="public"
        ),
        pytest.param(None, "S256", False, None, id="method-alone-is-not-looked-at"),
        pytest.param(
            RFC_CHALLENGE,
            "plain",
            False,
            "Plain code challenge method is not allowed for this client",
            id="plain",
        ),
        pytest.param(
            RFC_CHALLENGE,
            None,
            True,
            "Plain code challenge method is not allowed for this client",
            id="method-missing-means-plain",
        ),
        pytest.param(
            RFC_CHALLENGE,
            "s256",
            True,
            "Code challenge method must be one of `S256`, `plain`",
            id="unknown-method",
        ),
        pytest.param(
            "too-short",
            "S256",
            True,
            "Code challenge must follow the specifications of RFC-7636.",
            id="malformed",
        ),
    ],
)
def test_challenge_problems(
    challenge: str | None, method: str | None, public: bool, problem: str | None
) -> None:
    assert challenge_problem(challenge, method, public=public) == problem


def application(*uris: str) -> Application:
    return Application(
        1,
        "App",
        "app",
        None,
        frozenset({"authorization_code"}),
        uris,
        False,
        None,
        1,
        True,
        "backoffice",
    )


@pytest.mark.parametrize(
    ("registered", "requested", "resolved"),
    [
        pytest.param(
            ("https://app.example/cb",),
            "https://app.example/cb",
            "https://app.example/cb",
            id="exact",
        ),
        pytest.param(
            ("https://app.example/cb",), None, "https://app.example/cb", id="default-is-the-first"
        ),
        pytest.param(
            ("https://app.example/cb",),
            "https://app.example:8443/cb",
            None,
            id="port-matters-off-loopback",
        ),
        pytest.param(("https://app.example/cb",), "https://app.example/cb/x", None, id="path"),
        pytest.param(
            ("http://127.0.0.1/callback",),
            "http://127.0.0.1:53121/callback",
            "http://127.0.0.1:53121/callback",
            id="loopback-any-port",
        ),
        pytest.param(
            ("http://localhost/callback",),
            "http://localhost:8080/callback",
            "http://localhost:8080/callback",
            id="localhost-any-port",
        ),
        pytest.param(
            ("http://[::1]/callback",),
            "http://[::1]:9000/callback",
            "http://[::1]:9000/callback",
            id="ipv6-loopback",
        ),
        pytest.param(
            ("http://127.0.0.1/callback",),
            "http://127.0.0.1:1/other",
            None,
            id="loopback-path-matters",
        ),
        pytest.param(
            ("http://127.0.0.1/callback",),
            "http://localhost:1/callback",
            None,
            id="loopback-host-matters",
        ),
        pytest.param(
            ("http://127.0.0.1/callback",), "http://evil@127.0.0.1:1/callback", None, id="userinfo"
        ),
        pytest.param(
            ("http://127.0.0.1/callback",),
            "https://127.0.0.1:1/callback",
            None,
            id="scheme-matters",
        ),
        pytest.param((), None, None, id="none-registered"),
    ],
)
def test_redirect_uris(
    registered: tuple[str, ...], requested: str | None, resolved: str | None
) -> None:
    assert resolve_redirect_uri(application(*registered), requested) == resolved


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("content_type", "body", "authorization", "params"),
    [
        pytest.param(
            "application/json",
            b'{"grant_type": "password", "x": null}',
            None,
            {"grant_type": "password"},
            id="json",
        ),
        pytest.param(
            "application/json; charset=utf-8", b'{"a": "b"}', None, {"a": "b"}, id="json-charset"
        ),
        pytest.param(
            "application/x-www-form-urlencoded",
            b"grant_type=password&a=b+c",
            None,
            {"grant_type": "password", "a": "b c"},
            id="form",
        ),
        pytest.param(
            "application/json",
            b'{"grant_type": "client_credentials"}',
            basic("app", "s%3Acret"),
            {"grant_type": "client_credentials", "client_id": "app", "client_secret": "s:cret"},
            id="basic",
        ),
    ],
)
def test_token_request_parsing(
    content_type: str, body: bytes, authorization: str | None, params: dict[str, str]
) -> None:
    assert parse_token_request(content_type, body, authorization) == params


@pytest.mark.parametrize(
    ("content_type", "body", "authorization", "error", "description"),
    [
        pytest.param(
            "text/plain",
            b"x",
            None,
            "invalid_request",
            "Send the token request as application/json (or application/x-www-form-urlencoded).",
            id="media-type",
        ),
        pytest.param(
            "application/json",
            b"{",
            None,
            "invalid_request",
            "The request body is not valid JSON.",
            id="bad-json",
        ),
        pytest.param(
            "application/json",
            b"[]",
            None,
            "invalid_request",
            "The request body must be a JSON object.",
            id="not-an-object",
        ),
        pytest.param(
            "application/json",
            b'{"client_id": 5}',
            None,
            "invalid_request",
            'The "client_id" parameter must be a string.',
            id="not-a-string",
        ),
        pytest.param(
            "application/x-www-form-urlencoded",
            b"a=1&a=2",
            None,
            "invalid_request",
            'The "a" parameter is repeated.',
            id="repeated",
        ),
        pytest.param(
            "application/json",
            b'{"client_secret": "s"}',
            basic("app", "s"),
            "invalid_request",
            "Send client credentials either as Basic or in the body.",
            id="two-client-auth-methods",
        ),
        pytest.param(
            "application/json",
            b"{}",
            "Basic !!!",
            "invalid_client",
            "The Basic authorization header is malformed.",
            id="bad-basic",
        ),
    ],
)
def test_token_request_errors(
    content_type: str, body: bytes, authorization: str | None, error: str, description: str
) -> None:
    with pytest.raises(OAuthError) as raised:
        parse_token_request(content_type, body, authorization)
    assert raised.value.to_dict() == {"error": error, "error_description": description}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle_of(allowed: int, window: float, clock: Clock, **options: Any) -> LoginThrottle:
    """A throttle on a database of its own (in memory)."""
    engine = create_engine("sqlite://")
    tables = define_auth_tables(sa.MetaData())
    tables.login_failure.create(engine)
    table = tables.login_failure
    return LoginThrottle(allowed, window, engine=engine, table=table, clock=clock, **options)


def test_the_throttle_locks_a_key_out_until_the_window_slides() -> None:
    clock = Clock()
    throttle = throttle_of(3, 60, clock)
    user = ("login", "app", "admin")
    for second in (0, 10, 20):
        clock.now = 1000 + second
        assert throttle.retry_after(user) == 0
        throttle.failed(user)
    assert throttle.retry_after(user) == 40  # the first failure leaves the window at 1060
    assert throttle.retry_after(("login", "app", "someone-else")) == 0
    clock.now = 1059.5
    assert throttle.retry_after(user) == 1
    clock.now = 1060
    assert throttle.retry_after(user) == 0


def test_a_success_clears_the_user_key_but_not_the_address() -> None:
    clock = Clock()
    throttle = throttle_of(2, 60, clock, ip_allowed=3)
    user, address = ("login", "app", "admin"), ("ip", "10.0.0.1")
    throttle.failed(user, address)
    throttle.failed(user, address)
    assert throttle.retry_after(user, address) == 60
    throttle.succeeded(user)
    assert throttle.retry_after(user, address) == 0
    throttle.failed(("login", "app", "other"), address)
    assert throttle.retry_after(("login", "app", "third"), address) == 60


def test_the_address_limit_defaults_to_four_times_the_user_limit() -> None:
    throttle = throttle_of(5, 60, Clock())
    assert (throttle.allowed, throttle.ip_allowed) == (5, 20)
