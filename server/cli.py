"""The ``oro-sandbox`` command: ``serve`` (the default), ``seed``, ``openapi``, the security
helpers ``apikey``, ``wsse-header`` and ``api-feature``, ``dashboard`` and ``lab`` (the server
with the Voila web sandbox or JupyterLab: :mod:`sandbox.dashboard`, with the notebook extras), and
``notebooks`` (copies the guided notebooks out of the package: :mod:`sandbox.bundled`).

Settings come from ``ORO_SANDBOX_*`` environment variables first, then from flags. ``serve``
binds its socket itself, so ``--port 0`` picks a free port; it prints the API address once the
application has started (database prepared and seeded), which is what a launcher waits for.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from server.settings import Settings

COMMANDS = ("serve", "seed", "openapi", "apikey", "wsse-header", "api-feature")
SANDBOX_COMMANDS = {  # handed to sandbox.dashboard or sandbox.bundled, unparsed here
    "dashboard": "run the API server and the Voila web sandbox (see dashboard --help)",
    "lab": "run the API server and JupyterLab on the notebooks (see lab --help)",
    "notebooks": "copy the guided notebooks into a folder (see notebooks --help)",
}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
OPENAPI_PATH = "/doc/openapi.json"


def database_url(value: str) -> str:
    """A SQLAlchemy URL, or a path to a SQLite file."""
    return value if "://" in value else f"sqlite:///{value}"


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive integer")
    return number


def origin(value: str) -> str:
    """A CORS origin as browsers send it (``scheme://host[:port]``, no trailing slash), or ``*``."""
    value = value.strip().rstrip("/")
    if value != "*" and "://" not in value:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an origin such as http://localhost:3000"
        )
    return value


def public_origin(value: str) -> str:
    """Where clients reach the server: ``scheme://host[:port]``."""
    value = value.strip().rstrip("/")
    if "://" not in value:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL such as https://api.example.com")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oro-sandbox",
        description="Oro API Sandbox: a JSON:API server that behaves like Oro's Web API.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def database_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--database",
            type=database_url,
            metavar="URL",
            help="SQLAlchemy URL or SQLite file (default: ORO_SANDBOX_DATABASE "
            "or sqlite:///var/oro-sandbox.db)",
        )
        command.add_argument(
            "--scale",
            type=positive_int,
            metavar="N",
            help="seed size multiplier: 2,000 orders per unit (default: 1)",
        )
        command.add_argument("--reset", action="store_true", help="drop all tables and seed again")

    serve = commands.add_parser("serve", help="run the API server (the default command)")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address (default: {DEFAULT_HOST})")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port; 0 picks a free one (default: {DEFAULT_PORT})",
    )
    database_options(serve)
    serve.add_argument(
        "--debug",
        action="store_true",
        help="show exception details in 500 responses and log requests",
    )
    serve.add_argument(
        "--no-auth",
        action="store_true",
        help="no authentication and no access control: every request acts as the demo"
        " administrator (for quick experiments; default: ORO_SANDBOX_AUTH, on)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        type=origin,
        metavar="URL",
        help="allow CORS requests from this origin, or * for any (repeatable; default: "
        "ORO_SANDBOX_CORS_ORIGINS, comma-separated; none: CORS off)",
    )
    serve.add_argument(
        "--cors-allow-header",
        action="append",
        metavar="NAME",
        help="a request header CORS preflights allow besides Authorization, Content-Type and "
        "X-Include, e.g. X-WSSE (repeatable)",
    )
    serve.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="the web sandbox's URL: /api/doc links each operation there, preset (default: "
        "ORO_SANDBOX_WEB_URL; none: no links; `make run` passes its own)",
    )
    serve.add_argument(
        "--cors-allow-credentials",
        action="store_true",
        help="send Access-Control-Allow-Credentials: true to allowed origins (not with *)",
    )
    serve.add_argument(
        "--public-url",
        type=public_origin,
        metavar="URL",
        help="the server's public origin for links, e.g. https://api.example.com (default:"
        " ORO_SANDBOX_PUBLIC_URL; none: the request's Host header)",
    )
    serve.add_argument(
        "--max-body-size",
        type=positive_int,
        metavar="BYTES",
        help="the largest request body accepted; larger ones answer 413 (default:"
        " ORO_SANDBOX_MAX_BODY_SIZE or 10485760)",
    )

    seed = commands.add_parser("seed", help="create and seed the database without serving")
    database_options(seed)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--format", choices=("json", "yaml"), default="json")
    openapi.add_argument(
        "--entity",
        action="append",
        metavar="TYPE",
        default=[],
        help="limit the document to this resource type (repeatable)",
    )
    openapi.add_argument("--title", help="the document title")
    openapi.add_argument("--server-url", metavar="URL", help="the server URL to advertise")
    openapi.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )

    def user_argument(command: argparse.ArgumentParser) -> None:
        command.add_argument("user", metavar="USER", help="a username, email or user id")

    def database_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--database", type=database_url, metavar="URL", help="SQLAlchemy URL or SQLite file"
        )

    apikey = commands.add_parser(
        "apikey", help="generate a new API key for a user (replaces their previous one)"
    )
    user_argument(apikey)
    apikey.add_argument(
        "--organization",
        type=positive_int,
        metavar="N",
        help="the organization the key is for (default: the user's)",
    )
    database_option(apikey)

    wsse = commands.add_parser(
        "wsse-header",
        help="print WSSE headers for a user (valid once), like Oro's oro:wsse:generate-header",
    )
    user_argument(wsse)
    wsse.add_argument(
        "--api-url", metavar="URL", help="the API root for the curl example (default: local server)"
    )
    database_option(wsse)

    feature = commands.add_parser(
        "api-feature", help="switch the API on or off for an organization, or show its state"
    )
    feature.add_argument("state", choices=("on", "off", "status"), help="on, off or status")
    feature.add_argument(
        "--organization",
        type=positive_int,
        metavar="N",
        help="one organization (default: every organization)",
    )
    database_option(feature)
    for name, help_ in SANDBOX_COMMANDS.items():
        commands.add_parser(name, help=help_, add_help=False)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv``; without a command (``oro-sandbox --port 0``) the command is ``serve``."""
    args = list(argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help")):
        args.insert(0, "serve")
    return build_parser().parse_args(args)


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The environment's settings with the flags that were given laid over them."""
    settings = Settings.from_environ(environ)
    changes: dict[str, Any] = {}
    if getattr(args, "database", None) is not None:
        changes["database_url"] = args.database
    if getattr(args, "scale", None) is not None:
        changes["scale"] = args.scale
    if getattr(args, "reset", False):
        changes["reset"] = True
    if getattr(args, "debug", False):
        changes["debug"] = True
    if getattr(args, "no_auth", False):
        changes["auth"] = False
    if getattr(args, "cors_origin", None):
        changes["cors_origins"] = tuple(dict.fromkeys(args.cors_origin))
    if getattr(args, "cors_allow_header", None):
        changes["cors_allow_headers"] = tuple(dict.fromkeys(args.cors_allow_header))
    if getattr(args, "sandbox_url", None) is not None:
        changes["sandbox_url"] = args.sandbox_url
    if getattr(args, "cors_allow_credentials", False):
        changes["cors_allow_credentials"] = True
    if getattr(args, "public_url", None):
        changes["public_url"] = args.public_url
    if getattr(args, "max_body_size", None) is not None:
        changes["max_body_size"] = args.max_body_size
    return settings.with_(**changes)


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
    return (
        f"Oro API Sandbox: {api}\n"
        f"OpenAPI document: {api}{OPENAPI_PATH}\n"
        f"Database: {settings.database_url}"
    )


def security_summary(backend: Any) -> str:
    """How to get in: the demo OAuth applications and users, or that authentication is off.

    ``backend`` is the running app's (its engine: an in-memory database exists only there)."""
    if not backend.settings.auth:
        return "Authentication is off (--no-auth): every request acts as the demo administrator."
    from server.auth.oauth.seed import demo_summary

    with backend.engine.connect() as connection:
        return demo_summary(connection, backend.schema)


def serve(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    settings = settings_from(args, environ)
    for problem in settings.problems():
        print(f"oro-sandbox: {problem}", file=sys.stderr)
    if settings.problems():
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as error:
        print(f"oro-sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1

    import uvicorn

    from server.app import create_app

    port = sock.getsockname()[1]
    url = base_url(args.host, port)

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


# --- openapi -----------------------------------------------------------------------------------


def openapi(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.domain.resources import build_registry
    from server.openapi import build_openapi

    registry = build_registry()
    unknown = [type_ for type_ in args.entity if type_ not in registry]
    if unknown:
        known = ", ".join(sorted(r.type for r in registry))
        print(
            f"oro-sandbox openapi: unknown entity type {', '.join(unknown)}; known: {known}",
            file=sys.stderr,
        )
        return 2
    options: dict[str, Any] = {"prefix": Settings.from_environ(environ).api_prefix}
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


# --- apikey, wsse-header, api-feature ----------------------------------------------------------


def _security_database(settings: Settings) -> tuple[Any, Any]:
    """The engine and schema of the database, prepared (created and seeded) if it is new."""
    from server.domain.resources import build_registry
    from server.domain.setup import prepare_database
    from server.storage.database import create_engine
    from server.storage.tables import build_schema

    registry = build_registry()
    schema = build_schema(registry)
    engine = create_engine(settings.database_url)
    prepare_database(engine, registry, schema, scale=settings.scale)
    return engine, schema


def _find_user(connection: Any, schema: Any, user: str, command: str) -> Any:
    from server.auth.api_keys import find_user

    found = find_user(connection, schema, user)
    if found is None:
        print(f"oro-sandbox {command}: no user {user!r} (a username, email or id)", file=sys.stderr)
    return found


def apikey(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.auth.api_keys import create_api_key

    engine, schema = _security_database(settings_from(args, environ))
    try:
        with engine.begin() as connection:
            user = _find_user(connection, schema, args.user, "apikey")
            if user is None:
                return 1
            try:
                key = create_api_key(connection, schema, user.id, args.organization)
            except ValueError as error:
                print(f"oro-sandbox apikey: {error}", file=sys.stderr)
                return 1
    finally:
        engine.dispose()
    organization = args.organization or user.organization_id
    print(key, file=out)
    print(
        f"New API key of {user.username} (user {user.id}) in organization {organization}; "
        "their previous key there no longer works.",
        file=sys.stderr,
    )
    return 0


def wsse_header_command(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    import shlex

    from server.auth.api_keys import api_key_of, create_api_key
    from server.auth.wsse import wsse_header

    settings = settings_from(args, environ)
    engine, schema = _security_database(settings)
    try:
        with engine.begin() as connection:
            user = _find_user(connection, schema, args.user, "wsse-header")
            if user is None:
                return 1
            key = api_key_of(connection, schema, user.id, user.organization_id)
            if key is None:
                key = create_api_key(connection, schema, user.id)
                print(f"Generated an API key for {user.username}.", file=sys.stderr)
    finally:
        engine.dispose()
    headers = wsse_header(user.username, key)
    api = args.api_url or base_url(DEFAULT_HOST, DEFAULT_PORT) + settings.api_prefix
    for name, value in headers.items():
        print(f"{name}: {value}", file=out)
    curl = ["curl", "-H", "Accept: application/vnd.api+json"]
    for name, value in headers.items():
        curl += ["-H", f"{name}: {value}"]
    curl.append(api.rstrip("/") + "/users")
    print(
        f"\nValid for one request within {settings.wsse_lifetime} s"
        f"{'' if user.enabled else ' (but this user is disabled: the API refuses them)'}. "
        "For example:\n" + " ".join(shlex.quote(part) for part in curl),
        file=out,
    )
    return 0


def api_feature(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.auth.feature import api_feature_states

    engine, schema = _security_database(settings_from(args, environ))
    switch_to = None if args.state == "status" else args.state == "on"
    try:
        with engine.begin() as connection:
            states = api_feature_states(connection, schema, args.organization, switch_to=switch_to)
    finally:
        engine.dispose()
    if not states:
        print(f"oro-sandbox api-feature: no organization {args.organization}", file=sys.stderr)
        return 1
    for id_, name, enabled in states:
        print(f"Organization {id_} ({name}): API {'enabled' if enabled else 'disabled'}", file=out)
    return 0


def sandbox_command(command: str, argv: Sequence[str], out: TextIO | None) -> int:
    """``dashboard`` and ``lab`` (:mod:`sandbox.dashboard`) and ``notebooks``
    (:mod:`sandbox.bundled`), which need the notebook extras."""
    try:
        from sandbox.bundled import main as notebooks_main
        from sandbox.dashboard import main as dashboard_main
    except ImportError as error:
        print(
            f"oro-sandbox {command} needs the notebook extras ({error}): "
            "pip install 'oro-api-sandbox[notebook]'",
            file=sys.stderr,
        )
        return 1
    if command == "notebooks":
        return notebooks_main(argv, prog=f"oro-sandbox {command}", out=out)
    lab = ["--lab"] if command == "lab" else []
    return dashboard_main([*lab, *argv], prog=f"oro-sandbox {command}", out=out)


HANDLERS = {
    "serve": serve,
    "seed": seed,
    "openapi": openapi,
    "apikey": apikey,
    "wsse-header": wsse_header_command,
    "api-feature": api_feature,
}


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SANDBOX_COMMANDS:
        return sandbox_command(argv[0], argv[1:], out)
    args = parse_args(argv)
    handler = HANDLERS[args.command]
    try:
        return handler(args, os.environ if environ is None else environ, out or sys.stdout)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
