"""``QueryEditor``: a search query as code — the JSON body editor's CodeMirror (same bundle) in its
``search`` language: the query's words coloured, the search fields offered as one types, and a
syntax error marked at its position.

Its Python API::

    editor = QueryEditor(value='firstName ~ john and')
    editor.completions = field_completions(fields)    # offered while typing (Ctrl+Space: all)
    editor.mark_at(20, "Unexpected end of the query: expected a field")
    editor.mark([(0, "…"), (12, "…")], kind="error")  # several at once
    editor.clear_marks()
    editor.on_run = search                            # Ctrl/Cmd+Enter in the editor

A position counts characters (Python's, as a parser and the server's 400 detail count them); the
page counts UTF-16 units, so the mark is converted. The mark covers the token that starts there
(a word, a quoted string, an operator), or the end of the text when the error is there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from sandbox.widgets.editor import BUNDLE
from sandbox.widgets.json_places import utf16

__all__ = ["QueryEditor", "token_end"]

_TOKEN = re.compile(
    r""""(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?"""  # a quoted string, closed or not
    r"|!~|!=|>=|<=|[~=<>(),]"  # an operator, a bracket, a comma
    r"""|[^\s(),"'=<>~!]+"""  # a word
)


def token_end(text: str, position: int) -> int:
    """Where the token starting at ``position`` ends (pure): a word, a quoted string (to its
    closing quote, or the end), an operator, one bracket or comma; one character otherwise."""
    if position >= len(text):
        return len(text)
    match = _TOKEN.match(text, position)
    return match.end() if match else position + 1


class QueryEditor(anywidget.AnyWidget):  # type: ignore[misc]
    """See the module docstring."""

    _esm = BUNDLE.read_text(encoding="utf-8")
    value = traitlets.Unicode("").tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    language = traitlets.Unicode("search").tag(sync=True)
    # [{"label", "type", "detail"}]: CodeMirror's completion options
    completions = traitlets.List(traitlets.Dict(), default_value=[]).tag(sync=True)
    # what the page draws: [{"from", "to", "message", "kind"}] in UTF-16 offsets of value
    marks = traitlets.List(traitlets.Dict(), default_value=[]).tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self.problems: list[tuple[int, str]] = []  # (position, message) of the marks
        self._marked_text: str | None = None
        self.on_run: Callable[[], Any] | None = None
        self.observe(lambda _: self._forget_if_changed(), "value")
        self.on_msg(self._on_message)

    def mark_at(self, position: int, message: str, kind: str = "parse") -> None:
        """Mark the token at ``position`` (characters of ``value``; clamped to the text), with
        ``message`` as its tooltip; it replaces the marks there were."""
        self.mark([(position, message)], kind=kind)

    def mark(self, problems: list[tuple[int, str]], kind: str = "parse") -> None:
        """Mark each ``(position, message)`` (the marks there were go); ``kind`` ``"parse"``
        (a syntax error) or ``"error"`` (a field or value the server's fields refuse)."""
        text = self.value
        marks = []
        self.problems = []
        for position, message in problems:
            start = max(0, min(position, len(text)))
            end = token_end(text, start)
            self.problems.append((start, message))
            place = {"from": utf16(text, start), "to": utf16(text, end)}
            marks.append({**place, "message": message, "kind": kind})
        self._marked_text = text if marks else None
        if marks != self.marks:
            self.marks = marks

    def clear_marks(self) -> None:
        self.mark([])

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Ctrl/Cmd+Enter: the page's text (its own update may still be on the way), then run."""
        if not isinstance(content, dict) or content.get("event") != "run":
            return
        if isinstance(content.get("value"), str):
            self.value = content["value"]
        if self.on_run is not None:
            self.on_run()

    def _forget_if_changed(self) -> None:
        """A mark belongs to the text it was made for: an edit clears it (the panel marks again
        when it checks the new text)."""
        if self._marked_text is not None and self.value != self._marked_text:
            self.clear_marks()
