"""The ceiling: a raw ASGI app that answers with bytes serialized in advance.

It does the least an ASGI app can do — look the request target up in a dict and send two
prepared messages — so uvicorn plus the loopback network under it is all that it measures.
``run.py`` fetches the real bodies from our server first and hands them over in a JSON file
(see :func:`save_responses`), so both servers put the same bytes, with the same content type,
on the wire.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

Message = dict[str, Any]

NOT_FOUND: tuple[Message, Message] = (
    {
        "type": "http.response.start",
        "status": 404,
        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"9")],
    },
    {"type": "http.response.body", "body": b"not found"},
)


class Response:
    """A prepared answer: the body and its content type, exactly as our server sent them."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self.body = body
        self.content_type = content_type

    def messages(self) -> tuple[Message, Message]:
        headers = [
            (b"content-type", self.content_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode()),
        ]
        return (
            {"type": "http.response.start", "status": 200, "headers": headers},
            {"type": "http.response.body", "body": self.body},
        )


class CeilingApp:
    """Serve ``responses`` (request target, e.g. ``/api/accounts/1?x=y`` → response)."""

    def __init__(self, responses: Mapping[str, Response]) -> None:
        self._messages = {
            target.encode("latin-1"): response.messages() for target, response in responses.items()
        }

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        query = scope["query_string"]
        target = scope["raw_path"] + b"?" + query if query else scope["raw_path"]
        start, body = self._messages.get(target, NOT_FOUND)
        await send(start)
        await send(body)


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def save_responses(path: Path, responses: Mapping[str, Response]) -> None:
    entries = [
        {
            "target": target,
            "content_type": response.content_type,
            "body": base64.b64encode(response.body).decode(),
        }
        for target, response in responses.items()
    ]
    path.write_bytes(orjson.dumps(entries))


def load_responses(path: Path) -> dict[str, Response]:
    return {
        entry["target"]: Response(base64.b64decode(entry["body"]), entry["content_type"])
        for entry in orjson.loads(path.read_bytes())
    }
