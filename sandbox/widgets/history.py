"""``HistoryView``: the exchanges of a :class:`~sandbox.History`, newest first, each with its
status on a badge coloured by class; pick one to look at it again (``on_select``), send it
again ("Replay"), or forget them all ("Clear").

The list is :class:`HistoryList`, a small anywidget (its JavaScript shipped here) that behaves
like a ``Select`` (``options`` of ``(label, exchange)``, ``value``) but draws coloured rows. The
pure parts are :func:`history_label`, one exchange as one line, and :func:`history_item`, the
row the list draws.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import anywidget
import ipywidgets as widgets  # type: ignore[import-untyped]
import traitlets

from sandbox.client import ApiClient, ConnectionFailed, Exchange
from sandbox.history import History
from sandbox.journal import Journal
from sandbox.widgets.guard import guarded

__all__ = ["HistoryList", "HistoryView", "history_item", "history_label"]

# status class (first digit) → badge colour, as the response view's
_COLOURS = {1: "#616161", 2: "#2e7d32", 3: "#1565c0", 4: "#d84315", 5: "#b71c1c"}

_ESM = r"""
export default {
  render({ model, el }) {
    el.classList.add("oro-hlist");
    el.tabIndex = 0;
    el.setAttribute("role", "listbox");
    const choose = (i) => { model.set("index", i); model.save_changes(); };
    const draw = () => {
      const items = model.get("items");
      const index = model.get("index");
      el.replaceChildren(...items.map((item, i) => {
        const row = document.createElement("div");
        row.className = "oro-hrow" + (i === index ? " oro-hrow-selected" : "");
        row.setAttribute("role", "option");
        row.setAttribute("aria-selected", String(i === index));
        row.title = item.label;
        const part = (cls, text) => {
          const span = document.createElement("span");
          span.className = cls;
          span.textContent = text;
          return span;
        };
        const badge = part("oro-hbadge", item.status);
        badge.style.background = item.colour;
        row.append(part("oro-htime", item.time), part("oro-hmethod", item.method), badge,
                   part("oro-htarget", item.target), part("oro-hms", item.ms));
        row.addEventListener("click", () => choose(i));
        return row;
      }));
      const chosen = el.querySelector(".oro-hrow-selected");
      if (chosen) chosen.scrollIntoView({ block: "nearest" });
    };
    el.addEventListener("keydown", (event) => {
      const count = model.get("items").length;
      const index = model.get("index");
      if (event.key === "ArrowDown" && index < count - 1) choose(index + 1);
      else if (event.key === "ArrowUp" && index > 0) choose(index - 1);
      else return;
      event.preventDefault();
    });
    model.on("change:items", draw);
    model.on("change:index", draw);
    draw();
  },
};
"""

_CSS = """
.oro-hlist { max-height: 420px; overflow: auto; border: 1px solid var(--jp-border-color1, #bdbdbd);
  font-family: var(--jp-code-font-family, monospace); font-size: 12px; outline: none; }
.oro-hlist:focus { border-color: var(--jp-brand-color1, #1976d2); }
.oro-hrow { display: flex; gap: 8px; align-items: baseline; padding: 3px 6px; cursor: pointer;
  white-space: nowrap; line-height: 1.4; border-bottom: 1px solid var(--jp-border-color3, #eee); }
.oro-hrow:hover { background: var(--jp-layout-color2, #f2f2f2); }
.oro-hrow-selected, .oro-hrow-selected:hover { background: #e3f2fd; }
.oro-hbadge { color: #fff; border-radius: 3px; padding: 0 5px; font-weight: 600; flex: 0 0 auto; }
.oro-htime, .oro-hms { color: var(--jp-content-font-color2, #757575); flex: 0 0 auto; }
.oro-hmethod { font-weight: 600; flex: 0 0 4.2em; }
.oro-htarget { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
"""


def history_label(exchange: Exchange, *, local: Callable[[float], Any] = time.localtime) -> str:
    """``"07:29:47  GET     /api/accounts?page[size]=3  200 OK  8 ms"`` (local time)."""
    target = _target(exchange)
    clock = time.strftime("%H:%M:%S", local(exchange.sent_at))
    return (
        f"{clock}  {exchange.request.method:<6}  {target}  {exchange.status} {exchange.reason}"
        f"  {exchange.elapsed_ms:,.0f} ms"
    )


def _target(exchange: Exchange) -> str:
    target = exchange.request.url.raw_path.decode("ascii", "replace")
    for quoted, plain in (("%5B", "["), ("%5D", "]"), ("%5b", "["), ("%5d", "]")):
        target = target.replace(quoted, plain)
    return target


def history_item(
    exchange: Exchange, *, local: Callable[[float], Any] = time.localtime
) -> dict[str, str]:
    """One row of :class:`HistoryList`: its parts, and the badge's colour by status class."""
    return {
        "label": history_label(exchange, local=local),
        "time": time.strftime("%H:%M:%S", local(exchange.sent_at)),
        "method": exchange.request.method,
        "target": _target(exchange),
        "status": f"{exchange.status} {exchange.reason}",
        "colour": _COLOURS.get(exchange.status // 100, "#616161"),
        "ms": f"{exchange.elapsed_ms:,.0f} ms",
    }


class HistoryList(anywidget.AnyWidget):  # type: ignore[misc]
    """A list of exchanges drawn as coloured rows; in Python it reads like a ``Select``:
    ``options`` (``(label, exchange)`` pairs) and ``value`` (the chosen exchange or ``None``)."""

    _esm = _ESM
    _css = _CSS
    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    index = traitlets.Int(-1).tag(sync=True)
    value = traitlets.Any(None)

    def __init__(self, **kwargs: Any) -> None:
        self._options: tuple[tuple[str, Exchange], ...] = ()
        super().__init__(**kwargs)
        self.observe(self._on_index, "index")
        self.observe(self._on_value, "value")

    @property
    def options(self) -> tuple[tuple[str, Exchange], ...]:
        return self._options

    @options.setter
    def options(self, pairs: Any) -> None:
        self._options = tuple(pairs)
        self.items = [history_item(exchange) for _, exchange in self._options]
        self.value = None
        self.index = -1

    def _on_index(self, change: Mapping[str, Any]) -> None:
        index = change["new"]
        self.value = self._options[index][1] if 0 <= index < len(self._options) else None

    def _on_value(self, change: Mapping[str, Any]) -> None:
        wanted = change["new"]
        found = [i for i, (_, e) in enumerate(self._options) if e is wanted]
        self.index = found[0] if found else -1


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
        self.journal: Journal | None = None  # the history file, if any: replays go there too
        self.client = client
        self.on_select = on_select
        self.selected: Exchange | None = None
        self.message = ""
        self._quiet = False  # True while refresh() sets the list: no on_select then
        self.errors = widgets.Output()
        guard = guarded(self.errors)
        self.list = HistoryList(layout=widgets.Layout(width="auto"))
        self.replay_button = widgets.Button(
            description="Replay",
            icon="repeat",
            tooltip="Send the chosen request again, exactly as it was sent",
            disabled=True,
        )
        self.clear_button = widgets.Button(
            description="Clear", icon="trash", tooltip="Forget every exchange (of every page)"
        )
        self.note = widgets.HTML()
        self.list.observe(guard(self._on_pick), names="value")
        self.replay_button.on_click(guard(lambda _: self.replay()))
        self.clear_button.on_click(guard(lambda _: self.clear()))
        super().__init__(
            [
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
        if self.journal is not None:
            self.journal.append(exchange)
        self._say("")
        self.refresh()
        self.select(exchange)
        return exchange

    def clear(self) -> None:
        self.history.clear()
        if self.journal is not None:
            self.journal.clear()
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
