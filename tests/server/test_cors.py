"""CORS (reference §7.4): preflight and response headers as pure functions of the settings, the
``serve`` flags that set them, and a preflight over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server import cli
from server.app import create_app
from server.cors import is_allowed_origin, is_preflight, preflight_headers, response_headers
from server.settings import Settings
from tests.live_server import LiveServer

SITE = "https://app.example.com"
ALLOW = ("OPTIONS", "GET", "PATCH", "POST", "DELETE")
ON = Settings(cors_origins=(SITE,))


@pytest.mark.parametrize(
    ("origins", "origin", "expected"),
    [
        pytest.param((), SITE, False, id="off-by-default"),
        pytest.param((SITE,), SITE, True, id="listed"),
        pytest.param((SITE,), "https://evil.example.com", False, id="not-listed"),
        pytest.param((SITE,), SITE + "/", False, id="exact-match-only"),
        pytest.param((SITE,), "http://app.example.com", False, id="other-scheme"),
        pytest.param(("https://a.example", SITE), SITE, True, id="second-of-two"),
        pytest.param(("*",), "http://localhost:3000", True, id="star-allows-any"),
        pytest.param(("*",), None, False, id="no-origin"),
        pytest.param(("*",), "", False, id="empty-origin"),
    ],
)
def test_is_allowed_origin(origins: tuple[str, ...], origin: str | None, expected: bool) -> None:
    assert is_allowed_origin(Settings(cors_origins=origins), origin) is expected


@pytest.mark.parametrize(
    ("method", "origin", "request_method", "expected"),
    [
        pytest.param("OPTIONS", SITE, "POST", True, id="preflight"),
        pytest.param("OPTIONS", SITE, None, False, id="plain-options"),
        pytest.param("OPTIONS", None, "POST", False, id="no-origin"),
        pytest.param("GET", SITE, "POST", False, id="not-options"),
    ],
)
def test_is_preflight(
    method: str, origin: str | None, request_method: str | None, expected: bool
) -> None:
    assert is_preflight(method, origin, request_method) is expected


@pytest.mark.parametrize(
    ("settings", "origin", "expected"),
    [
        pytest.param(
            ON,
            SITE,
            {
                "Access-Control-Allow-Origin": SITE,
                "Access-Control-Allow-Methods": "OPTIONS, GET, PATCH, POST, DELETE",
                "Access-Control-Allow-Headers": (
                    "Authorization,Content-Type,X-Include,X-Mode,X-HTTP-Method-Override"
                ),
                "Access-Control-Expose-Headers": (
                    "Location,X-Include-Total-Count,X-Include-Deleted-Count"
                ),
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            },
            id="defaults",
        ),
        pytest.param(
            Settings(
                cors_origins=("*",),
                cors_allow_headers=("X-WSSE", "X-CSRF-Header", "content-type"),
                cors_expose_headers=("X-Request-Id",),
                cors_allow_credentials=True,
                cors_max_age=0,
            ),
            "http://localhost:3000",
            {
                "Access-Control-Allow-Origin": "http://localhost:3000",  # echoed, never "*"
                "Access-Control-Allow-Methods": "OPTIONS, GET, PATCH, POST, DELETE",
                "Access-Control-Allow-Headers": (
                    "Authorization,Content-Type,X-Include,X-WSSE,X-CSRF-Header"
                ),
                "Access-Control-Expose-Headers": (
                    "Location,X-Include-Total-Count,X-Include-Deleted-Count,X-Request-Id"
                ),
                "Access-Control-Allow-Credentials": "true",
                "Vary": "Origin",
            },
            id="configured-star-credentials-no-max-age",
        ),
    ],
)
def test_preflight_headers(settings: Settings, origin: str, expected: dict[str, str]) -> None:
    assert preflight_headers(settings, origin, "POST", "authorization,x-wsse", ALLOW) == expected


@pytest.mark.parametrize(
    ("settings", "origin", "request_method"),
    [
        pytest.param(Settings(), SITE, "GET", id="cors-off"),
        pytest.param(ON, "https://evil.example.com", "GET", id="origin-not-allowed"),
        pytest.param(ON, None, "GET", id="no-origin"),
        pytest.param(ON, SITE, None, id="not-a-preflight"),
        pytest.param(ON, SITE, "", id="empty-request-method"),
    ],
)
def test_no_preflight_headers(
    settings: Settings, origin: str | None, request_method: str | None
) -> None:
    assert preflight_headers(settings, origin, request_method, None, ALLOW) is None


def test_preflight_lists_the_resources_methods() -> None:
    headers = preflight_headers(ON, SITE, "GET", None, ("OPTIONS", "GET"))
    assert headers is not None
    assert headers["Access-Control-Allow-Methods"] == "OPTIONS, GET"


@pytest.mark.parametrize(
    ("settings", "origin", "expected"),
    [
        pytest.param(
            ON,
            SITE,
            {
                "Access-Control-Allow-Origin": SITE,
                "Access-Control-Expose-Headers": (
                    "Location,X-Include-Total-Count,X-Include-Deleted-Count"
                ),
                "Vary": "Origin",
            },
            id="allowed",
        ),
        pytest.param(
            Settings(cors_origins=("*",), cors_allow_credentials=True),
            SITE,
            {
                "Access-Control-Allow-Origin": SITE,
                "Access-Control-Expose-Headers": (
                    "Location,X-Include-Total-Count,X-Include-Deleted-Count"
                ),
                "Access-Control-Allow-Credentials": "true",
                "Vary": "Origin",
            },
            id="star-with-credentials",
        ),
        pytest.param(ON, "https://evil.example.com", {}, id="not-allowed"),
        pytest.param(ON, None, {}, id="no-origin"),
        pytest.param(Settings(), SITE, {}, id="cors-off"),
    ],
)
def test_response_headers(settings: Settings, origin: str | None, expected: dict[str, str]) -> None:
    assert response_headers(settings, origin) == expected


# --- oro-sandbox serve flags -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        pytest.param([], {}, {}, id="off"),
        pytest.param(
            [],
            {"ORO_SANDBOX_CORS_ORIGINS": "http://a.example, http://b.example"},
            {"cors_origins": ("http://a.example", "http://b.example")},
            id="environment",
        ),
        pytest.param(
            ["--cors-origin", "http://localhost:3000/", "--cors-origin", "*"],
            {"ORO_SANDBOX_CORS_ORIGINS": "http://a.example"},
            {"cors_origins": ("http://localhost:3000", "*")},
            id="flags-win-trailing-slash-dropped",
        ),
        pytest.param(
            [
                "--cors-origin",
                SITE,
                "--cors-allow-header",
                "X-WSSE",
                "--cors-allow-header",
                "X-CSRF-Header",
                "--cors-allow-credentials",
            ],
            {},
            {
                "cors_origins": (SITE,),
                # added to the default ones
                "cors_allow_headers": (
                    "X-Mode",
                    "X-HTTP-Method-Override",
                    "X-WSSE",
                    "X-CSRF-Header",
                ),
                "cors_allow_credentials": True,
            },
            id="headers-and-credentials",
        ),
    ],
)
def test_serve_cors_flags(argv: list[str], environ: dict[str, str], expected: dict) -> None:
    settings = cli.settings_from(cli.parse_args(["serve", *argv]), environ)
    assert settings == Settings().with_(**expected)


def test_serve_rejects_a_malformed_origin(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(["serve", "--cors-origin", "localhost:3000"])
    assert exit_.value.code == 2
    assert "is not an origin such as http://localhost:3000" in capsys.readouterr().err


# --- over real HTTP (needs the CORS functions in the request pipeline) -------------------------


@pytest.fixture(scope="module")
def cors_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("cors") / "api.db", auth=True)
    headers = (*Settings.cors_allow_headers, "X-WSSE")  # as --cors-allow-header X-WSSE
    live.settings = live.settings.with_(cors_origins=(SITE,), cors_allow_headers=headers)
    live.app = live.server.config.app = create_app(live.settings)
    with live:
        yield live


def test_http_preflight_needs_no_credentials(cors_server: LiveServer) -> None:
    response = httpx.options(
        cors_server.origin + "/api/accounts",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-wsse",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert response.headers["Access-Control-Allow-Methods"] == "OPTIONS, GET, PATCH, POST, DELETE"
    assert response.headers["Access-Control-Allow-Headers"] == (
        "Authorization,Content-Type,X-Include,X-Mode,X-HTTP-Method-Override,X-WSSE"
    )
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.headers["Vary"] == "Origin"


def test_http_a_synchronous_batch_may_be_sent_from_a_browser(cors_server: LiveServer) -> None:
    response = httpx.options(
        cors_server.origin + "/api/accounts",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization,content-type,x-mode",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    allowed = response.headers["Access-Control-Allow-Headers"].lower().split(",")
    assert {"authorization", "content-type", "x-mode"} <= set(allowed)
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"].split(", ")


def test_http_preflight_from_another_origin_has_no_cors_headers(cors_server: LiveServer) -> None:
    response = httpx.options(
        cors_server.origin + "/api/accounts",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_http_even_a_401_carries_cors_headers(cors_server: LiveServer) -> None:
    """So that a browser script can read the 401 instead of seeing a network error."""
    response = httpx.get(cors_server.origin + "/api/accounts", headers={"Origin": SITE})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert response.headers["Access-Control-Expose-Headers"] == (
        "Location,X-Include-Total-Count,X-Include-Deleted-Count"
    )


def test_http_token_endpoint_answers_preflights(cors_server: LiveServer) -> None:
    response = httpx.options(
        cors_server.origin + "/oauth2-token",
        headers={"Origin": SITE, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["allow"] == "OPTIONS, POST"
    assert response.headers["access-control-allow-origin"] == SITE
    token = httpx.post(
        cors_server.origin + "/oauth2-token",
        json={
            "grant_type": "client_credentials",
            "client_id": "sandbox-integration",
            "client_secret": "integration-secret",
        },
        headers={"Origin": SITE},
    )
    assert token.status_code == 200
    assert token.headers["access-control-allow-origin"] == SITE
