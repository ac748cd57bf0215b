"""The house plan of server/README.md, read from the code: every import runs downward.

Each top-level part of ``server`` (a package or a module) stands on one floor; a module may import
from its own part and from parts on lower floors, never from a part on its floor or above. Imports
are read with ``ast`` (inside functions too), so a lazy import counts like any other. The library
side keeps to itself: ``sandbox`` never imports ``server``, and ``server`` imports ``sandbox`` only
in the CLI (its ``dashboard`` and ``lab`` commands start it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# bottom to top; the same floor as server/README.md draws it
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"settings"}),
    frozenset({"metadata"}),
    frozenset({"jsonapi", "cors", "openapi"}),
    frozenset({"routing", "storage", "apidoc"}),
    frozenset({"auth"}),
    frozenset({"domain"}),
    frozenset({"actions"}),
    frozenset({"batch", "reply_cache"}),
    frozenset({"endpoint"}),
    frozenset({"app"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
FLOOR = {part: level for level, parts in enumerate(FLOORS) for part in parts}

# Imports still to straighten, each with the reason; the test fails once one is gone, so the list
# only shrinks. None is left: a new exception needs a reason here and a plan to remove it.
PENDING: frozenset[tuple[str, str]] = frozenset()


def modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imported(path: Path) -> set[str]:
    """Every absolute module an import names (``from a import b`` counts as ``a`` and ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def part_of(module: str) -> str | None:
    """``server.storage.select`` → ``storage``; None outside ``server``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "server" and len(parts) > 1 else None


def upward_imports() -> set[tuple[str, str]]:
    """``(importing module, imported module)`` pairs that do not run downward."""
    known = dict(modules("server"))
    found = set()
    for module, path in known.items():
        source = part_of(module)
        for name in imported(path) & set(known):  # modules, not the names imported from them
            target = part_of(name)
            if source and target and target != source and FLOOR[target] >= FLOOR[source]:
                found.add((module, name))
    return found


def test_every_part_of_server_stands_on_a_floor() -> None:
    parts = {part_of(module) for module, _ in modules("server")} - {None}
    assert parts == set(FLOOR)


def test_imports_run_downward() -> None:
    upward = upward_imports()
    assert upward - PENDING == set()


def test_pending_upward_imports_still_exist() -> None:
    """A straightened import leaves the pending list with it."""
    assert PENDING - upward_imports() == set()


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        pytest.param("sandbox", "server", frozenset(), id="sandbox-never-imports-server"),
        pytest.param("server", "sandbox", frozenset({"server.cli"}), id="server-only-its-cli"),
    ],
)
def test_the_library_and_the_server_keep_apart(
    source: str, target: str, allowed: frozenset[str]
) -> None:
    crossing = {
        module
        for module, path in modules(source)
        if any(name == target or name.startswith(f"{target}.") for name in imported(path))
    }
    assert crossing - allowed == set()
