"""``sandbox.nbstrip``: a guided notebook saved by Jupyter after a run is byte for byte the
committed file; other notebooks keep their outputs. The environment's Jupyter configuration (the
file the package installs) enables the extension that registers the hook."""

from __future__ import annotations

import asyncio
import copy
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from sandbox import nbstrip

GUIDED = [
    *sorted(nbstrip.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")),
    nbstrip.NOTEBOOKS / "sandbox.ipynb",
]


def as_jupyterlab_saves_it(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook after a run in JupyterLab: outputs, counts and metadata of its own."""
    ran = copy.deepcopy(notebook)
    ran["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    ran["metadata"]["language_info"] = {"name": "python", "version": "3.11.2", "nbconvert": "x"}
    for count, cell in enumerate(ran["cells"], 1):
        cell["metadata"] |= {"collapsed": False, "jp-MarkdownHeadingCollapsed": True}
        if cell["cell_type"] == "code":
            cell["execution_count"] = count
            cell["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": "printed\n"},
                {
                    "output_type": "execute_result",
                    "execution_count": count,
                    "data": {"text/plain": "42"},
                    "metadata": {},
                },
            ]
    return ran


class Server:
    """What a Jupyter server hands an extension when it loads it."""

    def __init__(self, root: Path) -> None:
        self.contents_manager = AsyncLargeFileManager(root_dir=str(root))


def enabled_extensions() -> dict[str, bool]:
    """The server extensions the environment's Jupyter configuration enables, as a Jupyter
    server finds them (ServerApp.find_server_extensions)."""
    return ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()


def save(folder: Path, name: str, content: dict[str, Any]) -> None:
    server = Server(folder)
    nbstrip._load_jupyter_server_extension(server)
    model = {"type": "notebook", "format": "json", "content": content}
    asyncio.run(server.contents_manager.save(model, name))


def test_the_environment_enables_the_extension() -> None:
    assert enabled_extensions().get("sandbox.nbstrip") is True
    assert nbstrip._jupyter_server_extension_points() == [{"module": "sandbox.nbstrip"}]


@pytest.mark.parametrize("path", GUIDED, ids=[path.name for path in GUIDED])
def test_a_run_guided_notebook_saves_as_committed(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    monkeypatch.setattr(nbstrip, "NOTEBOOKS", folder)
    committed = path.read_bytes()
    content = as_jupyterlab_saves_it(nbformat.reads(committed.decode(), as_version=4))
    save(folder, path.name, content)
    assert (folder / path.name).read_bytes() == committed


def test_other_notebooks_keep_their_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(nbstrip, "NOTEBOOKS", folder)
    original = nbformat.read(GUIDED[0], as_version=4)
    content = as_jupyterlab_saves_it(original)
    save(folder, "my-copy.ipynb", content)  # not a guided notebook's name
    (folder / "elsewhere").mkdir()
    save(folder, "elsewhere/01-first-request.ipynb", content)  # another folder
    for saved in (folder / "my-copy.ipynb", folder / "elsewhere" / "01-first-request.ipynb"):
        cells = nbformat.read(saved, as_version=4).cells
        assert any(cell.get("outputs") for cell in cells)


@pytest.mark.parametrize(
    ("name", "guided"),
    [
        pytest.param("01-first-request.ipynb", True, id="numbered"),
        pytest.param("sandbox.ipynb", True, id="web-sandbox"),
        pytest.param("Untitled.ipynb", False, id="untitled"),
        pytest.param("01-first-request-Copy1.ipynb", False, id="jupyterlab-duplicate"),
        pytest.param("1-short.ipynb", False, id="one-digit"),
        pytest.param("sandbox-copy.ipynb", False, id="sandbox-copy"),
    ],
)
def test_is_guided(name: str, guided: bool, tmp_path: Path) -> None:
    assert nbstrip.is_guided(tmp_path / name, tmp_path) is guided
    assert not nbstrip.is_guided(tmp_path / "sub" / name, tmp_path)


def test_strip_keeps_tags_and_the_exercises_solutions() -> None:
    notebook = {
        "metadata": {
            "kernelspec": {"name": "python3"},
            "title": "Kept",
            "widgets": {},
            "language_info": {"name": "python", "version": "3.11.2"},
        },
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["exercise"], "sandbox": {"solution": "x"}, "scrolled": 1},
                "outputs": [{"output_type": "stream"}],
                "execution_count": 3,
                "source": "answer = ...",
            },
            {"cell_type": "markdown", "metadata": {"collapsed": True}, "source": "# Title"},
        ],
    }
    assert nbstrip.strip(notebook) == {
        "metadata": {
            "kernelspec": {"name": "python3"},
            "title": "Kept",
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["exercise"], "sandbox": {"solution": "x"}},
                "outputs": [],
                "execution_count": None,
                "source": "answer = ...",
            },
            {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        ],
    }
