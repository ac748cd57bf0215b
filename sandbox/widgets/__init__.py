"""ipywidgets over the sandbox library. ``SandboxApp()`` is the whole sandbox (the web sandbox is
this app in Voila); its parts — the request builder and the views — also work alone."""

from sandbox.widgets.app import SandboxApp
from sandbox.widgets.builder import RequestBuilder
from sandbox.widgets.code import CodeView
from sandbox.widgets.docs import DocsView
from sandbox.widgets.history import HistoryView
from sandbox.widgets.response import ResponseView
from sandbox.widgets.table import TableView

__all__ = [
    "CodeView",
    "DocsView",
    "HistoryView",
    "RequestBuilder",
    "ResponseView",
    "SandboxApp",
    "TableView",
]
