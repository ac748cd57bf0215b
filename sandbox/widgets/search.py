"""``SearchPanel``: Oro's search in the web sandbox (``GET /api/search``, reference §17.2).

*Simple* searches for words in every field (``filter[searchText]``); *Advanced* takes a query
in the ``filter[searchQuery]`` language in a code editor that offers the fields of the chosen
types (from ``GET /api/searchentities``) as one types and marks a syntax error at its position.
Both narrow the types (``filter[entities]``), ask for aggregations (``filter[aggregations]``,
drawn as bars), bring the found records (``include=entity``) and page with ``X-Include:
totalCount``. The answer shows as a table (the found items, and the records of each type), the
aggregations, and the response as the sandbox's Response tab shows it.

Why the JSON:API language rather than the legacy ``/api/rest/latest/search/advanced`` one: it is
the API Oro serves today, its fields are the names ``/api/searchentities`` lists (the legacy
language wants type prefixes and index aliases), and its answer is a JSON:API document whose
records come hydrated — the table and the Response tab read it as any other.

While one types, the query and the aggregations are parsed and checked against the server's
fields (:mod:`sandbox.search`): a syntax error, an unknown field, a value that does not fit its
field's type are marked at once; Search then says so and does not send — Search again sends it
anyway, for the server's own answer (a 400 naming the position, marked the same way).

The work is in :mod:`~sandbox.widgets.search_request` (the request, a refusal's position),
:mod:`~sandbox.widgets.search_check` and :mod:`~sandbox.widgets.search_fields`; this module
draws and wires. Searches run in a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from urllib.parse import unquote_plus

import ipywidgets as widgets

from sandbox.client import ApiClient, ConnectionFailed, Exchange
from sandbox.search import SearchCatalog, SearchProblem
from sandbox.widgets.bars import STYLE as BARS_STYLE
from sandbox.widgets.bars import aggregations_html
from sandbox.widgets.guard import guarded
from sandbox.widgets.query_editor import QueryEditor, token_end
from sandbox.widgets.response import ResponseView, status_html
from sandbox.widgets.search_check import Checked, aggregation_problems, query_problems
from sandbox.widgets.search_fields import completions, fields_html, fields_of, load_catalog
from sandbox.widgets.search_request import (
    AGGREGATIONS,
    QUERY,
    SEARCH_PATH,
    TEXT,
    SearchForm,
    SyntaxProblem,
    page_count,
    syntax_problem,
)
from sandbox.widgets.table import TableView

__all__ = ["SearchPanel", "marked_text_html", "summary_html"]

TABS = ("Results", "Aggregations", "Response")
PAGE_SIZES = (10, 25, 50, 100)

STYLE = """<style>
.oro-search { gap: 6px; padding: 6px 0; border-top: 1px solid var(--jp-border-color2, #e0e0e0); }
.oro-search .oro-search-intro, .oro-search .oro-search-fields
  { color: var(--jp-content-font-color2, #616161); }
.oro-search .oro-search-fields { font-size: 12px; line-height: 1.5; overflow-wrap: anywhere; }
.oro-search .oro-search-fields code { font-size: 12px; }
.oro-search .oro-search-row { flex-wrap: wrap; gap: 6px; align-items: center; }
.oro-search .oro-search-row .widget-label { width: auto; min-width: 0; }
.oro-search .oro-search-text { flex: 1 1 18rem; width: auto; min-width: 0; margin: 0; }
.oro-search .oro-search-row > .jupyter-widget-tagsinput { flex: 1 1 14rem; min-width: 0;
  max-width: none; }
.oro-search .oro-search-aggregations { flex: 1 1 14rem; width: auto; min-width: 0; }
.oro-search .widget-toggle-buttons .widget-toggle-button { width: auto; min-width: 5rem; }
.oro-search .widget-button { width: auto; }
.oro-search .oro-search-size { width: 9.5rem; }
.oro-search .oro-search-problem { color: #c62828; overflow-wrap: anywhere; }
.oro-search .oro-search-problem mark { background: #ffd6d6; color: inherit;
  text-decoration: underline wavy #c62828; }
.oro-search .oro-search-status { overflow-wrap: anywhere; }
.oro-search .oro-search-status code { font-size: 12px; }
.oro-search .oro-search-results { min-width: 0; max-width: 100%; overflow-x: auto; }
.oro-search .jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab { min-width: 0;
  flex: 0 1 9rem; }
</style>"""
INTRO = (
    '<div class="oro-search-intro"><b>Search</b> — <code>GET /api/search</code>:'
    " <i>Simple</i> finds words anywhere (<code>filter[searchText]</code>), <i>Advanced</i>"
    " takes a query (<code>filter[searchQuery]</code>; Ctrl+Space lists the fields);"
    " aggregations are drawn as bars. Enter or Ctrl+Enter searches.</div>"
)
QUERY_PLACEHOLDER = 'firstName ~ john and createdAt > "2023-06-01"'


def marked_text_html(text: str, position: int) -> str:
    """``text`` with the token at ``position`` marked (a refused one-line box: its text is shown
    under it with the place the server names)."""
    start = max(0, min(position, len(text)))
    end = token_end(text, start)
    token = text[start:end] or "\u2002"  # the end of the text: a visible gap
    return f"<code>{escape(text[:start])}<mark>{escape(token)}</mark>{escape(text[end:])}</code>"


def summary_html(exchange: Exchange, form: SearchForm) -> str:
    """The line above the answer: the status badge, how many were found, the page, the URL."""
    parts = [status_html(exchange.status, exchange.reason, exchange.elapsed_ms, None)]
    if exchange.ok and isinstance(exchange.data, list):
        total = exchange.total_count
        pages = page_count(total, form.size)
        found = f"{total:,} found" if total is not None else f"{len(exchange.data)} on this page"
        parts.append(f"<b>{found}</b>")
        if pages is not None:
            parts.append(f"page {form.page} of {pages}")
    target = unquote_plus(exchange.request.url.raw_path.decode("ascii", "replace"))
    parts.append(f"<code>GET {escape(target)}</code>")
    return " · ".join(parts)


def _row(*children: widgets.Widget) -> widgets.HBox:
    row = widgets.HBox(list(children))
    row.add_class("oro-search-row")
    return row


class SearchPanel(widgets.VBox):
    """Search the server ``client`` talks to. ``catalog`` (the searchable types and their
    fields) is fetched from ``/api/searchentities`` when not given — at once, or with ``lazy``
    when :meth:`load_catalog` is called (the app: when the panel opens). ``on_exchange`` hears
    of every request (the app keeps them in its history)."""

    def __init__(
        self,
        client: ApiClient,
        catalog: SearchCatalog | None = None,
        *,
        on_exchange: Callable[[Exchange], None] | None = None,
        lazy: bool = False,
    ) -> None:
        self.client = client
        self.on_exchange = on_exchange
        self.catalog = SearchCatalog([])
        self.loaded = False  # whether the catalog is this server's
        self.exchange: Exchange | None = None
        self.form_sent: SearchForm | None = None  # what the answer on screen answers
        self.problem: SyntaxProblem | None = None  # the server's refusal on screen
        self.checked: dict[str, Checked] = {}  # parameter → the problems found here
        self._refused: SearchForm | None = None  # not sent once for the problems found here
        self.thread: threading.Thread | None = None
        self.errors_out = widgets.Output()

        self.mode = widgets.ToggleButtons(
            options=[("Simple", "simple"), ("Advanced", "advanced")], value="simple"
        )
        self.text = widgets.Text(placeholder="words to find (john, acme, SO-10…)")
        self.text.add_class("oro-search-text")
        self.text.add_class("oro-enter-sends")
        self.query = QueryEditor(placeholder=QUERY_PLACEHOLDER)
        self.query.add_class("oro-search-query")
        self.fields = widgets.HTML()
        self.fields.add_class("oro-search-fields")
        self.types = widgets.TagsInput(allow_duplicates=False, placeholder="all types")
        self.types.add_class("oro-search-types")
        self.aggregations = widgets.Text(placeholder="aggregations: status count, totalValue sum")
        self.aggregations.add_class("oro-search-aggregations")
        self.aggregations.add_class("oro-enter-sends")
        self.size = widgets.Dropdown(options=PAGE_SIZES, value=10, description="per page")
        self.size.style.description_width = "initial"
        self.size.add_class("oro-search-size")
        self.search_button = widgets.Button(
            description="Search", button_style="primary", icon="search", tooltip="Ctrl+Enter"
        )
        self.search_button.add_class("oro-search-button")
        self.previous_button = widgets.Button(icon="chevron-left", tooltip="Previous page")
        self.next_button = widgets.Button(icon="chevron-right", tooltip="Next page")
        self.status = widgets.HTML()
        self.status.add_class("oro-search-status")
        self.problem_line = widgets.HTML()
        self.problem_line.add_class("oro-search-problem")
        self.table = TableView()
        self.chart = widgets.HTML()
        self.response = ResponseView()
        self.tabs = widgets.Tab([self.table, self.chart, self.response], titles=TABS)
        self.tabs.add_class("oro-search-results")

        guard = guarded(self.errors_out)
        self.mode.observe(guard(lambda _: self._show_mode()), "value")
        self.types.observe(guard(lambda _: self._offer_fields()), "value")
        self.query.observe(guard(lambda _: self.check()), "value")
        self.aggregations.observe(guard(lambda _: self.check()), "value")
        self.search_button.on_click(guard(lambda _: self.search_in_background()))
        self.previous_button.on_click(guard(lambda _: self.search_in_background(-1)))
        self.next_button.on_click(guard(lambda _: self.search_in_background(+1)))
        self.query.on_run = guard(self.search_in_background)

        # what to find, where (types), what to count (aggregations), then the answer
        top = _row(self.mode, widgets.Label("Types"), self.types)
        self.simple_row = _row(self.text)
        self.advanced_box = widgets.VBox([self.query, self.fields])
        send = _row(widgets.Label("Aggregations"), self.aggregations, self.size, self.search_button)
        self.paging = _row(self.previous_button, self.next_button, self.status)
        self.paging.add_class("oro-search-paging")
        super().__init__(
            [
                widgets.HTML(STYLE + BARS_STYLE + INTRO),
                top,
                self.simple_row,
                self.advanced_box,
                send,
                self.problem_line,
                self.paging,
                self.tabs,
                self.errors_out,
            ]
        )
        self.add_class("oro-search")
        self.add_class("oro-keys-search")  # Ctrl+Enter here searches (PageKeys)
        self.use(client, catalog)
        if not lazy:
            self.load_catalog()
        self._show_mode()
        self._show_paging()
        self.paging.layout.display = "none"  # shown with the first answer
        self.table.note.value = (
            "<p><i>Search: the items found, and their records, show here.</i></p>"
        )

    # --- actions

    def use(self, client: ApiClient, catalog: SearchCatalog | None = None) -> None:
        """Another server (the app's Server… panel): its searchable types and fields, given
        or, when not, fetched by :meth:`load_catalog`."""
        self.client = client
        self.loaded = catalog is not None
        self._offer_catalog(catalog or SearchCatalog([]))

    def load_catalog(self) -> None:
        """Fetch the server's searchable types and fields, once."""
        if not self.loaded:
            self.loaded = True
            self._offer_catalog(load_catalog(self.client))

    @property
    def form(self) -> SearchForm:
        """The search on screen, as a value (page 1)."""
        return SearchForm(
            mode=self.mode.value,
            text=self.text.value,
            query=self.query.value,
            entities=tuple(self.types.value),
            aggregations=self.aggregations.value,
            size=int(self.size.value),
        )

    def check(self) -> dict[str, Checked]:
        """Parse and check the query (in Advanced) and the aggregations against the server's
        fields for the chosen types; mark what is wrong. The problems, by parameter."""
        form = self.form
        found = {
            QUERY: query_problems(self.catalog, form.query, form.entities)
            if form.mode == "advanced"
            else Checked(),
            AGGREGATIONS: aggregation_problems(self.catalog, form.aggregations, form.entities),
        }
        self.checked = {name: problems for name, problems in found.items() if problems}
        self.query.mark(
            [(p.position, p.message) for p in found[QUERY].problems],
            kind="parse" if found[QUERY].syntax else "error",
        )
        (self.aggregations.add_class if found[AGGREGATIONS] else self.aggregations.remove_class)(
            "oro-error"
        )
        self.problem = None
        self.problem_line.value = "<br>".join(
            self._problem_html(name, problem, form)
            for name, checked in self.checked.items()
            for problem in checked.problems[:3]
        )
        return self.checked

    def search(self, step: int = 0) -> Exchange | None:
        """Search and wait for the answer (``step``: -1 or +1 pages from the one shown, 0: the
        first page of the search on screen). ``None`` when nothing was sent (what the checks
        found is refused once: the same search again is sent) or no answer came."""
        form = self.form
        if step and self.form_sent is not None:
            form = SearchForm(**{**self.form_sent.__dict__, "page": self.form_sent.page + step})
        elif self.check() and form != self._refused:
            self._refused = form
            self.problem_line.value += (
                "<br><b>Not sent</b>: mend what is marked, or Search again to send it as it"
                " is (the server's answer says what it makes of it)."
            )
            return None
        self._refused = None
        try:
            exchange = self.client.get(
                SEARCH_PATH, params=form.params(), headers={"X-Include": "totalCount"}
            )
        except ConnectionFailed as error:
            self._reveal()
            self.response.show_failure(error)
            self.status.value = status_html(None, "No response", None, None)
            self.tabs.selected_index = TABS.index("Response")
            return None
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        self.show(exchange, form)
        return exchange

    def search_in_background(self, step: int = 0) -> threading.Thread | None:
        """What Search, Enter and the page buttons do: search in a thread (``None`` when one
        is running already)."""
        if self.thread is not None and self.thread.is_alive():
            return None
        self.search_button.disabled = True
        self.search_button.icon = "spinner"

        def run() -> None:
            try:
                guarded(self.errors_out)(self.search)(step)
            finally:
                self.search_button.disabled = False
                self.search_button.icon = "search"

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return self.thread

    def wait(self, timeout: float | None = None) -> Exchange | None:
        """Wait for the search running in the background (if any); the exchange on screen."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.exchange

    # --- drawing

    def show(self, exchange: Exchange, form: SearchForm) -> None:
        """An answer to ``form``: the table, the bars, the response, the line above them; a
        refusal marks the place it names."""
        self.exchange = exchange
        self.form_sent = form
        self._reveal()
        self.response.show(exchange)
        self.table.show(exchange, self.client)
        self.status.value = summary_html(exchange, form)
        aggregated = None
        if exchange.ok and isinstance(exchange.document, dict):
            aggregated = (exchange.document.get("meta") or {}).get("aggregatedData")
        self.chart.value = aggregations_html(aggregated) or (
            "<p><i>No aggregations asked: name some above, e.g."
            " <code>status count</code> or <code>totalValue sum</code>.</i></p>"
        )
        if exchange.ok:
            self.check()  # what is still marked is what the checks find
            self.tabs.selected_index = TABS.index(
                "Aggregations" if aggregated and not exchange.data else "Results"
            )
        else:
            self._show_refusal(syntax_problem(exchange.errors), form)
            self.tabs.selected_index = TABS.index("Response")
        self._show_paging()

    def _reveal(self) -> None:
        self.paging.layout.display = None

    def _show_refusal(self, problem: SyntaxProblem | None, form: SearchForm) -> None:
        """The server's 400: the place it names marked (the query editor, or the box's text
        shown with the place marked), its detail under the controls."""
        self.problem = problem
        if problem is None:
            return
        where = ""
        if problem.parameter == QUERY and problem.position is not None:
            self.query.mark_at(problem.position, problem.message)
            where = " (marked in the query)"
        elif problem.parameter in (AGGREGATIONS, TEXT) and problem.position is not None:
            box = self.aggregations if problem.parameter == AGGREGATIONS else self.text
            box.add_class("oro-error")
            text = form.aggregations if box is self.aggregations else form.text
            where = f" {marked_text_html(text, problem.position)}"
        parameter = f"<code>{escape(problem.parameter)}</code> " if problem.parameter else ""
        self.problem_line.value = f"{parameter}{escape(problem.message)}{where}"

    def _problem_html(self, parameter: str, problem: SearchProblem, form: SearchForm) -> str:
        where = ""
        if parameter == AGGREGATIONS:
            where = f" {marked_text_html(form.aggregations, problem.position)}"
        return f"<code>{escape(parameter)}</code> {escape(problem.message)}{where}"

    def _show_mode(self) -> None:
        advanced = self.mode.value == "advanced"
        self.simple_row.layout.display = "none" if advanced else None
        self.advanced_box.layout.display = None if advanced else "none"
        self.check()

    def _offer_catalog(self, catalog: SearchCatalog) -> None:
        self.catalog = catalog
        types = list(catalog.entities)
        chosen = [t for t in self.types.value if t in types]
        self.types.value = []
        self.types.allowed_tags = types
        self.types.value = chosen
        self._offer_fields()

    def _offer_fields(self) -> None:
        fields = fields_of(self.catalog, self.types.value)
        self.query.completions = completions(fields)
        chosen = ", ".join(self.types.value) or "every searchable type"
        listed = fields_html(fields) or "<i>none: this server lists no search fields</i>"
        self.fields.value = f"Fields of {escape(chosen)} — {listed}"
        self.check()

    def _show_paging(self) -> None:
        form, exchange = self.form_sent, self.exchange
        pages = None
        if form is not None and exchange is not None and exchange.ok:
            pages = page_count(exchange.total_count, form.size)
        page = form.page if form is not None else 1
        self.previous_button.disabled = pages is None or page <= 1
        self.next_button.disabled = pages is None or page >= pages
