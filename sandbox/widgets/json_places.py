"""Where things are in a JSON text: the place a JSON pointer (RFC 6901) names, as an error's
``source.pointer`` does (``/data/attributes/name``, ``/included/1/relationships/owner/data``,
``/meta/upsert``), and where a text stops being JSON. Pure; the JSON body editor marks these.

:func:`locate` gives a :class:`Place`: the character range of the member (its key and value, as
``"name": "Acme"``) or array item the pointer names. When the text lacks it (a required attribute
left out), the place is the nearest thing that is there — the key of the object that would hold
it (``"attributes"``), or the opening bracket of the top value — with ``exact=False`` and
``missing`` naming the first absent step. :func:`parse_error` is where the parser stopped.
Offsets count characters (Python's); :func:`utf16` turns one into a browser's (UTF-16 units).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

__all__ = ["ParseError", "Place", "locate", "parse_error", "split_pointer", "utf16"]

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    exact: bool = True  # False: the pointer's target is absent, this is its nearest holder
    missing: str | None = None  # the first step of the pointer that the text lacks


@dataclass(frozen=True)
class ParseError:
    pos: int
    line: int
    column: int
    message: str


@dataclass
class _Node:
    start: int
    end: int
    members: list[tuple[str, int, _Node]] | None = None  # an object's (key, key start, value)
    items: list[_Node] | None = None  # an array's


class _Invalid(ValueError):
    pass


def split_pointer(pointer: str) -> list[str] | None:
    """The reference tokens of ``pointer`` (``~1`` is ``/``, ``~0`` is ``~``); ``None`` when it
    is not a JSON pointer (it does not start with ``/`` and is not empty)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _string(text: str, start: int) -> tuple[str, int]:
    """The string that begins at ``start`` (its opening quote) and where it ends."""
    match = _STRING.match(text, start)
    if match is None:
        raise _Invalid(start)
    return json.loads(match.group()), match.end()


def _value(text: str, start: int) -> _Node:
    """The value that begins at ``start`` (``_Invalid`` where the text is not JSON)."""
    if start >= len(text):
        raise _Invalid(start)
    char = text[start]
    if char in "{[":
        closing = "}" if char == "{" else "]"
        node = _Node(
            start, -1, members=[] if char == "{" else None, items=[] if char == "[" else None
        )
        pos = _skip(text, start + 1)
        if text.startswith(closing, pos):
            node.end = pos + 1
            return node
        while True:
            if node.members is not None:
                if not text.startswith('"', pos):
                    raise _Invalid(pos)
                key, after = _string(text, pos)
                colon = _skip(text, after)
                if not text.startswith(":", colon):
                    raise _Invalid(colon)
                value = _value(text, _skip(text, colon + 1))
                node.members.append((key, pos, value))
            else:
                value = _value(text, pos)
                assert node.items is not None
                node.items.append(value)
            pos = _skip(text, value.end)
            if text.startswith(",", pos):
                pos = _skip(text, pos + 1)
            elif text.startswith(closing, pos):
                node.end = pos + 1
                return node
            else:
                raise _Invalid(pos)
    if char == '"':
        return _Node(start, _string(text, start)[1])
    for literal in ("true", "false", "null"):
        if text.startswith(literal, start):
            return _Node(start, start + len(literal))
    if match := _NUMBER.match(text, start):
        return _Node(start, match.end())
    raise _Invalid(start)


def _parse(text: str) -> _Node | None:
    try:
        node = _value(text, _skip(text, 0))
    except ValueError:  # _Invalid
        return None
    return node if _skip(text, node.end) == len(text) else None


def locate(text: str, pointer: str) -> Place | None:
    """The place ``pointer`` names in ``text`` (see the module docstring); ``None`` when the
    text is not JSON or ``pointer`` not a pointer."""
    tokens = split_pointer(pointer)
    root = _parse(text)
    if tokens is None or root is None:
        return None
    node = root
    place = Place(root.start, root.end)
    container = root.members is not None or root.items is not None
    holder = Place(root.start, root.start + 1) if container else place
    for token in tokens:
        child: tuple[int, _Node] | None = None
        if node.members is not None:
            found = [(start, value) for key, start, value in node.members if key == token]
            child = found[-1] if found else None  # the last one counts, as parsers take it
        elif node.items is not None and token.isdigit() and int(token) < len(node.items):
            item = node.items[int(token)]
            child = (item.start, item)
        if child is None:
            return Place(holder.start, holder.end, exact=False, missing=token)
        key_start, node = child
        place = Place(key_start, node.end)
        if node.members is not None or node.items is not None:
            # what holds the next step: this member's key, or this item's opening bracket
            key_end = _string(text, key_start)[1] if text[key_start] == '"' else key_start + 1
            holder = Place(key_start, key_end)
        else:
            holder = place
    return place


def parse_error(text: str) -> ParseError | None:
    """Where ``text`` stops being JSON (``None`` if it is JSON, or empty)."""
    if not text.strip():
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return ParseError(error.pos, error.lineno, error.colno, error.msg)
    return None


def utf16(text: str, index: int) -> int:
    """``index`` (characters of ``text``) as an offset in UTF-16 code units (a browser's)."""
    head = text[:index]
    return index + sum(1 for char in head if ord(char) > 0xFFFF)
