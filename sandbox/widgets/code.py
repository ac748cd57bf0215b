"""``CodeView``: the request shown as code to copy — curl, HTTPie or Python (httpx), from
:mod:`sandbox.snippets` — with secrets hidden by default, and (in JupyterLab) a button that puts
the code in a new cell below the active one, through ipylab.

Pure parts: :func:`snippet_for` (the code for a language), :func:`cell_text` (the code as a cell
that runs: shell commands under ``%%bash``) and :func:`in_jupyterlab_kernel` (where inserting a
cell can work).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import httpx
import ipywidgets as widgets  # type: ignore[import-untyped]

from sandbox.client import Exchange
from sandbox.snippets import Snippet, to_curl, to_httpie, to_httpx
from sandbox.widgets.guard import guarded

__all__ = ["LANGUAGES", "CodeView", "cell_text", "in_jupyterlab_kernel", "snippet_for"]

# language key → (label, snippet function)
LANGUAGES: Mapping[str, tuple[str, Callable[..., Snippet]]] = {
    "curl": ("curl", to_curl),
    "httpie": ("HTTPie", to_httpie),
    "httpx": ("httpx", to_httpx),
}

_STYLE = """<style>
.oro-code-view .oro-code-text pre { font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 13px); white-space: pre-wrap; overflow-wrap: anywhere;
  background: var(--jp-cell-editor-background, #f5f5f5); padding: 8px 10px; margin: 0;
  border: 1px solid var(--jp-cell-editor-border-color, #e0e0e0); border-radius: 2px; }
</style>"""


def snippet_for(source: httpx.Request | Exchange, language: str, *, redact: bool) -> Snippet:
    """The code for ``language`` (a key of :data:`LANGUAGES`) that sends ``source``'s request."""
    try:
        _, make = LANGUAGES[language]
    except KeyError:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"unknown language {language!r}; expected one of {known}") from None
    return make(source, redact=redact)


def cell_text(snippet: Snippet) -> str:
    """``snippet`` as a notebook code cell that runs it: Python as it is, a shell command
    under ``%%bash`` (multi-line commands with ``\\`` continuations run as written there)."""
    if snippet.language == "bash":
        return f"%%bash\n{snippet.text}"
    return snippet.text


def in_jupyterlab_kernel(
    environ: Mapping[str, str] | None = None, shell: Any = None, *, detect_shell: bool = True
) -> bool:
    """Whether inserting cells can work here: an IPython kernel (a front end to talk to) that
    Voila does not run (Voila sets ``VOILA_*`` variables, and ``SERVER_SOFTWARE=voila/…``, in
    its kernels' environment; a Voila page has no notebook to insert into)."""
    env = os.environ if environ is None else environ
    if env.get("SERVER_SOFTWARE", "").startswith("voila") or any(
        name.startswith("VOILA_") for name in env
    ):
        return False
    if shell is None and detect_shell:
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            shell = None
    return shell is not None and getattr(shell, "kernel", None) is not None


class CodeView(widgets.VBox):
    """Code that reproduces a request (:meth:`show` takes an ``httpx.Request`` or an Exchange).

    ``jupyterlab``: whether "Insert as next cell" can work (``None``: detect it, see
    :func:`in_jupyterlab_kernel`); where it cannot, the button is hidden. State: ``source``,
    ``language`` (``"curl"``, ``"httpie"``, ``"httpx"``), ``redact`` (bool, default on),
    ``text`` (the code shown), ``inserted`` (cells inserted so far), ``frontend`` (ipylab's
    ``JupyterFrontEnd``, made at the first insert). Parts: ``languages`` (ToggleButtons),
    ``redact_box`` (Checkbox), ``code`` (HTML), ``insert_button``, ``errors`` (Output).
    """

    def __init__(
        self, *, jupyterlab: bool | None = None, language: str = "curl", **kwargs: Any
    ) -> None:
        self.can_insert = in_jupyterlab_kernel() if jupyterlab is None else jupyterlab
        self.source: httpx.Request | Exchange | None = None
        self.text = ""
        self.inserted = 0
        self.frontend: Any = None
        self.errors = widgets.Output()
        guard = guarded(self.errors)
        self.languages = widgets.ToggleButtons(
            options=[(label, key) for key, (label, _) in LANGUAGES.items()],
            value=language,
            style={"button_width": "auto"},
        )
        self.redact_box = widgets.Checkbox(
            value=True,
            description="hide secrets",
            tooltip="Placeholders for tokens, passwords and WSSE digests (then not exact)",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.insert_button = widgets.Button(
            description="Insert as next cell",
            icon="plus",
            tooltip="Put this code in a new cell below the active one",
            layout=widgets.Layout(width="auto", display=None if self.can_insert else "none"),
        )
        self.code = widgets.HTML()
        self.code.add_class("oro-code-text")
        self.languages.observe(guard(self._on_option), names="value")
        self.redact_box.observe(guard(self._on_option), names="value")
        self.insert_button.on_click(guard(lambda _: self.insert()))
        super().__init__(
            [
                widgets.HTML(_STYLE),
                widgets.HBox(
                    [self.languages, self.redact_box, self.insert_button],
                    layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
                ),
                self.code,
                self.errors,
            ],
            **kwargs,
        )
        self.add_class("oro-code-view")
        self._render()

    @property
    def language(self) -> str:
        return str(self.languages.value)

    @language.setter
    def language(self, value: str) -> None:
        self.languages.value = value

    @property
    def redact(self) -> bool:
        return bool(self.redact_box.value)

    @redact.setter
    def redact(self, value: bool) -> None:
        self.redact_box.value = bool(value)

    @property
    def snippet(self) -> Snippet | None:
        if self.source is None:
            return None
        return snippet_for(self.source, self.language, redact=self.redact)

    def show(self, source: httpx.Request | Exchange) -> None:
        """Show the code for ``source`` (a request about to be sent, or an exchange)."""
        self.source = source
        self._render()

    def clear(self) -> None:
        self.source = None
        self._render()

    def insert(self) -> None:
        """Put the code in a new cell below the active one (JupyterLab, through ipylab)."""
        snippet = self.snippet
        if snippet is None or not self.can_insert:
            return
        if self.frontend is None:
            self.frontend = _jupyter_front_end()
        self.frontend.commands.execute("notebook:insert-cell-below")
        self.frontend.commands.execute("notebook:replace-selection", {"text": cell_text(snippet)})
        self.inserted += 1

    def _on_option(self, change: object) -> None:
        self._render()

    def _render(self) -> None:
        snippet = self.snippet
        self.text = snippet.text if snippet is not None else ""
        self.insert_button.disabled = snippet is None
        if snippet is None:
            self.code.value = "<i>No request yet.</i>"
        else:
            self.code.value = f"<pre>{escape(self.text, quote=False)}</pre>"


def _jupyter_front_end() -> Any:
    with warnings.catch_warnings():  # ipylab 1.1 declares a trait the pre-4.1 way
        warnings.filterwarnings(
            "ignore",
            message="Traits should be given as instances, not types",
            category=DeprecationWarning,
        )
        from ipylab import JupyterFrontEnd  # type: ignore[import-untyped]

    return JupyterFrontEnd()
