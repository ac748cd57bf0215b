"""``sandbox.widgets.query_editor``: a position marked as the token there (UTF-16 for the page),
a mark forgotten when the text changes, Ctrl+Enter's message (the page's text, then run)."""

from __future__ import annotations

import pytest

from sandbox.widgets.query_editor import QueryEditor, token_end


@pytest.mark.parametrize(
    ("text", "position", "token"),
    [
        pytest.param("firstName ~ john", 0, "firstName", id="word"),
        pytest.param("a !~ b", 2, "!~", id="operator"),
        pytest.param('a ~ "jo hn" and', 4, '"jo hn"', id="quoted"),
        pytest.param('a ~ "jo hn', 4, '"jo hn', id="unterminated"),
        pytest.param("a in (1, 2)", 5, "(", id="bracket"),
        pytest.param("a ~ b", 5, "", id="the-end"),
        pytest.param("a ~ b", 99, "", id="past-the-end"),
    ],
)
def test_token_end(text: str, position: int, token: str) -> None:
    assert text[min(position, len(text)) : token_end(text, position)] == token


def test_mark_at_covers_the_token_in_utf16_and_goes_with_an_edit() -> None:
    editor = QueryEditor('name ~ "😀" and x')
    editor.mark_at(15, "Unexpected end")  # the x, after an emoji of two UTF-16 units
    assert editor.marks == [{"from": 16, "to": 17, "message": "Unexpected end", "kind": "parse"}]
    assert editor.problems == [(15, "Unexpected end")]
    editor.value = 'name ~ "😀" and x'  # the same text: the mark stays
    assert editor.marks
    editor.value = 'name ~ "😀" and x ~ 1'
    assert (editor.marks, editor.problems) == ([], [])


def test_several_marks_at_once() -> None:
    editor = QueryEditor("nme ~ x and total > y")
    editor.mark([(0, "no such field"), (12, "not a number")], kind="error")
    assert [(editor.value[m["from"] : m["to"]], m["kind"]) for m in editor.marks] == [
        ("nme", "error"),
        ("total", "error"),
    ]


def test_mark_at_the_end_is_an_empty_range() -> None:
    editor = QueryEditor("a ~ ")
    editor.mark_at(4, "Unexpected end of the query")
    assert [(m["from"], m["to"]) for m in editor.marks] == [(4, 4)]


def test_ctrl_enter_message_brings_the_text_then_runs() -> None:
    editor = QueryEditor("a ~")
    seen = []
    editor.on_run = lambda: seen.append(editor.value)
    editor._on_message(editor, {"event": "run", "value": "a ~ b"}, [])
    editor._on_message(editor, {"event": "other"}, [])
    assert seen == ["a ~ b"]
