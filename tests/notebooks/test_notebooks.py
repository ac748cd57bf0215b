"""The guided notebooks (``notebooks/NN-slug.ipynb``), each against a fresh server of its own.

- Every notebook runs top to bottom as committed, in a kernel of its own whose
  ``launch(fresh=True)`` starts that kernel's own server on freshly seeded data, even with
  ``ORO_SANDBOX_URL`` set (here to an address where nothing answers); its
  check cell then says the exercise is unanswered. In the same kernel — after everything the
  notebook wrote — the exercise's stored solution runs, and the check cell says it is right.
- Its structure follows the conventions: navigation cells first and last (their text written by
  ``notebooks/tools/nav.py``), a ``# NN · Title`` heading with a link to Oro's documentation,
  ``launch(fresh=True)`` (known data; other options may follow), one ``exercise`` cell with its
  solution and one ``check``
  cell that assigns nothing and compares with no literal (the answer is never in the notebook),
  no stored outputs, and imports from ``sandbox`` (pandas and matplotlib aside) only.

New notebooks are picked up by their file names.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sandbox.lessons import UNANSWERED

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
NAV_TOOL = NOTEBOOKS / "tools" / "nav.py"
CELL_TIMEOUT = 60  # seconds; every cell takes well under one
ALLOWED_IMPORTS = {"sandbox", "pandas", "matplotlib"}
ORO_DOCS = "https://doc.oroinc.com/api/"
NOBODY = "http://127.0.0.1:9/api"  # the discard port: nothing listens there


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def tagged(notebook: nbformat.NotebookNode, tag: str) -> list[int]:
    return [index for index, cell in enumerate(notebook.cells) if tag in tags(cell)]


def shown(cell: nbformat.NotebookNode) -> str:
    """The text a code cell showed: streams, the plain text of displays and results, errors."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def solution_of(notebook: nbformat.NotebookNode) -> str:
    [index] = tagged(notebook, "exercise")
    return str(notebook.cells[index].metadata.get("sandbox", {}).get("solution", ""))


@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
def test_notebook_runs_and_its_exercise_checks(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    [exercise] = tagged(notebook, "exercise")
    [check] = tagged(notebook, "check")
    runner = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    # launch(fresh=True) must not use ORO_SANDBOX_URL's server: here nothing answers there
    environ = {**os.environ, "ORO_SANDBOX_URL": NOBODY}
    with runner.setup_kernel(env=environ):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                runner.execute_cell(cell, index)  # CellExecutionError names cell and error
        raised = [
            index
            for index, cell in enumerate(notebook.cells)
            if any(output.output_type == "error" for output in cell.get("outputs", []))
        ]
        assert raised == []
        assert UNANSWERED in shown(notebook.cells[check])

        solution = copy.deepcopy(notebook.cells[exercise])
        solution.source = solution_of(notebook)
        runner.execute_cell(solution, exercise)
        checked = copy.deepcopy(notebook.cells[check])
        runner.execute_cell(checked, check)
        assert shown(checked).startswith("✔"), shown(checked)


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules a cell imports (IPython magics and shell lines skipped)."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
def test_notebook_structure(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.language_info.name == "python"
    cells = notebook.cells

    first, last = cells[0], cells[-1]
    assert (first.cell_type, tags(first)) == ("markdown", ["nav"])
    assert (last.cell_type, tags(last)) == ("markdown", ["nav"])
    assert first.source == last.source != ""

    heading = cells[1].source.splitlines()[0]
    assert cells[1].cell_type == "markdown"
    assert heading.startswith(f"# {path.name[:2]} · "), heading
    assert ORO_DOCS in cells[1].source

    code = [cell for cell in cells if cell.cell_type == "code"]
    assert [c.outputs for c in code if c.outputs] == []
    assert [c.execution_count for c in code if c.execution_count is not None] == []
    assert any(FRESH_LAUNCH.search(cell.source) for cell in code)
    for cell in code:
        assert imported_modules(cell.source) <= ALLOWED_IMPORTS, cell.source

    [exercise] = tagged(notebook, "exercise")
    [check] = tagged(notebook, "check")
    assert cells[exercise].cell_type == cells[check].cell_type == "code"
    assert exercise < check
    assert "answer = ..." in cells[exercise].source
    assert "answer" in assigned_names(solution_of(notebook))
    assert "check(" in cells[check].source
    assert assigned_names(cells[check].source) == set()
    assert not LITERAL_COMPARISON.search(cells[check].source), cells[check].source


# `launch(fresh=True)` (known data), maybe with other options: `launch(fresh=True, auth=False)`
FRESH_LAUNCH = re.compile(r"\blaunch\(fresh=True[,)]")
# `lambda a: a == 158`: the answer compared with one written into the check cell
LITERAL_COMPARISON = re.compile(r"lambda\s+(\w+)\s*:\s*\1\s*==\s*[-\d\"'\[]")


def assigned_names(source: str) -> set[str]:
    """The names a piece of code assigns."""
    return {
        target.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_navigation_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(NAV_TOOL), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
