"""What the Batch API tests share: send a batch, wait for its operation, read its errors."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.server.write_support import JSON_API, document, send

TERMINAL = ("success", "failed", "cancelled")


def submit(http: httpx.Client, type_: str, body: Any, **headers: str) -> httpx.Response:
    return http.patch(
        f"/{type_}", content=_json(body), headers={"Content-Type": JSON_API, **headers}
    )


def _json(body: Any) -> bytes:
    import orjson

    return orjson.dumps(body)


def operation_url(response: httpx.Response) -> str:
    assert response.status_code == 202, response.text
    return response.headers["content-location"]


def wait(http: httpx.Client, url: str, timeout: float = 30) -> dict[str, Any]:
    """The operation's resource object once it is finished."""
    deadline = time.monotonic() + timeout
    while True:
        obj = document(http.get(url), 200)["data"]
        if obj["attributes"]["status"] in TERMINAL:
            return obj
        assert time.monotonic() < deadline, f"operation still {obj['attributes']['status']}"
        time.sleep(0.02)


def run(http: httpx.Client, type_: str, body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Submit, wait, and return the finished operation with all its errors."""
    url = operation_url(submit(http, type_, body))
    operation = wait(http, url)
    errors = document(http.get(f"{url}/errors", params={"page[size]": "-1"}), 200)["data"]
    return operation, errors


def accounts(*names: str) -> dict[str, Any]:
    return {"data": [{"type": "accounts", "attributes": {"name": name}} for name in names]}


__all__ = ["accounts", "operation_url", "run", "send", "submit", "wait"]
