"""``HistoryView``: the exchanges of a :class:`~sandbox.History`, newest first; pick one to look
at it again (``on_select``), send it again ("Replay"), or forget them all ("Clear").

The pure part is :func:`history_label`, one exchange as one line of the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from sandbox.client import ApiClient, ConnectionFailed, Exchange
from sandbox.history import History
from sandbox.widgets.guard import guarded

__all__ = ["HistoryView", "history_label"]

_STYLE = """<style>
.oro-history select { font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 13px); }
</style>"""


def history_label(exchange: Exchange, *, local: Callable[[float], Any] = time.localtime) -> str:
    """``"07:29:47  GET     /api/accounts?page[size]=3  200 OK  8 ms"`` (local time)."""
    target = exchange.request.url.raw_path.decode("ascii", "replace")
    for quoted, plain in (("%5B", "["), ("%5D", "]"), ("%5b", "["), ("%5d", "]")):
        target = target.replace(quoted, plain)
    clock = time.strftime("%H:%M:%S", local(exchange.sent_at))
    return (
        f"{clock}  {exchange.request.method:<6}  {target}  {exchange.status} {exchange.reason}"
        f"  {exchange.elapsed_ms:,.0f} ms"
    )


class HistoryView(widgets.VBox):
    """The exchanges of ``history`` (newest first) in a list.

    Set ``on_select`` (called with the chosen exchange) and ``client`` (for "Replay") after
    building it; call :meth:`refresh` after new exchanges. State: ``history``, ``selected`` (the
    chosen exchange or ``None``), ``message``. Parts: ``list`` (a Select whose values are the
    exchanges), ``replay_button``, ``clear_button``, ``errors`` (Output).
    """

    def __init__(
        self,
        history: History,
        *,
        client: ApiClient | None = None,
        on_select: Callable[[Exchange], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.history = history
        self.client = client
        self.on_select = on_select
        self.selected: Exchange | None = None
        self.message = ""
        self._quiet = False  # True while refresh() sets the list: no on_select then
        self.errors = widgets.Output()
        guard = guarded(self.errors)
        self.list = widgets.Select(rows=12, layout=widgets.Layout(width="auto"))
        self.replay_button = widgets.Button(
            description="Replay",
            icon="repeat",
            tooltip="Send the chosen request again, exactly as it was sent",
            disabled=True,
        )
        self.clear_button = widgets.Button(
            description="Clear", icon="trash", tooltip="Forget every exchange"
        )
        self.note = widgets.HTML()
        self.list.observe(guard(self._on_pick), names="value")
        self.replay_button.on_click(guard(lambda _: self.replay()))
        self.clear_button.on_click(guard(lambda _: self.clear()))
        super().__init__(
            [
                widgets.HTML(_STYLE),
                self.list,
                widgets.HBox([self.replay_button, self.clear_button, self.note]),
                self.errors,
            ],
            **kwargs,
        )
        self.add_class("oro-history")
        self.refresh()

    def refresh(self) -> None:
        """List the history as it is now (the selection is kept when it is still there)."""
        exchanges = list(reversed(list(self.history)))
        keep = self.selected if any(e is self.selected for e in exchanges) else None
        self._quiet = True
        try:
            self.list.options = [(history_label(e), e) for e in exchanges]
            self.list.value = keep
        finally:
            self._quiet = False
        self.selected = keep
        self.replay_button.disabled = keep is None
        self.clear_button.disabled = not exchanges
        self.list.layout.display = None if exchanges else "none"
        if not exchanges:
            self._say("No requests yet.")
        elif self.message == "No requests yet.":
            self._say("")

    def select(self, exchange: Exchange | None) -> None:
        """Choose ``exchange`` (one of the list's) as if clicked; ``None`` chooses nothing."""
        self.list.value = exchange

    def replay(self) -> Exchange | None:
        """Send the chosen request again with ``client``; the new exchange is recorded, chosen
        and passed to ``on_select``."""
        if self.selected is None:
            return None
        if self.client is None:
            self._say("Replay needs a client: set the view's client.")
            return None
        try:
            exchange = self.history.replay(self.selected, self.client)
        except ConnectionFailed as error:
            self._say(str(error))
            return None
        if self.history.last is not exchange:  # the client's on_exchange may record it already
            self.history.record(exchange)
        self._say("")
        self.refresh()
        self.select(exchange)
        return exchange

    def clear(self) -> None:
        self.history.clear()
        self.selected = None
        self.refresh()

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        self.selected = change["new"]
        self.replay_button.disabled = self.selected is None
        if self.selected is not None and self.on_select is not None:
            self.on_select(self.selected)

    def _say(self, message: str) -> None:
        self.message = message
        self.note.value = f"<i>{escape(message)}</i>" if message else ""
