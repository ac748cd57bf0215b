"""Validate documents against the official JSON:API 1.0 schema (vendored, CC0).

The four schemas live in ``shared/vendor/jsonapi-spec/_schemas/1.0``, and ``shared/`` sits beside
the repository (``<repo root>/../shared``; set ``ORO_SANDBOX_SHARED`` to use another one). The
request schemas ``$ref`` the response schema by its ``$id``, so all four go into one
``jsonschema_rs.Registry``; ``validate_formats=True`` makes ``format: uri-reference`` count. With
that set-up jsonschema-rs agrees with all 94 labelled examples (``tests/test_vendor_schema.py``).

Validators are compiled once, on first use. One relaxation, after JSON:API 1.1 (reference §21):
a resource object's ``links`` may hold links other than ``self`` (search items' ``entityUrl``).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs

__all__ = [
    "KINDS",
    "assert_valid_request",
    "assert_valid_response",
    "errors_of",
    "schema_dir",
    "shared_dir",
]

Kind = Literal["response", "create_resource", "update_resource", "update_relationship"]

# kind -> schema file in _schemas/1.0
KINDS: dict[str, str] = {
    "response": "schema.json",
    "create_resource": "schema_create_resource.json",
    "update_resource": "schema_update_resource.json",
    "update_relationship": "schema_update_relationship.json",
}

REPO_ROOT = Path(__file__).resolve().parent.parent
_MESSAGE_LIMIT = 240
_BRANCHING = (
    jsonschema_rs.ValidationErrorKind.OneOfNotValid,
    jsonschema_rs.ValidationErrorKind.AnyOf,
)


def shared_dir() -> Path:
    """``$ORO_SANDBOX_SHARED`` if set, else the ``shared`` folder beside the repository."""
    override = os.environ.get("ORO_SANDBOX_SHARED")
    return Path(override) if override else REPO_ROOT.parent / "shared"


def schema_dir() -> Path:
    """The folder holding the four JSON:API 1.0 schemas and their ``tests/`` examples."""
    folder = shared_dir() / "vendor" / "jsonapi-spec" / "_schemas" / "1.0"
    if not (folder / KINDS["response"]).is_file():
        raise FileNotFoundError(
            f"JSON:API schema not found in {folder}; put a copy of shared/ beside the repository "
            "or set ORO_SANDBOX_SHARED to its path"
        )
    return folder


@functools.cache
def _validators() -> dict[str, Any]:
    folder = schema_dir()
    schemas = {
        kind: json.loads((folder / name).read_text(encoding="utf-8"))
        for kind, name in KINDS.items()
    }
    # JSON:API 1.1 lets a resource object's links hold members other than self (Oro's search
    # items carry entityUrl; reference §21): they must still be links. Nothing else is relaxed.
    definitions = schemas["response"]["definitions"]
    definitions["resourceLinks"]["additionalProperties"] = {"$ref": "#/definitions/link"}
    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in schemas.values()])
    return {
        kind: jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)
        for kind, schema in schemas.items()
    }


def _validator(kind: str) -> Any:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _validators()[kind]


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _pointer(path: list[str | int]) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in path) or "/"


def errors_of(doc: Any, kind: Kind = "response") -> list[str]:
    """Readable violations of ``doc`` (``[]`` when valid), each as ``"<pointer>: <message>"``.

    ``oneOf``/``anyOf`` failures say little by themselves ("... is not valid under any of the
    schemas"), so the leaf failures of each branch follow them, indented.
    """
    validator = _validator(kind)
    messages: list[str] = []
    branching = False
    for error in validator.iter_errors(doc):
        messages.append(f"{_pointer(error.instance_path)}: {_short(error.message)}")
        branching = branching or isinstance(error.kind, _BRANCHING)
    if branching:
        for leaf in validator.evaluate(doc).errors():
            messages.append(f"    {leaf['instanceLocation'] or '/'}: {_short(leaf['error'])}")
    return messages


def _assert_valid(doc: Any, kind: Kind) -> None:
    __tracebackhide__ = True
    messages = errors_of(doc, kind)
    if messages:
        raise AssertionError(
            f"not a valid JSON:API {kind.replace('_', ' ')} document:\n" + "\n".join(messages)
        )


def assert_valid_response(doc: Any) -> None:
    """Fail with readable messages unless ``doc`` is a valid JSON:API response document."""
    __tracebackhide__ = True
    _assert_valid(doc, "response")


def assert_valid_request(doc: Any, kind: Kind) -> None:
    """Fail unless ``doc`` is a valid request body of ``kind``.

    ``kind`` is ``"create_resource"`` (POST), ``"update_resource"`` (PATCH) or
    ``"update_relationship"`` (PATCH ``/relationships/...``).
    """
    __tracebackhide__ = True
    if kind == "response":
        raise ValueError("use assert_valid_response for response documents")
    _assert_valid(doc, kind)
