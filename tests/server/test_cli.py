"""The ``oro-sandbox`` command: argument parsing, settings, ``seed``, ``openapi`` and ``serve``."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from server import cli
from server.domain.resources import build_registry
from server.settings import DEFAULT_DATABASE, Settings

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(argv), environ=environ or {}, out=out)
    return code, out.getvalue()


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            [],
            {"command": "serve", "host": "127.0.0.1", "port": 8765, "database": None},
            id="no-command-serves",
        ),
        pytest.param(["--port", "0"], {"command": "serve", "port": 0}, id="serve-flags-only"),
        pytest.param(
            ["serve", "--host", "0.0.0.0", "--port", "9000", "--debug"],
            {"command": "serve", "host": "0.0.0.0", "port": 9000, "debug": True},
            id="serve",
        ),
        pytest.param(
            ["seed", "--scale", "3", "--reset", "--database", "sqlite:///x.db"],
            {"command": "seed", "scale": 3, "reset": True, "database": "sqlite:///x.db"},
            id="seed",
        ),
        pytest.param(
            ["seed", "--database", "var/demo.db"],
            {"command": "seed", "database": "sqlite:///var/demo.db"},
            id="database-path",
        ),
        pytest.param(
            ["openapi", "--entity", "users", "--entity", "accounts", "--format", "yaml"],
            {"command": "openapi", "entity": ["users", "accounts"], "format": "yaml"},
            id="openapi",
        ),
        pytest.param(
            ["openapi"],
            {"command": "openapi", "entity": [], "format": "json", "output": None},
            id="openapi-defaults",
        ),
    ],
)
def test_parse_args(argv: list[str], expected: dict[str, Any]) -> None:
    args = vars(cli.parse_args(argv))
    assert {key: args[key] for key in expected} == expected


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["seed", "--scale", "0"], id="scale-zero"),
        pytest.param(["seed", "--scale", "many"], id="scale-text"),
        pytest.param(["openapi", "--format", "xml"], id="format"),
        pytest.param(["serve", "--port", "http"], id="port"),
    ],
)
def test_bad_arguments_exit_with_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(argv)
    assert exit_.value.code == 2
    assert "usage: oro-sandbox" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        pytest.param(["seed"], {}, Settings(), id="defaults"),
        pytest.param(
            ["seed"],
            {"ORO_SANDBOX_DATABASE": "sqlite:///env.db", "ORO_SANDBOX_SCALE": "4"},
            Settings(database_url="sqlite:///env.db", scale=4),
            id="environment",
        ),
        pytest.param(
            ["seed", "--database", "sqlite:///flag.db", "--scale", "2", "--reset"],
            {"ORO_SANDBOX_DATABASE": "sqlite:///env.db", "ORO_SANDBOX_SCALE": "4"},
            Settings(database_url="sqlite:///flag.db", scale=2, reset=True),
            id="flags-override-environment",
        ),
        pytest.param(
            ["serve", "--debug"],
            {"ORO_SANDBOX_API_PREFIX": "v1/api/"},
            Settings(api_prefix="/v1/api", debug=True),
            id="serve-debug",
        ),
        pytest.param(["serve"], {}, Settings(auth=True), id="auth-on-by-default"),
        pytest.param(["serve", "--no-auth"], {}, Settings(auth=False), id="no-auth"),
        pytest.param(["serve"], {"ORO_SANDBOX_AUTH": "off"}, Settings(auth=False), id="auth-env"),
        pytest.param(
            ["serve", "--sandbox-url", "http://h:8866/"],
            {"ORO_SANDBOX_WEB_URL": "http://env/"},
            Settings(sandbox_url="http://h:8866/"),
            id="sandbox-url",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_WEB_URL": "http://env/"},
            Settings(sandbox_url="http://env/"),
            id="sandbox-url-env",
        ),
        pytest.param(
            ["serve", "--public-url", "https://api.example.com/", "--max-body-size", "1000"],
            {},
            Settings(public_url="https://api.example.com", max_body_size=1000),
            id="public-url-and-body-size",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_PUBLIC_URL": "https://x.example", "ORO_SANDBOX_MAX_BODY_SIZE": "5"},
            Settings(public_url="https://x.example", max_body_size=5),
            id="public-url-and-body-size-env",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_STOREFRONT_PREFIX": "shop/api/"},
            Settings(storefront_prefix="/shop/api"),
            id="storefront-prefix",
        ),
        pytest.param(
            ["serve", "--oro-layout"],
            {},
            Settings(api_prefix="/admin/api", storefront_prefix="/api"),
            id="oro-layout",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_LAYOUT": "oro"},
            Settings(api_prefix="/admin/api", storefront_prefix="/api"),
            id="oro-layout-env",
        ),
        pytest.param(
            ["serve", "--guest-shopping-lists"],
            {},
            Settings(storefront_guest_shopping_lists=True),
            id="guest-shopping-lists",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_GUEST_SHOPPING_LISTS": "on"},
            Settings(storefront_guest_shopping_lists=True),
            id="guest-shopping-lists-env",
        ),
        pytest.param(
            ["serve", "--guest-shopping-lists", "--guest-checkout"],
            {},
            Settings(storefront_guest_shopping_lists=True, storefront_guest_checkout=True),
            id="guest-checkout",
        ),
        pytest.param(
            ["serve"],
            {"ORO_SANDBOX_GUEST_CHECKOUT": "on"},
            Settings(storefront_guest_checkout=True),
            id="guest-checkout-env",
        ),
    ],
)
def test_settings_from(argv: list[str], environ: dict[str, str], expected: Settings) -> None:
    assert cli.settings_from(cli.parse_args(argv), environ) == expected


def test_default_database_is_the_settings_default() -> None:
    assert cli.settings_from(cli.parse_args([]), {}).database_url == DEFAULT_DATABASE


# --- seed --------------------------------------------------------------------------------------


def _counts(output: str) -> dict[str, int]:
    return {
        match[1]: int(match[2].replace(",", ""))
        for match in re.finditer(r"^  (\w+) +([\d,]+)$", output, re.M)
    }


def test_seed_command_seeds_once_then_reports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, output = run("seed", "--database", url)
    assert code == 0
    assert output.startswith(f"Seeded {url} (scale 1) in ")
    counts = _counts(output)
    assert (counts["users"], counts["accounts"], counts["orders"]) == (30, 300, 2000)
    assert len(counts) == len(build_registry().resources)

    code, output = run("seed", environ={"ORO_SANDBOX_DATABASE": url})
    assert code == 0
    assert output.startswith(f"{url} already holds data; use --reset to seed it again.")
    assert _counts(output) == counts

    code, output = run("seed", "--database", url, "--reset")
    assert (code, output.startswith(f"Seeded {url}"), _counts(output)) == (0, True, counts)


def test_reindex_command_rebuilds_the_search_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, output = run("reindex", "--database", url)
    assert code == 0
    assert output.startswith(f"Reindexed {url} in ")
    counts = _counts(output)
    assert (counts["users"], counts["accounts"], counts["orders"]) == (30, 300, 2000)
    code, again = run("reindex", "--database", url)
    assert (code, _counts(again)) == (0, counts)


# --- openapi -----------------------------------------------------------------------------------


def test_openapi_json_yaml_and_file(tmp_path: Path) -> None:
    pytest.importorskip("server.openapi")
    yaml = pytest.importorskip("yaml")
    code, output = run("openapi", "--title", "Demo API", "--server-url", "https://example.com")
    assert code == 0
    document = json.loads(output)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Demo API"
    assert "https://example.com" in json.dumps(document.get("servers", []))

    code, output = run("openapi", "--format", "yaml", "--entity", "users")
    assert code == 0
    only_users = yaml.safe_load(output)
    assert only_users["openapi"] == document["openapi"]
    assert any("/users" in path for path in only_users["paths"])
    assert not any("/accounts" in path for path in only_users["paths"])

    target = tmp_path / "openapi.json"
    code, output = run("openapi", "--output", str(target))
    assert (code, output) == (0, f"Wrote {target}\n")
    assert json.loads(target.read_text(encoding="utf-8"))["openapi"] == document["openapi"]


def test_openapi_rejects_an_unknown_entity(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run("openapi", "--entity", "users", "--entity", "widgets")
    assert (code, output) == (2, "")
    assert "unknown entity type widgets" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("document", "format_", "expected"),
    [
        pytest.param({"a": [1, "é"]}, "json", '{\n  "a": [\n    1,\n    "é"\n  ]\n}\n', id="json"),
        pytest.param({"b": 1, "a": [1, "é"]}, "yaml", "b: 1\na:\n- 1\n- é\n", id="yaml-order"),
    ],
)
def test_dump_document(document: dict[str, Any], format_: str, expected: str) -> None:
    assert cli.dump_document(document, format_) == expected


# --- serve -------------------------------------------------------------------------------------


def test_bind_socket_picks_a_free_port() -> None:
    with cli.bind_socket("127.0.0.1", 0) as first, cli.bind_socket("127.0.0.1", 0) as second:
        ports = (first.getsockname()[1], second.getsockname()[1])
    assert 0 not in ports and ports[0] != ports[1]


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        pytest.param("127.0.0.1", 8765, "http://127.0.0.1:8765", id="ipv4"),
        pytest.param("::1", 9000, "http://[::1]:9000", id="ipv6"),
    ],
)
def test_base_url(host: str, port: int, expected: str) -> None:
    assert cli.base_url(host, port) == expected


def test_banner() -> None:
    assert cli.banner("http://127.0.0.1:8765", Settings(database_url="sqlite://")) == (
        "Oro API Sandbox: http://127.0.0.1:8765/api\n"
        "OpenAPI document: http://127.0.0.1:8765/api/doc/openapi.json\n"
        "Database: sqlite://\n"
        "Storefront API: http://127.0.0.1:8765/storefront/api"
        " (OpenAPI: http://127.0.0.1:8765/storefront/api/doc/openapi.json)"
    )


def test_serve_reports_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = run("serve", "--port", str(port), "--database", "sqlite://")
    assert (code, output) == (1, "")
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--cors-origin", "*", "--cors-allow-credentials"], id="any-origin"),
        pytest.param(
            [
                "--cors-origin",
                "https://a.example",
                "--cors-origin",
                "*",
                "--cors-allow-credentials",
            ],
            id="any-origin-among-others",
        ),
    ],
)
def test_serve_refuses_credentials_for_any_origin(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, output = run("serve", "--port", "0", "--database", "sqlite://", *argv)
    assert (code, output) == (2, "")
    assert "--cors-origin '*' cannot be combined with --cors-allow-credentials" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        pytest.param(Settings(cors_origins=("*",)), 0, id="any-origin-without-credentials"),
        pytest.param(
            Settings(cors_origins=("https://a.example",), cors_allow_credentials=True),
            0,
            id="listed-origin-with-credentials",
        ),
        pytest.param(
            Settings(cors_origins=("*",), cors_allow_credentials=True), 1, id="any-with-credentials"
        ),
        pytest.param(Settings(storefront_prefix="/api"), 1, id="one-prefix-for-both-apis"),
    ],
)
def test_settings_problems(settings: Settings, problems: int) -> None:
    assert len(settings.problems()) == problems


class _Lines:
    """The lines of a text stream as they arrive, read by a thread ("" once it ends)."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line)
        self.queue.put("")

    def next(self, timeout: float) -> str:
        return self.queue.get(timeout=timeout)


def test_python_m_server_serves_on_a_free_port_and_prints_the_url(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ORO_SANDBOX_")}
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "--port", "0", "--database", "sqlite://"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            # Ctrl+C's default, also when the tests run in the background (a shell starts a
            # background job with SIGINT ignored, and the server would inherit that)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    assert process.stdout is not None
    lines = _Lines(process.stdout)
    try:
        line = lines.next(timeout=20)
        match = re.fullmatch(r"Oro API Sandbox: (http://127\.0\.0\.1:(\d+)/api)\n", line)
        assert match, (line, process.poll(), errors.read_text())
        assert int(match[2]) != 0
        assert lines.next(timeout=5) == f"OpenAPI document: {match[1]}/doc/openapi.json\n"
        response = httpx.get(f"{match[1]}/doc/openapi.json", timeout=10)
        assert response.status_code < 500
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C: uvicorn shuts down, then exits with 130
        try:
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            lines.thread.join(timeout=5)
            process.stdout.close()
    assert process.returncode == 130
    assert "Traceback" not in errors.read_text()


def test_openapi_of_the_storefront(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run("openapi", "--api", "storefront", "--entity", "products")
    assert code == 0
    document = json.loads(output)
    assert document["info"]["title"] == "Oro API Sandbox (storefront)"
    assert sorted(document["paths"]) == [
        "/storefront/api/products",
        "/storefront/api/products/{id}",
    ]
    code, _ = run("openapi", "--api", "storefront", "--entity", "users")
    assert code == 2
    assert "unknown entity type users" in capsys.readouterr().err
