"""``ResponseView``: one exchange as a learner wants to read it — the status line, the time and
size, the request URL, the request as sent (method, URL, every header, body) and the response
headers (folded, like Oro's "Expand"), and the body as collapsible JSON or, with "Raw", the exact
bytes. URL, headers and body have copy buttons (their clicks are handled in the browser by
:class:`~sandbox.widgets.shortcuts.PageKeys`).

The HTML comes from pure functions (:func:`status_html`, :func:`headers_html`, :func:`sent_html`,
:func:`body_html`, and :func:`~sandbox.widgets.json_html.json_html`); the widget only holds the
current exchange and the Raw switch.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import httpx
import ipywidgets as widgets  # type: ignore[import-untyped]

from sandbox.client import ConnectionFailed, Exchange
from sandbox.widgets.guard import guarded
from sandbox.widgets.json_html import JSON_CSS, json_html

__all__ = [
    "RAW_LIMIT",
    "STATUS_COLOURS",
    "ResponseView",
    "body_html",
    "copy_button",
    "headers_html",
    "include_ids_html",
    "sent_html",
    "status_html",
]

# status class (first digit) → badge colour; anything else (or no answer) is grey or red
STATUS_COLOURS = {1: "#616161", 2: "#2e7d32", 3: "#1565c0", 4: "#d84315", 5: "#b71c1c"}
FAILURE_COLOUR = "#b71c1c"
RAW_LIMIT = 1_000_000  # bytes shown by Raw before the rest is left out

_CSS = (
    JSON_CSS
    + """
.oro-badge { color: #fff; border-radius: 3px; padding: 1px 7px; font-weight: 600;
  white-space: nowrap; }
.oro-meta { color: var(--jp-content-font-color2, #616161); margin-left: 0.8em; }
.oro-url { font-family: var(--jp-code-font-family, monospace); word-break: break-all; }
.oro-label { color: var(--jp-content-font-color2, #616161); margin-right: 0.5em; }
.oro-headers td { font-family: var(--jp-code-font-family, monospace); padding: 1px 10px 1px 0;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; line-height: 1.4; }
.oro-headers { border-collapse: collapse; }
.oro-headers td:first-child { color: var(--jp-mirror-editor-property-color, #881391); }
.oro-response pre.oro-raw, .oro-sent pre { white-space: pre-wrap; overflow-wrap: anywhere;
  margin: 0; line-height: 1.4;
  font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px); }
.oro-copy-scope { position: relative; }
.oro-copy { font: inherit; font-size: 11px; line-height: 1.3; padding: 1px 6px; margin-left: 6px;
  cursor: pointer; border: 1px solid var(--jp-border-color1, #bdbdbd); border-radius: 3px;
  background: var(--jp-layout-color1, #fff); color: var(--jp-ui-font-color1, #424242);
  vertical-align: middle; }
.oro-copy:hover { background: var(--jp-layout-color2, #eee); }
.oro-copy-source[hidden] { display: none; }
.oro-sent h4 { margin: 8px 0 2px; font-size: 12px; font-weight: 600;
  color: var(--jp-content-font-color2, #616161); }
.oro-note { color: var(--jp-content-font-color2, #616161); font-style: italic; }
.oro-include-ids { margin: 4px 0; }
.oro-include-ids table { border-collapse: collapse; }
.oro-include-ids td, .oro-include-ids th { font-family: var(--jp-code-font-family, monospace);
  padding: 1px 10px 1px 0; text-align: left; overflow-wrap: anywhere; }
.oro-include-ids th { font-family: inherit; font-weight: 600;
  color: var(--jp-content-font-color2, #616161); }
"""
)


def status_html(status: int | None, reason: str, elapsed_ms: float | None, size: int | None) -> str:
    """The status line: ``200 OK`` on a badge coloured by class, then the time and the size.
    ``status=None`` means no answer at all (the badge then says ``reason``)."""
    colour = FAILURE_COLOUR if status is None else STATUS_COLOURS.get(status // 100, "#616161")
    text = reason if status is None else f"{status} {reason}"
    parts = [f'<span class="oro-badge" style="background:{colour}">{escape(text)}</span>']
    if elapsed_ms is not None:
        parts.append(f'<span class="oro-meta">{elapsed_ms:,.0f} ms</span>')
    if size is not None:
        parts.append(f'<span class="oro-meta">{size:,} byte{"" if size == 1 else "s"}</span>')
    return "".join(parts)


def copy_button(text: str | None = None, label: str = "Copy") -> str:
    """A copy button; with ``text``, the hidden source it copies (else the scope's own
    ``oro-copy-source`` element). Put it inside an ``oro-copy-scope`` element."""
    source = (
        ""
        if text is None
        else f'<textarea class="oro-copy-source" hidden>{escape(text)}</textarea>'
    )
    button = (
        f'<button class="oro-copy" type="button" title="Copy to the clipboard">{label}</button>'
    )
    return button + source


def url_html(method: str, url: str) -> str:
    return (
        f'<div class="oro-copy-scope"><span class="oro-label">Request URL</span>'
        f'<span class="oro-url"><b>{escape(method)}</b> '
        f'<span class="oro-copy-source">{escape(url)}</span></span>{copy_button()}</div>'
    )


def header_lines(headers: Iterable[tuple[str, str]]) -> str:
    """``Name: value`` lines, as written on the wire (and as the builder's headers take them)."""
    return "\n".join(f"{name}: {value}" for name, value in headers)


def headers_html(headers: Iterable[tuple[str, str]]) -> str:
    """Headers as a two-column table, in the order they came, with a button copying them as
    ``Name: value`` lines."""
    pairs = list(headers)
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>" for name, value in pairs
    )
    return (
        f'<div class="oro-copy-scope">{copy_button(header_lines(pairs), "Copy headers")}'
        f'<table class="oro-headers">{rows}</table></div>'
    )


def sent_html(request: httpx.Request) -> str:
    """The request exactly as it went out: method and URL, every header (the auth flow's and
    httpx's own included) and the body."""
    body = request.content if isinstance(request.stream, httpx.ByteStream) else b""
    parts = [
        url_html(request.method, str(request.url)),
        "<h4>Headers</h4>",
        headers_html(request.headers.multi_items()),
    ]
    if body:
        text = body.decode("utf-8", "replace")
        parts += [
            f'<h4>Body ({len(body):,} bytes)</h4><div class="oro-copy-scope">{copy_button()}'
            f'<pre class="oro-copy-source">{escape(text, quote=False)}</pre></div>'
        ]
    return f'<div class="oro-sent">{"".join(parts)}</div>'


def include_ids_html(document: object) -> str:
    """Which record each temporary id of the request's ``included`` became (the response's
    ``included`` items with ``meta.includeId``, reference §12): a small table, or ``""``."""
    included = document.get("included") if isinstance(document, dict) else None
    items = included if isinstance(included, list) else []
    rows = [
        (str(item.get("type", "")), str(item["meta"]["includeId"]), str(item.get("id", "")))
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("meta"), dict)
        and "includeId" in item["meta"]
    ]
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td>{escape(type_)}</td><td>{escape(sent)}</td><td>→ {escape(id_)}</td></tr>"
        for type_, sent, id_ in rows
    )
    head = "<tr><th>type</th><th>includeId (sent)</th><th>id</th></tr>"
    return (
        '<details class="oro-include-ids" open><summary>Included records: temporary id → id'
        f"</summary><table>{head}{cells}</table></details>"
    )


def body_html(exchange: Exchange, *, raw: bool) -> str:
    """The body: collapsible JSON, or (``raw``, or a body that is not JSON) the bytes as text."""
    body = exchange.raw
    if not body:
        return (
            f'<p class="oro-note">No content: the response body is empty ({exchange.status}).</p>'
        )
    if raw or exchange.document is None:
        note = ""
        if not raw:
            kind = exchange.headers.get("content-type", "no content type")
            note = f'<p class="oro-note">Not JSON ({escape(kind)}): the body as text.</p>'
        shown = body[:RAW_LIMIT]
        if len(body) > RAW_LIMIT:
            note += f'<p class="oro-note">The first {RAW_LIMIT:,} of {len(body):,} bytes.</p>'
        text = shown.decode("utf-8", "replace")
        return (
            f'{note}<div class="oro-copy-scope">{copy_button(label="Copy body")}'
            f'<pre class="oro-raw oro-copy-source">{escape(text, quote=False)}</pre></div>'
        )
    copy = copy_button(body[:RAW_LIMIT].decode("utf-8", "replace"), "Copy body")
    return f'<div class="oro-copy-scope">{copy}{json_html(exchange.document)}</div>'


class ResponseView(widgets.VBox):
    """Shows one :class:`~sandbox.Exchange` (:meth:`show`) or a request that got no answer
    (:meth:`show_failure`).

    State: ``exchange`` (or ``None``), ``failure`` (the last ``ConnectionFailed``, or ``None``),
    ``raw`` (bool: the body as exact bytes), ``status_text`` (``"200 OK"``, ``"No response"``
    or ``""``). Parts: ``status``, ``url``, ``headers`` (an Accordion, folded), ``raw_toggle``,
    ``body``, ``errors`` (where a failing callback's traceback goes).
    """

    def __init__(self, **kwargs: object) -> None:
        self.exchange: Exchange | None = None
        self.failure: ConnectionFailed | None = None
        self.status_text = ""
        self.style_html = widgets.HTML(f"<style>{_CSS}</style>")
        self.status = widgets.HTML()
        self.url = widgets.HTML()
        self.headers_table = widgets.HTML()
        self.sent = widgets.HTML()  # the request as sent
        self.headers = widgets.Accordion(
            children=[self.sent, self.headers_table], titles=("Request sent", "Headers")
        )
        self.headers.selected_index = None
        self.raw_toggle = widgets.ToggleButton(
            value=False,
            description="Raw",
            tooltip="The body as the exact bytes received",
            icon="file-text-o",
            layout=widgets.Layout(width="auto"),
        )
        self.include_ids = widgets.HTML()  # temporary id → id of the written included items
        self.body = widgets.HTML()
        self.body_box = widgets.Box(
            [self.body], layout=widgets.Layout(max_height="640px", overflow="auto")
        )
        self.errors = widgets.Output()
        self.raw_toggle.observe(guarded(self.errors)(self._on_raw), names="value")
        super().__init__(
            [
                self.style_html,
                self.status,
                self.url,
                self.headers,
                widgets.HBox([self.raw_toggle]),
                self.include_ids,
                self.body_box,
                self.errors,
            ],
            **kwargs,
        )
        self.add_class("oro-response")
        self.clear()

    @property
    def raw(self) -> bool:
        return bool(self.raw_toggle.value)

    @raw.setter
    def raw(self, value: bool) -> None:
        self.raw_toggle.value = bool(value)

    def show(self, exchange: Exchange) -> None:
        self.exchange, self.failure = exchange, None
        self.status_text = f"{exchange.status} {exchange.reason}"
        self.status.value = status_html(
            exchange.status, exchange.reason, exchange.elapsed_ms, exchange.size
        )
        self.url.value = url_html(exchange.request.method, str(exchange.request.url))
        self._show_headers(list(exchange.headers.multi_items()), exchange.response.request)
        self.raw_toggle.layout.display = None
        self.include_ids.value = include_ids_html(exchange.document)
        self._render_body()

    def show_failure(self, error: ConnectionFailed) -> None:
        """A request that got no answer: what was asked, and why nothing came back."""
        self.exchange, self.failure = None, error
        self.status_text = "No response"
        self.status.value = status_html(None, "No response", None, None)
        self.url.value = url_html(error.request.method, str(error.request.url))
        self._show_headers(None)
        self.raw_toggle.layout.display = "none"
        self.include_ids.value = ""
        self.body.value = f'<p class="oro-note">{escape(str(error))}</p>'

    def clear(self) -> None:
        self.exchange, self.failure = None, None
        self.status_text = ""
        self.status.value = ""
        self.url.value = ""
        self._show_headers(None)
        self.raw_toggle.layout.display = "none"
        self.include_ids.value = ""
        self.body.value = '<p class="oro-note">No request sent yet.</p>'

    def _show_headers(
        self, headers: list[tuple[str, str]] | None, sent: httpx.Request | None = None
    ) -> None:
        self.headers.selected_index = None
        if headers is None or sent is None:
            self.headers.layout.display = "none"
            self.headers_table.value = self.sent.value = ""
            return
        self.headers.layout.display = None
        body = len(sent.content) if isinstance(sent.stream, httpx.ByteStream) else 0
        what = f"{len(sent.headers)} headers" + (f", {body:,}-byte body" if body else "")
        self.headers.set_title(0, f"Request sent ({sent.method}, {what})")
        self.headers.set_title(1, f"Response headers ({len(headers)})")
        self.sent.value = sent_html(sent)
        self.headers_table.value = headers_html(headers)

    def _render_body(self) -> None:
        if self.exchange is not None:
            self.body.value = body_html(self.exchange, raw=self.raw)

    def _on_raw(self, change: object) -> None:
        self._render_body()
