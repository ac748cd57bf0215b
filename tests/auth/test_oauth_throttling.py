"""Brute force on ``POST /oauth2-token``: repeated failed logins answer 429 with ``Retry-After``,
per client and username, and per client address."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.auth.oauth_support import REP, AuthServer, auth_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("throttle") / "throttle.db") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_throttle(server: AuthServer) -> None:
    server.oauth.throttle.reset()


def password_login(server: AuthServer, username: str, password: str) -> httpx.Response:
    return server.token(
        grant_type="password",
        client_id="sandbox-password",
        client_secret="password-secret",
        username=username,
        password=password,
    )


def assert_throttled(server: AuthServer, response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= server.live.settings.login_failure_window
    assert response.json() == {
        "error": "slow_down",
        "error_description": f"Too many failed login attempts. Try again in {retry_after} seconds.",
    }


def test_wrong_passwords_lock_the_username_out(server: AuthServer) -> None:
    for _ in range(server.live.settings.login_failures_allowed):
        assert password_login(server, "admin", "guess").json()["error"] == "invalid_grant"
    assert_throttled(server, password_login(server, "admin", "admin"))  # even the right one
    assert_throttled(server, password_login(server, "ADMIN", "admin"))  # in any case
    assert password_login(server, REP, REP).status_code == 200  # others are not locked out


def test_a_good_login_clears_the_count(server: AuthServer) -> None:
    allowed = server.live.settings.login_failures_allowed
    for _ in range(allowed - 1):
        password_login(server, "admin", "guess")
    assert password_login(server, "admin", "admin").status_code == 200
    for _ in range(allowed - 1):
        password_login(server, "admin", "guess")
    assert password_login(server, "admin", "admin").status_code == 200


def test_wrong_client_secrets_lock_the_client_out(server: AuthServer) -> None:
    def attempt(secret: str) -> httpx.Response:
        return server.token(
            grant_type="client_credentials", client_id="sandbox-integration", client_secret=secret
        )

    for _ in range(server.live.settings.login_failures_allowed):
        assert attempt("guess").status_code == 401
    assert_throttled(server, attempt("integration-secret"))


def test_one_address_trying_many_usernames_is_locked_out(server: AuthServer) -> None:
    ip_allowed = server.oauth.throttle.ip_allowed
    for number in range(ip_allowed):
        assert password_login(server, f"user{number}", "guess").status_code == 400
    assert_throttled(server, password_login(server, REP, REP))


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(server: AuthServer) -> None:
    """30 at once: the check and the count are one step, so only ``allowed`` are checked."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(30) as pool:
        responses = list(pool.map(lambda _: password_login(server, "admin", "guess"), range(30)))
    checked = [r for r in responses if r.status_code == 400]
    assert len(checked) == server.live.settings.login_failures_allowed
    assert all(r.json()["error"] == "invalid_grant" for r in checked)
    assert sum(r.status_code == 429 for r in responses) == 30 - len(checked)


def test_username_and_email_count_as_one_user(server: AuthServer) -> None:
    allowed = server.live.settings.login_failures_allowed
    for i in range(allowed):
        login = "admin" if i % 2 else "ADMIN@example.com"
        assert password_login(server, login, "guess").json()["error"] == "invalid_grant"
    assert_throttled(server, password_login(server, "admin@example.com", "admin"))
    assert_throttled(server, password_login(server, "admin", "admin"))
