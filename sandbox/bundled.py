"""The notebooks that ship with the package, and ``oro-sandbox notebooks``, which copies them out.

    oro-sandbox notebooks [DIR] [--force]     # DIR defaults to ./notebooks

The wheel carries the repository's ``notebooks/*.ipynb`` as ``sandbox/notebooks/`` (hatch's
``sources`` mapping in ``pyproject.toml``: the repository's folder stays the one source). In a
source checkout (an editable install) that folder is missing and the repository's ``notebooks/``
is used.

Copying never overwrites a copy the user has edited unless ``--force`` is given. A manifest in the
target folder (:data:`MANIFEST`) records the digest of every file as copied, so a copy nobody
edited is brought up to date by a newer package while an edited one is kept.
"""

from __future__ import annotations

import argparse
import enum
import hashlib
import importlib.resources
import json
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

__all__ = [
    "MANIFEST",
    "Action",
    "Step",
    "copy_notebooks",
    "guided_notebooks",
    "main",
    "notebooks_folder",
    "plan",
    "report",
]

GUIDED = "[0-9][0-9]-*.ipynb"  # 01-first-request.ipynb …
WEB_SANDBOX = "sandbox.ipynb"  # the guided notebooks link to it
MANIFEST = ".oro-sandbox-notebooks.json"
DEFAULT_TARGET = Path("notebooks")
PROG = "oro-sandbox notebooks"
_REPOSITORY_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


class Action(enum.Enum):
    """What copying does to one notebook; the value is the word the report shows."""

    COPIED = "copied"  # not there yet
    UPDATED = "updated"  # there as an earlier copy, not edited since
    REPLACED = "replaced"  # edited, and --force given
    UNCHANGED = "unchanged"  # already the same
    KEPT = "kept"  # edited: left alone


@dataclass(frozen=True)
class Step:
    name: str
    action: Action


def notebooks_folder() -> Path:
    """The folder of the shipped notebooks: the package's own, else the repository's."""
    packaged = importlib.resources.files(__package__ or "sandbox") / "notebooks"
    if isinstance(packaged, Path) and (packaged / WEB_SANDBOX).is_file():
        return packaged
    if (_REPOSITORY_NOTEBOOKS / WEB_SANDBOX).is_file():
        return _REPOSITORY_NOTEBOOKS
    raise FileNotFoundError(
        f"No notebooks ship with this installation (looked in {packaged} and "
        f"{_REPOSITORY_NOTEBOOKS}): reinstall oro-api-sandbox."
    )


def guided_notebooks(folder: Path) -> list[Path]:
    """The guided notebooks in ``folder``, in the order of their numbers."""
    return sorted(folder.glob(GUIDED))


def shipped_notebooks(folder: Path) -> list[Path]:
    """What ``oro-sandbox notebooks`` copies: the guided notebooks and the web sandbox."""
    return [*guided_notebooks(folder), folder / WEB_SANDBOX]


def plan(
    shipped: Mapping[str, str],
    present: Mapping[str, str],
    recorded: Mapping[str, str],
    *,
    force: bool,
) -> list[Step]:
    """What to do with each shipped notebook, from digests: ``shipped`` (name → digest),
    ``present`` (the target folder's files), ``recorded`` (the manifest: as last copied)."""
    steps = []
    for name, digest in shipped.items():
        there = present.get(name)
        if there is None:
            action = Action.COPIED
        elif there == digest:
            action = Action.UNCHANGED
        elif there == recorded.get(name):
            action = Action.UPDATED
        else:
            action = Action.REPLACED if force else Action.KEPT
        steps.append(Step(name, action))
    return steps


def report(steps: Sequence[Step], target: Path, *, next_step: bool = True) -> str:
    """What :func:`copy_notebooks` did, one line per notebook, then a count (and, with
    ``next_step``, how to open them)."""
    width = max(len(action.value) for action in Action)
    lines = [f"The guided notebooks in {target}:"]
    for step in steps:
        note = " (edited there; --force replaces it)" if step.action is Action.KEPT else ""
        lines.append(f"  {step.action.value:<{width}}  {step.name}{note}")
    counts = {action: sum(step.action is action for step in steps) for action in Action}
    lines.append(
        ", ".join(f"{count} {action.value}" for action, count in counts.items() if count) + "."
    )
    if next_step:
        folder = shlex.quote(str(target))
        lines.append(f"Open them with the API server: oro-sandbox lab --notebook {folder}")
    return "\n".join(lines)


def copy_notebooks(target: Path, *, force: bool = False, source: Path | None = None) -> list[Step]:
    """Copy the shipped notebooks (from ``source``, by default :func:`notebooks_folder`) into
    ``target`` (made if missing) as :func:`plan` says, and record what was written."""
    source = notebooks_folder() if source is None else source
    files = {path.name: path for path in shipped_notebooks(source)}
    shipped = {name: _digest(path) for name, path in files.items()}
    present = {name: _digest(target / name) for name in files if (target / name).is_file()}
    manifest = target / MANIFEST
    recorded = _read_manifest(manifest)
    steps = plan(shipped, present, recorded, force=force)
    if source.resolve() == target.resolve():  # the repository's own folder: nothing to write
        return steps
    target.mkdir(parents=True, exist_ok=True)
    for step in steps:
        if step.action in (Action.COPIED, Action.UPDATED, Action.REPLACED):
            shutil.copyfile(files[step.name], target / step.name)
            recorded[step.name] = shipped[step.name]
        elif step.action is Action.UNCHANGED:
            recorded[step.name] = shipped[step.name]
    manifest.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return steps


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): str(digest) for name, digest in data.items()}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Copy the guided notebooks and the web sandbox notebook into a folder; "
        "copies edited there are kept unless --force is given.",
    )
    parser.add_argument(
        "target",
        nargs="?",
        type=Path,
        default=DEFAULT_TARGET,
        metavar="DIR",
        help=f"the folder (made if missing; default: ./{DEFAULT_TARGET})",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace edited copies with the packaged notebooks"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str = PROG, out: TextIO | None = None) -> int:
    parser = build_parser()
    parser.prog = prog
    args = parser.parse_args(argv)
    target = args.target.expanduser().resolve()
    try:
        steps = copy_notebooks(target, force=args.force)
    except OSError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    print(report(steps, target), file=out or sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
