"""Server settings: one frozen dataclass, built from CLI flags or an environment mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE = "sqlite:///var/oro-sandbox.db"
ORO_BACKOFFICE_PREFIX = "/admin/api"  # OroCommerce's back-office API (web_backend_prefix)


def pages_root(prefix: str) -> str:
    """Where an API's browser pages (its OAuth authorize URL) sit: its prefix without the last
    segment — ``/storefront/api`` → ``/storefront``, ``/admin/api`` → ``/admin``, ``/api`` →
    ``""`` (see ``server.auth.oauth.paths``)."""
    return prefix.rstrip("/").rsplit("/", 1)[0]


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE
    api_prefix: str = "/api"  # the back-office API
    storefront_prefix: str = "/storefront/api"  # the storefront API (OroCommerce's buyer side)
    # what visitors (guest tokens) may read: Oro's "Guest Storefront API" resource list
    storefront_guest_resources: tuple[str, ...] = (
        "localizations",
        "currencies",
        "countries",
        "regions",
        "products",
        "productunits",
    )
    # visitors keep shopping lists of their own (Oro's "Enable Guest Shopping List", off by
    # default); the website's guest access must be on too
    storefront_guest_shopping_lists: bool = False
    # visitors check out their own shopping lists (Oro's "Enable Guest Checkout",
    # ``oro_checkout.guest_checkout``, off by default); guest shopping lists must be on too
    storefront_guest_checkout: bool = False
    debug: bool = False
    scale: int = 1  # seed size multiplier: 2,000 orders per unit
    reset: bool = False  # drop and re-seed the database at start-up
    default_page_size: int = 10
    max_related_entities: int = 1000
    # authentication and access control (on by default, as in Oro; --no-auth switches it off)
    auth: bool = True
    access_token_lifetime: int = 3600  # seconds, as Oro
    refresh_token_lifetime: int = 30 * 86400
    auth_code_lifetime: int = 600
    wsse_lifetime: int = 3600  # a WSSE header's Created, and its nonce, stay valid this long
    login_failures_allowed: int = 5  # failed logins per username and client within the window
    login_failure_window: int = 60  # seconds; more failures answer 429 with Retry-After
    # CORS (disabled unless origins are listed), as Oro's oro_api.cors
    cors_origins: tuple[str, ...] = ()
    # request headers allowed besides Oro's own (Authorization, Content-Type, X-Include): by
    # default those a browser client of this server needs, as an Oro would be configured
    cors_allow_headers: tuple[str, ...] = ("X-Mode", "X-HTTP-Method-Override")
    cors_expose_headers: tuple[str, ...] = ()
    cors_allow_credentials: bool = False
    cors_max_age: int = 600
    # the web sandbox's URL: /api/doc links each operation there ("Try it"); "": no links
    sandbox_url: str = ""
    # links (self, related, Location…) start with this (e.g. https://api.example.com) instead of
    # echoing the request's Host header; None: the Host header, fine on loopback
    public_url: str | None = None
    max_body_size: int = 10 * 1024 * 1024  # bytes of a request body; more answers 413
    # answers to reads given again while the data is unchanged (server/reply_cache.py)
    reply_cache: bool = True
    # the Batch API (reference §15, §16): Oro's defaults
    batch_chunk_size: int = 100  # primary items per chunk
    batch_included_chunk_size: int = 0  # included items per chunk at most (0: no limit, as Oro)
    sync_limit: int = 100  # X-Mode: sync, primary items
    sync_included_limit: int = 50
    sync_wait_timeout: float = 25.0  # seconds; past it a sync batch answers 202 and goes on
    batch_lifetime_days: int = 30  # operations older than this are deleted
    # storefront visitors last seen longer ago who own nothing are deleted (Oro's visitor cookie
    # lifetime, oro_customer.customer_visitor_cookie_lifetime_days)
    visitor_lifetime_days: int = 30
    batch_operation_timeout: int = 3600  # seconds; an operation running longer is failed
    batch_stale_after: float = 30.0  # seconds without progress: another worker takes it over
    batch_max_attempts: int = 5  # starts of one operation (each crash is one) before it fails
    # the task queue: "" = SQLite file beside the database (memory for an in-memory database),
    # "redis://host:6379/0" = Redis shared by several processes
    queue_url: str = ""
    queue_workers: int = 1  # worker threads started with the API server; 0: `oro-sandbox worker`

    def oro_layout(self) -> Settings:
        """The prefixes where OroCommerce has them: the storefront at ``/api``, the back-office
        at ``/admin/api`` (``--oro-layout``, ``ORO_SANDBOX_LAYOUT=oro``)."""
        return replace(self, api_prefix=ORO_BACKOFFICE_PREFIX, storefront_prefix="/api")

    def problems(self) -> list[str]:
        """What makes these settings unsafe to serve with (refused at start)."""
        found = []
        if self.api_prefix == self.storefront_prefix:
            found.append("the back-office and the storefront API cannot share one prefix")
        if "*" in self.cors_origins and self.cors_allow_credentials:
            found.append(
                "--cors-origin '*' cannot be combined with --cors-allow-credentials: any web page"
                " could then make credentialed requests; list the origins instead"
            )
        return found

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Read ``ORO_SANDBOX_*`` variables from ``environ`` (passed in, never read globally)."""
        values: dict[str, Any] = {}
        if "ORO_SANDBOX_DATABASE" in environ:
            values["database_url"] = environ["ORO_SANDBOX_DATABASE"]
        if "ORO_SANDBOX_API_PREFIX" in environ:
            values["api_prefix"] = "/" + environ["ORO_SANDBOX_API_PREFIX"].strip("/")
        if "ORO_SANDBOX_STOREFRONT_PREFIX" in environ:
            values["storefront_prefix"] = "/" + environ["ORO_SANDBOX_STOREFRONT_PREFIX"].strip("/")
        if "ORO_SANDBOX_DEBUG" in environ:
            values["debug"] = environ["ORO_SANDBOX_DEBUG"].lower() in ("1", "true", "yes", "on")
        if "ORO_SANDBOX_GUEST_SHOPPING_LISTS" in environ:
            values["storefront_guest_shopping_lists"] = environ[
                "ORO_SANDBOX_GUEST_SHOPPING_LISTS"
            ].lower() in ("1", "true", "yes", "on")
        if "ORO_SANDBOX_GUEST_CHECKOUT" in environ:
            values["storefront_guest_checkout"] = environ["ORO_SANDBOX_GUEST_CHECKOUT"].lower() in (
                "1",
                "true",
                "yes",
                "on",
            )
        if "ORO_SANDBOX_SCALE" in environ:
            values["scale"] = int(environ["ORO_SANDBOX_SCALE"])
        if "ORO_SANDBOX_AUTH" in environ:
            values["auth"] = environ["ORO_SANDBOX_AUTH"].lower() not in ("0", "false", "no", "off")
        if "ORO_SANDBOX_REPLY_CACHE" in environ:
            values["reply_cache"] = environ["ORO_SANDBOX_REPLY_CACHE"].lower() not in (
                "0",
                "false",
                "no",
                "off",
            )
        if "ORO_SANDBOX_WEB_URL" in environ:
            values["sandbox_url"] = environ["ORO_SANDBOX_WEB_URL"]
        if "ORO_SANDBOX_CORS_ORIGINS" in environ:
            origins = environ["ORO_SANDBOX_CORS_ORIGINS"].split(",")
            values["cors_origins"] = tuple(o.strip() for o in origins if o.strip())
        if environ.get("ORO_SANDBOX_PUBLIC_URL"):
            values["public_url"] = environ["ORO_SANDBOX_PUBLIC_URL"].rstrip("/")
        if "ORO_SANDBOX_MAX_BODY_SIZE" in environ:
            values["max_body_size"] = int(environ["ORO_SANDBOX_MAX_BODY_SIZE"])
        if "ORO_SANDBOX_QUEUE" in environ:
            values["queue_url"] = environ["ORO_SANDBOX_QUEUE"]
        if "ORO_SANDBOX_QUEUE_WORKERS" in environ:
            values["queue_workers"] = int(environ["ORO_SANDBOX_QUEUE_WORKERS"])
        settings = cls(**values)
        if environ.get("ORO_SANDBOX_LAYOUT", "").lower() == "oro":
            settings = settings.oro_layout()
        return settings

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
