"""``sandbox.widgets.shortcuts``: Ctrl+Enter's message calls the send of its scope (a panel's
``oro-keys-NAME``), or the page's own."""

from __future__ import annotations

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
