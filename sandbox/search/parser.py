"""Query text → the objects of :mod:`sandbox.search.language`; pure, no I/O.

- :func:`parse_query`: a whole legacy advanced search query (``select … from … where …``), where a
  field may carry its type first (``integer count``, ``text.name``; ``float``/``double`` mean
  ``decimal``).
- :func:`parse_condition`: JSON:API ``filter[searchQuery]``, a condition only, fields by name,
  with ``starts_with``, ``exists`` and ``notexists`` besides the legacy operators.
- :func:`parse_aggregations`: JSON:API ``filter[aggregations]`` (``field function [name]``, …).

``and`` and ``or`` join from left to right as Oro's parser does; brackets group. A malformed text
raises :class:`SearchSyntaxError` with the 0-based character ``position``, what was ``found``
there and what was ``expected`` — the same message as the sandbox server's 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.exceptions import QueryError
from sandbox.search.language import (
    FLAG_OPERATORS,
    FUNCTIONS,
    JSONAPI_OPERATORS,
    KEYWORDS,
    LEGACY_OPERATORS,
    LIST_OPERATORS,
    OPERATORS,
    TYPE_WORDS,
    AdvancedQuery,
    Aggregate,
    Condition,
    Expression,
    Field,
    Group,
    OrderBy,
    Selected,
)

__all__ = [
    "SearchSyntaxError",
    "Token",
    "parse_aggregations",
    "parse_condition",
    "parse_query",
    "tokenize",
]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<unterminated>["'])
    | (?P<op>!~|!=|>=|<=|!in\b|[~=<>])
    | (?P<punct>[(),])
    | (?P<word>[^\s(),"'=<>~!]+)
    | (?P<bad>\S)
    )""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


class SearchSyntaxError(QueryError):
    """A malformed search query: ``position`` (0-based, in characters), ``found`` and
    ``expected``."""

    def __init__(self, position: int, found: str, expected: str) -> None:
        self.position = position
        self.found = found
        self.expected = expected
        super().__init__(f"{found} at position {position}: expected {expected}.")


@dataclass(frozen=True)
class Token:
    kind: str  # "string" | "op" | "punct" | "word" | "end"
    text: str  # a string's text unquoted
    position: int

    def describe(self) -> str:
        return "Unexpected end of the query" if self.kind == "end" else f'Unexpected "{self.text}"'

    def keyword(self) -> str | None:
        return self.text.lower() if self.kind in ("word", "op") else None


def tokenize(text: str) -> list[Token]:
    """The tokens of a query, the last one ``end`` (e.g. to colour a query in an editor)."""
    tokens: list[Token] = []
    position = 0
    while True:
        match = _TOKEN.match(text, position)
        kind = match.lastgroup if match else None
        if match is None or kind is None:  # only blanks left
            break
        start = match.start(kind)
        value = match.group(kind)
        if kind == "unterminated":
            raise SearchSyntaxError(start, "Unterminated string", "a closing quote")
        if kind == "bad":
            raise SearchSyntaxError(
                start, f'Unexpected "{value}"', "a field, an operator or a value"
            )
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1], flags=re.DOTALL)
        tokens.append(Token(kind, value, start))
        position = match.end()
    tokens.append(Token("end", "", len(text.rstrip())))
    return tokens


class _Parser:
    def __init__(self, text: str, *, legacy: bool) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.legacy = legacy

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def fail(self, expected: str) -> SearchSyntaxError:
        return SearchSyntaxError(self.token.position, self.token.describe(), expected)

    def at(self, *words: str) -> bool:
        return self.token.keyword() in words

    def punct(self, char: str) -> bool:
        return self.token.kind == "punct" and self.token.text == char

    def expect_punct(self, char: str, expected: str) -> None:
        if not self.punct(char):
            raise self.fail(expected)
        self.take()

    def name(self, what: str) -> Token:
        if self.token.kind != "word" or self.token.keyword() in (*KEYWORDS, "and", "or"):
            raise self.fail(what)
        return self.take()

    def listed(self, item: Any) -> list[Any]:
        """``(item, item, …)``, the opening bracket already taken."""
        items = [item()]
        while self.punct(","):
            self.take()
            items.append(item())
        self.expect_punct(")", '"," or ")"')
        return items

    def one_or_listed(self, item: Any) -> tuple[Any, ...]:
        """``item`` or ``(item, item, …)``."""
        if not self.punct("("):
            return (item(),)
        self.take()
        return tuple(self.listed(item))

    # the grammar

    def field(self) -> Field:
        first = self.name("a field name")
        typed = TYPE_WORDS.get(first.text.lower()) if self.legacy else None
        if typed is not None:
            follows = self.token.keyword() not in (*OPERATORS, *KEYWORDS, "and", "or", "as")
            if "." not in first.text and self.token.kind == "word" and follows:
                return Field(self.take().text, typed, first.position)
            return Field(first.text, None, first.position)  # a field named like a type
        head, dot, tail = first.text.partition(".")
        if self.legacy and dot and head.lower() in TYPE_WORDS and tail:
            return Field(tail, TYPE_WORDS[head.lower()], first.position)
        return Field(first.text, None, first.position)

    def value(self) -> str:
        token = self.token
        if token.kind == "string" or (
            token.kind == "word" and token.keyword() not in ("and", "or", *KEYWORDS)
        ):
            return self.take().text
        raise self.fail("a value")

    def condition(self) -> Condition:
        field = self.field()
        allowed = LEGACY_OPERATORS if self.legacy else JSONAPI_OPERATORS
        word = self.token.keyword()
        if word not in allowed:
            raise self.fail(f"an operator ({', '.join(allowed)})")
        self.take()
        value: str | tuple[str, ...] | None
        if word in FLAG_OPERATORS:
            value = None
        elif word in LIST_OPERATORS:
            self.expect_punct("(", "a bracketed list of values")
            value = tuple(self.listed(self.value))
        else:
            value = self.value()
        return Condition(field, word, value, field.position)

    def term(self) -> Expression:
        if self.punct("("):
            self.take()
            inner = self.expression()
            self.expect_punct(")", 'a closing bracket ")"')
            return inner
        return self.condition()

    def expression(self) -> Expression:
        items = [self.term()]
        joins: list[str] = []
        while self.at("and", "or"):
            joins.append(self.take().text.lower())
            items.append(self.term())
        return items[0] if not joins else Group(tuple(items), tuple(joins))

    def number(self, keyword: str) -> int:
        token = self.token
        if token.kind != "word" or not token.text.isdigit():
            raise self.fail(f"a whole number after {keyword}")
        self.take()
        return int(token.text)

    def selected(self) -> Selected:
        field = self.field()
        if self.at("as"):
            self.take()
            return Selected(field, self.name("a name after as").text)
        return Selected(field)

    def alias(self) -> Token:
        return self.name("an entity alias")

    def aggregate(self) -> Aggregate:
        field = self.field()
        if self.token.keyword() not in FUNCTIONS:
            raise self.fail(f"an aggregate function ({', '.join(FUNCTIONS)})")
        function = self.take().text.lower()
        return Aggregate(field, function, self.name("an aggregate name").text)

    def query(self) -> AdvancedQuery:
        parts: dict[str, Any] = {}
        seen: set[str] = set()
        while self.token.kind != "end":
            keyword = self.token.keyword()
            if keyword not in KEYWORDS:
                raise self.fail("a keyword (" + ", ".join(KEYWORDS) + ")")
            if keyword in seen:
                raise self.fail(f"{keyword} only once")
            seen.add(keyword)
            self.take()
            if keyword == "select":
                parts["select"] = self.one_or_listed(self.selected)
            elif keyword == "from":
                aliases = self.one_or_listed(self.alias)
                parts["from_"] = tuple(a.text for a in aliases)
                parts["alias_positions"] = tuple(a.position for a in aliases)
            elif keyword == "where":
                parts["where"] = self.expression()
            elif keyword == "aggregate":
                found = [self.aggregate()]
                while self.punct(","):
                    self.take()
                    found.append(self.aggregate())
                parts["aggregates"] = tuple(found)
            elif keyword == "order_by":
                field = self.field()
                descending = False
                if self.at("asc", "desc"):
                    descending = self.take().text.lower() == "desc"
                parts["order_by"] = OrderBy(field, descending)
            else:
                parts[keyword] = self.number(keyword)
        return AdvancedQuery(**parts)

    def only_expression(self) -> Expression:
        expression = self.expression()
        if self.token.kind != "end":
            raise self.fail('"and", "or" or the end of the query')
        return expression


def parse_query(text: str) -> AdvancedQuery:
    """A legacy advanced search query; an empty text is the empty query (every record)."""
    return _Parser(text, legacy=True).query()


def parse_condition(text: str) -> Expression:
    """JSON:API ``filter[searchQuery]``: a condition, fields by name."""
    return _Parser(text, legacy=False).only_expression()


def parse_aggregations(text: str) -> tuple[Aggregate, ...]:
    """JSON:API ``filter[aggregations]``: ``field function [name]``, comma-separated; the name
    defaults to the field and the capitalized function (``productTypeCount``)."""
    found = []
    position = 0
    for part in text.split(","):
        words = [(m.group(), position + m.start()) for m in re.finditer(r"\S+", part)]
        at = words[0][1] if words else position + len(part)
        if len(words) not in (2, 3):
            raise SearchSyntaxError(at, f'Unexpected "{part.strip()}"', "field function [name]")
        (name, _), (function, function_at) = words[0], words[1]
        if function.lower() not in FUNCTIONS:
            raise SearchSyntaxError(
                function_at,
                f'Unexpected "{function}"',
                f"an aggregate function ({', '.join(FUNCTIONS)})",
            )
        function = function.lower()
        result = words[2][0] if len(words) == 3 else name + function.capitalize()
        found.append(Aggregate(Field(name, None, at), function, result))
        position += len(part) + 1
    return tuple(found)
