"""The sandbox app: the request builder beside tabs of views (Response, Table, History, Saved,
Code, Docs); the API switch (back-office or storefront, :mod:`sandbox.widgets.api_switch`) and the
Search…, Batch… and Server… panels above them.

Callbacks only wire: the builder yields a :class:`~sandbox.spec.RequestSpec`, the client sends
it, the views render the :class:`~sandbox.client.Exchange`. State stays on the app (``.exchange``,
``.history``, ``.message``) so tests can drive it with ``.value`` and ``.click()``.
"""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Mapping

import httpx
import ipywidgets as widgets

from sandbox.client import ApiClient, ConnectionFailed, Exchange
from sandbox.collection import CollectionStore, spec_from_saved
from sandbox.history import History, SavedRequest
from sandbox.journal import ENV_HISTORY, Journal
from sandbox.metadata import Metadata
from sandbox.spec import ACTIONS, RequestSpec, SpecError, included_template, related_choice
from sandbox.widgets.api_switch import STOREFRONT, ApiSwitch, preset_api
from sandbox.widgets.batch import BatchPanel
from sandbox.widgets.builder import RequestBuilder
from sandbox.widgets.checks import Problem
from sandbox.widgets.code import CodeView
from sandbox.widgets.docs import DocsView
from sandbox.widgets.environment import EnvironmentPanel
from sandbox.widgets.guard import guarded
from sandbox.widgets.history import HistoryView
from sandbox.widgets.response import ResponseView, status_html
from sandbox.widgets.saved import SavedView
from sandbox.widgets.search import SearchPanel
from sandbox.widgets.shortcuts import PageKeys
from sandbox.widgets.table import TableView

TABS = ("Response", "Table", "History", "Saved", "Code", "Docs")

STYLE = """<style>
.oro-sandbox { overflow: visible !important; max-width: 100%; box-sizing: border-box; }
.oro-sandbox .oro-error input, .oro-sandbox .oro-error textarea, .oro-sandbox .oro-error select,
.oro-sandbox input.oro-error, .oro-sandbox textarea.oro-error,
.oro-sandbox .oro-error .jupyter-widget-tagsinput, .oro-sandbox .oro-error.jupyter-widget-tagsinput
  { border: 2px solid #c62828 !important; background: #fff5f5 !important; }
.oro-sandbox .oro-error .cm-editor { border: 2px solid #c62828 !important; }
.oro-sandbox .oro-hint { color: #c62828; margin: 4px 0 4px 7rem; }
.oro-sandbox .oro-code textarea, .oro-sandbox textarea { line-height: 1.4; }
.oro-sandbox .oro-code textarea { font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 12px; }
.oro-sandbox pre { line-height: 1.4; }
.oro-sandbox .oro-request-line { font-family: ui-monospace, Menlo, Consolas, monospace;
  min-width: 0; flex: 1 1 auto; overflow-wrap: anywhere; }
.oro-sandbox .oro-request-line code { overflow-wrap: anywhere; }
.oro-sandbox .oro-message { color: #8a4b00; }
.oro-sandbox .oro-rows { margin-left: calc(7rem + 4px); }
.oro-sandbox .oro-filter-row { flex-wrap: nowrap !important; }
.oro-sandbox .oro-row-hint .oro-hint { margin: 0 0 4px 7rem; padding-left: 1.2em; }
.oro-sandbox .oro-header h1 { font-size: 20px; margin: 0 0 2px; }
.oro-sandbox .oro-header { color: var(--jp-content-font-color2, #616161); }
.oro-sandbox a.oro-link { color: var(--jp-content-link-color, #1565c0);
  text-decoration: underline; }
/* the output area around the app clips and scrolls (Voila's, JupyterLab's): let it be, so the
   request bar sticks to the page's own scroller */
.jp-OutputArea-child:has(.oro-sandbox), .jp-OutputArea-output:has(.oro-sandbox),
.jp-Cell-outputArea:has(.oro-sandbox) { overflow: visible !important; }
/* the request bar: Send, Cancel, the URL, the last status; it stays in view while scrolling */
.oro-sandbox .oro-bar { position: sticky; top: 0; z-index: 10; gap: 6px; padding: 6px 0;
  background: var(--jp-layout-color0, #fff);
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
  box-shadow: 0 -10px 0 var(--jp-layout-color0, #fff);  /* covers the scroller's top padding */
  align-items: center; flex-wrap: wrap; }
.oro-sandbox .oro-bar > .widget-button { flex: 0 0 auto; }
.oro-sandbox .oro-send { min-width: 7rem; }
.oro-sandbox .oro-busy i.fa { animation: oro-spin 1s linear infinite; }
@keyframes oro-spin { to { transform: rotate(360deg); } }
.oro-sandbox .oro-bar-status { flex: 0 0 auto; }
.oro-sandbox .oro-notes { gap: 12px; align-items: baseline; flex-wrap: wrap; }
/* request and response side by side on wide pages, stacked on narrow ones */
.oro-sandbox .oro-columns { display: grid !important; grid-template-columns: minmax(0, 1fr);
  gap: 12px 20px; align-items: start; width: 100%; }
@media (min-width: 1100px) {
  .oro-sandbox .oro-columns { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
}
.oro-sandbox .oro-columns > * { min-width: 0; }
.oro-sandbox .oro-response-pane { scroll-margin-top: 56px; }
.oro-sandbox .oro-stale { opacity: 0.45; transition: opacity 0.2s; }
.oro-sandbox .widget-text, .oro-sandbox .widget-dropdown, .oro-sandbox .widget-combobox
  { max-width: 100%; min-width: 0; }
.oro-sandbox .widget-dropdown > select { min-width: 0; }
.oro-sandbox .oro-controls { flex: 1 1 auto; min-width: 0; flex-wrap: wrap; align-items: center; }
.oro-sandbox .oro-controls > .jupyter-widget-tagsinput,
.oro-sandbox .oro-rows .jupyter-widget-tagsinput
  { flex: 1 1 12rem; min-width: 0; max-width: 36rem; margin-left: 2px; margin-right: 2px; }
.oro-sandbox .oro-rows > .widget-hbox > * { min-width: 0; }
.oro-sandbox .oro-share { flex: 0 0 auto; }
.oro-sandbox .jupyter-widgets.widget-tab > .p-TabBar .p-TabBar-tab,
.oro-sandbox .jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab
  { min-width: 0; flex: 0 1 8rem; }
.oro-sandbox .oro-page-keys-widget { display: none; }
.oro-sandbox .oro-header-row { justify-content: space-between; align-items: flex-start;
  margin-bottom: 10px; flex-wrap: wrap; gap: 4px 12px; }  /* room for the bar's cover above */
.oro-sandbox .oro-header-row > .oro-header { flex: 1 1 24rem; min-width: 0; }
.oro-sandbox .oro-header-row > .widget-hbox { flex: 0 0 auto; }
/* the API switch: the chosen API (and who signs in to the storefront) stands out */
.oro-sandbox .oro-api-switch .widget-toggle-button.mod-active
  { background: var(--jp-brand-color1, #1976d2); color: #fff; }
.oro-sandbox .oro-api-switch .widget-toggle-buttons { flex-wrap: wrap; }
.oro-sandbox .oro-api-switch .oro-controls > .widget-label { flex: 0 0 auto; width: auto; }
.oro-sandbox .oro-api-note { margin-left: calc(7rem + 4px); }
.oro-sandbox .oro-environment { padding: 6px 0;
  border-top: 1px solid var(--jp-border-color2, #e0e0e0); }
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
    :meth:`RequestSpec.to_preset`; ``api=storefront`` first switches to the storefront API),
    loaded and, with ``send_preset=True``, sent. In Voila,
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
        journal: Journal | None = None,
        collections: CollectionStore | None = None,
    ) -> None:
        if client is None:
            from sandbox.launcher import launch

            client = launch()
        self.client = client
        self.metadata = metadata if metadata is not None else Metadata.fetch(client)
        self.history = history if history is not None else History()
        # the history on disk, shared by the user's pages (``make run`` names the file)
        if journal is None and os.environ.get(ENV_HISTORY):
            journal = Journal()
        self.journal = journal
        self._journal_seen: float | None = None  # the file's mtime when last read
        self._load_journal()
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
        self.history_view.journal = self.journal
        self.history_view.on_select = self._show_past
        # named collections of requests, on disk (shared by the user's pages)
        self.saved = SavedView(collections, current=self._request_to_save, on_open=self._open_saved)
        self.code = CodeView()  # it tells JupyterLab from Voila itself
        self.docs = DocsView()
        views = [self.response, self.table, self.history_view, self.saved, self.code, self.docs]
        self.tabs = widgets.Tab(views, titles=TABS)

        self.request_line = widgets.HTML()
        self.request_line.add_class("oro-request-line")
        self.send_button = widgets.Button(
            description="Send",
            button_style="primary",
            icon="paper-plane",
            tooltip="Send the request (Ctrl+Enter)",
        )
        self.send_button.add_class("oro-send")
        self.cancel_button = widgets.Button(
            description="Cancel",
            icon="times",
            tooltip="Stop waiting for the answer (the server may still act on the request)",
            layout=widgets.Layout(display="none"),
        )
        self.cancel_button.add_class("oro-cancel")
        self.bar_status = widgets.HTML()  # the last answer's badge, beside Send
        self.bar_status.add_class("oro-bar-status")
        self.message = widgets.HTML()
        self.message.add_class("oro-message")
        self.share = widgets.HTML()
        self.share.add_class("oro-share")
        self.page_keys = PageKeys()
        self.busy = False  # a request is in flight
        self.sending: threading.Thread | None = None  # the thread of the last Send
        self._pending: object | None = None  # the in-flight request's token
        self._lock = threading.Lock()
        self._refused: RequestSpec | None = None  # refused once for the metadata's marks

        guard = guarded(self.errors)
        self.send_button.on_click(guard(lambda _: self.send_in_background()))
        self.cancel_button.on_click(guard(lambda _: self.cancel()))
        self.page_keys.on_send = guard(self.send_in_background)
        self.builder.on_change(guard(self._refresh))
        self.builder.on_template = guard(lambda: self.fill_template(force=True))
        self.builder.on_related_template = guard(self.fill_related_template)
        self.builder.type.observe(guard(lambda _: self._show_docs()), "value")
        self.builder.action.observe(guard(lambda _: self.fill_template()), "value")
        self.builder.relationship.observe(guard(lambda _: self._relationship_changed()), "value")
        self.tabs.observe(guard(lambda _: self._tab_changed()), "selected_index")

        self.header = widgets.HTML()
        self.header.add_class("oro-header")
        self.api_switch = ApiSwitch(
            client, self.metadata, on_switch=guard(self.use), on_settings=guard(self._refresh)
        )
        self.environment = EnvironmentPanel(client, on_connect=guard(self._connected))
        self.environment.layout.display = "none"
        self.server_button = widgets.ToggleButton(
            description="Server…",
            icon="server",
            tooltip="Switch the server (the bundled one, a real Oro) and the credentials",
            layout=widgets.Layout(width="auto"),
        )
        self.server_button.add_class("oro-server-button")
        self.server_button.observe(
            guard(lambda change: self._toggle_environment(change["new"])), "value"
        )
        self.batch = BatchPanel(client, self.metadata)
        self.batch.layout.display = "none"
        self.batch_button = widgets.ToggleButton(
            description="Batch…",
            icon="layer-group",
            tooltip="The Batch API: send many rows (CSV, JSON) at once and follow the operation",
            layout=widgets.Layout(width="auto"),
        )
        self.batch_button.add_class("oro-batch-button")
        self.batch_button.observe(guard(lambda change: self._toggle_batch(change["new"])), "value")
        self.search = SearchPanel(client, on_exchange=guard(self._keep_searched), lazy=True)
        self.search.layout.display = "none"
        self.page_keys.scopes["search"] = guard(self.search.search_in_background)
        self.search_button = widgets.ToggleButton(
            description="Search…",
            icon="search",
            tooltip="Oro's search: words or a query across the searchable types, aggregations",
            layout=widgets.Layout(width="auto"),
        )
        self.search_button.add_class("oro-search-toggle")
        self.search_button.observe(
            guard(lambda change: self._toggle_search(change["new"])), "value"
        )
        buttons = widgets.HBox([self.search_button, self.batch_button, self.server_button])
        header = widgets.HBox([self.header, buttons])
        header.add_class("oro-header-row")
        self._show_header()
        self._show_tools()
        bar = widgets.HBox(
            [self.send_button, self.cancel_button, self.request_line, self.share, self.bar_status]
        )
        bar.add_class("oro-bar")
        notes = widgets.HBox([self.message])
        notes.add_class("oro-notes")
        request_pane = widgets.VBox([self.builder])
        request_pane.add_class("oro-request-pane")
        self.response_pane = widgets.VBox([self.tabs])
        self.response_pane.add_class("oro-response-pane")
        columns = widgets.Box([request_pane, self.response_pane])
        columns.add_class("oro-columns")
        super().__init__(
            [
                widgets.HTML(STYLE),
                self.page_keys,
                header,
                self.api_switch,
                self.environment,
                self.search,
                self.batch,
                bar,
                notes,
                columns,
                self.errors,
            ]
        )
        self.add_class("oro-sandbox")

        if preset is not None and preset.strip() and self.open_preset(preset) and send_preset:
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
        self._load_journal()  # what other pages sent since this kernel started
        self.history_view.refresh()
        self._refresh()
        if self.page is None or not self.page[1].strip() or not self.open_preset(self.page[1]):
            return None
        return self.send()

    # --- actions -----------------------------------------------------------------------------

    def open_preset(self, preset: str) -> bool:
        """Switch to the API a link's query string names (``api=storefront``) and load the
        request it presets; whether there is a request to send."""
        api, rest = preset_api(preset)
        if api != self.api_switch.current:
            self.api_switch.switch(api)
        if not rest.strip():
            return False
        self.load(RequestSpec.from_preset(rest))
        return True

    def load(self, spec: RequestSpec) -> None:
        """Show ``spec`` in the builder (a body template is filled in where one is missing)."""
        self.builder.load(spec)
        self.fill_template()
        self._refresh()

    def send(self) -> Exchange | None:
        """Send the builder's request and wait for the answer; the views show it, the history
        keeps it. ``None`` when it was not sent (the message says why) or got no answer."""
        request = self._prepared()
        if request is None:
            return None
        try:
            exchange = self.client.send(request)
        except ConnectionFailed as error:
            self._show_failure(error)
            return None
        self._show_answer(exchange)
        return exchange

    def send_in_background(self) -> threading.Thread | None:
        """What Send and Ctrl+Enter do: send in a thread, the page stays live meanwhile (Send
        disabled with a spinner, the old answer dimmed, Cancel shown). ``None`` when nothing
        was sent (a request is in flight already, or the builder's request is incomplete)."""
        if self.busy:
            return None
        request = self._prepared()
        if request is None:
            return None
        token = object()
        with self._lock:
            self._pending = token
        self._set_busy(True)

        def run() -> None:
            try:
                exchange = self.client.send(request)
            except ConnectionFailed as error:
                if self._claim(token):
                    self._show_failure(error)
                return
            except BaseException:  # an unexpected error (shown): the page must not stay busy
                self._claim(token)
                raise
            if self._claim(token):
                self._show_answer(exchange)
            else:  # cancelled: kept in the history only
                self._keep(exchange)
                self.history_view.refresh()

        thread = threading.Thread(target=guarded(self.errors)(run), daemon=True)
        self.sending = thread
        thread.start()
        return thread

    def wait(self, timeout: float | None = None) -> Exchange | None:
        """Wait for the request Send started (if any) to end; the exchange on screen."""
        if self.sending is not None:
            self.sending.join(timeout)
        return self.exchange

    def cancel(self) -> None:
        """Stop waiting for the request in flight: the page is ready for the next one; its
        answer, if one comes, goes to the history only (the server may have acted on it)."""
        with self._lock:
            if self._pending is None:
                return
            self._pending = None
        self._set_busy(False)
        self.message.value = "Cancelled: its answer, if it comes, goes to the History tab only."

    def fill_template(self, *, force: bool = False) -> None:
        """Put a body the server accepts into the body editor (when empty, or ``force``)."""
        spec = self.builder.spec
        if not spec.shape.body or (spec.body.strip() and not force):
            return
        needed = self._related_types(spec)
        ids = {type_: id_ for type_ in needed if (id_ := self._first_id(type_))}
        bare = RequestSpec(spec.type, spec.action, spec.id, spec.relationship)
        self.builder.body.value = bare.with_template(self.metadata, ids).body

    def fill_related_template(self) -> None:
        """Put a create/update body into the body editor that also creates a related record in
        ``included`` (reference §12), with real ids where the records need related ones."""
        spec = self.builder.spec
        if spec.action not in ("create", "update"):
            return
        needed = self._related_types(spec)
        choice = related_choice(self.metadata, spec)
        if choice is not None:
            needed += self._related_types(RequestSpec(choice[1].type, "create"))
        ids = {type_: id_ for type_ in dict.fromkeys(needed) if (id_ := self._first_id(type_))}
        bare = RequestSpec(spec.type, spec.action, spec.id, spec.relationship)
        self.builder.body.value = included_template(bare, self.metadata, ids)

    def use(self, client: ApiClient, metadata: Metadata | None) -> None:
        """Talk to another server or API, or as someone else, from now on (the API switch, the
        Server… panel's Connect): the builder offers the new metadata's types; the history
        stays."""
        self.client = client
        self.metadata = metadata
        self.history_view.client = client
        self.builder.use_metadata(metadata)
        self.batch.use(client, metadata)
        self.search.use(client)
        if self.search_button.value:
            self.search.load_catalog()
        self._show_header()
        self._show_tools()
        self.response.clear()
        self.bar_status.value = ""
        self._show_docs()
        self.fill_template()
        self._refresh()

    def _connected(self, client: ApiClient, metadata: Metadata | None) -> None:
        """The Server… panel's Connect: a back-office API (its storefront signs in anew)."""
        self.api_switch.use_back_office(client, metadata)
        self.use(client, metadata)

    def _show_tools(self) -> None:
        """Search… and Batch… are the back-office API's: hidden (and closed) on the storefront."""
        storefront = self.api_switch.current == STOREFRONT
        for button in (self.search_button, self.batch_button):
            if storefront:
                button.value = False
            button.layout.display = "none" if storefront else None

    def _show_header(self) -> None:
        title = self.metadata.title if self.metadata and self.metadata.title else "Oro API"
        self.header.value = (
            f"<h1>{html.escape(title)}</h1>"
            f"<div>API root <code>{html.escape(self.client.base_url)}</code> · auth"
            f" {html.escape(_auth_name(self.client))} · Ctrl+Enter sends</div>"
        )

    def _toggle_environment(self, shown: bool) -> None:
        self.environment.layout.display = None if shown else "none"

    def _toggle_batch(self, shown: bool) -> None:
        self.batch.layout.display = None if shown else "none"

    def _toggle_search(self, shown: bool) -> None:
        if shown:
            self.search.load_catalog()  # the server's search fields, when first opened
        self.search.layout.display = None if shown else "none"

    def _keep_searched(self, exchange: Exchange) -> None:
        """A search panel's exchange: in the history (its own tabs show it)."""
        self._keep(exchange)
        self.history_view.refresh()

    # --- sending -------------------------------------------------------------------------------

    def _prepared(self) -> httpx.Request | None:
        """The builder's request, ready to send, or ``None`` with the reason in the message.
        What the metadata refuses (marked in the builder) is not sent the first time; the same
        request sent again goes out, for the server's own answer."""
        spec = self.builder.spec
        try:
            request = spec.build(self.client)
        except SpecError as error:
            self.message.value = f"Not sent: {html.escape(str(error))}."
            return None
        problems = self.builder.check()
        if problems and spec != self._refused:
            self._refused = spec
            self.message.value = _refusal(problems)
            return None
        self._refused = None
        self.message.value = ""
        return request

    def _claim(self, token: object) -> bool:
        """Whether ``token``'s request is still the one awaited (then it no longer is)."""
        with self._lock:
            if self._pending is not token:
                return False
            self._pending = None
        self._set_busy(False)
        return True

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.send_button.disabled = busy
        self.send_button.description = "Sending…" if busy else "Send"
        self.send_button.icon = "spinner" if busy else "paper-plane"
        self.cancel_button.layout.display = None if busy else "none"
        for part in (self.send_button, self.response_pane, self.bar_status):
            (part.add_class if busy else part.remove_class)(
                "oro-busy" if part is self.send_button else "oro-stale"
            )

    def _show_failure(self, error: ConnectionFailed) -> None:
        self.response.show_failure(error)
        self.bar_status.value = status_html(None, "No response", None, None)
        self.tabs.selected_index = 0
        self.page_keys.reveal(".oro-response-pane")

    def _keep(self, exchange: Exchange) -> None:
        self.history.record(exchange)
        if self.journal is not None:
            try:
                self.journal.append(exchange)
            except OSError as error:  # a full disk, a read-only home: the page keeps working
                self.message.value = f"History not saved: {html.escape(str(error))}"

    def _load_journal(self) -> None:
        """Read the history file again when another page (or this one) changed it."""
        if self.journal is None:
            return
        try:
            mtime = self.journal.path.stat().st_mtime
        except OSError:
            return
        if mtime == self._journal_seen:
            return
        self._journal_seen = mtime
        self.history.clear()
        for exchange in self.journal.read():
            self.history.record(exchange)

    def _tab_changed(self) -> None:
        if self.tabs.selected_index == TABS.index("History"):
            self._load_journal()
            self.history_view.refresh()
        elif self.tabs.selected_index == TABS.index("Saved"):
            self.saved.refresh()

    def _request_to_save(self) -> RequestSpec | str:
        """The builder's request for the Saved tab, or what it still lacks."""
        spec = self.builder.spec
        problems = spec.problems()
        return "; ".join(problems) if problems else spec

    def _open_saved(self, saved: SavedRequest) -> None:
        """A saved request back in the builder, to send (or change first)."""
        spec = spec_from_saved(saved, self.client.base_url)
        if spec is None:
            self.message.value = (
                f"{html.escape(saved.name)}: {html.escape(saved.method)}"
                f" {html.escape(saved.path)} is no request the builder can show."
            )
            return
        self.load(spec)
        self.builder.clear_highlight()
        self.message.value = f"Opened {html.escape(saved.name)!r}: Send sends it."

    def _show_answer(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._keep(exchange)
        self.response.show(exchange)
        self.bar_status.value = status_html(
            exchange.status, exchange.reason, exchange.elapsed_ms, None
        )
        self.table.show(exchange, self.client)
        self.code.show(exchange)
        self.history_view.refresh()
        self.builder.highlight(exchange.errors)
        hint = self.api_switch.hint(exchange)
        if hint:
            self.message.value = html.escape(hint)
        self.tabs.selected_index = 0
        self.page_keys.reveal(".oro-response-pane")

    # --- wiring --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        spec = self.builder.spec
        self.builder.check()
        problems = spec.problems()
        line = f"{spec.method} {self._url(spec)}"
        self.request_line.value = f"<code>{html.escape(line)}</code>"
        self.message.value = f"To send: {html.escape('; '.join(problems))}." if problems else ""
        if not problems and self.builder.warnings:  # accepted, but ignored by the server
            self.message.value = f"Note: {html.escape('; '.join(self.builder.warnings))}."
        if not problems:  # the code of what Send would send, auth headers included
            self.code.show(self.client.signed(spec.build(self.client)))
        preset = spec.to_preset()
        if self.api_switch.current == STOREFRONT:
            preset = f"api={STOREFRONT}&{preset}"
        if self.page is not None:
            href = f"{self.page[0]}?{preset}"
            self.share.value = (
                f'<a class="oro-link" href="{html.escape(href)}" target="_blank"'
                ' title="This page with the request preset: to bookmark or share">'
                "Link to this request</a>"
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
        spec = self.builder.spec
        if spec.shape.target == "relationship" or (spec.shape.body and spec.relationship):
            self.fill_template(force=True)  # a sub-resource's own write: its example

    def _show_past(self, exchange: Exchange) -> None:
        """A past exchange: its request back in the builder (to change and send again), its
        answer in the views."""
        api = self.api_switch.api_of(str(exchange.request.url))
        if api is not None and api != self.api_switch.current:
            self.api_switch.switch(api)  # an exchange of the other API: its request goes there
        self.exchange = exchange
        spec = RequestSpec.from_request(exchange.request, self.client.base_url)
        if spec is not None:
            self.builder.load(spec)
            self._refresh()
        self.response.show(exchange)
        self.bar_status.value = status_html(
            exchange.status, exchange.reason, exchange.elapsed_ms, None
        )
        self.table.show(exchange, self.client)
        self.code.show(exchange)
        self.builder.highlight(exchange.errors)
        # the History tab stays: the next entry is one click (or ↓) away

    def _related_types(self, spec: RequestSpec) -> list[str]:
        resource = self.metadata.resources.get(spec.type) if self.metadata else None
        if resource is None or ACTIONS[spec.action].target == "subresource":
            return []  # a sub-resource's own write shows its document's example
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


def _refusal(problems: list[Problem]) -> str:
    """Why Send did not send: a body that is not JSON first, then the metadata's refusals."""
    body = [p for p in problems if p.control == "body"]
    if body:  # "Not JSON at line 3, column 5: Expecting ',' delimiter."
        detail = html.escape(body[0].detail.removeprefix("Not JSON").strip())
        return (
            f"Not sent: the body is not JSON {detail} It is marked in the editor: mend it, or"
            " Send again to send it as it is."
        )
    count = f"{len(problems)} thing{'' if len(problems) == 1 else 's'}"
    return (
        f"Not sent: the server's metadata refuses {count} (marked). Send again to send it anyway."
    )


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
        "Visitor": "storefront guest (visitor)",
    }
    name = names.get(type(auth).__name__, type(auth).__name__)
    who = getattr(auth, "username", None) or getattr(auth, "client_id", None)
    if type(auth).__name__ == "Visitor":  # guest/guest: nobody to name
        who = None
    return f"{name} ({who})" if who else name
