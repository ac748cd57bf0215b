"""``PageKeys``: the browser-side part of the sandbox app that ipywidgets cannot express — the
Ctrl/Cmd+Enter shortcut, the copy buttons, and bringing the response into view on narrow pages.

It is an anywidget (its JavaScript is the string below, shipped in the package: nothing is loaded
from elsewhere). It draws nothing; it listens on the page for what happens inside its app (the
closest ``.oro-sandbox`` element):

- Ctrl+Enter or Cmd+Enter sends the ``{"event": "send"}`` message, which calls ``on_send``;
  typed inside an element of class ``oro-keys-NAME`` (a panel with a send of its own, like the
  search panel's ``oro-keys-search``), the message names ``scope: NAME`` and calls
  ``scopes[NAME]`` instead; there a plain Enter in a box of class ``oro-enter-sends`` sends too
  (a search box); inside an element of class ``oro-own-keys`` (an editor with its own
  Ctrl+Enter) the keys are left alone. The send goes in two steps: ipywidgets holds a model's
  changes back while one of its messages is unanswered, so the last keystrokes typed in a box
  could reach a busy kernel after the send, which would act on what was typed before. So the
  page first asks (``ready?``) and sends once the kernel answers (``ready``): by then every
  answer the held-back changes waited for has arrived, and they are on their way ahead of it;
- a click on a button of the app (an ipywidgets ``Button``: Send, Search, Connect…) goes the same
  two steps: held until the kernel answers, then clicked again, so the button acts on what was
  typed just before it (its click is a message of its own, never held back);
- a click on an element of class ``oro-copy`` copies the text of the ``oro-copy-source`` element
  of its closest ``oro-copy-scope`` (a textarea's or input's value, or else the text) and says
  "Copied" on the button for a moment;
- :meth:`reveal` scrolls the element matching a selector into view when it is below the fold
  (the stacked layout of narrow pages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget

__all__ = ["PageKeys"]

_ESM = r"""
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); } finally { area.remove(); }
  return Promise.resolve();
}

function sourceText(button) {
  const scope = button.closest(".oro-copy-scope");
  const source = scope && scope.querySelector(".oro-copy-source");
  if (!source) return "";
  const field = source.matches("textarea, input")
    ? source : source.querySelector("textarea, input");
  return field ? field.value : source.innerText;
}

// the NAME of the closest element of class oro-keys-NAME around target, or null
function scopeOf(target) {
  for (let node = target; node && node.classList; node = node.parentElement) {
    const name = [...node.classList].find((c) => c.startsWith("oro-keys-"));
    if (name) return name.slice("oro-keys-".length);
  }
  return null;
}

export default {
  render({ model, el }) {
    el.classList.add("oro-page-keys");
    const root = () => el.closest(".oro-sandbox");
    const inApp = (target) => {
      const app = root();
      // a Voila page is the app: a shortcut typed anywhere on it counts
      return app && (app.contains(target) || document.body.dataset.voila === "voila");
    };
    let asked = 0;
    const waiting = new Map(); // token -> the send (or the button to click) it waits for
    const ask = (what) => {
      asked += 1;
      waiting.set(asked, what);
      model.send({ event: "ready?", token: asked });
    };
    const onKey = (event) => {
      const chord = event.key === "Enter" && (event.ctrlKey || event.metaKey);
      const scope = scopeOf(event.target);
      const plain = event.key === "Enter" && !event.shiftKey && !event.altKey;
      const box = plain && scope && event.target.closest(".oro-enter-sends");
      if (!(chord || box) || !inApp(event.target)) return;
      if (event.target.closest && event.target.closest(".oro-own-keys")) return;
      event.preventDefault();
      event.stopPropagation();
      ask({ event: "send", scope });
    };
    const onButton = (event) => {
      const button = event.target.closest && event.target.closest("button.widget-button");
      // (a click made again below carries oroReady: every app's listener lets it through)
      if (!button || event.oroReady || button.disabled || !inApp(button)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      ask({ click: button });
    };
    const onClick = (event) => {
      const button = event.target.closest && event.target.closest(".oro-copy");
      if (!button || !root() || !root().contains(button)) return;
      event.preventDefault();
      const label = button.textContent;
      copyText(sourceText(button)).then(
        () => { button.textContent = "Copied"; },
        () => { button.textContent = "Copy failed"; },
      ).finally(() => setTimeout(() => { button.textContent = label; }, 1200));
    };
    const onMessage = (message) => {
      if (message && message.event === "ready") {
        const send = waiting.get(message.token);
        waiting.delete(message.token);
        if (send && send.click) {
          if (!send.click.isConnected || send.click.disabled) return;
          const again = new MouseEvent("click", { bubbles: true, cancelable: true, view: window });
          again.oroReady = true;
          send.click.dispatchEvent(again);
        } else if (send) {
          model.send(send);
        }
        return;
      }
      if (!message || message.event !== "reveal") return;
      const app = root();
      const target = app && app.querySelector(message.selector);
      if (!target) return;
      const box = target.getBoundingClientRect();
      if (box.top > window.innerHeight - 40 || box.bottom < 0) {
        target.scrollIntoView({ block: "start", behavior: "instant" });
      }
    };
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("click", onButton, true);
    document.addEventListener("click", onClick);
    model.on("msg:custom", onMessage);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      document.removeEventListener("click", onButton, true);
      document.removeEventListener("click", onClick);
      model.off("msg:custom", onMessage);
    };
  },
};
"""


class PageKeys(anywidget.AnyWidget):  # type: ignore[misc]
    """See the module docstring. ``on_send`` is called (without arguments) on Ctrl/Cmd+Enter,
    ``scopes[NAME]`` instead when it was typed inside an ``oro-keys-NAME`` element."""

    _esm = _ESM

    def __init__(self, on_send: Callable[[], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_send = on_send
        self.scopes: dict[str, Callable[[], Any]] = {}
        self.on_msg(self._on_message)
        self.add_class("oro-page-keys-widget")

    def reveal(self, selector: str) -> None:
        """Scroll the app's element matching ``selector`` into view if it is out of sight."""
        self.send({"event": "reveal", "selector": selector})

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("event") == "ready?":  # answered after every earlier message: see above
            self.send({"event": "ready", "token": content.get("token")})
            return
        if content.get("event") != "send":
            return
        scoped = self.scopes.get(str(content.get("scope")))
        if scoped is not None:
            scoped()
        elif self.on_send:
            self.on_send()
