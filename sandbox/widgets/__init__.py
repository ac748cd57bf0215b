"""ipywidgets over the sandbox library. ``SandboxApp()`` is the whole sandbox (the web sandbox is
this app in Voila); its parts — the request builder and the views — also work alone."""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "CodeView": "code",
    "DocsView": "docs",
    "HistoryView": "history",
    "JsonEditor": "editor",
    "QueryEditor": "query_editor",
    "RequestBuilder": "builder",
    "ResponseView": "response",
    "SandboxApp": "app",
    "SavedView": "saved",
    "SearchPanel": "search",
    "TableView": "table",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:  # each part imported when first used
    if name not in _HOMES:
        raise AttributeError(f"module 'sandbox.widgets' has no attribute {name!r}")
    return getattr(importlib.import_module(f"sandbox.widgets.{_HOMES[name]}"), name)
