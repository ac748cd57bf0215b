"""``EnvironmentPanel``: which server the sandbox talks to, and as whom — the bundled server or a
real Oro (its API root URL), with the bundled demo application, OAuth client credentials or
password, a WSSE API key, a bearer token, or nothing.

The pure part is :func:`make_auth` (a choice and two fields → an ``httpx.Auth``); the panel
builds an :class:`~sandbox.client.ApiClient` on **Connect**, reads the server's metadata through
it (its OpenAPI document, when it has one) and hands both to ``on_connect``. A new auth object is
made for every connection, so no token obtained from one server is ever sent to another.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any

import httpx
import ipywidgets as widgets

from sandbox.auth import BearerToken, ClientCredentials, PasswordGrant, Wsse
from sandbox.client import ApiClient, SandboxError
from sandbox.metadata import Metadata
from sandbox.widgets.guard import guarded

__all__ = ["AUTH_CHOICES", "EnvironmentPanel", "make_auth"]

# choice → (label, first field's placeholder, second field's placeholder)
AUTH_CHOICES: dict[str, tuple[str, str, str]] = {
    "demo": ("The bundled demo application", "", ""),
    "client_credentials": ("OAuth client credentials", "client id", "client secret"),
    "password": ("OAuth password grant", "client id, username", "client secret, password"),
    "wsse": ("WSSE", "username", "API key"),
    "bearer": ("Bearer token", "", "access token"),
    "none": ("None", "", ""),
}


def demo_credentials(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """The demo OAuth application the kernels use (``make run`` prints it)."""
    from sandbox.launcher import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        ENV_CLIENT_ID,
        ENV_CLIENT_SECRET,
    )

    env = dict(os.environ) if environ is None else environ
    return (
        env.get(ENV_CLIENT_ID) or DEFAULT_CLIENT_ID,
        env.get(ENV_CLIENT_SECRET) or DEFAULT_CLIENT_SECRET,
    )


def make_auth(choice: str, first: str, second: str) -> httpx.Auth | None:
    """The auth for a choice of :data:`AUTH_CHOICES`; the password grant takes
    ``client id, username`` and ``client secret, password`` (comma-separated)."""
    first, second = first.strip(), second.strip()
    if choice == "demo":
        return ClientCredentials(*demo_credentials())
    if choice == "client_credentials":
        if not first or not second:
            raise ValueError("OAuth client credentials need a client id and a secret.")
        return ClientCredentials(first, second)
    if choice == "password":
        client_id, _, username = (part.strip() for part in first.partition(","))
        secret, _, password = (part.strip() for part in second.partition(","))
        if not client_id or not username:
            raise ValueError("The password grant needs 'client id, username'.")
        return PasswordGrant(client_id, secret or None, username, password)
    if choice == "wsse":
        if not first or not second:
            raise ValueError("WSSE needs a username and an API key.")
        return Wsse(first, second)
    if choice == "bearer":
        if not second:
            raise ValueError("A bearer token is needed.")
        return BearerToken(second)
    if choice == "none":
        return None
    raise ValueError(f"Unknown auth {choice!r}.")


class EnvironmentPanel(widgets.VBox):
    """The server URL and the credentials; **Connect** calls ``on_connect(client, metadata)``
    (``metadata`` is ``None`` for a server without an OpenAPI document: the builder then takes
    anything typed). State: ``message`` (what happened, in words)."""

    def __init__(
        self,
        current: ApiClient,
        on_connect: Callable[[ApiClient, Metadata | None], Any] | None = None,
    ) -> None:
        self.on_connect = on_connect
        self.message = ""
        self.errors = widgets.Output()
        self.url = widgets.Combobox(
            value=current.base_url,
            options=(current.base_url,),
            placeholder="https://your-oro.example.com/api",
            ensure_option=False,
            layout=widgets.Layout(width="auto", flex="1 1 18rem"),
        )
        self.auth = widgets.Dropdown(
            options=[(label, key) for key, (label, _, _) in AUTH_CHOICES.items()],
            value="demo",
            layout=widgets.Layout(width="auto", flex="0 1 16rem"),
        )
        self.first = widgets.Text(layout=widgets.Layout(width="auto", flex="1 1 10rem"))
        self.second = widgets.Password(layout=widgets.Layout(width="auto", flex="1 1 10rem"))
        self.connect_button = widgets.Button(
            description="Connect", icon="plug", tooltip="Use this server and these credentials"
        )
        self.note = widgets.HTML()
        for name, control in (
            ("env-url", self.url),
            ("env-auth", self.auth),
            ("env-first", self.first),
            ("env-second", self.second),
            ("env-connect", self.connect_button),
            ("env-note", self.note),
        ):
            control.add_class(f"oro-{name}")
        guard = guarded(self.errors)
        self.auth.observe(guard(lambda _: self._placeholders()), "value")
        self.connect_button.on_click(guard(lambda _: self.connect()))
        self._placeholders()
        row = widgets.HBox(
            [self.url, self.auth, self.first, self.second, self.connect_button],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )
        super().__init__([row, self.note, self.errors])
        self.add_class("oro-environment")

    def _placeholders(self) -> None:
        _, first, second = AUTH_CHOICES[self.auth.value]
        self.first.placeholder, self.second.placeholder = first, second
        self.first.layout.display = None if first else "none"
        self.second.layout.display = None if second else "none"

    def connect(self) -> ApiClient | None:
        """Build the client, read the metadata, hand both on; ``None`` if it did not work."""
        url = self.url.value.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            self._say("The API root is a URL: https://your-oro.example.com/api")
            return None
        try:
            auth = make_auth(self.auth.value, self.first.value, self.second.value)
        except ValueError as error:
            self._say(str(error))
            return None
        client = ApiClient(url, auth=auth)
        try:
            metadata = Metadata.fetch(client)
        except (SandboxError, httpx.HTTPError) as error:
            client.close()
            self._say(f"Cannot reach {url}: {error}")
            return None
        if url not in self.url.options:
            self.url.options = (*self.url.options, url)
        label = AUTH_CHOICES[self.auth.value][0]
        what = f"{len(metadata.resources)} resource types" if metadata else "no OpenAPI document"
        self._say(f"Connected to {url} ({label}; {what}).")
        if self.on_connect is not None:
            self.on_connect(client, metadata)
        return client

    def _say(self, message: str) -> None:
        self.message = message
        self.note.value = f"<span>{html.escape(message)}</span>"
