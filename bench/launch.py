"""Start one benchmark server — ``ours`` or ``ceiling`` — under the very same uvicorn options.

    python bench/launch.py ours --database sqlite:///bench/.cache/x.db --scale 50
    python bench/launch.py ceiling --responses responses.json

Both bind a free loopback port and, once the application has started (our database prepared),
print one JSON line: the URL and the HTTP protocol and event loop uvicorn actually chose. Both go
through :data:`UVICORN_OPTIONS`, so the comparison cannot drift apart.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from pathlib import Path
from typing import Any

import orjson
import uvicorn

HOST = "127.0.0.1"
UVICORN_OPTIONS: dict[str, Any] = {
    "loop": "auto",
    "http": "auto",
    "lifespan": "on",
    "access_log": False,
    "log_level": "warning",
    "server_header": True,
    "date_header": True,
}


def build_app(args: argparse.Namespace) -> Any:
    if args.app == "ours":
        from server.app import create_app
        from server.settings import Settings

        # without authentication: the scenarios measure the API's own work (see README)
        settings = Settings(
            database_url=args.database, scale=args.scale, auth=False, reply_cache=args.reply_cache
        )
        if args.workers > 1:  # each worker builds its app; the database is prepared first
            from server.app import prepare_backend
            from server.cli.serve import WorkerApp

            prepare_backend(settings).engine.dispose()
            return WorkerApp(settings)
        return create_app(settings)
    from ceiling import CeilingApp, load_responses

    return CeilingApp(load_responses(Path(args.responses)))


def serve(app: Any, workers: int = 1) -> None:
    # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY on accepted sockets only when the
    # protocol says TCP; without it every keep-alive response waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host=HOST, port=port, workers=workers, **UVICORN_OPTIONS)
    if workers > 1:  # oro-sandbox serve --workers: uvicorn's supervisor, one listening socket
        from uvicorn.supervisors import Multiprocess

        sock.listen(2048)  # (the config stays unloaded: the workers must unpickle it)
        announce = {
            "url": f"http://{HOST}:{port}",
            "uvicorn": uvicorn.__version__,
            "http": str(config.http),
            "loop": str(config.loop),
            "workers": workers,
        }
        print(orjson.dumps(announce).decode(), flush=True)
        with sock:
            Multiprocess(config, sockets=[sock]).run()
        return

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                loop = type(asyncio.get_running_loop())
                announce = {
                    "url": f"http://{HOST}:{port}",
                    "uvicorn": uvicorn.__version__,
                    "http": config.http_protocol_class.__name__,
                    "loop": f"{loop.__module__}.{loop.__name__}",
                }
                print(orjson.dumps(announce).decode(), flush=True)

    with sock:
        Server(config).run(sockets=[sock])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("ours", "ceiling"))
    parser.add_argument("--database", help="SQLAlchemy URL of our server's database")
    parser.add_argument("--scale", type=int, default=1, help="seed scale, if the database is empty")
    parser.add_argument("--responses", help="the ceiling's prepared responses (JSON)")
    parser.add_argument("--workers", type=int, default=1, help="our server's worker processes")
    parser.add_argument(
        "--no-reply-cache",
        dest="reply_cache",
        action="store_false",
        help="our server runs every read (no answers kept for unchanged data)",
    )
    args = parser.parse_args(argv)
    serve(build_app(args), args.workers if args.app == "ours" else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
