"""A throw-away PostgreSQL cluster for the tests, and seeded databases cloned from a template.

``ORO_SANDBOX_TEST_POSTGRESQL`` decides:
- a URL (``postgresql+psycopg://user@host:port/db``): a server to use, whose user may create
  databases;
- ``required``: a temporary cluster (Debian's ``initdb`` and ``pg_ctl``), and an error if there is
  none (CI sets this, so PostgreSQL tests never skip there);
- ``off``: no PostgreSQL tests;
- unset: a temporary cluster when PostgreSQL is installed, else the tests skip.

The cluster is initialised as the ``postgres`` user when the tests run as root (PostgreSQL refuses
to run as root), with durability off: it lives as long as the test session.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.storage.plans import analyze
from server.storage.tables import build_schema

ENV = "ORO_SANDBOX_TEST_POSTGRESQL"
NewDatabase = Callable[[str], "str | Path"]  # a name → a new database (SQLite file, or URL)
TEMPLATE = "oro_template"
_serial = itertools.count(1)
INITDB = ("--no-locale", "-E", "UTF8", "--no-sync")  # byte order, as SQLite compares


class Unavailable(RuntimeError):
    """No PostgreSQL to test with."""


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--", *command]


@contextmanager
def temporary_cluster() -> Iterator[str]:
    """Start a cluster on a free loopback port; yield its admin URL; stop and remove it."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise Unavailable("PostgreSQL is not installed (initdb, pg_ctl)")
    root = Path(tempfile.mkdtemp(prefix="oro-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    try:
        subprocess.run(
            _as_owner([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", *INITDB]),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        subprocess.run(
            _as_owner(
                [pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"PostgreSQL did not start: {error.stderr.decode()[-500:]}") from None
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """The admin URL of the PostgreSQL to test with (see the module's docstring)."""
    setting = os.environ.get(ENV, "").strip()
    if setting == "off":
        raise Unavailable(f"{ENV}=off")
    if "://" in setting:
        yield setting
        return
    try:
        with temporary_cluster() as url:
            yield url
    except Unavailable:
        if setting == "required":
            raise RuntimeError(f"{ENV}=required but PostgreSQL could not be started") from None
        raise


class Databases:
    """New seeded databases on one PostgreSQL server, cloned from a template seeded once."""

    def __init__(self, admin_url: str) -> None:
        self.admin = sa.create_engine(
            admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        self.url = sa.make_url(admin_url)
        self.prefix = f"oro_test_{os.getpid()}"
        self._template_ready = False
        self._made: list[str] = []

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def _template(self) -> None:
        if self._template_ready:
            return
        self._execute(f"DROP DATABASE IF EXISTS {self.prefix}_{TEMPLATE}")
        self._execute(f"CREATE DATABASE {self.prefix}_{TEMPLATE}")
        engine = sa.create_engine(self.url.set(database=f"{self.prefix}_{TEMPLATE}"))
        try:
            registry = build_registry()
            prepare_database(engine, registry, build_schema(registry))
            analyze(engine)  # the clones have statistics already
        finally:
            engine.dispose()
        self._template_ready = True

    def new(self, *, seeded: bool = True) -> str:
        """The URL of a new database: a seeded copy of the template, or an empty one."""
        name = f"{self.prefix}_{next(_serial)}"
        self._made.append(name)
        if seeded:
            self._template()
            self._execute(f"CREATE DATABASE {name} TEMPLATE {self.prefix}_{TEMPLATE}")
        else:
            self._execute(f"CREATE DATABASE {name}")
        return self.url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop the databases made (on a server of the caller's, nothing is left behind)."""
        for name in [*self._made, f"{self.prefix}_{TEMPLATE}"]:
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.dispose()
