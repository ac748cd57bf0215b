"""Helpers shared by the API integration tests: fetch-and-validate, flattened records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from tests.jsonapi_schema import assert_valid_response

JSON_API = "application/vnd.api+json"
NO_LINKS = {"X-Include": "noHateoas"}
Record = dict[str, Any]


def get_doc(
    client: httpx.Client,
    url: str,
    params: Iterable[tuple[str, str]] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """GET, check the status and the JSON:API content type, validate against the schema."""
    response = client.get(url, params=list(params) if params is not None else None, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    doc = response.json()
    assert_valid_response(doc)
    return doc


def record(obj: dict[str, Any]) -> Record:
    """A resource object flattened: id, attributes, and related ids (a list for to-many)."""
    flat: Record = {"id": obj["id"], **obj.get("attributes", {})}
    for name, rel in obj.get("relationships", {}).items():
        data = rel["data"]
        if isinstance(data, list):
            flat[name] = [item["id"] for item in data]
        else:
            flat[name] = None if data is None else data["id"]
    return flat
