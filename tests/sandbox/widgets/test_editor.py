"""The JSON body editor's Python side: its value, the marks it sends to the page (UTF-16
ranges, a parse error's and the pointers'), and its bundle — built from js/ as it is now, one
module that loads nothing from elsewhere. The page side is tested in test_web_sandbox.py."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sandbox.widgets.editor import BUNDLE, JsonEditor

ROOT = Path(__file__).resolve().parents[3]
BODY = '{"data": {"type": "accounts", "attributes": {"name": ""}}}'


def marked(editor: JsonEditor) -> list[tuple[str, str, str]]:
    """The marks as (marked text, kind, message)."""
    return [(editor.value[m["from"] : m["to"]], m["kind"], m["message"]) for m in editor.marks]


def test_a_pointer_marks_its_member_and_follows_the_text() -> None:
    editor = JsonEditor(BODY)
    assert editor.mark("/data/attributes/name", "This value should not be blank.") is True
    assert marked(editor) == [('"name": ""', "error", "This value should not be blank.")]
    assert editor.pointers == ["/data/attributes/name"]
    editor.value = '{\n  "data": {\n    "attributes": {"x": 1, "name": "A"}\n  }\n}'
    assert marked(editor) == [('"name": "A"', "error", "This value should not be blank.")]
    editor.clear_marks()
    assert (editor.marks, editor.pointers) == ([], [])


def test_a_missing_member_marks_its_holder_and_says_so() -> None:
    editor = JsonEditor(BODY)
    assert editor.mark("/data/attributes/lastName", "This value should not be blank.") is False
    message = "This value should not be blank. (/data/attributes/lastName: no 'lastName' here)"
    assert marked(editor) == [('"attributes"', "error", message)]


def test_a_parse_error_is_marked_and_stays_until_mended() -> None:
    editor = JsonEditor('{\n  "a": 1\n  "b": 2\n}')
    assert editor.problem is not None and (editor.problem.line, editor.problem.column) == (3, 3)
    assert marked(editor) == [
        ('"', "parse", "Not JSON at line 3, column 3: Expecting ',' delimiter.")
    ]
    editor.mark("/a")  # no place in a text that is not JSON
    editor.clear_marks()
    assert [kind for _, kind, _ in marked(editor)] == ["parse"]
    editor.value = '{"a": 1, "b": 2}'
    assert (editor.problem, editor.marks) == (None, [])
    editor.value = ""  # an empty body is no error
    assert (editor.problem, editor.marks) == (None, [])


def test_the_marks_count_utf16_units_as_the_browser_does() -> None:
    editor = JsonEditor('{"emoji": "😀😀", "name": ""}')
    editor.mark("/name")
    (mark,) = editor.marks
    assert (mark["from"], mark["to"]) == (18, 28)  # characters 16 to 26, and 😀 is two units


def test_the_bundle_is_built_from_the_sources_as_they_are() -> None:
    """`make editor` writes the digest of js/src and js/package-lock.json into the bundle."""
    digest = hashlib.sha256()
    sources = [ROOT / "js" / "package-lock.json", *sorted((ROOT / "js" / "src").iterdir())]
    for path in sources:
        digest.update(path.read_bytes())
    head = BUNDLE.read_text(encoding="utf-8")[:400]
    found = re.search(r"// sources sha256 ([0-9a-f]{64})\n", head)
    assert found is not None, "no digest in the bundle's banner: run `make editor`"
    assert found.group(1) == digest.hexdigest(), "the bundle is older than js/: run `make editor`"


def test_the_bundle_is_one_module_that_loads_nothing() -> None:
    code = BUNDLE.read_text(encoding="utf-8")
    assert JsonEditor._esm == code
    assert re.search(r"""\bimport\s*\(|\bfrom\s*["']|\bimport\s*["']""", code) is None
    assert re.search(r"export\{\w+ as default\};\s*$", code) is not None  # an ES module
