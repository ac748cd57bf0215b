"""The authorization-code + PKCE flow end to end in headless Chromium: the login page, the consent
page, the redirect to a loopback callback (served here), the code exchange, then the API."""

from __future__ import annotations

import http.server
import secrets
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from tests.auth.oauth_support import AuthServer, auth_server, pkce_pair, query_of
from tests.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (CI installs it)"
)


class Callback:
    """A loopback redirect target, as a native app would run one (RFC 8252 §7.3)."""

    def __init__(self) -> None:
        self.received = threading.Event()
        self.path = ""
        callback = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.startswith("/callback?"):  # e.g. the browser's /favicon.ico
                    self.send_error(404)
                    return
                callback.path = self.path
                body = b"<!doctype html><title>Done</title><p>You may close this window.</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                callback.received.set()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Callback:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("browser") / "browser.db") as server:
        yield server


def test_authorization_code_with_pkce_in_chromium(server: AuthServer) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(8)
    with Callback() as callback, sync_api.sync_playwright() as playwright:
        query = {
            "response_type": "code",
            "client_id": "sandbox-pkce",
            "redirect_uri": callback.uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
        }
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{server.origin}/oauth2-token/authorize?{urlencode(query)}")
            assert page.locator("h1").inner_text() == "Sign in"
            page.get_by_label("Username or email").fill("admin")
            page.get_by_label("Password").fill("admin")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_selector("text=Allow access?")
            assert page.locator("main p").first.inner_text() == (
                "Demo PKCE App wants to access the Oro API as John Doe."
            )
            page.get_by_role("button", name="Allow").click()
            assert callback.received.wait(15), "the browser never reached the callback"
            page.wait_for_url(callback.uri + "?*")
        finally:
            browser.close()
    redirect = query_of(callback.path)
    assert set(redirect) == {"code", "state"} and redirect["state"] == state
    response = httpx.post(
        server.origin + "/oauth2-token",
        json={
            "grant_type": "authorization_code",
            "client_id": "sandbox-pkce",
            "code": redirect["code"],
            "redirect_uri": callback.uri,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    user = server.api("GET", "/users/1", token)
    assert user.status_code == 200, user.text
    assert user.json()["data"]["attributes"]["username"] == "admin"
