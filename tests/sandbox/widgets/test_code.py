"""``CodeView``: snippets per language, hidden secrets, and "Insert as next cell" (ipylab)."""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest

from sandbox import Snippet, to_curl, to_httpie, to_httpx
from sandbox.widgets.code import CodeView, cell_text, in_jupyterlab_kernel, snippet_for


def request() -> httpx.Request:
    return httpx.Request(
        "POST",
        "http://h/api/tasks?include=owner",
        headers={"Authorization": "Bearer s3cret", "Content-Type": "application/vnd.api+json"},
        content=b'{"data":{"type":"tasks"}}',
    )


@pytest.mark.parametrize(
    ("language", "make"),
    [("curl", to_curl), ("httpie", to_httpie), ("httpx", to_httpx)],
)
@pytest.mark.parametrize("redact", [True, False])
def test_snippet_for(language: str, make: Any, redact: bool) -> None:
    assert snippet_for(request(), language, redact=redact) == make(request(), redact=redact)


def test_snippet_for_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'wget'; expected one of curl, httpie"):
        snippet_for(request(), "wget", redact=True)


CELLS = [
    pytest.param(Snippet("bash", "curl \\\n  http://h"), "%%bash\ncurl \\\n  http://h", id="bash"),
    pytest.param(Snippet("python", "import httpx"), "import httpx", id="python"),
]


@pytest.mark.parametrize(("snippet", "expected"), CELLS)
def test_cell_text(snippet: Snippet, expected: str) -> None:
    assert cell_text(snippet) == expected


class Kernel:
    kernel = object()


ENVIRONMENTS = [
    pytest.param({}, Kernel(), True, id="kernel"),
    pytest.param({}, object(), False, id="terminal-ipython"),
    pytest.param({"VOILA_BASE_URL": "/"}, Kernel(), False, id="voila-preheated"),
    pytest.param({"SERVER_SOFTWARE": "voila/0.5.13"}, Kernel(), False, id="voila-request"),
]


@pytest.mark.parametrize(("environ", "shell", "expected"), ENVIRONMENTS)
def test_in_jupyterlab_kernel(environ: dict[str, str], shell: Any, expected: bool) -> None:
    assert in_jupyterlab_kernel(environ, shell) is expected


def test_no_kernel_here() -> None:
    assert in_jupyterlab_kernel({}) is False  # pytest runs no kernel
    view = CodeView()
    assert view.can_insert is False
    assert view.insert_button.layout.display == "none"


def test_languages_and_secrets() -> None:
    view = CodeView()
    assert (view.text, view.code.value) == ("", "<i>No request yet.</i>")
    view.show(request())
    assert (view.language, view.redact) == ("curl", True)
    assert view.text == to_curl(request(), redact=True).text
    assert "Bearer &lt;ACCESS_TOKEN&gt;" in view.code.value
    assert "s3cret" not in view.code.value

    view.languages.value = "httpx"
    assert view.language == "httpx"
    assert view.text == to_httpx(request(), redact=True).text
    view.redact_box.value = False
    assert view.redact is False
    assert view.text == to_httpx(request()).text
    assert "s3cret" in view.code.value
    view.language = "httpie"
    assert view.text == to_httpie(request()).text
    view.clear()
    assert view.text == ""


class Commands:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any] | None]] = []

    def execute(self, command_id: str, args: dict[str, Any] | None = None) -> None:
        self.calls.append((command_id, args))


class FrontEnd:
    def __init__(self) -> None:
        self.commands = Commands()


@pytest.mark.parametrize(
    ("language", "first_line"), [("curl", "%%bash"), ("httpx", "import httpx")]
)
def test_insert_as_next_cell(language: str, first_line: str) -> None:
    view = CodeView(jupyterlab=True, language=language)
    assert view.insert_button.layout.display is None
    assert view.insert_button.disabled  # nothing to insert yet
    view.frontend = front = FrontEnd()
    view.show(request())
    view.insert_button.click()
    text = cell_text(snippet_for(request(), language, redact=True))
    assert text.splitlines()[0] == first_line
    assert front.commands.calls == [
        ("notebook:insert-cell-below", None),
        ("notebook:replace-selection", {"text": text}),
    ]
    assert view.inserted == 1


def test_insert_makes_the_front_end_once() -> None:
    view = CodeView(jupyterlab=True)
    view.show(request())
    view.insert_button.click()  # imports ipylab without its DeprecationWarning
    front = view.frontend
    assert isinstance(front, sys.modules["ipylab"].JupyterFrontEnd)
    view.insert_button.click()
    assert view.frontend is front and view.inserted == 2


def test_insert_does_nothing_where_it_cannot_work() -> None:
    view = CodeView(jupyterlab=False)
    view.show(request())
    view.insert()
    assert (view.frontend, view.inserted) == (None, 0)
