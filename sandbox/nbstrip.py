"""Keep the guided notebooks as committed when JupyterLab saves them: a contents-manager hook.

JupyterLab saves a notebook on every Ctrl-S and every autosave, with its outputs, execution
counts and some metadata of its own; in the repository's notebooks that would dirty the working
tree after every lesson. :func:`pre_save_hook` is a Jupyter ``ContentsManager.pre_save_hook``:
before a *guided* notebook is written (a tracked file of the repository's ``notebooks/`` folder:
``NN-slug.ipynb`` or ``sandbox.ipynb``, not a ``-Copy`` of one), it strips what running it
adds — outputs, execution counts, cell metadata other than ``tags`` and the exercises'
``sandbox`` entry, the widgets' state, and ``language_info`` but its name — so the file
on disk changes only when a cell's text does. Any other notebook (a copy you saved elsewhere, or
under another name) is saved as it is.

The module is a Jupyter server extension that registers the hook. The package enables it for
every Jupyter server of its environment — ``make lab``, ``jupyter lab``, Binder — with a file in
``etc/jupyter/jupyter_server_config.d/`` (``sandbox/share/…``, installed as shared data: see
``pyproject.toml``). It is the idea of nbstripout, applied when saving rather than when
committing, so it needs no per-clone git set-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

__all__ = ["COPY", "GUIDED", "NOTEBOOKS", "is_guided", "pre_save_hook", "strip"]

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"  # in a source checkout
GUIDED = re.compile(r"(?:[0-9][0-9]-[^/\\]+|sandbox)\.ipynb")
COPY = re.compile(r"-Copy\d*\.ipynb$")  # JupyterLab's "Duplicate": the learner's own copy
KEPT_CELL_METADATA = ("tags", "sandbox")
DROPPED_NOTEBOOK_METADATA = ("widgets",)  # ipywidgets' saved state; language_info is trimmed


def is_guided(path: Path, folder: Path | None = None) -> bool:
    """Whether ``path`` is one of the guided notebooks of ``folder`` (the repository's)."""
    name = path.name
    if not GUIDED.fullmatch(name) or COPY.search(name):
        return False
    try:
        return path.resolve().parent == (folder or NOTEBOOKS).resolve()
    except OSError:
        return False


def strip(notebook: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """``notebook`` (an nbformat v4 dict, changed in place) as the repository keeps it."""
    metadata = dict(notebook.get("metadata", {}))
    for key in DROPPED_NOTEBOOK_METADATA:
        metadata.pop(key, None)
    language = metadata.pop("language_info", {}).get("name")
    if language:
        metadata["language_info"] = {"name": language}
    notebook["metadata"] = metadata
    for cell in notebook.get("cells", []):
        cell["metadata"] = _kept(cell.get("metadata", {}))
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def _kept(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in metadata.items() if key in KEPT_CELL_METADATA}


def pre_save_hook(model: dict[str, Any], path: str, contents_manager: Any, **kwargs: Any) -> None:
    """Jupyter's ``ContentsManager.pre_save_hook``: strip a guided notebook before it is saved."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), MutableMapping):
        return
    root = Path(getattr(contents_manager, "root_dir", "."))
    if is_guided(root / path.lstrip("/")):
        strip(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "sandbox.nbstrip"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register :func:`pre_save_hook` with the server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
