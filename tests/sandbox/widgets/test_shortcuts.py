"""``sandbox.widgets.shortcuts``: Ctrl+Enter's message calls the send of its scope (a panel's
``oro-keys-NAME``), or the page's own, after the kernel has answered the page's question."""

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


def test_the_page_asks_first_and_the_kernel_answers_with_its_token() -> None:
    """The send's first step: the page asks, the kernel answers; nothing is sent yet (the page
    sends when the answer comes: any change held back before it is then ahead of the send)."""
    calls: list[str] = []
    answers: list[object] = []
    keys = PageKeys(on_send=lambda: calls.append("page"))
    keys.scopes["search"] = lambda: calls.append("search")
    keys.send = answers.append  # type: ignore[method-assign]
    keys._on_message(keys, {"event": "ready?", "token": 7}, [])
    assert answers == [{"event": "ready", "token": 7}]
    assert calls == []
