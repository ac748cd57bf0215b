"""``JsonEditor``: the request body as code — a CodeMirror 6 editor (JSON highlighting, line
numbers, bracket matching, folding, undo, search) that marks places in the text.

Its Python API::

    editor = JsonEditor(value='{"data": {}}')
    editor.value                         # the text, kept in step with the page as one types
    editor.mark("/data/attributes/name", "This value should not be blank.")
    editor.clear_marks()                 # the pointers' marks; the parse error's stays while true
    editor.problem                       # where the text stops being JSON, or None

A mark names its place with a JSON pointer (an error's ``source.pointer``); where the text lacks
it, the nearest thing that is there is marked (the object that should hold it, see
:mod:`sandbox.widgets.json_places`). The marks follow the text: each change of ``value`` places
them again, and a parse error is marked by itself at the line and column where JSON stops.

It is an anywidget; its JavaScript is ``static/json_editor.js``, CodeMirror bundled into one ES
module by ``make editor`` from ``js/`` (nothing is loaded from elsewhere at run time). Should the
editor fail to start in a browser, a plain textarea takes its place and says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from sandbox.widgets.json_places import ParseError, locate, parse_error, utf16

__all__ = ["BUNDLE", "JsonEditor"]

BUNDLE = Path(__file__).parent / "static" / "json_editor.js"


class JsonEditor(anywidget.AnyWidget):  # type: ignore[misc]
    """See the module docstring."""

    _esm = BUNDLE.read_text(encoding="utf-8")
    value = traitlets.Unicode("").tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    # what the page draws: [{"from", "to", "message", "kind"}] in UTF-16 offsets of value
    marks = traitlets.List(traitlets.Dict(), default_value=[]).tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self._pointers: list[tuple[str, str]] = []  # (pointer, message), in marking order
        self.problem: ParseError | None = None
        self.observe(lambda _: self._place(), "value")
        self._place()

    def mark(self, pointer: str, message: str = "") -> bool:
        """Mark the place ``pointer`` names, ``message`` as its tooltip; whether the text has
        it (``False``: the nearest holder is marked, or nothing when the text is not JSON)."""
        self._pointers.append((pointer, message))
        self._place()
        place = locate(self.value, pointer)
        return place is not None and place.exact

    def clear_marks(self) -> None:
        """Forget every pointer's mark."""
        self._pointers = []
        self._place()

    @property
    def pointers(self) -> list[str]:
        """The pointers marked (in marking order)."""
        return [pointer for pointer, _ in self._pointers]

    def _place(self) -> None:
        text = self.value
        marks: list[dict[str, Any]] = []
        self.problem = parse_error(text)
        if self.problem is not None:
            at = self.problem.pos
            end = at + 1 if at < len(text) and text[at] != "\n" else at
            message = (
                f"Not JSON at line {self.problem.line}, column {self.problem.column}:"
                f" {self.problem.message}."
            )
            marks.append(_mark(text, at, end, message, "parse"))
        for pointer, message in self._pointers:
            place = locate(text, pointer)
            if place is None:
                continue
            note = message if place.exact else f"{message} ({pointer}: no {place.missing!r} here)"
            marks.append(_mark(text, place.start, place.end, note.strip(), "error"))
        if marks != self.marks:
            self.marks = marks


def _mark(text: str, start: int, end: int, message: str, kind: str) -> dict[str, Any]:
    return {"from": utf16(text, start), "to": utf16(text, end), "message": message, "kind": kind}
