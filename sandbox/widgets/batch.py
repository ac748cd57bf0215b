"""``BatchPanel``: the Batch API in the web sandbox. Paste or upload rows (CSV or JSON) or start
from a type's template, choose the type and async or sync, send; the operation monitor shows the
status, a progress bar that follows the operation's ``progress``, the summary and the errors as a
table whose rows point at the input rows (their values beside).

The work is :mod:`sandbox.batch` and :mod:`sandbox.batch_rows`; this module only draws. Sending
runs in a thread, so the page stays live while an operation is followed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

from sandbox.batch import (
    FINISHED,
    BatchDocument,
    BatchResult,
    batch_document,
    error_objects,
    error_row,
    follow,
    operation_url,
)
from sandbox.batch_rows import parse_rows, records_of, template
from sandbox.client import ApiClient, Exchange
from sandbox.exceptions import SandboxError
from sandbox.metadata import Metadata
from sandbox.widgets.guard import guarded
from sandbox.widgets.upload import STYLE as UPLOAD_STYLE
from sandbox.widgets.upload import upload_button

__all__ = ["BatchPanel", "errors_table", "summary_line"]

STYLE = """<style>
.oro-batch { gap: 6px; padding: 6px 0; border-top: 1px solid var(--jp-border-color2, #e0e0e0); }
.oro-batch .oro-batch-controls { flex-wrap: wrap; gap: 6px; align-items: center; }
.oro-batch textarea { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.oro-batch .oro-batch-rows { width: 100%; }
.oro-batch .oro-batch-rows textarea { min-height: 9rem; }
.oro-batch table.oro-batch-errors { border-collapse: collapse; font-size: 13px; width: 100%; }
.oro-batch table.oro-batch-errors th, .oro-batch table.oro-batch-errors td
  { border-bottom: 1px solid #e0e0e0; padding: 3px 6px; text-align: left; vertical-align: top; }
.oro-batch .oro-batch-status { font-weight: 600; }
.oro-batch .oro-batch-monitor { overflow-x: auto; max-width: 100%; }
.oro-batch .widget-toggle-buttons .widget-toggle-button { width: auto; min-width: 4.5rem; }
.oro-batch .oro-batch-controls .widget-dropdown { width: 16rem; }
.oro-batch .oro-batch-controls .widget-button { width: auto; }
.oro-batch .oro-batch-intro { color: var(--jp-content-font-color2, #616161); }
</style>"""
INTRO = (
    '<div class="oro-batch-intro"><b>Batch API</b> — one <code>PATCH /api/{type}</code> with a'
    " row per record: asynchronous (202, then follow the operation) or <code>X-Mode: sync</code>"
    " (atomic, at most 100 rows). Paste CSV with a header row, JSON (a list of objects or a"
    " batch document), upload a file, or start from the type's template.</div>"
)

_STATUS_COLOURS = {"success": "#2e7d32", "failed": "#c62828", "new": "#616161"}


def summary_line(result: BatchResult) -> str:
    """The monitor's status line and summary, as HTML (pure)."""
    status = result.status
    colour = _STATUS_COLOURS.get(status, "#1565c0")
    parts = [f'<span class="oro-batch-status" style="color: {colour}">{escape(status)}</span>']
    if result.operation is not None:
        parts.append(f"operation {escape(str(result.operation['id']))}")
    summary = result.summary
    if summary and (result.operation is None or status in FINISHED):
        counts = ", ".join(f"{escape(str(k))} {escape(str(v))}" for k, v in summary.items())
        parts.append(counts)
    if result.ids:
        parts.append(f"{len(result.ids)} id(s) mapped to rows")
    return " · ".join(parts)


def errors_table(result: BatchResult, rows: list[dict[str, Any]] | None) -> str:
    """The errors as an HTML table: the input row (numbered from 1, its values), the field,
    the status, title and detail (pure)."""
    if not result.errors:
        return ""
    head = "<tr><th>row</th><th>field</th><th>status</th><th>error</th><th>input</th></tr>"
    lines = []
    for error in result.errors:
        row = error["row"]
        values = ""
        if row is not None and rows is not None and 0 <= row < len(rows):
            values = ", ".join(f"{escape(str(k))}={escape(str(v))!s}" for k, v in rows[row].items())
        number = "" if row is None else str(row + 1)
        title = escape(str(error["title"] or ""))
        detail = escape(str(error["detail"] or ""))
        lines.append(
            f"<tr><td>{number}</td><td>{escape(str(error['field'] or ''))}</td>"
            f"<td>{error['status']}</td><td><b>{title}</b>: {detail}</td><td>{values}</td></tr>"
        )
    return f'<table class="oro-batch-errors">{head}{"".join(lines)}</table>'


def _batch_types(metadata: Metadata | None) -> list[str]:
    return [r.type for r in metadata or () if r.allows("update_list")]


class BatchPanel(widgets.VBox):
    """Send rows as a batch of one type and follow it (``client``, ``metadata``: the server's)."""

    def __init__(
        self,
        client: ApiClient,
        metadata: Metadata | None,
        *,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.client = client
        self.metadata = metadata
        self.on_exchange = on_exchange
        self.errors_out = widgets.Output()
        types = _batch_types(metadata)
        self.type = widgets.Dropdown(
            options=types, description="Type", value=types[0] if types else None
        )
        self.mode = widgets.ToggleButtons(
            options=[("Async", "async"), ("Sync", "sync")], value="async"
        )
        self.format = widgets.ToggleButtons(options=[("CSV", "csv"), ("JSON", "json")], value="csv")
        self.template_button = widgets.Button(description="Template", icon="file-alt")
        self.upload = upload_button("Upload", ".csv,.json")
        self.send_button = widgets.Button(
            description="Send batch", button_style="primary", icon="paper-plane"
        )
        self.rows_text = widgets.Textarea(
            placeholder="name,description\nAcme,rockets\n… (CSV with a header row,"
            " or JSON: a list of objects)",
            layout=widgets.Layout(width="100%"),
        )
        self.rows_text.add_class("oro-batch-rows")
        self.progress = widgets.IntProgress(
            min=0, max=100, value=0, layout=widgets.Layout(width="100%")
        )
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.result: BatchResult | None = None
        self.rows: list[dict[str, Any]] | None = None
        self.thread: threading.Thread | None = None

        guard = guarded(self.errors_out)
        self.template_button.on_click(guard(lambda _: self.fill_template()))
        self.send_button.on_click(guard(lambda _: self.send_in_background()))
        self.upload.observe(guard(lambda _: self._uploaded()), "value")
        controls = widgets.HBox(
            [self.type, self.mode, self.format, self.template_button, self.upload, self.send_button]
        )
        controls.add_class("oro-batch-controls")
        monitor = widgets.VBox([self.status, self.progress, self.table])
        monitor.add_class("oro-batch-monitor")
        parts = [
            widgets.HTML(STYLE + UPLOAD_STYLE + INTRO),
            controls,
            self.rows_text,
            monitor,
            self.errors_out,
        ]
        super().__init__(parts)
        self.add_class("oro-batch")

    # --- actions

    def use(self, client: ApiClient, metadata: Metadata | None) -> None:
        """Another server (the app's Server… panel): its types that take batches."""
        self.client = client
        self.metadata = metadata
        types = _batch_types(metadata)
        self.type.options = types
        self.type.value = types[0] if types else None

    def fill_template(self) -> None:
        if self.type.value is None or self.metadata is None:
            return
        self.format.value = "csv"
        self.rows_text.value = template(self.metadata[self.type.value])

    def send(self) -> BatchResult | None:
        """Send the rows and follow the operation to its end (blocking)."""
        if self.type.value is None or self.metadata is None:
            self._show_problem("this server's metadata names no type that takes batches")
            return None
        resource = self.metadata[self.type.value]
        try:
            parsed = parse_rows(self.rows_text.value, self.format.value)
        except SandboxError as error:
            self._show_problem(str(error))
            return None
        self.progress.value = 0
        self.progress.bar_style = ""
        if isinstance(parsed, dict):  # a whole batch document: sent as it is
            self.rows = [item.get("attributes", {}) for item in parsed["data"]]
            batch = BatchDocument(parsed, tuple(0 for _ in parsed.get("included") or []))
        else:
            self.rows = parsed
            batch = batch_document(resource.type, records_of(resource, parsed))
        result = BatchResult(resource.type, len(batch.document["data"]))
        self.result = result
        headers = {"X-Mode": "sync"} if self.mode.value == "sync" else {}
        exchange = self.client.patch(resource.type, json=batch.document, headers=headers)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        result.exchanges.append(exchange)
        if exchange.status == 202:
            result.operation = exchange.document["data"]
            self._show()
            self._follow(result, batch)
        elif exchange.ok:
            for item in exchange.data:
                data_id = (item.get("meta") or {}).get("dataId", "")
                if data_id.startswith("row-"):
                    result.ids[int(data_id[4:])] = item["id"]
            self.progress.value = 100
        else:
            result.errors = [error_row(batch, raw) for raw in error_objects(exchange)]
        self._show()
        return result

    def send_in_background(self) -> threading.Thread:
        self.send_button.disabled = True
        self.status.value = '<span class="oro-batch-status">sending…</span>'

        def run() -> None:
            try:
                guarded(self.errors_out)(self.send)()
            finally:
                self.send_button.disabled = False

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return self.thread

    # --- drawing

    def _follow(self, result: BatchResult, batch: BatchDocument) -> None:
        url = operation_url(result.operation)
        while True:
            operation = self.client.get(url).raise_for_errors().document["data"]
            result.operation = operation
            self.progress.value = round((operation["attributes"]["progress"] or 0) * 100)
            self._show()
            if operation["attributes"]["status"] in FINISHED:
                break
            threading.Event().wait(0.25)
        follow(self.client, result, batch, progress=False)

    def _show(self) -> None:
        result = self.result
        if result is None:
            return
        if result.operation is None or result.status in FINISHED:  # finished
            if result.status == "success":
                self.progress.value = 100
            failed = result.status == "failed"
            self.progress.bar_style = (
                "danger" if failed else "warning" if result.errors else "success"
            )
        self.status.value = summary_line(result)
        self.table.value = errors_table(result, self.rows)

    def _show_problem(self, message: str) -> None:
        self.status.value = f'<span style="color: #c62828">{escape(message)}</span>'
        self.table.value = ""

    def _uploaded(self) -> None:
        files = self.upload.value
        if not files:
            return
        upload = files[0] if isinstance(files, list | tuple) else next(iter(files.values()))
        name = str(upload.get("name", ""))
        content = bytes(upload["content"]).decode("utf-8-sig")
        self.format.value = "json" if name.lower().endswith(".json") else "csv"
        self.rows_text.value = content
