"""``python -m sandbox.dashboard``: the API server and Voila started together, their URLs printed,
the notebook's kernel signed in to that server, both stopped by SIGTERM or when one of them stops;
the pure parts (finding the notebook, the printed block) as tables; ``oro-sandbox dashboard``."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from errno import EADDRINUSE
from pathlib import Path

import httpx
import nbformat
import psutil
import pytest

from sandbox.auth import ClientCredentials
from sandbox.dashboard import (
    DashboardError,
    locate_notebook,
    reachable,
    sign_in_line,
    summary,
)
from sandbox.dashboard import main as dashboard_main
from server import cli

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0
# what the server prints after its first line (abridged to the lines sign_in_line reads)
BANNER = [
    "Oro API Sandbox: http://127.0.0.1:8765/api",
    "OpenAPI document: http://127.0.0.1:8765/api/doc/openapi.json",
    "Database: sqlite:///var/oro-sandbox.db",
    "OAuth applications (POST /oauth2-token; authorize at /oauth2-token/authorize):",
    "  client_id            client_secret         grants              notes",
    "  sandbox-integration  integration-secret    client_credentials  acts as admin (John Doe)",
    "  acme-integration     acme-secret           client_credentials  acts as Hans Becker",
    "Demo users (every password is the username; admin's is 'admin'), e.g.:",
    "  username              password              name            organization  roles",
    "  admin                 admin                 John Doe        Oro Demo Inc  Administrator",
]


# --- pure parts ----------------------------------------------------------------------------------


def make_tree(base: Path, *files: str) -> Path:
    base.mkdir()
    for name in files:
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text("{}")
    return base


@pytest.mark.parametrize(
    ("cwd_files", "root_files", "given", "folder", "expected"),
    [
        pytest.param(["notebooks/sandbox.ipynb"], [], None, False, "cwd/notebooks/sandbox.ipynb",
                     id="default-in-cwd"),
        pytest.param([], ["notebooks/sandbox.ipynb"], None, False, "root/notebooks/sandbox.ipynb",
                     id="default-next-to-the-package"),
        pytest.param(["notebooks/sandbox.ipynb"], ["notebooks/sandbox.ipynb"], None, False,
                     "cwd/notebooks/sandbox.ipynb", id="cwd-first"),
        pytest.param(["mine/tiny.ipynb"], [], "mine/tiny.ipynb", False, "cwd/mine/tiny.ipynb",
                     id="given-relative-to-cwd"),
        pytest.param([], ["notebooks/01.ipynb"], None, True, "root/notebooks", id="lab-folder"),
        pytest.param(["mine/tiny.ipynb"], [], "mine", True, "cwd/mine", id="lab-given-folder"),
    ],
)  # fmt: skip
def test_locate_notebook(
    tmp_path: Path,
    cwd_files: list[str],
    root_files: list[str],
    given: str | None,
    folder: bool,
    expected: str,
) -> None:
    cwd = make_tree(tmp_path / "cwd", *cwd_files)
    root = make_tree(tmp_path / "root", *root_files)
    found = locate_notebook(Path(given) if given else None, cwd, root, folder=folder)
    assert found == tmp_path / expected


@pytest.mark.parametrize(
    ("cwd_files", "given", "folder", "message"),
    [
        pytest.param([], None, False, r"No notebooks/sandbox\.ipynb found \(looked for .*cwd/"
                     r"notebooks/sandbox\.ipynb or .*root/notebooks/sandbox\.ipynb\): run this "
                     r"from the repository's folder, or give --notebook PATH\.", id="default"),
        pytest.param([], "missing.ipynb", False, r"No notebook missing\.ipynb \(looked for .*cwd/"
                     r"missing\.ipynb\)\.", id="given"),
        pytest.param(["notebooks/01.ipynb"], "notebooks", False, r"No notebook notebooks \(",
                     id="a-folder-for-voila"),
        pytest.param([], None, True, r"No notebooks found \(looked for .*cwd/notebooks or ",
                     id="no-folder-for-lab"),
    ],
)  # fmt: skip
def test_a_missing_notebook_is_a_clear_error(
    tmp_path: Path, cwd_files: list[str], given: str | None, folder: bool, message: str
) -> None:
    cwd = make_tree(tmp_path / "cwd", *cwd_files)
    root = make_tree(tmp_path / "root", "README.md")
    with pytest.raises(DashboardError, match=message):
        locate_notebook(Path(given) if given else None, cwd, root, folder=folder)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://127.0.0.1:8765/api", "http://127.0.0.1:8765/api", id="loopback"),
        pytest.param("http://0.0.0.0:8765/api", "http://127.0.0.1:8765/api", id="any-ipv4"),
        pytest.param("http://[::]:8765/api", "http://[::1]:8765/api", id="any-ipv6"),
        pytest.param("http://sandbox.test:80/api", "http://sandbox.test:80/api", id="a-name"),
    ],
)
def test_reachable(url: str, expected: str) -> None:
    assert reachable(url) == expected


@pytest.mark.parametrize(
    ("banner", "expected"),
    [
        pytest.param(
            BANNER,
            "OAuth client sandbox-integration / integration-secret (the kernels use it); "
            "user admin / admin",
            id="demo-application-and-admin",
        ),
        pytest.param(
            [*BANNER[:3], "Authentication is off (--no-auth): every request acts as the admin."],
            "none needed: authentication is off (--no-auth)",
            id="no-auth",
        ),
        pytest.param(BANNER[:3], None, id="nothing-to-say"),
    ],
)
def test_sign_in_line(banner: list[str], expected: str | None) -> None:
    assert sign_in_line(banner, "sandbox-integration") == expected


def test_summary_passes_the_banner_through_then_lists_the_urls() -> None:
    text = summary(
        web="http://127.0.0.1:8866/",
        api="http://127.0.0.1:8765/api",
        banner=BANNER[:3],
        lab=False,
        client_id="sandbox-integration",
    )
    assert text == "\n".join(
        [
            *BANNER[:3],
            "",
            "  Web sandbox: http://127.0.0.1:8866/",
            "  API:         http://127.0.0.1:8765/api",
            "  API docs:    http://127.0.0.1:8765/api/doc",
            "  OpenAPI:     http://127.0.0.1:8765/api/doc/openapi.json",
            "Ctrl-C stops both.",
        ]
    )


# --- the console script --------------------------------------------------------------------------


def test_oro_sandbox_dashboard_delegates_with_its_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["dashboard", "--notebook", "missing.ipynb"]) == 1
    assert capsys.readouterr().err == (
        f"oro-sandbox dashboard: No notebook missing.ipynb (looked for {tmp_path}/missing.ipynb).\n"
    )
    with pytest.raises(SystemExit) as exited:
        cli.main(["lab", "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: oro-sandbox lab [-h] [--host HOST]")


@pytest.mark.parametrize("option", ["--port", "--api-port"])
def test_a_port_in_use_is_a_clear_error_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    notebook = make_tree(tmp_path / "here", "tiny.ipynb") / "tiny.ipynb"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        others = {"--port": "0", "--api-port": "0", option: str(port)}
        argv = [*(word for pair in others.items() for word in pair), "--notebook", str(notebook)]
        assert dashboard_main(argv) == 1
    assert capsys.readouterr() == (
        "",
        f"python -m sandbox.dashboard: Cannot listen on 127.0.0.1:{port} "
        f"({os.strerror(EADDRINUSE)}); {option} 0 picks a free port.\n",
    )


# --- the processes -------------------------------------------------------------------------------


class Dashboard:
    """``python -m sandbox.dashboard`` in a child process; its output read by a thread."""

    def __init__(self, tmp_path: Path, notebook_path: Path | None = None) -> None:
        notebook = nbformat.v4.new_notebook()
        notebook.cells.append(
            nbformat.v4.new_code_cell(
                "import os\n"
                "from sandbox import launch\n"
                "exchange = launch().get('/users/1')\n"
                "print('tiny-notebook', os.environ['ORO_SANDBOX_URL'], exchange.status)"
            )
        )
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(notebook, tmp_path / "tiny.ipynb")
        self.tmp_path = tmp_path
        environ = {k: v for k, v in os.environ.items() if not k.startswith("ORO_SANDBOX_")}
        environ["XDG_CACHE_HOME"] = str(tmp_path / "cache")
        environ["XDG_STATE_HOME"] = str(tmp_path / "state")  # the web sandbox's history
        command = [sys.executable, "-m", "sandbox.dashboard", "--api-port", "0", "--port", "0"]
        command += ["--notebook", str(notebook_path or tmp_path / "tiny.ipynb")]
        command += ["--database", str(tmp_path / "sandbox.db")]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr = ""

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_summary(self) -> dict[str, str]:
        """The printed block's rows, by name, once it is printed."""
        rows: dict[str, str] = {}
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no summary within {READY_TIMEOUT} s: {self.finish()}")
            if line == "Ctrl-C stops both.":
                return rows
            match = re.fullmatch(r"  ([A-Za-z ]+): +(.+)", line)
            if match:
                rows[match[1]] = match[2]

    def finish(self, timeout: float = 30) -> str:
        """Wait for the end; its error output."""
        _, self.stderr = self.process.communicate(timeout=timeout)
        return self.stderr

    def leftovers(self, api: str) -> list[psutil.Process]:
        """Processes of this run still alive: the server (by its database), Voila and kernels
        (by ORO_SANDBOX_URL in their environment)."""
        found = []
        for process in psutil.process_iter():
            try:
                if str(self.tmp_path) in " ".join(process.cmdline()) or (
                    process.environ().get("ORO_SANDBOX_URL") == api
                ):
                    found.append(process)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return found

    def wait_no_leftovers(self, api: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while (left := self.leftovers(api)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p.cmdline() for p in left] == []


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    running = Dashboard(tmp_path)
    yield running
    if running.process.poll() is None:  # a failed test: stop it all the same
        running.process.terminate()
        running.finish()


def test_both_start_answer_and_stop_on_sigterm(dashboard: Dashboard) -> None:
    rows = dashboard.wait_summary()
    assert set(rows) == {"Web sandbox", "API", "API docs", "OpenAPI", "Sign in"}
    api, web = rows["API"], rows["Web sandbox"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", api)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", web)
    assert (rows["API docs"], rows["OpenAPI"]) == (f"{api}/doc", f"{api}/doc/openapi.json")
    assert rows["Sign in"] == (
        "OAuth client sandbox-integration / integration-secret (the kernels use it); "
        "user admin / admin"
    )

    # the API asks for credentials, and takes the demo application's
    assert httpx.get(f"{api}/users/1").status_code == 401
    auth = ClientCredentials("sandbox-integration", "integration-secret")
    response = httpx.get(
        f"{api}/users/1", auth=auth, headers={"Accept": "application/vnd.api+json"}
    )
    assert (response.status_code, response.json()["data"]["id"]) == (200, "1")

    # Voila's page holds the notebook's output: its kernel got this API's URL and signed in
    page = httpx.get(web, timeout=READY_TIMEOUT)
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html")
    assert f"tiny-notebook {api} 200" in page.text

    dashboard.process.send_signal(signal.SIGTERM)
    assert (dashboard.process.wait(30), dashboard.finish()) == (0, "")
    dashboard.wait_no_leftovers(api)


def test_when_the_api_server_stops_voila_is_stopped_and_the_exit_is_an_error(
    dashboard: Dashboard,
) -> None:
    api = dashboard.wait_summary()["API"]
    server = next(p for p in dashboard.leftovers(api) if "serve" in p.cmdline())
    server.kill()
    stderr = dashboard.finish()
    assert dashboard.process.returncode == 1
    assert stderr.startswith("python -m sandbox.dashboard: The API server exited with code -9."), (
        stderr
    )
    dashboard.wait_no_leftovers(api)


def test_running_api_knows_a_sandbox_server_from_another_program(api_url: str) -> None:
    """``make lab`` beside ``make run``: the API server on the port is reused when it is ours."""
    from sandbox.dashboard import running_api

    port = int(api_url.rsplit(":", 1)[1].split("/")[0])
    assert running_api("127.0.0.1", port) == f"http://127.0.0.1:{port}/api"
    with socket.socket() as taken:  # listening, never answering
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert running_api("127.0.0.1", taken.getsockname()[1], timeout=0.5) is None
