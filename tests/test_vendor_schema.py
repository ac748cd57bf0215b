"""The JSON:API validator set-up (tests/jsonapi_schema.py) checked against upstream's own examples.

``_schemas/1.0/tests/`` holds 94 documents labelled by path: ``.../valid/...`` or
``.../invalid/...``. The schema that applies: everything under ``response/`` is checked with the
response schema; ``request/<a>/<b>/{valid,invalid}/`` with ``schema_<b>_<a>.json`` (the parts in
reverse order, e.g. ``request/resource/create`` → ``create_resource``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.jsonapi_schema import (
    KINDS,
    assert_valid_request,
    assert_valid_response,
    errors_of,
    schema_dir,
)

EXPECTED_EXAMPLES = 94
VERDICTS = ("valid", "invalid")


def _examples_root() -> Path | None:
    try:
        return schema_dir() / "tests"
    except FileNotFoundError:
        return None  # test_all_examples_are_present reports it


def _label(relative: Path) -> tuple[str, bool]:
    """(kind, expected validity) from a path like ``request/resource/create/valid/x.json``."""
    parts = relative.parts
    at = next(i for i, part in enumerate(parts) if part in VERDICTS)
    kind = "response" if parts[0] == "response" else "_".join(reversed(parts[1:at]))
    return kind, parts[at] == "valid"


def _examples() -> list[pytest.ParameterSet]:
    root = _examples_root()
    if root is None:
        return []
    params = []
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root)
        kind, valid = _label(relative)
        params.append(pytest.param(path, kind, valid, id=relative.with_suffix("").as_posix()))
    return params


EXAMPLES = _examples()


def test_all_examples_are_present() -> None:
    root = schema_dir() / "tests"
    assert len(list(root.rglob("*.json"))) == EXPECTED_EXAMPLES
    assert len(EXAMPLES) == EXPECTED_EXAMPLES
    kinds = {param.values[1] for param in EXAMPLES}
    assert kinds == set(KINDS)


@pytest.mark.parametrize(("path", "kind", "valid"), EXAMPLES)
def test_verdict_agrees_with_label(path: Path, kind: str, valid: bool) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    messages = errors_of(doc, kind)  # type: ignore[arg-type]
    if valid:
        assert messages == []
    else:
        assert messages, "an invalid example passed validation"
        assert all(isinstance(message, str) and message for message in messages)


# --- the helper's own surface ----------------------------------------------------------------


def test_assert_valid_response_names_the_offending_member() -> None:
    doc = {"errors": [{"status": 400, "title": "bad request http exception"}]}
    with pytest.raises(AssertionError) as caught:
        assert_valid_response(doc)
    assert str(caught.value) == (
        'not a valid JSON:API response document:\n/errors/0/status: 400 is not of type "string"'
    )


def test_branch_failures_list_their_causes() -> None:
    first, *causes = errors_of({"data": {"type": "users", "id": 1}})
    assert first.startswith("/data: ")
    assert "'oneOf'" in first
    assert '    /data/id: 1 is not of type "string"' in causes


def test_formats_are_asserted() -> None:
    doc = {"data": None, "links": {"self": "http://example.com/a b"}}
    assert errors_of(doc) != []


@pytest.mark.parametrize(
    ("kind", "doc"),
    [
        pytest.param("create_resource", {"data": {"type": "users"}}, id="create-without-id"),
        pytest.param(
            "update_resource", {"data": {"type": "users", "id": "1"}}, id="update-with-id"
        ),
        pytest.param(
            "update_relationship", {"data": [{"type": "users", "id": "1"}]}, id="to-many-linkage"
        ),
        pytest.param("update_relationship", {"data": None}, id="clear-to-one"),
    ],
)
def test_valid_requests_pass(kind: str, doc: dict[str, object]) -> None:
    assert_valid_request(doc, kind)  # type: ignore[arg-type]


def test_update_resource_requires_id() -> None:
    with pytest.raises(AssertionError, match='/data: "id" is a required property'):
        assert_valid_request({"data": {"type": "users"}}, "update_resource")


@pytest.mark.parametrize("kind", ["response", "delete_resource"])
def test_assert_valid_request_rejects_other_kinds(kind: str) -> None:
    with pytest.raises(ValueError):
        assert_valid_request({"data": None}, kind)  # type: ignore[arg-type]
