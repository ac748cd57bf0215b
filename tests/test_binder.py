"""The Binder set-up: ``binder/start`` serves the API to the command it runs (and stops it after),
or runs the command without ``ORO_SANDBOX_URL`` when the server cannot start; ``postBuild``
seeds the database and installs the jupyter-server-proxy entry, which routes ``/oro-api/`` to the
running server through a real Jupyter server."""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from errno import EADDRINUSE
from pathlib import Path

import httpx
import pytest
from jupyter_server_proxy.config import NamedLocalProxyHandler, ServerProxy
from traitlets.config.loader import PyFileConfigLoader

BINDER = Path(__file__).resolve().parent.parent / "binder"
ROOT = BINDER.parent
TIMEOUT = 60.0
WEB_SANDBOX_TITLE = json.loads((ROOT / "notebooks" / "sandbox.ipynb").read_text())["metadata"][
    "title"
]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the scripts are bash")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_closed(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while listening(port):
        assert time.monotonic() < deadline, f"port {port} still answers"
        time.sleep(0.1)


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    """A user of their own (HOME), this Python first on PATH, a free API port."""
    home = tmp_path / "home"
    home.mkdir()
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ORO_SANDBOX_", "JUPYTER_")) and k != "XDG_CACHE_HOME"
    }
    environ["HOME"] = str(home)
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ["PATH"]])
    environ["ORO_SANDBOX_PORT"] = str(free_port())
    return environ


SHOW_API = """\
import json, os, urllib.request
url = os.environ.get("ORO_SANDBOX_URL")
status = url and urllib.request.urlopen(url + "/doc/openapi.json", timeout=10).status
print(json.dumps({"url": url, "status": status}))
"""


def start_showing_the_api(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``binder/start`` with a stand-in command that prints what it was given of the API."""
    return subprocess.run(
        [BINDER / "start", sys.executable, "-c", SHOW_API],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_start_serves_the_api_to_the_command_and_stops_it_after(environ: dict[str, str]) -> None:
    port = int(environ["ORO_SANDBOX_PORT"])
    done = start_showing_the_api(environ)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {"url": f"http://127.0.0.1:{port}/api", "status": 200}
    database = Path(environ["HOME"]) / ".cache" / "oro-api-sandbox" / "sandbox.db"
    assert database.is_file()
    wait_closed(port)  # the command ended: so did the server


SHOW_TRY_IT = """\
import json, os, re, urllib.request
page = urllib.request.urlopen(os.environ["ORO_SANDBOX_URL"] + "/doc/rest_json_api/users").read()
print(json.dumps(re.findall(r'<a class="try" href="([^"]*)"', page.decode())[:2]))
"""


@pytest.mark.parametrize(
    ("prefix", "page"),
    [
        pytest.param(None, "/voila/render/notebooks/sandbox.ipynb", id="a-plain-jupyter-server"),
        pytest.param("/user/ann-1x2y/", "/user/ann-1x2y/voila/render/notebooks/sandbox.ipynb",
                     id="binder's-jupyterhub-prefix"),
    ],
)  # fmt: skip
def test_start_gives_api_doc_try_it_links_into_the_web_sandbox(
    environ: dict[str, str], prefix: str | None, page: str
) -> None:
    """On Binder, /api/doc's "Try it" opens Voila's page of the web sandbox, on the page's own
    origin (the notebook server's, behind JupyterHub's prefix for the user)."""
    if prefix is not None:
        environ["JUPYTERHUB_SERVICE_PREFIX"] = prefix
    done = subprocess.run(
        [BINDER / "start", sys.executable, "-c", SHOW_TRY_IT],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == [
        f"{page}?type=users&amp;action=get_list",
        f"{page}?type=users&amp;action=create",
    ]


def test_start_runs_the_command_without_the_url_when_the_server_cannot_start(
    environ: dict[str, str],
) -> None:
    port = int(environ["ORO_SANDBOX_PORT"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = start_showing_the_api(environ)
    assert (done.returncode, json.loads(done.stdout)) == (0, {"url": None, "status": None})
    log = Path(environ["HOME"]) / ".cache" / "oro-api-sandbox" / "server.log"
    in_use = os.strerror(EADDRINUSE)
    assert done.stderr == (
        f"binder/start: the Oro API server did not answer on port {port}; its output ({log}):\n"
        f"oro-sandbox: cannot listen on 127.0.0.1:{port}: [Errno {EADDRINUSE}] {in_use}\n"
        "binder/start: starting without ORO_SANDBOX_URL (kernels start their own server)\n"
    )


@pytest.mark.parametrize(
    ("environ_port", "port"),
    [pytest.param(None, 8765, id="default"), pytest.param("18765", 18765, id="ORO_SANDBOX_PORT")],
)
def test_the_proxy_entry_forwards_to_the_running_server(
    monkeypatch: pytest.MonkeyPatch, environ_port: str | None, port: int
) -> None:
    if environ_port is None:
        monkeypatch.delenv("ORO_SANDBOX_PORT", raising=False)
    else:
        monkeypatch.setenv("ORO_SANDBOX_PORT", environ_port)
    config = PyFileConfigLoader("jupyter_server_config.py", str(BINDER)).load_config()
    (name, server), *others = ServerProxy(config=config).servers.items()
    assert (name, others) == ("oro-api", [])
    assert (server.command, server.port, server.absolute_url) == ([], port, False)
    handler, _ = server.make_proxy_handler()
    assert handler is not None and issubclass(handler, NamedLocalProxyHandler)  # no process
    entry = server.launcher_entry
    assert (entry.enabled, entry.title, entry.path_info) == (
        True,
        "Oro API docs",
        "oro-api/api/doc",
    )


@dataclass
class Jupyter:
    origin: str
    token: str
    process: subprocess.Popen[str]


@pytest.fixture
def jupyter(environ: dict[str, str]) -> Iterator[Jupyter]:
    """postBuild, then a Jupyter server started by binder/start, as on Binder."""
    built = subprocess.run(
        [BINDER / "postBuild"], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert (built.returncode, built.stderr) == (0, ""), built.stderr
    port, token = free_port(), secrets.token_hex(8)
    command = [BINDER / "start", sys.executable, "-m", "jupyter_server", "--no-browser"]
    command += ["--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}"]
    command += [f"--IdentityProvider.token={token}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield Jupyter(f"http://127.0.0.1:{port}", token, process)
    finally:
        process.terminate()
        process.wait(TIMEOUT)


def test_on_binder_the_browser_reaches_the_api_through_the_notebook_server(
    environ: dict[str, str], jupyter: Jupyter
) -> None:
    seeded = Path(environ["HOME"]) / ".cache" / "oro-api-sandbox" / "sandbox.db"
    assert seeded.is_file()
    assert (Path(environ["HOME"]) / ".jupyter" / "jupyter_server_config.py").read_bytes() == (
        BINDER / "jupyter_server_config.py"
    ).read_bytes()
    origin, process = jupyter.origin, jupyter.process
    headers = {"Authorization": f"token {jupyter.token}"}
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            info = httpx.get(f"{origin}/server-proxy/servers-info", headers=headers)
            break
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    assert info.json()["server_processes"] == [
        {
            "name": "oro-api",
            "launcher_entry": {
                "enabled": True,
                "title": "Oro API docs",
                "path_info": "oro-api/api/doc",
                "category": "Other",
            },
            "new_browser_tab": True,
        }
    ]
    document = httpx.get(f"{origin}/oro-api/api/doc/openapi.json", headers=headers)
    assert (document.status_code, document.headers["content-type"]) == (200, "application/json")
    assert document.json()["openapi"].startswith("3.1")
    anonymous = httpx.get(f"{origin}/oro-api/api/doc/openapi.json")  # the token guards it
    assert (anonymous.status_code, anonymous.headers["location"].split("?")[0]) == (302, "/login")

    # the docs' "Try it" links lead to the web sandbox, Voila's page on this server
    docs = httpx.get(f"{origin}/oro-api/api/doc/rest_json_api/users", headers=headers)
    found = re.search(r'<a class="try" href="([^"]*)"', docs.text)
    assert found is not None
    link = html.unescape(found.group(1))
    assert link == "/voila/render/notebooks/sandbox.ipynb?type=users&action=get_list"
    sandbox = httpx.get(origin + link, headers=headers, timeout=TIMEOUT)
    assert (sandbox.status_code, sandbox.headers["content-type"]) == (200, "text/html")
    title = re.search(r"<title>([^<]*)</title>", sandbox.text)
    assert title is not None and title.group(1) == WEB_SANDBOX_TITLE  # the notebook's own title

    process.terminate()
    process.wait(TIMEOUT)
    wait_closed(int(environ["ORO_SANDBOX_PORT"]))
