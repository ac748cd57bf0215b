"""``sandbox.bundled``: which notebooks ship, what copying them does to each (a table of digests),
the copy itself (edited copies kept unless forced, unedited ones updated), its report, and the
``oro-sandbox notebooks`` command. The wheel itself is tested in ``tests/test_wheel.py``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox import bundled
from sandbox.bundled import MANIFEST, Action, Step, copy_notebooks, plan, report
from server import cli

ROOT = Path(__file__).resolve().parents[2]
GUIDED = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_in_a_source_checkout_the_repository_notebooks_ship() -> None:
    folder = bundled.notebooks_folder()
    assert folder == ROOT / "notebooks"
    assert [path.name for path in bundled.guided_notebooks(folder)] == GUIDED
    assert len(GUIDED) >= 10
    assert [path.name for path in bundled.shipped_notebooks(folder)] == [*GUIDED, "sandbox.ipynb"]


@pytest.mark.parametrize(
    ("present", "recorded", "force", "expected"),
    [
        pytest.param({}, {}, False, Action.COPIED, id="missing"),
        pytest.param({}, {"a.ipynb": "old"}, False, Action.COPIED, id="deleted-since"),
        pytest.param({"a.ipynb": "new"}, {}, False, Action.UNCHANGED, id="same"),
        pytest.param({"a.ipynb": "new"}, {"a.ipynb": "old"}, True, Action.UNCHANGED,
                     id="same-forced"),
        pytest.param({"a.ipynb": "old"}, {"a.ipynb": "old"}, False, Action.UPDATED,
                     id="earlier-copy-unedited"),
        pytest.param({"a.ipynb": "mine"}, {"a.ipynb": "old"}, False, Action.KEPT,
                     id="earlier-copy-edited"),
        pytest.param({"a.ipynb": "mine"}, {}, False, Action.KEPT, id="not-ours"),
        pytest.param({"a.ipynb": "mine"}, {"a.ipynb": "old"}, True, Action.REPLACED,
                     id="edited-forced"),
    ],
)  # fmt: skip
def test_plan(
    present: dict[str, str], recorded: dict[str, str], force: bool, expected: Action
) -> None:
    assert plan({"a.ipynb": "new"}, present, recorded, force=force) == [Step("a.ipynb", expected)]


def test_report_lists_each_notebook_counts_and_says_how_to_open_them() -> None:
    steps = [Step("01-a.ipynb", Action.COPIED), Step("02-b.ipynb", Action.KEPT)]
    assert report(steps, Path("/home/me/my notebooks")) == (
        "The guided notebooks in /home/me/my notebooks:\n"
        "  copied     01-a.ipynb\n"
        "  kept       02-b.ipynb (edited there; --force replaces it)\n"
        "1 copied, 1 kept.\n"
        "Open them with the API server: oro-sandbox lab --notebook '/home/me/my notebooks'"
    )
    assert report(steps, Path("/x"), next_step=False).splitlines()[-1] == "1 copied, 1 kept."


def make_source(base: Path) -> Path:
    base.mkdir()
    for name in ("01-first.ipynb", "02-second.ipynb", "sandbox.ipynb", "notes.txt"):
        (base / name).write_text(f"{name} v1")
    return base


def actions(steps: list[Step]) -> dict[str, str]:
    return {step.name: step.action.value for step in steps}


def test_copying_keeps_edits_updates_unedited_copies_and_forces_on_request(tmp_path: Path) -> None:
    source = make_source(tmp_path / "package")
    target = tmp_path / "mine" / "notebooks"

    first = copy_notebooks(target, source=source)
    assert actions(first) == {n: "copied" for n in ("01-first.ipynb", "02-second.ipynb",
                                                    "sandbox.ipynb")}  # fmt: skip
    assert sorted(p.name for p in target.iterdir()) == [
        MANIFEST, "01-first.ipynb", "02-second.ipynb", "sandbox.ipynb"
    ]  # fmt: skip
    assert (target / "01-first.ipynb").read_text() == "01-first.ipynb v1"

    # the learner edits one notebook; a newer package changes both
    (target / "01-first.ipynb").write_text("my answers")
    (source / "01-first.ipynb").write_text("01-first.ipynb v2")
    (source / "02-second.ipynb").write_text("02-second.ipynb v2")
    second = copy_notebooks(target, source=source)
    assert actions(second) == {
        "01-first.ipynb": "kept",
        "02-second.ipynb": "updated",
        "sandbox.ipynb": "unchanged",
    }
    assert (target / "01-first.ipynb").read_text() == "my answers"
    assert (target / "02-second.ipynb").read_text() == "02-second.ipynb v2"

    third = copy_notebooks(target, source=source, force=True)
    assert actions(third)["01-first.ipynb"] == "replaced"
    assert (target / "01-first.ipynb").read_text() == "01-first.ipynb v2"
    recorded = json.loads((target / MANIFEST).read_text())
    assert sorted(recorded) == ["01-first.ipynb", "02-second.ipynb", "sandbox.ipynb"]


def test_a_damaged_manifest_counts_as_none(tmp_path: Path) -> None:
    source = make_source(tmp_path / "package")
    target = tmp_path / "notebooks"
    copy_notebooks(target, source=source)
    (target / MANIFEST).write_text("[not json")
    (source / "sandbox.ipynb").write_text("sandbox.ipynb v2")
    assert actions(copy_notebooks(target, source=source))["sandbox.ipynb"] == "kept"


def test_the_source_folder_itself_is_left_alone(tmp_path: Path) -> None:
    source = make_source(tmp_path / "notebooks")
    steps = copy_notebooks(source, source=source)
    assert set(actions(steps).values()) == {"unchanged"}
    assert not (source / MANIFEST).exists()


def test_oro_sandbox_notebooks_copies_into_notebooks_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["notebooks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"The guided notebooks in {tmp_path / 'notebooks'}:"
    assert out[1:-2] == [f"  copied     {name}" for name in [*GUIDED, "sandbox.ipynb"]]
    assert out[-2] == f"{len(GUIDED) + 1} copied."
    for name in [*GUIDED, "sandbox.ipynb"]:
        assert (tmp_path / "notebooks" / name).read_bytes() == (
            ROOT / "notebooks" / name
        ).read_bytes()

    assert cli.main(["notebooks", "elsewhere", "--force"]) == 0
    assert capsys.readouterr().out.startswith(f"The guided notebooks in {tmp_path / 'elsewhere'}:")
    with pytest.raises(SystemExit) as exited:
        cli.main(["notebooks", "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: oro-sandbox notebooks [-h] [--force] [DIR]")


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    assert cli.main(["notebooks", str(tmp_path / "a-file")]) == 1
    assert capsys.readouterr().err.startswith("oro-sandbox notebooks: [Errno 17] File exists:")
