"""``OAuthServer``: what the token endpoint, the authorize flow and the login pages share.

``create_app``'s lifespan may build it (``app.state.oauth = OAuthServer.create(...)``) so that
keys are loaded at start-up; otherwise :func:`oauth_server` builds it on first use from
``app.state.backend``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from server.auth.keys import Keys, load_or_create_keys
from server.auth.oauth.throttle import LoginThrottle
from server.settings import Settings
from server.storage.tables import Schema

__all__ = ["OAuthServer", "get_oauth_server", "oauth_server"]

_build_lock = threading.Lock()


@dataclass
class OAuthServer:
    engine: sa.Engine
    schema: Schema
    settings: Settings
    keys: Keys
    throttle: LoginThrottle
    clock: Callable[[], float] = time.time
    storefront_schema: Schema | None = None  # the storefront's tables (customer users)

    @classmethod
    def create(
        cls,
        engine: sa.Engine,
        schema: Schema,
        settings: Settings,
        keys: Keys | None = None,
        *,
        clock: Callable[[], float] = time.time,
        storefront_schema: Schema | None = None,
    ) -> OAuthServer:
        throttle = LoginThrottle(
            settings.login_failures_allowed,
            settings.login_failure_window,
            engine=engine,
            table=schema.auth.login_failure,
            clock=clock,
        )
        keys = keys or load_or_create_keys(engine, schema)
        return cls(engine, schema, settings, keys, throttle, clock, storefront_schema)

    def now(self) -> int:
        return int(self.clock())


def oauth_server(app: Any) -> OAuthServer:
    """The application's :class:`OAuthServer` (``app.state.oauth``), built on first use."""
    server: OAuthServer | None = getattr(app.state, "oauth", None)
    if server is None:
        with _build_lock:
            server = getattr(app.state, "oauth", None)
            if server is None:
                backend = app.state.backend
                storefront = getattr(app.state, "storefront", None)
                server = OAuthServer.create(
                    backend.engine,
                    backend.schema,
                    backend.settings,
                    storefront_schema=None if storefront is None else storefront.schema,
                )
                app.state.oauth = server
    return server


async def get_oauth_server(app: Any) -> OAuthServer:
    """:func:`oauth_server` for request handlers: a first build (keys) runs off the event loop."""
    server: OAuthServer | None = getattr(app.state, "oauth", None)
    if server is not None:
        return server
    return await run_in_threadpool(oauth_server, app)
