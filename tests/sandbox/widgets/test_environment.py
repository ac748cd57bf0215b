"""The Server… panel: credentials → auth (a table), and connecting to a live server."""

from __future__ import annotations

import pytest

from sandbox.auth import BearerToken, ClientCredentials, PasswordGrant, Wsse
from sandbox.launcher import DEFAULT_CLIENT_ID
from sandbox.widgets.environment import EnvironmentPanel, make_auth


@pytest.mark.parametrize(
    ("choice", "first", "second", "kind", "attrs"),
    [
        pytest.param(
            "demo", "", "", ClientCredentials, {"client_id": DEFAULT_CLIENT_ID}, id="demo"
        ),
        pytest.param(
            "client_credentials", " app ", "s3", ClientCredentials, {"client_id": "app"}, id="cc"
        ),
        pytest.param(
            "password",
            "app, jane",
            "s3, pw",
            PasswordGrant,
            {"client_id": "app", "username": "jane", "client_secret": "s3"},
            id="password",
        ),
        pytest.param(
            "wsse", "jane", "key", Wsse, {"username": "jane", "api_key": "key"}, id="wsse"
        ),
        pytest.param("bearer", "", "tok", BearerToken, {"token": "tok"}, id="bearer"),
        pytest.param("none", "", "", type(None), {}, id="none"),
    ],
)
def test_make_auth(choice: str, first: str, second: str, kind: type, attrs: dict[str, str]) -> None:
    auth = make_auth(choice, first, second)
    assert isinstance(auth, kind)
    assert {name: getattr(auth, name) for name in attrs} == attrs


@pytest.mark.parametrize(
    ("choice", "first", "second", "message"),
    [
        pytest.param("client_credentials", "app", "", "need a client id and a secret", id="cc"),
        pytest.param("password", "app", "s", "needs 'client id, username'", id="password"),
        pytest.param("wsse", "jane", "", "needs a username and an API key", id="wsse"),
        pytest.param("bearer", "", "", "A bearer token is needed", id="bearer"),
    ],
)
def test_make_auth_says_what_is_missing(choice: str, first: str, second: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_auth(choice, first, second)


def test_connect_reads_the_metadata_and_hands_the_client_on(api_url: str) -> None:
    from sandbox import ApiClient

    got: list[object] = []
    with ApiClient("http://127.0.0.1:9/api") as current:
        panel = EnvironmentPanel(current, on_connect=lambda c, m: got.append((c, m)))
    panel.url.value = api_url + "/"
    panel.auth.value = "none"
    client = panel.connect()
    assert client is not None and client.base_url == api_url and client.auth is None
    assert panel.message.startswith(f"Connected to {api_url} (None; ")
    assert got and got[0][0] is client and "accounts" in got[0][1].resources  # type: ignore[attr-defined]
    assert api_url in panel.url.options
    client.close()

    panel.url.value = "not a url"
    assert panel.connect() is None
    assert panel.message == "The API root is a URL: https://your-oro.example.com/api"
    panel.url.value = "http://127.0.0.1:9/api"
    assert panel.connect() is None
    assert panel.message.startswith("Cannot reach http://127.0.0.1:9/api: ")
