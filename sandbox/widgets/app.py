"""The sandbox app: the request builder over tabs of views (Response, Table, History, Code, Docs).

Callbacks only wire: the builder yields a :class:`~sandbox.spec.RequestSpec`, the client sends
it, the views render the :class:`~sandbox.client.Exchange`. State stays on the app (``.exchange``,
``.history``, ``.message``) so tests can drive it with ``.value`` and ``.click()``.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping

import ipywidgets as widgets

from sandbox.client import ApiClient, ConnectionFailed, Exchange
from sandbox.history import History
from sandbox.metadata import Metadata
from sandbox.spec import ACTIONS, RequestSpec, SpecError
from sandbox.widgets.builder import RequestBuilder
from sandbox.widgets.code import CodeView
from sandbox.widgets.docs import DocsView
from sandbox.widgets.guard import guarded
from sandbox.widgets.history import HistoryView
from sandbox.widgets.response import ResponseView
from sandbox.widgets.table import TableView

TABS = ("Response", "Table", "History", "Code", "Docs")

STYLE = """<style>
.oro-sandbox .oro-error input, .oro-sandbox .oro-error textarea, .oro-sandbox .oro-error select,
.oro-sandbox input.oro-error, .oro-sandbox textarea.oro-error,
.oro-sandbox .oro-error .jupyter-widget-tagsinput, .oro-sandbox .oro-error.jupyter-widget-tagsinput
  { border: 2px solid #c62828 !important; background: #fff5f5 !important; }
.oro-sandbox .oro-hint { color: #c62828; margin: 4px 0 4px 7rem; }
.oro-sandbox .oro-code textarea { font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 12px; }
.oro-sandbox .oro-request-line { font-family: ui-monospace, Menlo, Consolas, monospace; }
.oro-sandbox .oro-message { color: #8a4b00; }
.oro-sandbox .oro-rows { margin-left: 7rem; }
</style>"""


def voila_page(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """``(path, query string)`` of the Voila page this kernel serves, or ``None`` outside Voila
    (Voila gives its kernels the page's ``SCRIPT_NAME`` and ``QUERY_STRING``)."""
    env = os.environ if environ is None else environ
    if "SCRIPT_NAME" not in env or not env.get("SERVER_SOFTWARE", "").startswith("voila"):
        return None
    return env["SCRIPT_NAME"], env.get("QUERY_STRING", "")


class SandboxApp(widgets.VBox):
    """The interactive sandbox for a client (by default :func:`sandbox.launch`'s) and the
    server's metadata (by default fetched from its OpenAPI document).

    ``preset`` is a link's query string (``type=accounts&filter[name]=Acme``, see
    :meth:`RequestSpec.to_preset`), loaded and, with ``send_preset=True``, sent. In Voila,
    :meth:`follow_page` does that with the page's own query string.
    """

    def __init__(
        self,
        client: ApiClient | None = None,
        metadata: Metadata | None = None,
        *,
        preset: str | None = None,
        history: History | None = None,
        send_preset: bool = False,
    ) -> None:
        if client is None:
            from sandbox.launcher import launch

            client = launch()
        self.client = client
        self.metadata = metadata if metadata is not None else Metadata.fetch(client)
        self.history = history if history is not None else History()
        self.exchange: Exchange | None = None
        self.page = voila_page()

        self.errors = widgets.Output()  # tracebacks of callbacks, if any
        self.builder = RequestBuilder(self.metadata)
        self.response = ResponseView()
        self.table = TableView()
        self.table.add_class("oro-table")
        self.table.status.add_class("oro-table-status")
        self.history_view = HistoryView(self.history)
        self.history_view.client = client
        self.history_view.on_select = self._show_past
        self.code = CodeView()  # it tells JupyterLab from Voila itself
        self.docs = DocsView()
        self.tabs = widgets.Tab(
            [self.response, self.table, self.history_view, self.code, self.docs], titles=TABS
        )

        self.request_line = widgets.HTML()
        self.request_line.add_class("oro-request-line")
        self.send_button = widgets.Button(
            description="Send", button_style="primary", icon="paper-plane"
        )
        self.message = widgets.HTML()
        self.message.add_class("oro-message")
        self.share = widgets.HTML()

        guard = guarded(self.errors)
        self.send_button.on_click(guard(lambda _: self.send()))
        self.builder.on_change(guard(self._refresh))
        self.builder.on_template = guard(lambda: self.fill_template(force=True))
        self.builder.type.observe(guard(lambda _: self._show_docs()), "value")
        self.builder.action.observe(guard(lambda _: self.fill_template()), "value")
        self.builder.relationship.observe(guard(lambda _: self._relationship_changed()), "value")

        title = self.metadata.title if self.metadata and self.metadata.title else "Oro API"
        header = widgets.HTML(
            f"<h3 style='margin:0'>{html.escape(title)}</h3>"
            f"<div>API root <code>{html.escape(client.base_url)}</code> · auth"
            f" {html.escape(_auth_name(client))}</div>"
        )
        send_row = widgets.HBox(
            [self.send_button, self.request_line], layout=widgets.Layout(align_items="center")
        )
        super().__init__(
            [
                widgets.HTML(STYLE),
                header,
                self.builder,
                send_row,
                self.message,
                self.share,
                self.tabs,
                self.errors,
            ]
        )
        self.add_class("oro-sandbox")

        if preset is not None and preset.strip():
            self.load(RequestSpec.from_preset(preset))
            if send_preset:
                self.send()
        self._show_docs()
        self._refresh()

    def follow_page(self) -> Exchange | None:
        """In Voila, open the request the page's address presets (``?type=accounts&…``) and send
        it. A kernel Voila started ahead of the visit (``--preheat_kernel``) first waits here for
        the page's request, which brings the address. Outside Voila: nothing to do."""
        if os.environ.get("VOILA_PREHEAT") == "True":
            from voila.utils import wait_for_request  # type: ignore[import-untyped]

            wait_for_request()
        self.page = voila_page()
        self._refresh()
        if self.page is None or not self.page[1].strip():
            return None
        self.load(RequestSpec.from_preset(self.page[1]))
        return self.send()

    # --- actions -----------------------------------------------------------------------------

    def load(self, spec: RequestSpec) -> None:
        """Show ``spec`` in the builder (a body template is filled in where one is missing)."""
        self.builder.load(spec)
        self.fill_template()
        self._refresh()

    def send(self) -> Exchange | None:
        """Send the builder's request; the views show the answer, the history keeps it."""
        spec = self.builder.spec
        try:
            request = spec.build(self.client)
        except SpecError as error:
            self.message.value = f"Not sent: {html.escape(str(error))}."
            return None
        self.message.value = ""
        try:
            exchange = self.client.send(request)
        except ConnectionFailed as error:
            self.response.show_failure(error)
            self.tabs.selected_index = 0
            return None
        self.exchange = exchange
        self.history.record(exchange)
        self.response.show(exchange)
        self.table.show(exchange, self.client)
        self.code.show(exchange)
        self.history_view.refresh()
        self.builder.highlight(exchange.errors)
        self.tabs.selected_index = 0
        return exchange

    def fill_template(self, *, force: bool = False) -> None:
        """Put a body the server accepts into the body editor (when empty, or ``force``)."""
        spec = self.builder.spec
        if not spec.shape.body or (spec.body.strip() and not force):
            return
        needed = self._related_types(spec)
        ids = {type_: id_ for type_ in needed if (id_ := self._first_id(type_))}
        bare = RequestSpec(spec.type, spec.action, spec.id, spec.relationship)
        self.builder.body.value = bare.with_template(self.metadata, ids).body

    # --- wiring --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        spec = self.builder.spec
        problems = spec.problems()
        line = f"{spec.method} {self._url(spec)}"
        self.request_line.value = f"<code>{html.escape(line)}</code>"
        self.message.value = f"To send: {html.escape('; '.join(problems))}." if problems else ""
        if not problems and self.builder.warnings:  # accepted, but ignored by the server
            self.message.value = f"Note: {html.escape('; '.join(self.builder.warnings))}."
        if not problems:  # the code of what Send would send, auth headers included
            self.code.show(self.client.signed(spec.build(self.client)))
        preset = spec.to_preset()
        if self.page is not None:
            href = f"{self.page[0]}?{preset}"
            self.share.value = (
                f'<a href="{html.escape(href)}" target="_blank">Link to this request</a>'
            )
        else:
            self.share.value = (
                f"<small>Preset for the web sandbox's address: <code>?{html.escape(preset)}</code>"
                "</small>"
            )

    def _url(self, spec: RequestSpec) -> str:
        return self.client.url(spec.target)

    def _show_docs(self) -> None:
        resource = self.builder.resource
        if resource is not None:
            self.docs.show(resource)

    def _relationship_changed(self) -> None:
        if self.builder.spec.shape.target == "relationship":
            self.fill_template(force=True)

    def _show_past(self, exchange: Exchange) -> None:
        """A past exchange: its request back in the builder (to change and send again), its
        answer in the views."""
        self.exchange = exchange
        spec = RequestSpec.from_request(exchange.request, self.client.base_url)
        if spec is not None:
            self.builder.load(spec)
            self._refresh()
        self.response.show(exchange)
        self.table.show(exchange, self.client)
        self.code.show(exchange)
        self.builder.highlight(exchange.errors)
        self.tabs.selected_index = 0

    def _related_types(self, spec: RequestSpec) -> list[str]:
        resource = self.metadata.resources.get(spec.type) if self.metadata else None
        if resource is None:
            return []
        if ACTIONS[spec.action].target == "relationship":
            rel = resource.relationships.get(spec.relationship)
            return [rel.target] if rel and rel.target else []
        return [
            rel.target
            for name, rel in resource.relationships.items()
            if name in resource.required and rel.target
        ]

    def _first_id(self, type_: str) -> str | None:
        """The id of one record of ``type_`` (for templates; not kept in the app's history)."""
        try:
            exchange = self.client.get(
                type_, params=[("page[size]", "1"), (f"fields[{type_}]", "")]
            )
        except ConnectionFailed:  # a template without a real id is still a template
            return None
        data = exchange.data if exchange.ok else None
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return str(data[0].get("id"))
        return None


def _auth_name(client: ApiClient) -> str:
    """How the client signs its requests, in words: ``OAuth client_credentials (app-id)``."""
    auth = client.auth
    if auth is None:
        return "none"
    names = {
        "ClientCredentials": "OAuth client credentials",
        "PasswordGrant": "OAuth password grant",
        "AuthorizationCode": "OAuth authorization code",
        "Wsse": "WSSE",
        "BearerToken": "bearer token",
    }
    name = names.get(type(auth).__name__, type(auth).__name__)
    who = getattr(auth, "username", None) or getattr(auth, "client_id", None)
    return f"{name} ({who})" if who else name
