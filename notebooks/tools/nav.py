"""Write the navigation line of the guided notebooks; never type it by hand.

    python notebooks/tools/nav.py                        # rewrite every stale numbered notebook
    python notebooks/tools/nav.py 03-headers.ipynb ...   # rewrite only these (the links cover all)
    python notebooks/tools/nav.py --check                # exit 1 naming what is stale

The guided notebooks are ``NN-slug.ipynb`` in the folder above this script, in the order of their
numbers. Each one's title is its first ``# `` heading (``# 02 · HTTP methods``). Every markdown
cell tagged ``nav`` gets one line: a link to the previous notebook, this one's title in bold, a
link to the next one and a link to the web sandbox (``sandbox.ipynb``), for example

    [◀ 01 · Welcome…](01-first-request.ipynb) · **02 · HTTP methods** · [03 · … ▶](03-headers.ipynb)
    · [Web sandbox](sandbox.ipynb)

The first and the last cell of a notebook must be such a cell (the tool adds them where they
are missing). A markdown cell tagged ``toc`` gets the list of all the notebooks.

``--check`` changes nothing; it exits 1, naming the notebooks whose navigation or list is stale,
that have no title, or that were saved with outputs or execution counts (notebooks are committed
without them). Only the standard library and nbformat are needed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent
PATTERN = "[0-9][0-9]-*.ipynb"
WEB_SANDBOX = ("Web sandbox", "sandbox.ipynb")
NAV, TOC = "nav", "toc"
SEPARATOR = " · "


@dataclass(frozen=True)
class Page:
    name: str  # the file name, e.g. "02-http-methods.ipynb"
    title: str  # its first "# " heading, e.g. "02 · HTTP methods"


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def title_of(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the first ``# `` heading outside the generated cells."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or {NAV, TOC} & set(tags(cell)):
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return None


def nav_line(pages: list[Page], index: int) -> str:
    """The navigation line of ``pages[index]``: previous, this one (bold), next, web sandbox."""
    parts = []
    if index > 0:
        before = pages[index - 1]
        parts.append(f"[◀ {before.title}]({before.name})")
    parts.append(f"**{pages[index].title}**")
    if index + 1 < len(pages):
        after = pages[index + 1]
        parts.append(f"[{after.title} ▶]({after.name})")
    parts.append("[{}]({})".format(*WEB_SANDBOX))
    return SEPARATOR.join(parts)


def toc(pages: list[Page]) -> str:
    """The list of the notebooks, for cells tagged ``toc``."""
    lines = [f"- [{page.title}]({page.name})" for page in pages]
    lines.append("- [{}]({})".format(*WEB_SANDBOX))
    return "\n".join(lines)


def _nav_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": [NAV]})


def update(notebook: nbformat.NotebookNode, nav: str, contents: str) -> bool:
    """Put ``nav`` in every ``nav`` cell (adding the first and the last where missing) and
    ``contents`` in every ``toc`` cell; whether anything changed."""
    changed = False
    cells = notebook.cells
    if not cells or NAV not in tags(cells[0]):
        cells.insert(0, _nav_cell(nav))
        changed = True
    if len(cells) == 1 or NAV not in tags(cells[-1]):
        cells.append(_nav_cell(nav))
        changed = True
    for cell in cells:
        wanted = nav if NAV in tags(cell) else contents if TOC in tags(cell) else None
        if wanted is not None and (cell.cell_type != "markdown" or cell.source != wanted):
            if cell.cell_type != "markdown":
                cell.cell_type = "markdown"
                for key in ("outputs", "execution_count"):
                    cell.pop(key, None)
            cell.source = wanted
            changed = True
    return changed


def stored_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    """What was saved that should not be: outputs and execution counts, by cell number."""
    found = []
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {number} has stored outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {number} has an execution count")
    return found


def run(folder: Path, only: list[str], check: bool) -> int:
    paths = sorted(folder.glob(PATTERN))
    if not paths:
        print(f"no notebooks matching {PATTERN} in {folder}", file=sys.stderr)
        return 1
    notebooks = {path.name: nbformat.read(path, as_version=4) for path in paths}
    unknown = sorted(set(only) - set(notebooks))
    if unknown:
        print(f"not a numbered notebook in {folder}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    problems: list[str] = []
    pages = []
    for name, notebook in notebooks.items():
        title = title_of(notebook)
        if title is None:
            problems.append(f"{name}: no '# ' title heading")
        pages.append(Page(name, title or name))
    contents = toc(pages)
    for index, page in enumerate(pages):
        if only and page.name not in only:
            continue
        notebook = notebooks[page.name]
        stale = update(notebook, nav_line(pages, index), contents)
        if check:
            if stale:
                problems.append(f"{page.name}: the navigation is stale")
            problems.extend(f"{page.name}: {what}" for what in stored_outputs(notebook))
        elif stale:
            nbformat.write(notebook, folder / page.name)
            print(f"updated {page.name}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and check:
        print(
            "(run `python notebooks/tools/nav.py` for the navigation; clear outputs before"
            " committing)",
            file=sys.stderr,
        )
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="file names to rewrite (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--dir", type=Path, default=NOTEBOOKS, help="the notebooks' folder")
    args = parser.parse_args(argv)
    only = [Path(name).name for name in args.notebooks]
    return run(args.dir, only, args.check)


if __name__ == "__main__":
    sys.exit(main())
