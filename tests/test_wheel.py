"""The package as a user gets it: the wheel built from this tree, installed with the ``notebook``
extra into a new virtual environment, and its ``oro-sandbox`` command run from empty folders.

One install serves every check (module-scoped fixtures). pip resolves the extra for real, with
nothing of this environment visible to the new one; it installs from a wheelhouse kept in pytest's
cache (``.pytest_cache/d/wheelhouse``), filled from the package registry by ``pip download`` when
it lacks something (the first run, or a new dependency). The commands run with a HOME of their own,
so no user-level Jupyter setting or kernel takes part.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sandbox.auth import ClientCredentials

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
GUIDED = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
# Voila's page title: the notebook's title, else its name
WEB_SANDBOX_TITLE = json.loads((NOTEBOOKS / "sandbox.ipynb").read_text())["metadata"].get(
    "title", "sandbox"
)
TEMPLATE = "sandbox/share/voila/templates/oro-sandbox"
READY_TIMEOUT = 120.0  # a first start on a new install: Voila runs the web sandbox notebook
FIND_SPEC = (
    "import importlib.util as u; print(*(u.find_spec(m).origin for m in ('sandbox', 'server')))"
)
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def check(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = run(command, cwd, env)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by pip with the build backend (hatchling)."""
    dist = tmp_path_factory.mktemp("dist")
    # hatchling, from the test extra, spares the isolated build environment's set-up
    check(
        [*PIP, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)]
    )
    (built,) = dist.glob("oro_api_sandbox-*.whl")
    return built


@dataclass(frozen=True)
class Installed:
    bin: Path
    environ: dict[str, str]  # for the installed commands: a HOME of their own, nothing of ours

    def command(self, *args: str) -> list[str]:
        return [str(self.bin / "oro-sandbox"), *args]


@pytest.fixture(scope="module")
def installed(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Installed:
    target = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(target)  # this environment's pip installs into it
    python = target / "bin" / "python"
    assert pytestconfig.cache is not None
    wheelhouse = pytestconfig.cache.mkdir("wheelhouse")
    requirement = f"{wheel}[notebook]"
    install = [*PIP, "--python", str(python), "install", "--quiet", "--no-compile", "--no-index"]
    install += ["--find-links", str(wheelhouse), requirement]
    if run(install).returncode != 0:
        check([*PIP, "download", "--quiet", "--dest", str(wheelhouse), requirement])
        (wheelhouse / wheel.name).unlink(missing_ok=True)  # the wheel under test is given by path
        check(install)
    home = tmp_path_factory.mktemp("home")
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ORO_SANDBOX_", "PYTHON", "JUPYTER", "VIRTUAL_ENV", "XDG_"))
    }
    environ.update(HOME=str(home), PATH=os.pathsep.join([str(python.parent), environ["PATH"]]))
    return Installed(python.parent, environ)


def test_the_wheel_carries_the_notebooks_the_template_and_the_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
    shipped = {name for name in names if name.startswith("sandbox/notebooks/")}
    assert shipped == {f"sandbox/notebooks/{name}" for name in [*GUIDED, "sandbox.ipynb"]}
    assert {f"{TEMPLATE}/conf.json", f"{TEMPLATE}/index.html.j2"} <= names
    assert "sandbox/widgets/static/json_editor.js" in names  # the body editor, built (make editor)
    assert not any(name.startswith(("notebooks/", "tests/")) for name in names)
    headers = [line.split(": ", 1) for line in metadata.split("\n\n", 1)[0].splitlines()]
    fields = {key for key, _ in headers}
    assert {"Summary", "License-Expression", "Project-URL", "Keywords"} <= fields
    assert ["Provides-Extra", "notebook"] in headers
    assert ["Classifier", "Programming Language :: Python :: 3.11"] in headers


def test_the_installed_package_is_the_wheel(installed: Installed, tmp_path: Path) -> None:
    done = check(
        [str(installed.bin / "python"), "-c", FIND_SPEC],
        cwd=tmp_path,
        env=installed.environ,
    )
    for origin in done.stdout.split():
        assert Path(origin).is_relative_to(installed.bin.parent)


class Running:
    """An installed command running in a child process; its standard output read by a thread."""

    def __init__(self, installed: Installed, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            installed.command(*args),
            cwd=cwd,
            env=installed.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_summary(self) -> tuple[list[str], dict[str, str]]:
        """The lines printed until the URLs' block ends, and the block's rows by name."""
        printed: list[str] = []
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no summary within {READY_TIMEOUT} s: {self.stop()}")
            if line == "Ctrl-C stops both.":
                rows = (re.fullmatch(r"  ([A-Za-z ]+): +(.+)", line) for line in printed)
                return printed, {match[1]: match[2] for match in rows if match}
            printed.append(line)

    def stop(self) -> tuple[int, str]:
        """SIGTERM, and the exit status and error output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=60)
        return self.process.returncode, stderr


@dataclass(frozen=True)
class Started:
    dashboard: Running
    lab: Running
    lab_folder: Path


@pytest.fixture(scope="module")
def started(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """``oro-sandbox dashboard`` and ``oro-sandbox lab``, each from an empty folder, started at
    once: much of their start is waiting, so they overlap."""
    dashboard_folder = tmp_path_factory.mktemp("dashboard")
    lab_folder = tmp_path_factory.mktemp("lab")
    ports = ("--api-port", "0", "--port", "0")
    dashboard = Running(installed, dashboard_folder, "dashboard", *ports)
    lab = Running(installed, lab_folder, "lab", *ports)
    yield Started(dashboard, lab, lab_folder)
    dashboard.stop()
    lab.stop()


def test_dashboard_from_an_empty_folder(started: Started) -> None:
    dashboard = started.dashboard
    _, rows = dashboard.wait_summary()
    api, web = rows["API"], rows["Web sandbox"]

    auth = ClientCredentials("sandbox-integration", "integration-secret")
    response = httpx.get(
        f"{api}/users/1", auth=auth, headers={"Accept": "application/vnd.api+json"}
    )
    assert (response.status_code, response.headers["content-type"]) == (
        200,
        "application/vnd.api+json",
    )
    assert response.json()["data"]["id"] == "1"

    # the web sandbox notebook ran in the installed package's kernel: its app is on the page
    page = httpx.get(web, timeout=READY_TIMEOUT)
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html")
    assert re.findall(r"<title>([^<]*)</title>", page.text)[:1] == [WEB_SANDBOX_TITLE]
    assert '"output_type": "execute_result"' in page.text
    assert '"output_type": "error"' not in page.text
    assert "application/vnd.jupyter.widget-view+json" in page.text
    assert dashboard.stop() == (0, "")


def test_lab_from_an_empty_folder_copies_the_notebooks_there_first(started: Started) -> None:
    lab, tmp_path = started.lab, started.lab_folder
    printed, rows = lab.wait_summary()
    assert printed[0] == f"The guided notebooks in {tmp_path / 'notebooks'}:"
    assert printed[len(GUIDED) + 2] == f"{len(GUIDED) + 1} copied."
    assert sorted(path.name for path in (tmp_path / "notebooks").glob("*.ipynb")) == [
        *GUIDED,
        "sandbox.ipynb",
    ]
    page = httpx.get(rows["JupyterLab"], timeout=READY_TIMEOUT)
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=UTF-8")
    assert lab.stop() == (0, "")


def test_notebooks_copies_every_guided_notebook(installed: Installed, tmp_path: Path) -> None:
    done = check(installed.command("notebooks"), cwd=tmp_path, env=installed.environ)
    target = tmp_path / "notebooks"
    assert done.stdout.splitlines()[0] == f"The guided notebooks in {target}:"
    for name in [*GUIDED, "sandbox.ipynb"]:
        assert (target / name).read_bytes() == (NOTEBOOKS / name).read_bytes(), name

    (target / GUIDED[0]).write_text("my answers")
    again = check(installed.command("notebooks"), cwd=tmp_path, env=installed.environ)
    assert again.stdout.splitlines()[1:3] == [
        f"  kept       {GUIDED[0]} (edited there; --force replaces it)",
        f"  unchanged  {GUIDED[1]}",
    ]
    assert (target / GUIDED[0]).read_text() == "my answers"
