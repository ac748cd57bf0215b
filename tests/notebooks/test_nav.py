"""``notebooks/tools/nav.py``: the navigation line and the list of notebooks it writes, and what
``--check`` reports; on notebooks made up in a temporary folder."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

TOOL = Path(__file__).resolve().parents[2] / "notebooks" / "tools" / "nav.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebooks_nav", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


nav = _load()
A = nav.Page("01-a.ipynb", "01 · Alpha")
B = nav.Page("02-b.ipynb", "02 · Beta")
C = nav.Page("03-c.ipynb", "03 · Gamma")
WEB = "[Web sandbox](sandbox.ipynb)"


@pytest.mark.parametrize(
    ("pages", "index", "line"),
    [
        pytest.param([A], 0, f"**01 · Alpha** · {WEB}", id="alone"),
        pytest.param(
            [A, B, C], 0, f"**01 · Alpha** · [02 · Beta ▶](02-b.ipynb) · {WEB}", id="first"
        ),
        pytest.param(
            [A, B, C],
            1,
            f"[◀ 01 · Alpha](01-a.ipynb) · **02 · Beta** · [03 · Gamma ▶](03-c.ipynb) · {WEB}",
            id="middle",
        ),
        pytest.param(
            [A, B, C], 2, f"[◀ 02 · Beta](02-b.ipynb) · **03 · Gamma** · {WEB}", id="last"
        ),
    ],
)
def test_nav_line(pages: list[object], index: int, line: str) -> None:
    assert nav.nav_line(pages, index) == line


def test_toc() -> None:
    assert nav.toc([A, B]) == (
        "- [01 · Alpha](01-a.ipynb)\n- [02 · Beta](02-b.ipynb)\n- [Web sandbox](sandbox.ipynb)"
    )


def _cell(kind: str, source: str, *tags: str) -> nbformat.NotebookNode:
    metadata = {"tags": list(tags)} if tags else {}
    if kind == "code":
        return nbformat.v4.new_code_cell(source, metadata=metadata)
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def _write(folder: Path, name: str, *cells: nbformat.NotebookNode) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    nbformat.write(notebook, folder / name)
    return folder / name


def _notebook(folder: Path, name: str, title: str, *extra: nbformat.NotebookNode) -> Path:
    return _write(
        folder,
        name,
        _cell("markdown", "", "nav"),
        _cell("markdown", f"# {title}\n\nProse."),
        _cell("code", "1 + 1"),
        *extra,
        _cell("markdown", "", "nav"),
    )


def _sources(path: Path, tag: str) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if tag in cell.metadata.get("tags", [])]


def _run(folder: Path, *args: str) -> tuple[int, str]:
    """``nav.py --dir folder *args`` in this process: its exit code, and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = nav.main(["--dir", str(folder), *args])
    return code, printed.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    _notebook(tmp_path, "01-a.ipynb", "01 · Alpha", _cell("markdown", "", "toc"))
    _notebook(tmp_path, "02-b.ipynb", "02 · Beta")
    _notebook(tmp_path, "03-c.ipynb", "03 · Gamma")
    _write(tmp_path, "sandbox.ipynb", _cell("markdown", "# Not numbered"))
    return tmp_path


def test_writes_every_nav_and_toc_cell_then_check_passes(folder: Path) -> None:
    assert _run(folder, "--check") == (
        1,
        "01-a.ipynb: the navigation is stale\n02-b.ipynb: the navigation is stale\n"
        "03-c.ipynb: the navigation is stale\n(run `python notebooks/tools/nav.py` for the"
        " navigation; clear outputs before committing)\n",
    )
    assert _run(folder) == (0, "updated 01-a.ipynb\nupdated 02-b.ipynb\nupdated 03-c.ipynb\n")
    line = f"[◀ 01 · Alpha](01-a.ipynb) · **02 · Beta** · [03 · Gamma ▶](03-c.ipynb) · {WEB}"
    assert _sources(folder / "02-b.ipynb", "nav") == [line, line]
    assert _sources(folder / "01-a.ipynb", "toc") == [nav.toc([A, B, C])]
    assert _run(folder, "--check") == (0, "")


def test_a_second_run_changes_nothing(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nav.main(["--dir", str(folder)])
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    capsys.readouterr()
    assert nav.main(["--dir", str(folder)]) == 0
    assert capsys.readouterr().out == ""
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_a_new_title_makes_the_neighbours_stale(folder: Path) -> None:
    nav.main(["--dir", str(folder)])
    _notebook(folder, "03-c.ipynb", "03 · Delta")
    nav.main(["--dir", str(folder), "03-c.ipynb"])  # only this one is rewritten
    code, output = _run(folder, "--check")
    assert code == 1
    assert output.splitlines()[:2] == [
        "01-a.ipynb: the navigation is stale",
        "02-b.ipynb: the navigation is stale",
    ]


def test_missing_nav_cells_are_added(tmp_path: Path) -> None:
    _write(tmp_path, "01-a.ipynb", _cell("markdown", "# 01 · Alpha"), _cell("code", "1"))
    assert nav.main(["--dir", str(tmp_path)]) == 0
    cells = nbformat.read(tmp_path / "01-a.ipynb", as_version=4).cells
    assert [(c.cell_type, c.metadata.get("tags")) for c in cells] == [
        ("markdown", ["nav"]),
        ("markdown", None),
        ("code", None),
        ("markdown", ["nav"]),
    ]
    assert cells[0].source == cells[-1].source == f"**01 · Alpha** · {WEB}"


def test_check_reports_outputs_and_execution_counts(folder: Path) -> None:
    nav.main(["--dir", str(folder)])
    notebook = nbformat.read(folder / "02-b.ipynb", as_version=4)
    notebook.cells[2].execution_count = 3
    notebook.cells[2].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nbformat.write(notebook, folder / "02-b.ipynb")
    code, output = _run(folder, "--check")
    assert code == 1
    assert output.splitlines()[:2] == [
        "02-b.ipynb: cell 2 has stored outputs",
        "02-b.ipynb: cell 2 has an execution count",
    ]


def test_a_notebook_without_a_title_is_reported(folder: Path) -> None:
    _write(folder, "04-d.ipynb", _cell("markdown", "No heading"))
    code, output = _run(folder, "--check")
    assert code == 1
    assert output.splitlines()[0] == "04-d.ipynb: no '# ' title heading"


def test_unknown_names_are_refused(folder: Path) -> None:
    assert _run(folder, "09-nothing.ipynb") == (
        2,
        f"not a numbered notebook in {folder}: 09-nothing.ipynb\n",
    )


def test_the_script_runs_from_the_command_line(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--dir", str(folder), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("01-a.ipynb: the navigation is stale\n")
