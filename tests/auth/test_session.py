"""Login sessions: the ``/login`` and ``/logout`` pages, their cookies, and session authentication
of the API, which needs ``X-CSRF-Header`` (reference §4.4)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from server.auth.authenticate import Credentials, Unauthorized
from server.auth.oauth.login import safe_target
from server.auth.session import CSRF_COOKIE, SESSION_COOKIE, SessionAuthenticator
from tests.auth.oauth_support import DISABLED, REP, AuthServer, auth_server, sign_in
from tests.live_server import JSON_API


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("session") / "session.db") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_throttle(server: AuthServer) -> None:
    server.oauth.throttle.reset()


@pytest.fixture
def browser(server: AuthServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def sessions(server: AuthServer) -> SessionAuthenticator:
    return SessionAuthenticator(server.engine, server.schema, server.live.settings)


def alert(page: httpx.Response) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text)
    assert match is not None, page.text
    return match.group(1)


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def test_signing_in_sets_the_session_and_csrf_cookies(
    server: AuthServer, browser: httpx.Client
) -> None:
    page = browser.get("/login")
    assert page.status_code == 200
    assert set_cookies(page)[CSRF_COOKIE].endswith("; Path=/; SameSite=lax")
    response = sign_in(browser, REP, REP, "/login")
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    cookies = set_cookies(response)
    assert re.fullmatch(
        r"BAPID=[\w-]{43}; HttpOnly; Max-Age=28800; Path=/; SameSite=lax", cookies[SESSION_COOKIE]
    )
    assert re.fullmatch(
        r"_csrf=[\w-]{32}; Max-Age=28800; Path=/; SameSite=lax", cookies[CSRF_COOKIE]
    )
    page = browser.get("/login")
    assert "You are signed in as <strong>Ronald Rivera</strong>." in page.text


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        pytest.param("admin", "wrong", "Invalid user name or password.", id="wrong-password"),
        pytest.param("nobody", "nobody", "Invalid user name or password.", id="unknown-user"),
        pytest.param(DISABLED, DISABLED, "Invalid user name or password.", id="disabled-user"),
    ],
)
def test_a_failed_sign_in_shows_the_form_again(
    browser: httpx.Client, username: str, password: str, message: str
) -> None:
    response = sign_in(browser, username, password, "/login")
    assert response.status_code == 400
    assert alert(response) == message
    assert SESSION_COOKIE not in browser.cookies


def test_the_login_form_is_csrf_protected(browser: httpx.Client) -> None:
    browser.get("/login")
    form = {"_username": "admin", "_password": "admin", "_csrf_token": "forged"}
    response = browser.post("/login", data=form)
    assert response.status_code == 400
    assert alert(response) == "The form has expired. Please sign in again."
    assert SESSION_COOKIE not in browser.cookies


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        pytest.param("/oauth2-token/authorize?a=1", "/oauth2-token/authorize?a=1", id="path"),
        pytest.param("https://evil.example/", "/login", id="absolute"),
        pytest.param("//evil.example/", "/login", id="scheme-relative"),
        pytest.param("/\\evil.example/", "/login", id="backslash"),
        pytest.param(None, "/login", id="none"),
    ],
)
def test_only_local_targets_after_sign_in(target: str | None, safe: str) -> None:
    assert safe_target(target) == safe


def test_repeated_failures_are_throttled(server: AuthServer, browser: httpx.Client) -> None:
    allowed = server.live.settings.login_failures_allowed
    for _ in range(allowed):
        assert sign_in(browser, "admin", "wrong", "/login").status_code == 400
    response = sign_in(browser, "admin", "admin", "/login")
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= server.live.settings.login_failure_window
    assert alert(response).startswith("Too many failed attempts. Try again in ")


def api_get(server: AuthServer, browser: httpx.Client, **headers: str) -> httpx.Response:
    return browser.get("/api/users/1", headers={"Accept": JSON_API, **headers})


def test_the_api_accepts_the_session_only_with_x_csrf_header(
    server: AuthServer, browser: httpx.Client
) -> None:
    sign_in(browser, REP, REP, "/login")
    assert api_get(server, browser).status_code == 401  # the cookie alone is ignored
    response = api_get(server, browser, **{"X-CSRF-Header": "1"})  # GET: presence suffices
    assert response.status_code == 200, response.text


def test_writes_need_the_sessions_csrf_token(server: AuthServer, browser: httpx.Client) -> None:
    sign_in(browser, "admin", "admin", "/login")
    body = {"data": {"type": "tasks", "attributes": {"subject": "From the session"}}}
    headers = {"Accept": JSON_API, "Content-Type": JSON_API}
    forged = browser.post("/api/tasks", json=body, headers={**headers, "X-CSRF-Header": "1"})
    assert forged.status_code == 401
    token = browser.cookies[CSRF_COOKIE]
    created = browser.post("/api/tasks", json=body, headers={**headers, "X-CSRF-Header": token})
    assert created.status_code == 201, created.text


def test_signing_out_ends_the_session(server: AuthServer, browser: httpx.Client) -> None:
    sign_in(browser, REP, REP, "/login")
    session_id, token = browser.cookies[SESSION_COOKIE], browser.cookies[CSRF_COOKIE]
    refused = browser.post("/logout", data={"_csrf_token": "forged"})
    assert refused.status_code == 400
    response = browser.post("/logout", data={"_csrf_token": token})
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert SESSION_COOKIE not in browser.cookies
    gone = browser.get(
        "/api/users/1", headers={"X-CSRF-Header": "1", "Cookie": f"{SESSION_COOKIE}={session_id}"}
    )
    assert gone.status_code == 401


def credentials(session_id: str | None, csrf: str | None, method: str = "GET") -> Credentials:
    headers = {}
    if session_id is not None:
        headers["cookie"] = f"{SESSION_COOKIE}={session_id}; other=1"
    if csrf is not None:
        headers["x-csrf-header"] = csrf
    return Credentials(method, headers, b"", False)


def test_the_session_authenticator(
    server: AuthServer, browser: httpx.Client, sessions: SessionAuthenticator
) -> None:
    sign_in(browser, REP, REP, "/login")
    session_id, token = browser.cookies[SESSION_COOKIE], browser.cookies[CSRF_COOKIE]
    assert sessions.authenticate(credentials(None, token)) is None
    assert sessions.authenticate(credentials(session_id, None)) is None
    assert sessions.authenticate(credentials(session_id, None, "POST")) is None
    for request in (credentials(session_id, ""), credentials(session_id, token, "PATCH")):
        principal = sessions.authenticate(request)
        assert principal is not None
        assert (principal.user_id, principal.method, principal.client_id) == (4, "session", None)
    with pytest.raises(Unauthorized) as wrong_token:
        sessions.authenticate(credentials(session_id, "forged", "DELETE"))
    assert wrong_token.value.reason == "The X-CSRF-Header token is not valid."
    with pytest.raises(Unauthorized) as unknown:
        sessions.authenticate(credentials("made-up", token))
    assert unknown.value.reason == "The session has expired or ended."


def test_an_expired_session_is_refused(
    server: AuthServer, browser: httpx.Client, sessions: SessionAuthenticator
) -> None:
    sign_in(browser, REP, REP, "/login")
    later = SessionAuthenticator(
        server.engine, server.schema, server.live.settings, clock=lambda: time.time() + 8 * 3600 + 1
    )
    request = credentials(browser.cookies[SESSION_COOKIE], "1")
    assert sessions.authenticate(request) is not None
    with pytest.raises(Unauthorized):
        later.authenticate(request)
