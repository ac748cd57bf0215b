"""One batch item — a primary item with its included items — written through the same path
as a single create or update (``server.actions.save``), in the caller's transaction.

An item is a create unless its ``meta`` says otherwise (reference §15.1): ``"update": true`` with
an ``id`` updates that record (as ``PATCH /api/{type}/{id}`` would), ``upsert`` and ``validate``
act as on ``POST``. The caller's access rules apply to the item and every related record exactly
as for a single request, since it is the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.actions import save
from server.actions.context import Context
from server.jsonapi.errors import RequestDataConstraint, ValueConstraint
from server.jsonapi.ids import parse_id
from server.jsonapi.request_doc import WriteDocument, parse_write_document
from server.metadata.model import Resource


@dataclass
class Written:
    """A record the item wrote, as the synchronous reply and the summary need it."""

    section: str  # "data" | "included"
    index: int  # position in the item's document (its caller maps it to the request's)
    type: str
    id: str
    sent_id: str | None
    created: bool
    written: bool  # False for ``meta.validate``: checked, then rolled back


def _as_request(resource: Resource, document: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The item as a create document, or for ``meta.update`` an update one and its id."""
    data = document.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
        return document, None
    meta = dict(data["meta"])
    if "update" not in meta:
        return document, None
    update = meta.pop("update")
    if not isinstance(update, bool):
        raise ValueConstraint("This value should be a boolean.", pointer="/meta/update")
    if update and any(meta.get(name) for name in ("upsert", "validate")):
        raise RequestDataConstraint("Only one meta option can be used.", pointer="/meta")
    data = {**data, "meta": meta} if meta else {k: v for k, v in data.items() if k != "meta"}
    document = {**document, "data": data}
    if not update:
        return document, None
    if not isinstance(data.get("id"), str):
        raise RequestDataConstraint("The 'id' property is required", pointer="/data/id")
    return document, parse_id(resource, data["id"], pointer="/data/id")


def parse_unit(
    ctx: Context, resource: Resource, document: dict[str, Any]
) -> tuple[WriteDocument, Any | None]:
    """The item as a parsed write document and its PATCH id (raises the item's errors)."""
    request, url_id = _as_request(resource, document)
    return parse_write_document(request, resource, ctx.backend.registry, url_id=url_id), url_id


def written(stored: save.Stored) -> list[Written]:
    """The records an item wrote: its primary object, then its included items."""
    kept = not stored.validated
    primary = stored.document.primary
    result = [
        Written(
            "data",
            0,
            primary.resource.type,
            str(stored.ids[None]),
            primary.sent_id,
            stored.created[None],
            kept,
        )
    ]
    for obj in stored.document.included:
        assert obj.index is not None
        result.append(
            Written(
                "included",
                obj.index,
                obj.resource.type,
                str(stored.ids[obj.index]),
                obj.sent_id,
                stored.created[obj.index],
                kept,
            )
        )
    return result
