"""Start the bundled API server in the background and hand back a ready, authenticated client.

    client = launch()          # starts the server once per kernel; later calls reuse it
    client.get("/users/1")
    client = reset()           # the seed data back (a server of our own only)
    stop()                     # also done at interpreter exit
    status()                   # <Sandbox http://127.0.0.1:PORT/api pid …, kept database …>

The server is a child process (``python -m server serve``; see ``sandbox._process``: a wrapper
ends it when this process goes away, its output is read by threads) on a free loopback port, in
its own session so that interrupting a notebook cell does not stop it. This module decides which
server, which database and which credentials.

Its database:

- kept (the default): ``oro-api-sandbox/sandbox.db`` under the user's cache directory
  (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
  ``%LOCALAPPDATA%`` on Windows). Seeded on first start, then kept across kernels until
  :func:`reset`. A cache directory rather than ``./var``: notebooks in any folder share it and
  no working tree fills with database files. Kernels launched at the same time share it too.
- ``database=``: a SQLite file path or any SQLAlchemy URL.
- ``fresh=True``: a new temporary SQLite file, deleted when that server stops. The guided
  notebooks start this way: each on the demo data as seeded, out of reach of the others and of
  the web sandbox; running the cell again starts over.

When ``ORO_SANDBOX_URL`` is set (Binder and ``make lab`` start a server and set it, e.g.
``http://127.0.0.1:8765/api``; or a real Oro), :func:`launch` uses that server and starts nothing
— except with ``fresh=True``, which asks for a database of one's own and so starts a server of
this process's own beside it, which later calls keep using while it runs. Without one,
``reset()`` raises :class:`LaunchError`, since it would reset a server this process did not
start.

The client authenticates with OAuth client credentials, by default the demo application
``sandbox-integration`` / ``integration-secret`` acting as the administrator; ``client_id`` and
``client_secret`` (or ``ORO_SANDBOX_CLIENT_ID`` / ``ORO_SANDBOX_CLIENT_SECRET``) choose another,
``auth=<an httpx.Auth>`` any other flow, and ``auth=False`` none (the server runs ``--no-auth``).

``api="storefront"`` gives a client of the storefront API (OroCommerce's buyer side) instead:

    shop = launch(api="storefront")                                   # a visitor (guest)
    shop = launch(api="storefront", user="jacob.lewis2@example.com")  # a customer user
    shop = launch(api="storefront", localization=2, currency="EUR")   # X-Localization-ID, …

A customer user signs in with the password grant (``password`` defaults to the demo's,
``storefront``), a visitor with ``guest`` / ``guest``; both with the storefront application
``sandbox-storefront`` / ``storefront-secret`` (``client_id``/``client_secret``, or
``ORO_SANDBOX_STOREFRONT_CLIENT_ID`` / ``ORO_SANDBOX_STOREFRONT_CLIENT_SECRET``). The storefront's
root is the one the server it started announces (``/storefront/api``; ``/api`` with
``server_args=["--oro-layout"]``); beside ``ORO_SANDBOX_URL`` it is
``ORO_SANDBOX_STOREFRONT_URL``, or else guessed from the back-office root by the two layouts
(``…/api`` → ``…/storefront/api``; OroCommerce's ``…/admin/api`` → ``…/api``).

Exceptions: :class:`LaunchError` (a ``sandbox.SandboxError``) when the server cannot start, with
its exit code and error output, or when an operation needs the bundled server.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import httpx

from sandbox._process import ServerProcess
from sandbox.auth import ClientCredentials, PasswordGrant, Visitor
from sandbox.client import ApiClient
from sandbox.exceptions import LaunchError

__all__ = ["LaunchError", "Sandbox", "launch", "reset", "status", "stop"]

ENV_URL = "ORO_SANDBOX_URL"
ENV_CLIENT_ID = "ORO_SANDBOX_CLIENT_ID"
ENV_CLIENT_SECRET = "ORO_SANDBOX_CLIENT_SECRET"
ENV_STOREFRONT_URL = "ORO_SANDBOX_STOREFRONT_URL"
ENV_STOREFRONT_CLIENT_ID = "ORO_SANDBOX_STOREFRONT_CLIENT_ID"
ENV_STOREFRONT_CLIENT_SECRET = "ORO_SANDBOX_STOREFRONT_CLIENT_SECRET"
DEFAULT_CLIENT_ID = "sandbox-integration"
DEFAULT_CLIENT_SECRET = "integration-secret"
DEFAULT_STOREFRONT_CLIENT_ID = "sandbox-storefront"
DEFAULT_STOREFRONT_CLIENT_SECRET = "storefront-secret"
DEFAULT_CUSTOMER_PASSWORD = "storefront"  # every demo customer user's
Api = Literal["back-office", "storefront"]
BACK_OFFICE: Api = "back-office"
STOREFRONT: Api = "storefront"
APIS: tuple[Api, ...] = (BACK_OFFICE, STOREFRONT)
# where each layout puts the storefront beside the back-office (a root's ending → the other's)
STOREFRONT_BESIDE = (("/admin/api", "/api"), ("/api", "/storefront/api"))
HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds; a first start seeds the database (under a second at scale 1)
_PROJECT_ROOT = Path(__file__).resolve().parent.parent  # holds both `sandbox` and `server`


def default_database() -> Path:
    """Where the kept database lives: ``oro-api-sandbox/sandbox.db`` in the user's cache."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "oro-api-sandbox" / "sandbox.db"


def database_url(value: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL as given, or a SQLite file path as an absolute URL (its folder made)."""
    text = os.fspath(value)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def storefront_beside(api_url: str) -> str | None:
    """The storefront root beside a back-office root, by the two layouts' defaults (ours:
    ``/api`` and ``/storefront/api``; OroCommerce's: ``/admin/api`` and ``/api``); ``None`` when
    the back-office root is in neither."""
    url = api_url.rstrip("/")
    for back_office, storefront in STOREFRONT_BESIDE:
        if url.endswith(back_office):
            return url.removesuffix(back_office) + storefront
    return None


def server_environ(auth: bool) -> dict[str, str]:
    """The environment of a bundled server this process starts (also the dashboard's)."""
    environ = dict(os.environ)
    environ.pop(ENV_URL, None)
    environ["ORO_SANDBOX_AUTH"] = "1" if auth else "0"  # the flag alone cannot switch it back on
    environ["PYTHONUNBUFFERED"] = "1"
    environ["PYTHONIOENCODING"] = "utf-8"
    path = environ.get("PYTHONPATH")
    environ["PYTHONPATH"] = os.pathsep.join([str(_PROJECT_ROOT), *([path] if path else [])])
    return environ


class Sandbox:
    """The bundled server this process started, or the one ``ORO_SANDBOX_URL`` names.

    The module keeps one (:func:`status` returns it); :func:`launch`, :func:`reset` and
    :func:`stop` act on it. Its repr tells the URL, the pid and the database.
    """

    def __init__(self, *, start_timeout: float = START_TIMEOUT) -> None:
        self.start_timeout = start_timeout
        self.url: str | None = None  # the back-office API's root
        self.storefront_url: str | None = None  # the storefront API's root
        self.database: str | None = None  # a SQLAlchemy URL, for a server of our own
        self.external = False  # the server is ORO_SANDBOX_URL's
        self.auth: bool | httpx.Auth = True
        self.client_id: str | None = None
        self.client_secret: str | None = None
        self.api: Api = BACK_OFFICE  # which API launch()'s clients talk to
        self.user: str | None = None  # the customer user a storefront client signs in as
        self.password: str | None = None
        self.settings: dict[str, Any] = {}  # localization, currency, product_id
        self._server: ServerProcess | None = None
        self._server_auth = True
        self._server_args: tuple[str, ...] = ()
        self._temporary: Path | None = None  # the folder of a fresh=True database
        self._lock = threading.RLock()
        self._at_exit = False

    # --- state ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a server this process started is running."""
        return self._server is not None and self._server.alive()

    @property
    def pid(self) -> int | None:
        return self._server.pid if self._server is not None else None

    @property
    def port(self) -> int | None:
        return httpx.URL(self.url).port if self.url else None

    @property
    def temporary(self) -> bool:
        return self._temporary is not None

    @property
    def output(self) -> str:
        """The last lines the server printed (standard output, then error output)."""
        if self._server is None:
            return ""
        return "\n".join([*self._server.stdout, *self._server.stderr])

    def __repr__(self) -> str:
        if self.external and self.url:
            return f"<Sandbox {self.url} (from {ENV_URL}: started elsewhere)>"
        if self._server is not None and self.running:
            kind = "temporary" if self.temporary else "kept"
            auth = "auth on" if self._server_auth else "auth off"
            return f"<Sandbox {self.url} pid {self.pid}, {kind} database {self.database}, {auth}>"
        if self._server is not None:
            code = self._server.process.returncode
            return f"<Sandbox stopped (pid {self.pid} exited with code {code}); launch() restarts>"
        return "<Sandbox not running; launch() starts it>"

    # --- actions -------------------------------------------------------------------------------

    def launch(
        self,
        *,
        fresh: bool = False,
        database: str | os.PathLike[str] | None = None,
        auth: bool | httpx.Auth = True,
        port: int = 0,
        client_id: str | None = None,
        client_secret: str | None = None,
        server_args: Sequence[str] = (),
        api: Api = BACK_OFFICE,
        user: str | None = None,
        password: str | None = None,
        localization: int | str | None = None,
        currency: str | None = None,
        product_id: str | None = None,
    ) -> ApiClient:
        """A client of the running server, started first if need be (see the module doc)."""
        with self._lock:
            if api not in APIS:
                raise ValueError(f"api={api!r}: choose {' or '.join(map(repr, APIS))}")
            if user is not None and api != STOREFRONT:
                raise ValueError(
                    "user= signs a customer user in to the storefront (api='storefront');"
                    " for a back-office user give auth=PasswordGrant(…)"
                )
            restart = tuple(server_args) != self._server_args
            self._server_args = tuple(server_args)
            if fresh and database is not None:
                raise ValueError("give fresh=True (a temporary database) or database=, not both")
            self.auth, self.client_id, self.client_secret = auth, client_id, client_secret
            self.api, self.user, self.password = api, user, password
            self.settings = {
                "localization": localization,
                "currency": currency,
                "product_id": product_id,
            }
            # a server of one's own (fresh=True) stays the one later calls use while it runs
            own = fresh or (self.running and self.temporary)
            external = "" if own else os.environ.get(ENV_URL, "").strip()
            if external:
                self._stop_server()
                self._server = None
                self.url, self.external, self.database = external.rstrip("/"), True, None
                self.storefront_url = os.environ.get(ENV_STOREFRONT_URL, "").strip().rstrip(
                    "/"
                ) or storefront_beside(self.url)
                return self.client()
            if self.external:
                self.url, self.storefront_url, self.external = None, None, False
            wanted = database_url(database) if database is not None else None
            server_auth = auth is not False
            if (
                fresh
                or not self.running
                or (wanted is not None and wanted != self.database)
                or (port and port != self.port)
                or server_auth != self._server_auth
                or restart
            ):
                if wanted is None and not fresh and self.running:
                    wanted = self.database  # restarted for other flags: on the same data
                self._start(database=wanted, fresh=fresh, auth=server_auth, port=port)
            return self.client()

    def reset(self) -> ApiClient:
        """Restart the server on its seed data (same database, same port when it is free)."""
        with self._lock:
            external = os.environ.get(ENV_URL, "").strip() if not self.running else ""
            if self.external or external:
                raise self._needs_own_server("reset()", self.url or external)
            port = self.port if self.running else None
            database = self.database if self._server is not None else None
            auth = self.auth is not False
            try:
                self._start(database=database, auth=auth, port=port or 0, reset=True)
            except LaunchError as error:
                if not port or "cannot listen" not in error.stderr:
                    raise
                self._start(database=database, auth=auth, port=0, reset=True)  # port taken
            return self.client()

    def stop(self) -> None:
        """Stop the server this process started (nothing to do for ``ORO_SANDBOX_URL``'s)."""
        with self._lock:
            self._stop_server()
            self.url, self.storefront_url, self.external = None, None, False

    def client(self, **options: Any) -> ApiClient:
        """A new client of the current server, of the API and signed in as :meth:`launch` was
        told; ``options`` go to :class:`~sandbox.ApiClient` (``currency="EUR"``…)."""
        if self.url is None:
            raise LaunchError("No sandbox server: call launch() first.")
        settings = {k: v for k, v in self.settings.items() if v is not None}
        return ApiClient(self._root(), auth=self._client_auth(), **{**settings, **options})

    # --- internals -----------------------------------------------------------------------------

    def _root(self) -> str:
        assert self.url is not None
        if self.api == BACK_OFFICE:
            return self.url
        if self.storefront_url is None:
            raise LaunchError(
                f"Where is the storefront API beside {self.url}? Set {ENV_STOREFRONT_URL}"
                " to its root (OroCommerce's: https://host/api)."
            )
        return self.storefront_url

    def _client_auth(self) -> httpx.Auth | None:
        if self.auth is False:
            return None
        if isinstance(self.auth, httpx.Auth):
            return self.auth
        if self.api == STOREFRONT:
            client_id = (
                self.client_id
                or os.environ.get(ENV_STOREFRONT_CLIENT_ID)
                or DEFAULT_STOREFRONT_CLIENT_ID
            )
            secret = (
                self.client_secret
                or os.environ.get(ENV_STOREFRONT_CLIENT_SECRET)
                or DEFAULT_STOREFRONT_CLIENT_SECRET
            )
            if self.user is None:
                return Visitor(client_id, secret)
            password = self.password or DEFAULT_CUSTOMER_PASSWORD
            return PasswordGrant(client_id, secret, self.user, password)
        return ClientCredentials(
            self.client_id or os.environ.get(ENV_CLIENT_ID) or DEFAULT_CLIENT_ID,
            self.client_secret or os.environ.get(ENV_CLIENT_SECRET) or DEFAULT_CLIENT_SECRET,
        )

    def _needs_own_server(self, what: str, url: str) -> LaunchError:
        return LaunchError(
            f"{what} needs the bundled server, but {ENV_URL} names another one ({url}), which"
            f" this kernel cannot restart. Unset {ENV_URL} to launch a server of your own."
        )

    def _start(
        self,
        *,
        database: str | None,
        auth: bool,
        port: int,
        fresh: bool = False,
        reset: bool = False,
    ) -> None:
        self._stop_server(keep_temporary=database is not None and database == self.database)
        if fresh:
            self._temporary = Path(tempfile.mkdtemp(prefix="oro-sandbox-"))
            database = database_url(self._temporary / "sandbox.db")
        elif database is None:
            database = database_url(default_database())
        args = ["serve", "--host", HOST, "--port", str(port), "--database", database]
        args += ["--reset"] if reset else []
        args += [] if auth else ["--no-auth"]
        args += list(self._server_args)
        self.database, self._server_auth = database, auth
        if not self._at_exit:
            atexit.register(self.stop)
            self._at_exit = True
        self.url, self.storefront_url, self.external = None, None, False
        self._server = ServerProcess(args, server_environ(auth))
        self.url = self._server.wait_ready(self.start_timeout)
        self.storefront_url = self._server.storefront_url

    def _stop_server(self, *, keep_temporary: bool = False) -> None:
        if self._server is not None:
            self._server.stop()
        if self._temporary is not None and not keep_temporary:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None
            self.database = None


_SANDBOX = Sandbox()


def launch(
    *,
    fresh: bool = False,
    database: str | os.PathLike[str] | None = None,
    auth: bool | httpx.Auth = True,
    port: int = 0,
    client_id: str | None = None,
    client_secret: str | None = None,
    server_args: Sequence[str] = (),
    api: Api = BACK_OFFICE,
    user: str | None = None,
    password: str | None = None,
    localization: int | str | None = None,
    currency: str | None = None,
    product_id: str | None = None,
) -> ApiClient:
    """A ready, authenticated client of the bundled server, started in the background once per
    process; or of ``ORO_SANDBOX_URL``'s server when that is set. ``server_args``: more
    ``oro-sandbox serve`` flags for a server it starts (``["--sync-wait-timeout", "0"]``,
    ``["--oro-layout"]``).

    ``api="storefront"``: a client of the storefront API, signed in as the customer user
    ``user`` (an email; ``password`` defaults to the demo's) or, without ``user``, as a visitor.
    ``localization``, ``currency`` and ``product_id``: the client's ``X-Localization-ID``,
    ``X-Currency`` and ``X-Product-ID``, sent with every request (see :class:`~sandbox.ApiClient`).

    Called again, it returns a new client of the same server (a ``fresh=True`` one included),
    unless ``fresh=True`` (a new temporary database, on a server of this process's own even when
    ``ORO_SANDBOX_URL`` is set), or a different ``database``, ``port`` or ``auth`` is asked for,
    or the server has stopped: then it starts one (again). Other ``server_args`` restart it on
    the same database.
    """
    return _SANDBOX.launch(
        fresh=fresh,
        database=database,
        auth=auth,
        port=port,
        client_id=client_id,
        client_secret=client_secret,
        server_args=server_args,
        api=api,
        user=user,
        password=password,
        localization=localization,
        currency=currency,
        product_id=product_id,
    )


def reset() -> ApiClient:
    """Restore the seed data: restart the bundled server on a reseeded database; a new client."""
    return _SANDBOX.reset()


def stop() -> None:
    """Stop the bundled server (also done at interpreter exit)."""
    _SANDBOX.stop()


def status() -> Sandbox:
    """The module's :class:`Sandbox`: its repr tells the URL, pid and database."""
    return _SANDBOX
