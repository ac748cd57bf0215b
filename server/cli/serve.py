"""``serve``, ``seed`` and ``openapi``: the server, the demo database, the OpenAPI document.

``serve`` binds its socket itself, so ``--port 0`` picks a free port; it prints the API address once
the application has started (database prepared and seeded), which is what a launcher waits for.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from server.cli.parser import OPENAPI_PATH, settings_from
from server.settings import Settings

# --- serve -------------------------------------------------------------------------------------


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY on accept
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def banner(url: str, settings: Settings) -> str:
    api = url + settings.api_prefix
    storefront = url + settings.storefront_prefix
    return (
        f"Oro API Sandbox: {api}\n"
        f"OpenAPI document: {api}{OPENAPI_PATH}\n"
        f"Database: {settings.database_url}\n"
        f"Storefront API: {storefront} (OpenAPI: {storefront}{OPENAPI_PATH})"
    )


def security_summary(backend: Any) -> str:
    """How to get in: the demo OAuth applications and users, or that authentication is off.

    ``backend`` is the running app's (its engine: an in-memory database exists only there)."""
    if not backend.settings.auth:
        return "Authentication is off (--no-auth): every request acts as the demo administrator."
    from server.auth.oauth.seed import demo_summary

    with backend.engine.connect() as connection:
        return demo_summary(connection, backend.schema)


class WorkerApp:
    """The application of one worker process: built in the worker on first use (what uvicorn
    hands a spawned worker must pickle; the settings do, an application does not)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            from server.app import create_app

            self.app = create_app(self.settings)
        await self.app(scope, receive, send)


def _prepare(settings: Settings) -> str:
    """Before the workers start: the database ready (created, seeded, reset if asked) and the
    signing keys made, so that workers only find them; what to print about security."""
    from server.app import prepare_backend

    backend = prepare_backend(settings)
    try:
        return security_summary(backend)
    finally:
        backend.engine.dispose()


def serve(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    settings = settings_from(args, environ)
    workers: int = getattr(args, "workers", None) or 1
    problems = settings.problems()
    if workers > 1 and _in_memory(settings.database_url):
        problems.append("--workers needs a database file or server: each worker would have its own")
    for problem in problems:
        print(f"oro-sandbox: {problem}", file=sys.stderr)
    if problems:
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as error:
        print(f"oro-sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1

    import uvicorn

    port = sock.getsockname()[1]
    url = base_url(args.host, port)
    if workers > 1:
        return _serve_workers(sock, url, settings, workers, out)

    from server.app import create_app

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                print(banner(url, settings), file=out)
                print(security_summary(app.state.backend), file=out, flush=True)

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=port,
        log_level="info" if settings.debug else "warning",
        access_log=settings.debug,
    )
    with sock:
        Server(config).run(sockets=[sock])
    return 0


def _serve_workers(
    sock: socket.socket, url: str, settings: Settings, workers: int, out: TextIO
) -> int:
    """``workers`` processes on one listening socket (uvicorn's supervisor restarts a worker
    that dies); everything they share is in the database."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    summary = _prepare(settings)
    sock.listen(2048)  # connections wait in the backlog until a worker accepts them
    print(banner(url, settings), file=out)
    print(f"Workers: {workers}", file=out)
    print(summary, file=out, flush=True)
    config = uvicorn.Config(
        WorkerApp(settings.with_(reset=False)),  # reset once, here, not again in each worker
        workers=workers,
        log_level="info" if settings.debug else "warning",
        access_log=settings.debug,
    )
    with sock:
        Multiprocess(config, sockets=[sock]).run()
    return 0


def _in_memory(url: str) -> bool:
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


# --- seed --------------------------------------------------------------------------------------


def seed(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.domain.resources import build_registry
    from server.domain.setup import prepare_database
    from server.storage.database import count_rows, create_engine
    from server.storage.tables import build_schema

    settings = settings_from(args, environ)
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(settings.database_url)
    try:
        started = time.perf_counter()
        seeded = prepare_database(
            engine, registry, schema, scale=settings.scale, reset=settings.reset
        )
        elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            counts = count_rows(connection, schema)
    finally:
        engine.dispose()
    if seeded:
        print(
            f"Seeded {settings.database_url} (scale {settings.scale}) in {elapsed:.1f} s:", file=out
        )
    else:
        print(
            f"{settings.database_url} already holds data; use --reset to seed it again.", file=out
        )
    width = max(len(type_) for type_ in counts)
    for type_, count in counts.items():
        print(f"  {type_:<{width}}  {count:>9,}", file=out)
    return 0


def reindex(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    """Rebuild the search index of a database (created and seeded first when new)."""
    from server.domain.resources import build_registry
    from server.domain.setup import prepare_database
    from server.storage.database import create_engine
    from server.storage.search_index import reindex as rebuild
    from server.storage.tables import build_schema

    settings = settings_from(args, environ)
    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(settings.database_url)
    try:
        prepare_database(engine, registry, schema)
        started = time.perf_counter()
        with engine.begin() as connection:
            counts = rebuild(connection, registry, schema)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    print(f"Reindexed {settings.database_url} in {elapsed:.1f} s:", file=out)
    width = max(len(type_) for type_ in counts)
    for type_, count in counts.items():
        print(f"  {type_:<{width}}  {count:>9,}", file=out)
    return 0


# --- openapi -----------------------------------------------------------------------------------


def openapi(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.domain.resources import build_registry
    from server.domain.storefront import build_storefront_registry
    from server.openapi import build_openapi

    storefront = args.api == "storefront"
    registry = build_storefront_registry() if storefront else build_registry()
    unknown = [type_ for type_ in args.entity if type_ not in registry]
    if unknown:
        known = ", ".join(sorted(r.type for r in registry))
        print(
            f"oro-sandbox openapi: unknown entity type {', '.join(unknown)}; known: {known}",
            file=sys.stderr,
        )
        return 2
    settings = Settings.from_environ(environ)
    options: dict[str, Any] = {
        "prefix": settings.storefront_prefix if storefront else settings.api_prefix,
        "api": args.api,
    }
    if args.title is not None:
        options["title"] = args.title
    if args.server_url is not None:
        options["server_url"] = args.server_url
    if args.entity:
        options["entities"] = list(dict.fromkeys(args.entity))
    document = build_openapi(registry, **options)
    text = dump_document(document, args.format)
    if args.output is None:
        out.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}", file=out)
    return 0


def dump_document(document: Mapping[str, Any], format_: str) -> str:
    if format_ == "yaml":
        from server.openapi import to_yaml

        return to_yaml(dict(document))
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
