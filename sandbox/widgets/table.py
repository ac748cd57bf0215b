"""``TableView``: the collection in a response as an interactive table (itables' ``ITable``),
one resource type at a time, and "Load all pages" to fetch the whole collection with
:func:`~sandbox.frames.fetch_all` — same path, filters, sorting and ``X-Include`` as the request
shown, at most "rows at most" rows, with a progress bar.

Pure parts: :func:`collection_request` (what to ask ``fetch_all`` for), :func:`status_text`
(the line under the controls) and :func:`display_frame` (a frame as the table shows it).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import httpx
import ipywidgets as widgets  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]
from itables.widget import ITable  # type: ignore[import-untyped]

from sandbox.client import ApiClient, Exchange
from sandbox.frames import Frames, FramesError, Types, fetch_all, to_frames
from sandbox.widgets.guard import guarded

__all__ = [
    "DEFAULT_MAX_ROWS",
    "TableView",
    "collection_request",
    "display_frame",
    "status_text",
]

DEFAULT_MAX_ROWS = 10_000
LOAD_PAGE_SIZE = 500  # rows per request of "Load all pages"
# itables downsamples frames over maxBytes (and says so above the table); wide frames scroll
TABLE_OPTIONS: dict[str, Any] = {"maxBytes": "16MB", "scrollX": True}


def collection_request(
    request: httpx.Request, base_url: str
) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """``(path, params, headers)`` for :func:`fetch_all` to get every page of what ``request``
    asked for: the path relative to ``base_url`` (the whole URL when it is elsewhere), the query
    parameters except ``page[...]``, and the request's ``X-Include`` header, if any."""
    url = str(request.url.copy_with(query=None, fragment=None))
    root = base_url.rstrip("/")
    path = url[len(root) :] if url.startswith(root + "/") else url
    params = [(k, v) for k, v in request.url.params.multi_items() if not k.startswith("page[")]
    x_include = request.headers.get("x-include")
    return path, params, ({"X-Include": x_include} if x_include else {})


def status_text(
    rows: int,
    kind: str,
    *,
    primary: bool,
    total: int | None,
    all_pages: bool,
    capped: bool = False,
) -> str:
    """``"10 of 300 accounts (this page)"``, ``"300 of 300 accounts (all pages)"``,
    ``"1,000 of 2,000 orders (all pages, capped at 1,000 rows)"``, ``"42 users (included)"``."""
    if not primary:
        return f"{rows:,} {kind} (included)"
    shown = f"{rows:,} of {total:,} {kind}" if total is not None else f"{rows:,} {kind}"
    if not all_pages:
        return f"{shown} (this page)"
    return f"{shown} (all pages, capped at {rows:,} rows)" if capped else f"{shown} (all pages)"


def display_frame(frame: Any) -> Any:
    """``frame`` ready for the table: the id a column of its own (not a second header row),
    timezone-aware datetimes as naive UTC (itables reads ``Series.values``, which drops the
    zone with a warning in recent pandas), and missing values blank rather than ``NaN``."""
    aware = [n for n, c in frame.items() if isinstance(c.dtype, pd.DatetimeTZDtype)]
    shown = frame.assign(**{str(n): frame[n].dt.tz_convert(None) for n in aware})
    if shown.index.name is not None:
        shown = shown.reset_index()
    missing = shown.isna()
    if missing.to_numpy().any():
        shown = shown.astype(object).where(~missing, "")
    return shown


class TableView(widgets.VBox):
    """Shows the collection of an exchange (:meth:`show`) as a table.

    State: ``exchange``, ``client``, ``frames`` (:class:`~sandbox.Frames`, or ``None`` when the
    response holds no collection), ``kind`` (the type shown), ``frame`` (the DataFrame shown),
    ``all_pages`` (``True`` after "Load all pages"), ``loading``, ``message`` (why there is no
    table, or ``""``). Parts: ``kinds`` (Dropdown of types), ``load_button``, ``max_rows`` (the
    "rows at most" field), ``progress`` (IntProgress), ``status`` (Label), ``table`` (ITable),
    ``errors`` (Output). ``types`` (e.g. ``sandbox.Metadata``) types the columns.
    """

    def __init__(
        self,
        *,
        types: Types = None,
        max_rows: int = DEFAULT_MAX_ROWS,
        page_size: int = LOAD_PAGE_SIZE,
        **kwargs: Any,
    ) -> None:
        self.types = types
        self.page_size = page_size
        self.exchange: Exchange | None = None
        self.client: ApiClient | None = None
        self.frames: Frames | None = None
        self.kind: str | None = None
        self.frame: Any = None
        self.all_pages = False
        self.capped = False
        self.loading = False
        self.message = ""
        self._total: int | None = None
        self.errors = widgets.Output()
        guard = guarded(self.errors)
        self.note = widgets.HTML()
        self.kinds = widgets.Dropdown(description="type", layout=widgets.Layout(width="auto"))
        self.load_button = widgets.Button(
            description="Load all pages",
            icon="download",
            tooltip="Fetch every page of this collection (same filters, sorting and includes)",
            layout=widgets.Layout(width="auto"),
        )
        self.max_rows = widgets.BoundedIntText(
            value=max_rows,
            min=1,
            max=100_000_000,
            step=1000,
            description="rows at most",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="13em"),
        )
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, layout=widgets.Layout(width="12em", display="none")
        )
        self.status = widgets.Label()
        self.table = ITable(**TABLE_OPTIONS)
        self.controls = widgets.HBox(
            [self.kinds, self.load_button, self.max_rows, self.progress, self.status],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.kinds.observe(guard(self._on_kind), names="value")
        self.load_button.on_click(guard(self._on_load_all))
        super().__init__([self.note, self.controls, self.table, self.errors], **kwargs)
        self.clear()

    # --- public ---------------------------------------------------------------------------

    def show(self, exchange: Exchange, client: ApiClient) -> None:
        """Tabulate the collection in ``exchange``; ``client`` fetches the other pages."""
        self.exchange, self.client = exchange, client
        self.all_pages = self.capped = False
        if not exchange.ok:
            return self._no_table(
                f"The request failed ({exchange.status} {exchange.reason}): no table to show."
            )
        if not isinstance(exchange.data, list):
            what = "no JSON:API document" if exchange.document is None else "one resource"
            return self._no_table(
                f"This response holds {what}, not a collection: the table shows collections."
            )
        try:
            frames = to_frames(exchange.document, types=self.types)
        except FramesError as error:
            return self._no_table(f"This response cannot be tabulated: {error}")
        self._show_frames(frames)

    def clear(self) -> None:
        self.exchange = self.client = None
        self._no_table("Send a request for a collection to see it as a table.")

    def load_all(self) -> None:
        """Fetch every page of the collection shown (what "Load all pages" does)."""
        if self.exchange is None or self.client is None or self.frames is None:
            return
        path, params, headers = collection_request(self.exchange.request, self.client.base_url)
        cap = int(self.max_rows.value)
        self.loading = True
        self.load_button.disabled = True
        self.progress.value, self.progress.max = 0, 1
        self.progress.bar_style = "info"
        self.progress.layout.display = None
        self.status.value = "Loading…"
        try:
            frames = fetch_all(
                self.client,
                path,
                params=params,
                headers=headers,
                max_rows=cap,
                progress=self._on_progress,
                types=self.types,
                page_size=min(self.page_size, cap),
            )
        except Exception:
            self.progress.bar_style = "danger"
            self.status.value = "Loading failed (details below)."
            raise
        finally:
            self.loading = False
            self.load_button.disabled = False
        self.progress.bar_style = "success"
        self.all_pages = True
        self.capped = frames.total is not None and frames.total > cap
        if frames.total is None:  # no total: a full last page may mean more were there
            self.capped = len(frames.data) >= cap
        self._show_frames(frames, total=frames.total)

    # --- callbacks and helpers ------------------------------------------------------------

    def _on_load_all(self, button: object) -> None:
        self.load_all()

    def _on_progress(self, done: int, total: int | None) -> None:
        cap = int(self.max_rows.value)
        self.progress.max = max(total if total is not None else cap, 1)
        self.progress.value = min(done, self.progress.max)
        self.status.value = f"Loading… {done:,} of {total:,} rows" if total else f"{done:,} rows"

    def _on_kind(self, change: Mapping[str, Any]) -> None:
        if self.frames is not None and change["new"] not in (None, self.kind):
            self._fill(change["new"])

    def _show_frames(self, frames: Frames, total: int | None = None) -> None:
        self.frames = frames
        self.message = ""
        self.note.value = ""
        self._total = total if total is not None else self._exchange_total()
        kinds = list(frames) or ([frames.primary] if frames.primary else [])
        self.kind = kinds[0] if kinds else None  # so setting the options changes nothing
        self.kinds.options = kinds
        self.kinds.layout.display = None if len(kinds) > 1 else "none"
        self.controls.layout.display = None
        self.table.layout.display = None
        self._fill(kinds[0] if kinds else None)
        if frames.primary is None:
            self.status.value = "The collection is empty."

    def _exchange_total(self) -> int | None:
        return self.exchange.total_count if self.exchange is not None else None

    def _fill(self, kind: str | None) -> None:
        frames = self.frames
        assert frames is not None
        self.kind = kind
        primary = kind is None or kind == frames.primary
        self.frame = frames.data if primary or kind is None else frames[kind]
        if self.kinds.value != kind and kind in self.kinds.options:
            self.kinds.value = kind
        self.table.update(display_frame(self.frame), **TABLE_OPTIONS)
        self.status.value = status_text(
            len(self.frame),
            kind or "resources",
            primary=primary,
            total=self._total,
            all_pages=self.all_pages,
            capped=self.capped,
        )

    def _no_table(self, message: str) -> None:
        self.frames = self.frame = self.kind = None
        self.all_pages = self.capped = False
        self.message = message
        self.note.value = f"<p><i>{escape(message)}</i></p>"
        self.controls.layout.display = "none"
        self.table.layout.display = "none"
        self.progress.layout.display = "none"
        self.status.value = ""
        self.table.update(pd.DataFrame(), **TABLE_OPTIONS)
