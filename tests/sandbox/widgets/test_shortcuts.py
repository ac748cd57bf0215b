"""``sandbox.widgets.shortcuts``: Ctrl+Enter's message calls the send of its scope (a panel's
``oro-keys-NAME``), or the page's own; an Enter in a box brings the box's text along."""

from __future__ import annotations

import ipywidgets as widgets

from sandbox.widgets.shortcuts import PageKeys


def test_a_scoped_send_goes_to_its_scope_else_to_the_page() -> None:
    calls: list[str] = []
    keys = PageKeys(on_send=lambda: calls.append("page"))
    keys.scopes["search"] = lambda: calls.append("search")
    for content in (
        {"event": "send", "scope": None},
        {"event": "send", "scope": "search"},
        {"event": "send", "scope": "elsewhere"},
        {"event": "other", "scope": "search"},
    ):
        keys._on_message(keys, content, [])
    assert calls == ["page", "search", "page"]


def test_the_box_where_enter_was_pressed_gets_its_text_before_the_send() -> None:
    """Its last keystrokes may reach the kernel after the send (ipywidgets holds a model's
    changes while one of its messages is unanswered): the message's text is the box's."""
    box = widgets.Text(value="status cou")
    seen: list[str] = []
    keys = PageKeys()
    keys.boxes["oro-search-aggregations"] = box
    keys.scopes["search"] = lambda: seen.append(box.value)
    message = {
        "event": "send",
        "scope": "search",
        "box": ["widget-text", "oro-search-aggregations", "oro-enter-sends"],
        "value": "status count",
    }
    keys._on_message(keys, message, [])
    keys._on_message(keys, {**message, "box": ["oro-elsewhere"], "value": "ignored"}, [])
    assert seen == ["status count", "status count"]
