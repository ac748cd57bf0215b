"""The launcher: the bundled server started in the background once per process, reset to its
seed data, a fresh database on demand, stopped cleanly; ``ORO_SANDBOX_URL``'s server used as it
is; clear errors when the server cannot start."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox import launcher
from sandbox.auth import ClientCredentials, PasswordGrant, TokenError, Visitor
from sandbox.client import ConnectionFailed
from sandbox.launcher import LaunchError, Sandbox, launch, reset, status, stop
from tests.live_server import LiveServer

ENVIRONMENT = (
    launcher.ENV_URL,
    launcher.ENV_CLIENT_ID,
    launcher.ENV_CLIENT_SECRET,
    launcher.ENV_STOREFRONT_URL,
    launcher.ENV_STOREFRONT_CLIENT_ID,
    launcher.ENV_STOREFRONT_CLIENT_SECRET,
    "ORO_SANDBOX_AUTH",
    "ORO_SANDBOX_LAYOUT",
    "ORO_SANDBOX_API_PREFIX",
    "ORO_SANDBOX_STOREFRONT_PREFIX",
    "ORO_SANDBOX_DATABASE",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The kept database under this test's folder; the module's server stopped afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    stop()


def kept_database(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "oro-api-sandbox" / "sandbox.db"


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_launch_starts_one_server_and_later_calls_reuse_it(tmp_path: Path) -> None:
    with launch() as client:
        sandbox = status()
        pid, url = sandbox.pid, sandbox.url
        assert pid is not None and process_exists(pid)
        assert sandbox.running and not sandbox.external and not sandbox.temporary
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", client.base_url)
        assert client.base_url == url
        assert isinstance(client.auth, ClientCredentials)
        assert client.auth.client_id == "sandbox-integration"
        exchange = client.get("/users/1")
        assert exchange.status == 200
        assert exchange.data["attributes"]["username"] == "admin"
        assert kept_database(tmp_path).is_file()
        assert sandbox.database == f"sqlite:///{kept_database(tmp_path)}"
        assert repr(sandbox) == (
            f"<Sandbox {url} pid {pid}, kept database {sandbox.database}, auth on>"
        )
        assert sandbox.output.startswith(f"Oro API Sandbox: {url}\n")
    with launch() as again:
        assert (status().pid, again.base_url) == (pid, url)
        assert again.get("/users/2").status == 200


def test_credentials_come_from_parameters_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(launcher.ENV_CLIENT_ID, "acme-integration")
    monkeypatch.setenv(launcher.ENV_CLIENT_SECRET, "acme-secret")
    with launch() as acme:
        assert isinstance(acme.auth, ClientCredentials)
        assert acme.auth.client_id == "acme-integration"
        me = acme.get("/users", params={"filter[username]": "hans.becker_d02c4"})
        assert [user["id"] for user in me.data] == ["17"]  # Acme Retail's, as Hans Becker
        pid = status().pid
    with launch(client_id="sandbox-integration", client_secret="wrong") as wrong:
        assert status().pid == pid  # the same server, other credentials
        with pytest.raises(TokenError, match="The client secret is wrong"):
            wrong.get("/users/1")


def test_reset_brings_the_seed_data_back_on_the_same_port() -> None:
    with launch() as client:
        before = status()
        pid, port = before.pid, before.port
        assert client.delete("/users/25").status == 204
        assert client.get("/users/25").status == 404
        with reset() as fresh:
            assert status().pid != pid
            assert status().port == port
            assert fresh.get("/users/25").status == 200
        assert not process_exists(pid)  # type: ignore[arg-type]
        assert client.get("/users/25").status == 200  # old clients get a new token and go on


def test_fresh_gives_a_new_temporary_database(tmp_path: Path) -> None:
    with launch() as kept:
        assert kept.delete("/users/25").status == 204
        kept_pid = status().pid
    with launch(fresh=True) as fresh:
        sandbox = status()
        assert sandbox.pid != kept_pid and sandbox.temporary
        assert sandbox.database is not None
        temporary = Path(sandbox.database.removeprefix("sqlite:///"))
        assert temporary.is_file() and temporary != kept_database(tmp_path)
        assert re.fullmatch(
            r"<Sandbox \S+ pid \d+, temporary database \S+, auth on>", repr(sandbox)
        )
        assert fresh.get("/users/25").status == 200
        with launch() as same:  # no new start: the running server is the one
            assert status().pid == sandbox.pid
            assert same.base_url == fresh.base_url
    stop()
    assert not temporary.parent.exists()
    with launch() as kept_again:  # the kept database still lacks the deleted user
        assert kept_again.get("/users/25").status == 404


def test_stop_ends_the_process_and_its_port(tmp_path: Path) -> None:
    with launch(auth=False, database=tmp_path / "own.db") as client:
        sandbox = status()
        assert client.auth is None
        assert sandbox.database == f"sqlite:///{tmp_path / 'own.db'}"
        assert repr(sandbox).endswith(", auth off>")
        assert client.get("/users/1").status == 200
        pid = sandbox.pid
        stop()
        assert not sandbox.running and sandbox.url is None
        assert not process_exists(pid)  # type: ignore[arg-type]
        assert re.fullmatch(
            rf"<Sandbox stopped \(pid {pid} exited with code -?\d+\); .*>", repr(sandbox)
        )
        with pytest.raises(ConnectionFailed, match="got no answer"):
            client.get("/users/1")
    stop()  # twice is fine
    with pytest.raises(LaunchError, match=r"call launch\(\) first"):
        status().client()


def test_an_external_server_is_used_and_nothing_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(tmp_path / "external.db", auth=True) as live:
        url = live.origin + "/api"
        monkeypatch.setenv(launcher.ENV_URL, url + "/")
        with launch() as client:
            sandbox = status()
            assert (sandbox.url, sandbox.pid, sandbox.running, sandbox.external) == (
                url,
                None,
                False,
                True,
            )
            assert repr(sandbox) == f"<Sandbox {url} (from ORO_SANDBOX_URL: started elsewhere)>"
            assert client.base_url == url
            assert client.get("/users/1").status == 200  # authenticated by client credentials
        assert not kept_database(tmp_path).exists()
        with pytest.raises(LaunchError, match=r"^reset\(\) needs the bundled server"):
            reset()
        with launch() as client:
            assert client.delete("/users/25").status == 204  # on the external server
            with launch(fresh=True) as own:  # a database of one's own: a server of one's own
                sandbox = status()
                assert (sandbox.external, sandbox.running, sandbox.temporary) == (False, True, True)
                assert own.base_url != url
                assert own.get("/users/25").status == 200  # seeded anew
            assert client.get("/users/25").status == 404  # the external server is left alone
        stop()


def test_a_fresh_server_stays_the_one_of_later_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(tmp_path / "external.db", auth=True) as live:
        monkeypatch.setenv(launcher.ENV_URL, live.origin + "/api")
        with launch(fresh=True) as own:
            pid, database = status().pid, status().database
            assert own.delete("/users/25").status == 204
        with launch() as again:  # not ORO_SANDBOX_URL's: the fresh one, still running
            assert (status().pid, again.base_url) == (pid, own.base_url)
            assert again.get("/users/25").status == 404
        with launch(server_args=["--oro-layout"]) as moved:  # other flags: the same data
            sandbox = status()
            assert (sandbox.pid != pid, sandbox.database, sandbox.temporary) == (
                True,
                database,
                True,
            )
            assert moved.base_url.endswith("/admin/api")
            assert moved.get("/users/25").status == 404
        stop()
        assert not kept_database(tmp_path).exists()
        with launch() as external:  # none of one's own running: ORO_SANDBOX_URL's again
            assert external.base_url == live.origin + "/api"
            assert external.get("/users/25").status == 200


def test_a_server_that_cannot_start_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LaunchError) as failed:
            launch(port=port)
    error = failed.value
    assert error.returncode == 1
    assert str(error).startswith("The bundled API server exited with code 1.\nCommand: ")
    assert f"-m server serve --host 127.0.0.1 --port {port} --database sqlite:///" in str(error)
    assert f"Its error output:\n  oro-sandbox: cannot listen on 127.0.0.1:{port}" in str(error)
    assert f"cannot listen on 127.0.0.1:{port}" in error.stderr
    assert not status().running and status().url is None


def test_a_server_that_is_too_slow_is_stopped(tmp_path: Path) -> None:
    sandbox = Sandbox(start_timeout=0.01)
    with pytest.raises(LaunchError, match=r"did not start within 0\.01 s and was stopped"):
        sandbox.launch(database=tmp_path / "slow.db")
    assert not sandbox.running
    assert sandbox.pid is not None and not process_exists(sandbox.pid)


def test_fresh_and_a_database_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both"):
        launch(fresh=True, database=tmp_path / "x.db")
    assert httpx.URL(status().url or "http://none").host == "none"  # nothing started


# --- the storefront API ---------------------------------------------------------------------------

BUYER = "jacob.lewis2@example.com"  # the demo's customer user 2, a buyer of customer 1


def test_launch_gives_storefront_clients_of_the_same_server() -> None:
    with launch(api="storefront") as visitor:
        sandbox = status()
        pid, origin = sandbox.pid, sandbox.url.removesuffix("/api") if sandbox.url else ""
        assert sandbox.storefront_url == visitor.base_url == origin + "/storefront/api"
        assert isinstance(visitor.auth, Visitor)
        localizations = visitor.get("/localizations")
        assert [item["id"] for item in localizations.data] == ["1", "2"]
    with launch(api="storefront", user=BUYER, localization=2, currency="EUR") as buyer:
        assert status().pid == pid  # the same server
        assert isinstance(buyer.auth, PasswordGrant) and buyer.auth.username == BUYER
        mine = buyer.get("/customerusers")
        assert [item["id"] for item in mine.data] == ["2"]
        assert (mine.request.headers["x-localization-id"], mine.request.headers["x-currency"]) == (
            "2",
            "EUR",
        )
        assert status().client().currency == "EUR"  # the launched settings, for new clients too
        assert status().client(currency="USD").currency == "USD"
    with launch() as admin:
        assert status().pid == pid
        assert admin.base_url == origin + "/api"
        assert admin.currency is None
        assert admin.get("/users/1").status == 200


def test_launch_a_storefront_in_orocommerces_layout() -> None:
    with launch(api="storefront", server_args=["--oro-layout"]) as visitor:
        sandbox = status()
        assert sandbox.url is not None and sandbox.url.endswith("/admin/api")
        origin = sandbox.url.removesuffix("/admin/api")
        assert visitor.base_url == sandbox.storefront_url == origin + "/api"
        assert visitor.get("/currencies").status == 200
    with launch(server_args=["--oro-layout"]) as admin:
        assert admin.base_url == origin + "/admin/api"
        assert admin.get("/users/1").status == 200


def test_a_wrong_password_of_a_customer_user_is_a_token_error() -> None:
    with (
        launch(api="storefront", user=BUYER, password="wrong") as client,
        pytest.raises(TokenError, match=r"^400 invalid_grant: "),
    ):
        client.get("/customerusers")


@pytest.mark.parametrize(
    ("back_office", "storefront"),
    [
        pytest.param("http://h:8/api", "http://h:8/storefront/api", id="ours"),
        pytest.param("http://h:8/api/", "http://h:8/storefront/api", id="trailing-slash"),
        pytest.param("https://shop.test/admin/api", "https://shop.test/api", id="orocommerce"),
        pytest.param(
            "https://shop.test/index.php/admin/api",
            "https://shop.test/index.php/api",
            id="front-controller",
        ),
        pytest.param("https://h/rest", None, id="unknown"),
    ],
)
def test_the_storefront_beside_a_back_office_root(back_office: str, storefront: str | None) -> None:
    assert launcher.storefront_beside(back_office) == storefront


def test_the_storefront_beside_an_external_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(tmp_path / "external.db", auth=True) as live:
        monkeypatch.setenv(launcher.ENV_URL, live.origin + "/api")
        with launch(api="storefront", user=BUYER) as buyer:
            assert buyer.base_url == live.origin + "/storefront/api"  # guessed by the layout
            assert buyer.get("/customerusers/2").status == 200
        monkeypatch.setenv(launcher.ENV_STOREFRONT_URL, "http://127.0.0.1:9/shop/api/")
        assert launch(api="storefront").base_url == "http://127.0.0.1:9/shop/api"  # as told
        monkeypatch.delenv(launcher.ENV_STOREFRONT_URL)
        monkeypatch.setenv(launcher.ENV_URL, live.origin + "/rest")
        with pytest.raises(LaunchError, match=r"^Where is the storefront API beside .*/rest\?"):
            launch(api="storefront")
        monkeypatch.setenv(launcher.ENV_STOREFRONT_CLIENT_ID, "acme-storefront")
        monkeypatch.setenv(launcher.ENV_STOREFRONT_CLIENT_SECRET, "acme-storefront-secret")
        monkeypatch.setenv(launcher.ENV_URL, live.origin + "/api")
        auth = launch(api="storefront").auth
        assert isinstance(auth, Visitor)
        assert (auth.client_id, auth.client_secret) == ("acme-storefront", "acme-storefront-secret")
        stop()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"api": "shop"}, "api='shop': choose 'back-office' or 'storefront'", id="api"),
        pytest.param(
            {"user": BUYER}, "user= signs a customer user in to the storefront", id="user"
        ),
    ],
)
def test_wrong_storefront_options_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        launch(**options)  # type: ignore[arg-type]
    assert status().url is None  # nothing started
