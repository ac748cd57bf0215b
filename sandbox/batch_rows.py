"""Rows for a batch from text (pure): CSV or JSON as a learner pastes or uploads it, read against
a resource type's metadata, and the template a type's batch starts from.

CSV: one row per record, a column per attribute or to-one relationship (its value: the related
record's id); an empty cell is left out. Values are typed by the metadata (integers, numbers,
booleans), the rest stays text. JSON: a list of objects (the same shape), or a whole batch
document (``{"data": [...]}``), sent as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from sandbox.exceptions import SpecError
from sandbox.metadata import ResourceType
from sandbox.writes import Record, Ref

__all__ = ["parse_rows", "records_of", "template"]

_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def parse_rows(text: str, format_: str) -> list[dict[str, Any]] | dict[str, Any]:
    """``text`` as rows (``format_``: ``"csv"`` or ``"json"``); a batch document stays one."""
    if not text.strip():
        raise SpecError("no rows: paste or upload CSV or JSON first")
    if format_ == "json":
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise SpecError(f"not JSON: {error}") from None
        if isinstance(value, dict) and isinstance(value.get("data"), list):
            return value
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SpecError("JSON rows are a list of objects (or a batch document with data)")
        return value
    reader = csv.DictReader(io.StringIO(text.strip()))
    rows = [{k.strip(): v for k, v in row.items() if k and v not in (None, "")} for row in reader]
    if not rows:
        raise SpecError("no rows under the CSV header")
    return rows


def _typed(kind: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if kind == "integer":
            return int(text)
        if kind in ("float", "percent"):
            return float(text)
    except ValueError:
        return value  # the server says what is wrong with it
    if kind == "boolean" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    return value


def records_of(resource: ResourceType, rows: list[dict[str, Any]]) -> list[Record]:
    """Records of ``resource``: to-one relationship columns become references by id."""
    records = []
    for row in rows:
        attributes: dict[str, Any] = {}
        relationships: dict[str, Any] = {}
        for name, value in row.items():
            relationship = resource.relationships.get(name)
            if relationship is not None and relationship.target and not relationship.many:
                relationships[name] = Ref(relationship.target, str(value))
            elif name in resource.attributes:
                attributes[name] = _typed(resource.attributes[name].kind, value)
            else:
                attributes[name] = value  # unknown: the server's extra-fields error tells
        records.append(Record(resource.type, attributes, **relationships))
    return records


def template(resource: ResourceType, rows: int = 3) -> str:
    """A CSV a batch of ``resource`` can start from: the fields its create requires (else its
    first writable attribute), and a few rows of example values (the last one invalid: blank)."""
    required = [n for n in resource.required if n in resource.attributes]
    writable = [n for n, a in resource.attributes.items() if not a.read_only]
    columns = required or writable[:1]
    extra = next((n for n in writable if n not in columns and "description" in n.lower()), None)
    columns += [extra] if extra else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for number in range(1, rows + 1):
        blank = number == rows
        writer.writerow(
            [
                "" if blank and i == 0 else _example(resource, c, number)
                for i, c in enumerate(columns)
            ]
        )
    return out.getvalue()


def _example(resource: ResourceType, name: str, number: int) -> str:
    attribute = resource.attributes[name]
    if attribute.enum:
        return attribute.enum[0]
    kind = attribute.kind
    if kind == "integer":
        return str(number)
    if kind in ("float", "money", "percent"):
        return f"{number}.5"
    if kind == "boolean":
        return "true"
    if "email" in name.lower():
        return f"batch{number}@example.com"
    return f"Batch {name} {number}"
