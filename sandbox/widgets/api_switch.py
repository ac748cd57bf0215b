"""``ApiSwitch``: which of the server's two APIs the sandbox talks to — the back-office API or
OroCommerce's storefront API (the buyer's side) — each with a client, metadata and sign-in of its
own, and the storefront's request settings.

The back-office client is the one the app was given (the Server… panel changes it). The
storefront's is made on the first switch to it: its root is the one :func:`sandbox.launch`
knows beside the back-office root (``ORO_SANDBOX_STOREFRONT_URL``, or guessed by the two
layouts: ``…/api`` → ``…/storefront/api``, OroCommerce's ``…/admin/api`` → ``…/api``), its
metadata its own OpenAPI document (``<storefront root>/doc/openapi.json``), and it signs in with
the storefront application as a guest (a visitor: ``guest`` / ``guest``) or as a customer user
(email and password; every demo customer user's password is ``storefront``). Signing in as a
customer user after browsing as a guest hands the guest's shopping lists over
(``visitor_access_token``), as Oro's storefront does at login.

The storefront's settings are headers of every request (reference §7.1): ``X-Localization-ID``
and ``X-Currency``, offered from the storefront's ``localizations`` and ``currencies``, and
``X-Product-ID: sku`` (products addressed by SKU). The pure parts are :func:`preset_api`,
:func:`storefront_root`, :func:`storefront_auth` and the ``…_options`` readers.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import ipywidgets as widgets

from sandbox.auth import PasswordGrant, Visitor
from sandbox.client import ApiClient, Exchange, SandboxError
from sandbox.metadata import Metadata
from sandbox.widgets.guard import guarded

__all__ = [
    "API_LABELS",
    "BACK_OFFICE",
    "STOREFRONT",
    "ApiSwitch",
    "currency_options",
    "localization_options",
    "preset_api",
    "storefront_auth",
    "storefront_root",
]

BACK_OFFICE, STOREFRONT = "back-office", "storefront"  # as launch(api=…) names them
API_LABELS = {BACK_OFFICE: "Back-office API", STOREFRONT: "Storefront API"}
GUEST, CUSTOMER = "guest", "customer"
DEMO_CUSTOMER_USER = "jacob.lewis2@example.com"  # a buyer of the demo's first customer
DEFAULT = ("website's default", "")  # no header: the website's own localization or currency


def preset_api(preset: str) -> tuple[str, str]:
    """``(api, the rest of the query string)`` of a link's preset: ``api=storefront&type=products``
    opens the storefront API; without ``api`` (or with an unknown one), the back-office's."""
    api, rest = BACK_OFFICE, []
    for part in preset.split("&"):
        key, _, value = part.partition("=")
        if key == "api":
            api = value if value in API_LABELS else BACK_OFFICE
        elif part:
            rest.append(part)
    return api, "&".join(rest)


def storefront_root(back_office_url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The storefront API's root beside a back-office root: the one the bundled server
    announced, ``ORO_SANDBOX_STOREFRONT_URL`` beside ``ORO_SANDBOX_URL``, else by the layouts."""
    from sandbox import launcher

    env = os.environ if environ is None else environ
    url = back_office_url.rstrip("/")
    sandbox = launcher.status()
    if sandbox.url == url and sandbox.storefront_url:
        return sandbox.storefront_url
    given = env.get(launcher.ENV_STOREFRONT_URL, "").strip().rstrip("/")
    if given and env.get(launcher.ENV_URL, "").strip().rstrip("/") == url:
        return given
    return launcher.storefront_beside(url)


def back_office_root(storefront_url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The back-office API's root beside a storefront root (the inverse of
    :func:`storefront_root`)."""
    from sandbox import launcher

    env = os.environ if environ is None else environ
    url = storefront_url.rstrip("/")
    sandbox = launcher.status()
    if sandbox.storefront_url == url and sandbox.url:
        return sandbox.url
    if env.get(launcher.ENV_STOREFRONT_URL, "").strip().rstrip("/") == url:
        return env.get(launcher.ENV_URL, "").strip().rstrip("/") or None
    for back_office, storefront in launcher.STOREFRONT_BESIDE[::-1]:  # ours first
        if url.endswith(storefront):
            return url.removesuffix(storefront) + back_office
    return None


def client_api(client: ApiClient, environ: Mapping[str, str] | None = None) -> str:
    """Which API a client talks to: the storefront when it signs in as a guest or with the
    storefront application, or when its root is the storefront's; else the back-office."""
    from sandbox import launcher

    env = os.environ if environ is None else environ
    auth = client.auth
    app = env.get(launcher.ENV_STOREFRONT_CLIENT_ID) or launcher.DEFAULT_STOREFRONT_CLIENT_ID
    if isinstance(auth, Visitor) or (isinstance(auth, PasswordGrant) and auth.client_id == app):
        return STOREFRONT
    roots = {launcher.status().storefront_url, env.get(launcher.ENV_STOREFRONT_URL, "").strip()}
    return STOREFRONT if client.base_url in {r.rstrip("/") for r in roots if r} else BACK_OFFICE


def storefront_auth(
    who: str,
    email: str = "",
    password: str = "",
    *,
    visitor_token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Visitor | PasswordGrant:
    """A guest (``who="guest"``) or a customer user by email and password, through the
    storefront application (``ORO_SANDBOX_STOREFRONT_CLIENT_ID`` / ``…_SECRET``, else the
    demo's); ``visitor_token`` hands a guest's shopping lists over at the customer user's
    sign-in."""
    from sandbox import launcher

    env = os.environ if environ is None else environ
    client_id = env.get(launcher.ENV_STOREFRONT_CLIENT_ID) or launcher.DEFAULT_STOREFRONT_CLIENT_ID
    secret = (
        env.get(launcher.ENV_STOREFRONT_CLIENT_SECRET) or launcher.DEFAULT_STOREFRONT_CLIENT_SECRET
    )
    if who == GUEST:
        return Visitor(client_id, secret)
    if not email.strip():
        raise ValueError("A customer user signs in with their email.")
    return PasswordGrant(
        client_id, secret, email.strip(), password, visitor_access_token=visitor_token
    )


def _records(exchange: Exchange) -> list[Mapping[str, Any]]:
    data = exchange.data if exchange.ok else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def localization_options(exchange: Exchange) -> list[tuple[str, str]]:
    """``X-Localization-ID``'s choices from a ``localizations`` list: its title and id."""
    options = [DEFAULT]
    for item in _records(exchange):
        title = (item.get("attributes") or {}).get("title") or f"localization {item.get('id')}"
        options.append((f"{title} (id {item.get('id')})", str(item.get("id"))))
    return options


def currency_options(exchange: Exchange) -> list[tuple[str, str]]:
    """``X-Currency``'s choices from a ``currencies`` list: its code and name."""
    options = [DEFAULT]
    for item in _records(exchange):
        name = (item.get("attributes") or {}).get("name")
        code = str(item.get("id"))
        options.append((f"{code} — {name}" if name else code, code))
    return options


def _row(label: str, *children: widgets.Widget) -> widgets.HBox:
    name = widgets.Label(label, layout=widgets.Layout(width="7rem", flex="0 0 7rem"))
    controls = widgets.HBox(list(children))
    controls.add_class("oro-controls")
    row = widgets.HBox([name, controls], layout=widgets.Layout(align_items="flex-start"))
    row.add_class("oro-api-row")
    return row


class ApiSwitch(widgets.VBox):
    """The API switch and, on the storefront, its sign-in and settings. ``on_switch(client,
    metadata)`` is called with the chosen API's client (after a switch or a new sign-in),
    ``on_settings()`` after a setting changed the storefront client's headers. State:
    ``message`` (what happened, in words), ``clients`` (API → ``(client, metadata)``)."""

    def __init__(
        self,
        client: ApiClient,
        metadata: Metadata | None,
        *,
        on_switch: Callable[[ApiClient, Metadata | None], Any] | None = None,
        on_settings: Callable[[], Any] | None = None,
    ) -> None:
        self.on_switch = on_switch
        self.on_settings = on_settings
        given = client_api(client)  # a storefront client starts on the storefront
        self.clients: dict[str, tuple[ApiClient, Metadata | None]] = {given: (client, metadata)}
        self.auth_on = client.auth is not None  # off: a server run with --no-auth
        self.message = ""
        self.errors = widgets.Output()
        guard = guarded(self.errors)
        self.api = widgets.ToggleButtons(
            options=[(label, key) for key, label in API_LABELS.items()],
            value=given,
            tooltips=[
                "The back-office API: the administrator's data (accounts, orders, users…)",
                "OroCommerce's storefront API: the buyer's side, as a guest or a customer user",
            ],
            style={"button_width": "auto"},
        )
        self.who = widgets.ToggleButtons(
            options=[("Guest", GUEST), ("Customer user", CUSTOMER)],
            value=GUEST,
            tooltips=[
                "A visitor: the guest/guest password grant (reads what guests may read)",
                "A customer user: the password grant with their email (demo password: storefront)",
            ],
            style={"button_width": "auto"},
        )
        from sandbox.launcher import DEFAULT_CUSTOMER_PASSWORD

        self.email = widgets.Text(
            value=DEMO_CUSTOMER_USER,
            placeholder="customer user's email",
            layout=widgets.Layout(width="auto", flex="1 1 14rem"),
        )
        self.password = widgets.Password(
            value=DEFAULT_CUSTOMER_PASSWORD,
            placeholder="password",
            layout=widgets.Layout(width="auto", flex="0 1 9rem"),
        )
        self.sign_in_button = widgets.Button(
            description="Sign in",
            icon="sign-in-alt",
            tooltip="Sign in to the storefront API as the guest or customer user chosen",
            layout=widgets.Layout(width="auto"),
        )
        self.localization = widgets.Dropdown(
            options=[DEFAULT], value="", layout=widgets.Layout(width="auto", flex="0 1 16rem")
        )
        self.currency = widgets.Dropdown(
            options=[DEFAULT], value="", layout=widgets.Layout(width="auto", flex="0 1 12rem")
        )
        self.by_sku = widgets.Checkbox(
            value=False,
            description="products by SKU",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.note = widgets.HTML()
        for name, control in (
            ("api", self.api),
            ("who", self.who),
            ("email", self.email),
            ("password", self.password),
            ("sign-in", self.sign_in_button),
            ("localization", self.localization),
            ("currency", self.currency),
            ("by-sku", self.by_sku),
            ("api-note", self.note),
        ):
            control.add_class(f"oro-{name}")
        self.api.observe(guard(lambda change: self.switch(change["new"])), "value")
        self.who.observe(guard(lambda _: self._show_who()), "value")
        self.sign_in_button.on_click(guard(lambda _: self.sign_in()))
        for setting in (self.localization, self.currency, self.by_sku):
            setting.observe(guard(lambda _: self._apply_settings()), "value")
        self.storefront = widgets.VBox(
            [
                _row("sign in as", self.who, self.email, self.password, self.sign_in_button),
                _row(
                    "settings",
                    widgets.Label("X-Localization-ID"),
                    self.localization,
                    widgets.Label("X-Currency"),
                    self.currency,
                    widgets.Label("X-Product-ID: sku"),
                    self.by_sku,
                ),
                self.note,
            ],
            layout=widgets.Layout(display="none"),
        )
        self.storefront.add_class("oro-storefront")
        self._show_who()
        super().__init__([_row("API", self.api), self.storefront, self.errors])
        self.add_class("oro-api-switch")
        if given == STOREFRONT:
            self._adopt(client)

    @property
    def current(self) -> str:
        return str(self.api.value)

    def switch(self, api: str) -> None:
        """Talk to ``api`` from now on (the storefront signs in first, once)."""
        if self.api.value != api:
            self.api.value = api  # observed: comes back here
            return
        self.storefront.layout.display = None if api == STOREFRONT else "none"
        if api == STOREFRONT and STOREFRONT not in self.clients:
            self.sign_in()  # calls on_switch when it works
            if STOREFRONT not in self.clients:
                return
        if api == BACK_OFFICE and BACK_OFFICE not in self.clients and not self._back_office():
            return
        if self.on_switch is not None:
            self.on_switch(*self.clients[api])

    def sign_in(self) -> ApiClient | None:
        """Sign in to the storefront API as the controls say; ``None`` if it did not work (the
        note says why)."""
        previous = self.clients.get(STOREFRONT, (None, None))[0]
        back_office = self.clients[BACK_OFFICE][0].base_url if previous is None else ""
        root = previous.base_url if previous is not None else storefront_root(back_office)
        if root is None:
            self._say(
                f"Where is the storefront API beside {back_office}? Set"
                " ORO_SANDBOX_STOREFRONT_URL to its root (OroCommerce's: https://host/api)."
            )
            return None
        visitor = previous.auth if previous is not None else None
        token = visitor.access_token if isinstance(visitor, Visitor) else None
        try:
            auth = (
                storefront_auth(
                    self.who.value, self.email.value, self.password.value, visitor_token=token
                )
                if self.auth_on
                else None  # a server without authentication (--no-auth)
            )
        except ValueError as error:
            self._say(str(error))
            return None
        client = ApiClient(root, auth=auth)
        try:
            metadata = Metadata.fetch(client)  # the first request: the sign-in happens here
            self._offer_settings(client)
        except (SandboxError, httpx.HTTPError) as error:
            client.close()
            self._say(f"Not signed in to {root}: {error}")
            return None
        if previous is not None:
            previous.close()
        self.clients[STOREFRONT] = (client, metadata)
        self._apply_settings(quiet=True)
        who = "a guest (visitor)" if self.who.value == GUEST else self.email.value.strip()
        handed = (
            " (with the guest's shopping lists, if any)"
            if token and self.who.value != GUEST
            else ""
        )
        if auth is None:
            who = "nobody: the server runs without authentication"
        self._say(f"Signed in to the storefront API as {who}{handed}.")
        if self.api.value == STOREFRONT and self.on_switch is not None:
            self.on_switch(client, metadata)
        return client

    def hint(self, exchange: Exchange) -> str:
        """What to do about a storefront answer that refuses a guest ("" when nothing)."""
        client = self.clients.get(STOREFRONT, (None, None))[0]
        if (
            self.current != STOREFRONT
            or client is None
            or not isinstance(client.auth, Visitor)
            or exchange.status not in (401, 403)
        ):
            return ""
        return (
            "A guest reads the guest resources only (products, localizations, currencies…):"
            " sign in as a customer user above, then Send again."
        )

    def api_of(self, url: str) -> str | None:
        """The API whose root ``url`` is under (the other's even before its first use)."""
        roots = {api: client.base_url for api, (client, _) in self.clients.items()}
        if STOREFRONT not in roots:
            roots[STOREFRONT] = storefront_root(roots[BACK_OFFICE]) or ""
        if BACK_OFFICE not in roots:
            roots[BACK_OFFICE] = back_office_root(roots[STOREFRONT]) or ""
        return next(
            (api for api, root in roots.items() if root and url.startswith(root + "/")), None
        )

    def use_back_office(self, client: ApiClient, metadata: Metadata | None) -> None:
        """Another back-office server or sign-in (the Server… panel): the storefront beside it
        signs in anew when chosen; the back-office API is chosen now, without a callback."""
        previous = self.clients.pop(STOREFRONT, (None, None))[0]
        if previous is not None:
            previous.close()
        self.clients[BACK_OFFICE] = (client, metadata)
        callback, self.on_switch = self.on_switch, None
        try:
            self.api.value = BACK_OFFICE
        finally:
            self.on_switch = callback

    def _back_office(self) -> bool:
        """Sign in to the back-office API beside the storefront the app was given (as the demo
        application, as :func:`sandbox.launch` does); whether it worked (the note says why
        not)."""
        from sandbox.auth import ClientCredentials
        from sandbox.widgets.environment import demo_credentials

        storefront = self.clients[STOREFRONT][0].base_url
        root = back_office_root(storefront)
        if root is None:
            self._say(f"Where is the back-office API beside {storefront}? Server… connects to it.")
            return False
        auth = ClientCredentials(*demo_credentials()) if self.auth_on else None
        client = ApiClient(root, auth=auth)
        try:
            metadata = Metadata.fetch(client)
        except (SandboxError, httpx.HTTPError) as error:
            client.close()
            self._say(f"Not signed in to {root}: {error}")
            return False
        self.clients[BACK_OFFICE] = (client, metadata)
        return True

    def _adopt(self, client: ApiClient) -> None:
        """A storefront client given to the app: its sign-in and settings in the controls."""
        self.storefront.layout.display = None
        if isinstance(client.auth, PasswordGrant) and not isinstance(client.auth, Visitor):
            self.who.value, self.email.value = CUSTOMER, client.auth.username
            self.password.value = client.auth.password
        settings = (client.localization, client.currency, client.product_id == "sku")
        try:
            self._offer_settings(client)
        except (SandboxError, httpx.HTTPError) as error:
            self._say(f"No localizations or currencies from {client.base_url}: {error}")
        callback, self.on_settings = self.on_settings, None  # the app is not built yet
        try:
            for dropdown, value in zip((self.localization, self.currency), settings, strict=False):
                dropdown.value = value if value in [v for _, v in dropdown.options] else ""
            self.by_sku.value = settings[2]
            self._apply_settings(quiet=True)
        finally:
            self.on_settings = callback

    def _offer_settings(self, client: ApiClient) -> None:
        """``X-Localization-ID`` and ``X-Currency``'s choices, from the storefront's lists."""
        self._offer(self.localization, localization_options(client.get("localizations")))
        self._offer(self.currency, currency_options(client.get("currencies")))

    def _offer(self, dropdown: widgets.Dropdown, options: list[tuple[str, str]]) -> None:
        current = dropdown.value
        dropdown.options = options
        dropdown.value = current if current in [value for _, value in options] else ""

    def _apply_settings(self, *, quiet: bool = False) -> None:
        """The settings as headers of the storefront client's every request."""
        if STOREFRONT not in self.clients:
            return
        client = self.clients[STOREFRONT][0]
        client.localization = self.localization.value or None
        client.currency = self.currency.value or None
        client.product_id = "sku" if self.by_sku.value else None
        if not quiet and self.on_settings is not None:
            self.on_settings()

    def _show_who(self) -> None:
        customer = self.who.value == CUSTOMER
        for control in (self.email, self.password):
            control.layout.display = None if customer else "none"

    def _say(self, message: str) -> None:
        self.message = message
        self.note.value = f"<span>{html.escape(message)}</span>"
