"""The API server and the Voila web sandbox (or JupyterLab), started and stopped together.

    python -m sandbox.dashboard [--host 127.0.0.1] [--api-port 8765] [--port 8866]
                                [--database URL] [--no-auth] [--notebook PATH] [--lab]

(``oro-sandbox dashboard`` and ``oro-sandbox lab`` are the same; ``make run`` and ``make lab`` call
it.) It starts ``python -m server serve`` as a child process and waits for its banner, as
:func:`sandbox.launch` does (the same child-process class); then Voila on
``notebooks/sandbox.ipynb`` with a pre-heated kernel, or JupyterLab on the notebooks' folder with
``--lab``, with ``ORO_SANDBOX_URL`` naming that server so that every kernel uses it, signed in as
the demo OAuth application. Once Voila answers, it prints the server's banner and the URLs.

When ``--api-port`` is taken by an Oro API Sandbox server already (``make run`` is up and
``make lab`` starts), that server is used and left running; taken by another program, it is an
error. Ctrl-C or SIGTERM stops both. When either stops by itself, the other is stopped too and the
command exits with status 1, showing the last lines the stopped one wrote. Both children run in
sessions of their own and end when their standard input closes, which this process's end does
even if it is killed, so they are never left behind. ``--port 0`` and ``--api-port 0`` pick free
ports.

The notebook is looked for in ``notebooks/`` of the current directory, then among the notebooks
that ship with the package (:mod:`sandbox.bundled`; the repository's in a source checkout).
JupyterLab opens ``notebooks/`` of the current directory, copied there first when missing
(``oro-sandbox notebooks``), so that the user's work is saved in the user's folder. Only the
standard library is imported here at module level: the launcher (httpx) when the command runs,
Jupyter only in the child process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sandbox._process import ServerProcess

__all__ = ["DashboardError", "build_parser", "locate_notebook", "main", "summary"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_API_PORT = 8765
DEFAULT_VOILA_PORT = 8866
DEFAULT_LAB_PORT = 8888
DEFAULT_NOTEBOOK = Path("notebooks") / "sandbox.ipynb"
START_TIMEOUT = 60.0  # seconds, for each child; a first start seeds the database
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.2
SHOWN_LINES = 20
INSTALL_HINT = "pip install 'oro-api-sandbox[notebook]'"
PROG = "python -m sandbox.dashboard"

SHARE = Path(__file__).resolve().parent / "share"  # a Jupyter data folder: voila/templates/…
TEMPLATE = "oro-sandbox"
_WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


class DashboardError(Exception):
    """The dashboard cannot start, or one of its processes stopped; the message says which."""


class _Stop(Exception):
    """SIGTERM arrived: stop both processes."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Start the Oro API Sandbox server and the Voila web sandbox (or JupyterLab "
        "with --lab) on top of it; Ctrl-C stops both.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address (default: {DEFAULT_HOST})")
    parser.add_argument(
        "--api-port",
        type=int,
        default=DEFAULT_API_PORT,
        metavar="PORT",
        help=f"the API server's port; 0 picks a free one (default: {DEFAULT_API_PORT})",
    )
    parser.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help=f"Voila's port, or JupyterLab's with --lab; 0 picks a free one (default: "
        f"{DEFAULT_VOILA_PORT}, {DEFAULT_LAB_PORT} with --lab)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="the API server's database (SQLAlchemy URL or SQLite file)",
    )
    parser.add_argument(
        "--no-auth", action="store_true", help="run the API server without authentication"
    )
    parser.add_argument(
        "--notebook",
        type=Path,
        metavar="PATH",
        help=f"the notebook Voila shows (default: {DEFAULT_NOTEBOOK}); with --lab, JupyterLab "
        "opens its folder",
    )
    parser.add_argument(
        "--lab", action="store_true", help="JupyterLab on the notebooks instead of Voila"
    )
    return parser


# --- pure parts ----------------------------------------------------------------------------------


def locate_notebook(
    given: Path | None, cwd: Path, project_root: Path, *, folder: bool = False
) -> Path:
    """The notebook to serve, as an absolute path: ``given`` (relative to ``cwd``), or
    ``notebooks/sandbox.ipynb`` in ``cwd`` or else in ``project_root`` (the folder holding the
    shipped ``notebooks/``). With ``folder=True`` (for JupyterLab) ``given`` may be a folder, and
    without it ``notebooks/`` is looked for."""
    if given is not None:
        path = (cwd / given.expanduser()).resolve()
        if not (path.is_file() or (folder and path.is_dir())):
            raise DashboardError(f"No notebook {given} (looked for {path}).")
        return path
    wanted = DEFAULT_NOTEBOOK.parent if folder else DEFAULT_NOTEBOOK
    places = list(dict.fromkeys([cwd.resolve(), project_root]))
    for place in places:
        if (place / wanted).is_dir() if folder else (place / wanted).is_file():
            return place / wanted
    looked = " or ".join(str(place / wanted) for place in places)
    raise DashboardError(
        f"No {wanted} found (looked for {looked}): run this from the repository's folder, or "
        "give --notebook PATH."
    )


def reachable(url: str) -> str:
    """``url`` with a wildcard listening address (0.0.0.0, ::) replaced by loopback."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if host not in _WILDCARDS:
        return url
    shown = _WILDCARDS[host]
    shown = f"[{shown}]" if ":" in shown else shown
    return parts._replace(netloc=f"{shown}:{parts.port}").geturl()


def origin(host: str, port: int) -> str:
    host = _WILDCARDS.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def sign_in_line(banner: Sequence[str], client_id: str) -> str | None:
    """What the server's banner says about signing in, in one line: the demo OAuth application
    ``client_id`` with its secret and the admin user, or that authentication is off."""
    secret = password = None
    for line in banner:
        if line.startswith("Authentication is off"):
            return "none needed: authentication is off (--no-auth)"
        words = line.split()
        if len(words) >= 2 and words[0] == client_id and secret is None:
            secret = words[1]
        elif len(words) >= 2 and words[0] == "admin" and password is None:
            password = words[1]
    if secret is None:
        return None
    user = f"; user admin / {password}" if password is not None else ""
    return f"OAuth client {client_id} / {secret} (the kernels use it){user}"


def summary(*, web: str, api: str, banner: Sequence[str], lab: bool, client_id: str) -> str:
    """The block printed once both processes answer: the server's banner, then the URLs."""
    rows = [
        ("JupyterLab" if lab else "Web sandbox", web),
        ("API", api),
        ("API docs", f"{api}/doc"),
        ("OpenAPI", f"{api}/doc/openapi.json"),
    ]
    sign_in = sign_in_line(banner, client_id)
    if sign_in is not None:
        rows.append(("Sign in", sign_in))
    width = max(len(name) for name, _ in rows) + 1
    lines = [*banner, "", *(f"  {name + ':':<{width}} {value}" for name, value in rows)]
    lines.append("Ctrl-C stops both.")
    return "\n".join(lines)


# --- processes -----------------------------------------------------------------------------------


class _WebProcess:
    """Voila or JupyterLab in a child process; its output goes to a temporary file, shown if it
    stops by itself."""

    def __init__(self, name: str, module: str, args: list[str], environ: dict[str, str]) -> None:
        self.name = name
        from sandbox._process import GUARDED

        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", GUARDED, module, *args],
            stdin=subprocess.PIPE,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=os.name == "posix",  # Ctrl-C reaches this process only
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def last_lines(self, count: int = SHOWN_LINES) -> list[str]:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace").splitlines()[-count:]

    def wait_answering(self, url: str, timeout: float) -> None:
        """Return once ``url`` gets an HTTP answer (any status), or raise a DashboardError."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                pass
            if not self.alive():
                raise DashboardError(self.exited())
            if time.monotonic() > deadline:
                raise DashboardError(f"{self.name} did not answer within {timeout:g} s.")
            time.sleep(POLL_INTERVAL)

    def exited(self) -> str:
        return _exit_message(self.name, self.process.returncode, self.last_lines())

    def stop(self) -> None:
        if self.alive():
            from sandbox._process import terminate

            terminate(self.process, STOP_TIMEOUT)
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self.log.close()


def _exit_message(name: str, code: int | None, lines: Sequence[str]) -> str:
    shown = "\n".join(f"  {line}" for line in lines)
    return f"{name} exited with code {code}." + (
        f" Its last output:\n{shown}" if shown else " It wrote nothing."
    )


def running_api(host: str, port: int, timeout: float = 3.0) -> str | None:
    """The API root of an Oro API Sandbox server already listening on ``host:port`` (its
    OpenAPI document says so), or ``None`` (another program, or no answer)."""
    api = f"{origin(host, port)}/api"
    try:
        with urllib.request.urlopen(f"{api}/doc/openapi.json", timeout=timeout) as answer:
            import json

            document = json.load(answer)
    except (OSError, ValueError):
        return None
    info = document.get("info") if isinstance(document, dict) else None
    title = info.get("title") if isinstance(info, dict) else None
    return api if title == "Oro API Sandbox" else None


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_port(host: str, port: int, option: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            raise DashboardError(
                f"Cannot listen on {host}:{port} ({error.strerror}); {option} 0 picks a free port."
            ) from error


@dataclass
class _Web:
    """What to run: Voila on the notebook, or JupyterLab on its folder."""

    name: str
    module: str
    args: list[str]
    url: str  # shown
    probe: str  # answers once the server is up
    environ: dict[str, str] = field(default_factory=dict)  # added to the child's environment


def _web(args: argparse.Namespace, notebook: Path, port: int) -> _Web:
    base = origin(args.host, port)
    if args.lab:
        token = secrets.token_urlsafe(24)
        root = notebook if notebook.is_dir() else notebook.parent
        page = "lab" if notebook.is_dir() else f"lab/tree/{urllib.parse.quote(notebook.name)}"
        return _Web(
            "JupyterLab",
            "jupyterlab",
            [
                "--no-browser",
                f"--ServerApp.ip={args.host}",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={token}",
                # as root (a container), Jupyter refuses to start unless told
                *(["--allow-root"] if getattr(os, "geteuid", lambda: -1)() == 0 else []),
            ],
            f"{base}/{page}?token={token}",
            f"{base}/api",
        )
    return _Web(
        "Voila",
        "voila",
        [
            str(notebook),
            "--no-browser",
            f"--port={port}",
            f"--Voila.ip={args.host}",
            "--Voila.port_retries=0",  # the port asked for, or an error: the printed URL is right
            "--show_tracebacks=True",
            "--preheat_kernel=True",  # the notebook runs before the first visit: a fast first page
            # a page that is left (closed, reloaded) ends its kernel: Voila's page posts to
            # /voila/api/shutdown/<kernel id> as it unloads, which Voila refuses (403) without
            # an _xsrf cookie that nothing on its page sets; the kernel's id, random, is the
            # only way to that endpoint, so its XSRF check is left out (Voila listens on
            # loopback unless told otherwise)
            '--Voila.tornado_settings={"disable_check_xsrf": True}',
            # a page that vanished without unloading (a crash, a lost network): 5 minutes
            # after its last activity, its idle kernel ends (open pages stay)
            "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_interval=60",
            "--Voila.log_level=WARN",
            f"--template={TEMPLATE}",  # Voila's lab page without its CDN links
        ],
        f"{base}/",
        f"{base}/voila/static/",
        {
            "JUPYTER_PATH": os.pathsep.join(
                filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")])
            )
        },
    )


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Start both processes, print the summary, and watch them until Ctrl-C, SIGTERM or a stop."""
    module = "jupyterlab" if args.lab else "voila"
    if importlib.util.find_spec(module) is None or importlib.util.find_spec("ipykernel") is None:
        raise DashboardError(f"{module} and ipykernel are not installed: {INSTALL_HINT}")
    from sandbox import bundled

    cwd = Path.cwd()
    target = cwd / DEFAULT_NOTEBOOK.parent
    try:
        if args.lab and args.notebook is None and not target.exists():
            steps = bundled.copy_notebooks(target)
            print(bundled.report(steps, target, next_step=False), file=out, flush=True)
        shipped = bundled.notebooks_folder()
    except OSError as error:
        raise DashboardError(str(error)) from None
    notebook = locate_notebook(args.notebook, cwd, shipped.parent, folder=args.lab)
    port = (
        args.port if args.port is not None else DEFAULT_LAB_PORT if args.lab else DEFAULT_VOILA_PORT
    )
    if port == 0:
        port = _free_port(args.host)
    else:
        _check_port(args.host, port, "--port")
    reuse: str | None = None  # the API root of a server already running on --api-port
    if args.api_port != 0:
        try:
            _check_port(args.host, args.api_port, "--api-port")
        except DashboardError:
            reuse = running_api(args.host, args.api_port)
            if reuse is None:
                raise

    from sandbox import _process, journal, launcher

    server_args = ["serve", "--host", args.host, "--port", str(args.api_port)]
    server_args += ["--database", args.database] if args.database else []
    server_args += ["--no-auth"] if args.no_auth else []
    if not args.lab:  # /api/doc's "Try it" links open the web sandbox
        server_args += ["--sandbox-url", origin(args.host, port) + "/"]
    server: ServerProcess | None = None
    web: _WebProcess | None = None
    with _stop_on_sigterm():
        try:
            if reuse is not None:  # `make lab` beside `make run`: one API server for both
                api = reuse
            else:
                server = _process.ServerProcess(
                    server_args, launcher.server_environ(not args.no_auth)
                )
                try:
                    api = reachable(server.wait_ready(START_TIMEOUT))
                except launcher.LaunchError as error:
                    raise DashboardError(str(error)) from None
            spec = _web(args, notebook, port)
            environ = launcher.server_environ(not args.no_auth)
            environ[launcher.ENV_URL] = api
            environ[journal.ENV_HISTORY] = str(journal.default_path())  # every page shares it
            environ.update(spec.environ)
            web = _WebProcess(spec.name, spec.module, spec.args, environ)
            web.wait_answering(spec.probe, START_TIMEOUT)
            client_id = os.environ.get(launcher.ENV_CLIENT_ID) or launcher.DEFAULT_CLIENT_ID
            banner = list(server.stdout) if server is not None else []
            text = summary(web=spec.url, api=api, banner=banner, lab=args.lab, client_id=client_id)
            if reuse is not None:
                text = (
                    f"The API server already running at {api} is used (port {args.api_port} is "
                    "taken by it).\n" + text
                ).replace("Ctrl-C stops both.", "Ctrl-C stops JupyterLab; the API server runs on.")
            print(text, file=out, flush=True)
            while True:
                if server is not None and not server.alive():
                    lines = [*server.stderr, *list(server.stdout)[len(banner) :]]
                    code = server.process.returncode
                    raise DashboardError(
                        _exit_message("The API server", code, lines[-SHOWN_LINES:])
                    )
                if not web.alive():
                    raise DashboardError(web.exited())
                time.sleep(POLL_INTERVAL)
        except (KeyboardInterrupt, _Stop):
            return 0
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut this short
            if web is not None:
                web.stop()
            if server is not None:
                server.stop()


def main(argv: Sequence[str] | None = None, *, prog: str = PROG, out: TextIO | None = None) -> int:
    """The command: ``prog`` names it in help and error messages (``oro-sandbox dashboard``)."""
    parser = build_parser()
    parser.prog = prog
    args = parser.parse_args(argv)
    try:
        return run(args, out or sys.stdout)
    except DashboardError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
