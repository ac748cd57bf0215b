"""The ``oro-sandbox`` command line: its commands, flags and their checks, and the settings they
make (``ORO_SANDBOX_*`` environment variables first, then flags)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from server.settings import Settings

COMMANDS = (
    "serve",
    "seed",
    "openapi",
    "apikey",
    "wsse-header",
    "api-feature",
    "worker",
    "batch-cleanup",
    "batch-cancel",
    "visitor-cleanup",
    "reindex",
)
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


def website_number(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a website id (0: every website)")
    return number


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (0 or more)")
    return number


def seconds(value: str) -> float:
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds")
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
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes sharing the port (default: 1); they share everything through the"
        " database, so use a database file or server (PostgreSQL for many)",
    )
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
        "--oro-layout",
        action="store_true",
        help="serve the APIs where OroCommerce has them: the storefront API at /api, the"
        " back-office API at /admin/api (default: ORO_SANDBOX_LAYOUT; /api and /storefront/api)",
    )
    serve.add_argument(
        "--guest-shopping-lists",
        action="store_true",
        help="let storefront visitors (guest tokens) keep shopping lists of their own, as Oro's"
        ' "Enable Guest Shopping List" (default: ORO_SANDBOX_GUEST_SHOPPING_LISTS, off)',
    )
    serve.add_argument(
        "--guest-checkout",
        action="store_true",
        help="let storefront visitors check out their own shopping lists, as Oro's"
        ' "Enable Guest Checkout" (needs --guest-shopping-lists; default:'
        " ORO_SANDBOX_GUEST_CHECKOUT, off)",
    )
    serve.add_argument(
        "--no-reply-cache",
        action="store_true",
        help="run every read, also one whose answer is kept for data that has not changed since"
        " (default: ORO_SANDBOX_REPLY_CACHE, on)",
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
        help="a request header CORS preflights allow besides Authorization, Content-Type, "
        "X-Include, X-Mode and X-HTTP-Method-Override, e.g. X-WSSE (repeatable)",
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

    def queue_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--queue",
            metavar="URL",
            help="the Batch API's task queue: redis://host:6379/0 to share it between several"
            " servers and workers (default: ORO_SANDBOX_QUEUE; none: SQLite beside the database)",
        )

    queue_options(serve)
    serve.add_argument(
        "--queue-workers",
        type=count,
        metavar="N",
        help="Batch API worker threads in this server; 0 leaves the work to `oro-sandbox worker`"
        " (default: ORO_SANDBOX_QUEUE_WORKERS or 1)",
    )
    serve.add_argument(
        "--batch-chunk-size",
        type=positive_int,
        metavar="N",
        help="primary items per chunk of a batch (default: 100, as Oro)",
    )
    serve.add_argument(
        "--batch-included-chunk-size",
        type=count,
        metavar="N",
        help="included items per chunk of a batch at most (default: 0, no limit: as Oro, a chunk"
        " takes every included item its primary items bring)",
    )
    serve.add_argument(
        "--batch-stale-after",
        type=seconds,
        metavar="SECONDS",
        help="an unfinished operation nobody moved for this long is taken over (default: 30)",
    )
    serve.add_argument(
        "--sync-wait-timeout",
        type=seconds,
        metavar="SECONDS",
        help="how long an X-Mode: sync batch is waited for before answering 202 (default: 25)",
    )

    seed = commands.add_parser("seed", help="create and seed the database without serving")
    database_options(seed)

    worker = commands.add_parser(
        "worker", help="run Batch API operations from a shared queue (--queue redis://…)"
    )
    database_options(worker)
    queue_options(worker)
    worker.add_argument(
        "--workers", type=positive_int, default=2, metavar="N", help="worker threads (default: 2)"
    )
    worker.add_argument(
        "--no-auth",
        action="store_true",
        help="as the servers whose operations it runs were started",
    )
    cleanup = commands.add_parser(
        "batch-cleanup", help="delete asynchronous operations older than 30 days (and errors)"
    )
    database_options(cleanup)
    cancel = commands.add_parser(
        "batch-cancel",
        help="cancel an unfinished asynchronous operation (no chunk starts after the current one)",
    )
    cancel.add_argument("id", type=positive_int, help="the operation's id")
    database_options(cancel)
    visitors = commands.add_parser(
        "visitor-cleanup",
        help="delete storefront visitors last seen more than 30 days ago who own nothing"
        " (Oro's oro:cron:customer-visitors:clear-expired)",
    )
    visitors.add_argument(
        "--days",
        type=positive_int,
        default=None,
        metavar="N",
        help="the visitors' lifetime in days (default: 30, Oro's visitor cookie lifetime)",
    )
    database_options(visitors)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--format", choices=("json", "yaml"), default="json")
    openapi.add_argument(
        "--api",
        choices=("backoffice", "storefront"),
        default="backoffice",
        help="which API (default: backoffice)",
    )
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

    reindex = commands.add_parser(
        "reindex", help="rebuild the search index from the stored records"
    )
    database_option(reindex)

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
    feature.add_argument(
        "--website",
        type=website_number,
        metavar="N",
        help="the storefront API of this website instead (0: every website)",
    )
    feature.add_argument(
        "--guests",
        action="store_true",
        help="the storefront's guest access (visitor tokens) of the website(s) instead",
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
    if getattr(args, "no_reply_cache", False):
        changes["reply_cache"] = False
    if getattr(args, "guest_shopping_lists", False):
        changes["storefront_guest_shopping_lists"] = True
    if getattr(args, "guest_checkout", False):
        changes["storefront_guest_checkout"] = True
    if getattr(args, "cors_origin", None):
        changes["cors_origins"] = tuple(dict.fromkeys(args.cors_origin))
    if getattr(args, "cors_allow_header", None):
        defaults = Settings.cors_allow_headers
        changes["cors_allow_headers"] = tuple(dict.fromkeys((*defaults, *args.cors_allow_header)))
    if getattr(args, "sandbox_url", None) is not None:
        changes["sandbox_url"] = args.sandbox_url
    if getattr(args, "cors_allow_credentials", False):
        changes["cors_allow_credentials"] = True
    if getattr(args, "public_url", None):
        changes["public_url"] = args.public_url
    if getattr(args, "max_body_size", None) is not None:
        changes["max_body_size"] = args.max_body_size
    for name in (
        "queue",
        "queue_workers",
        "batch_chunk_size",
        "batch_included_chunk_size",
        "batch_stale_after",
        "sync_wait_timeout",
    ):
        if getattr(args, name, None) is not None:
            changes["queue_url" if name == "queue" else name] = getattr(args, name)
    settings = settings.with_(**changes)
    return settings.oro_layout() if getattr(args, "oro_layout", False) else settings
