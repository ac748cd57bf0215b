"""Oro's search query language, parsed: pure, no SQL.

Two dialects share one grammar. The legacy advanced search (``/api/rest/latest/search/advanced``)
reads a whole query::

    [select field | select (field [as name], ...)] [from alias | from (alias, ...)]
    [where condition] [aggregate field function [as] name] ...
    [order_by field [asc|desc]] [offset N] [max_results N]

where a field may carry its type first (``integer count``, ``text.name``; ``float`` and
``double`` mean ``decimal``). JSON:API's ``filter[searchQuery]`` reads the condition only, fields
by name. A condition is ``field operator value``; ``and`` and ``or`` join conditions from left to
right as Oro's parser does (``a or b and c`` is ``(a or b) and c``: its criteria add each
condition with ``andWhere``/``orWhere`` in turn), brackets group them, and within one pair of
brackets the joins must all be ``and`` or all ``or`` (Oro: "Composite operators of different
types are not allowed on single level"). ``aggregate`` may be repeated, one aggregate each, as
Oro writes it; a comma-separated list after one ``aggregate`` is also read (Oro refuses it; the
sandbox library wrote it so until it writes Oro's form). A
value is a word or a quoted string; ``in``/``!in`` take a bracketed list; ``exists``/``notexists``
none.

A malformed query raises :class:`SearchSyntaxError` with the position (0-based, in characters)
and what was expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TYPES = {"text": "text", "integer": "integer", "decimal": "decimal", "datetime": "datetime"}
TYPES |= {"float": "decimal", "double": "decimal"}
# operators by the kind of value they take
VALUE_OPERATORS = ("~", "!~", "like", "notlike", "starts_with", "=", "!=", ">", "<", ">=", "<=")
LIST_OPERATORS = ("in", "!in")
FLAG_OPERATORS = ("exists", "notexists")
OPERATORS = VALUE_OPERATORS + LIST_OPERATORS + FLAG_OPERATORS
LEGACY_OPERATORS = tuple(o for o in OPERATORS if o not in ("starts_with", *FLAG_OPERATORS))
FUNCTIONS = ("count", "sum", "avg", "min", "max")
KEYWORDS = ("select", "from", "where", "aggregate", "order_by", "offset", "max_results")

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<unterminated>["'])
    | (?P<op>!~|!=|>=|<=|!in\b|[~=<>])
    | (?P<punct>[(),])
    | (?P<word>[^\s(),"'=<>~!]+)
    | (?P<bad>\S)
    )""",
    re.VERBOSE | re.IGNORECASE,
)


class SearchSyntaxError(ValueError):
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
        if self.kind == "end":
            return "Unexpected end of the query"
        return f'Unexpected "{self.text}"'

    def keyword(self) -> str | None:
        return self.text.lower() if self.kind in ("word", "op") else None


@dataclass(frozen=True)
class Field:
    name: str
    type: str | None = None  # None: as the index declares it (text for an unknown name)
    position: int = 0


@dataclass(frozen=True)
class Condition:
    field: Field
    operator: str
    value: str | tuple[str, ...] | None  # words as written; a list for in/!in; None for flags
    position: int = 0


@dataclass(frozen=True)
class Group:
    """Conditions joined left to right: ``items[0] joins[0] items[1] joins[1] ...``."""

    items: tuple[Expression, ...]
    joins: tuple[str, ...]  # "and" | "or", one fewer than items


Expression = Condition | Group


@dataclass(frozen=True)
class Aggregate:
    field: Field
    function: str
    name: str


@dataclass(frozen=True)
class Selected:
    field: Field
    alias: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    select: tuple[Selected, ...] = ()
    from_: tuple[str, ...] = ()  # aliases; empty: every searchable type
    where: Expression | None = None
    aggregates: tuple[Aggregate, ...] = ()
    order_by: tuple[Field, bool] | None = None  # (field, descending)
    offset: int | None = None
    max_results: int | None = None
    positions: dict[str, int] = field(default_factory=dict, compare=False)  # keyword → its position


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while True:
        match = _TOKEN.match(text, position)
        if match is None or (match.end() == position and not match.lastgroup):
            break
        kind = match.lastgroup
        if kind is None:  # only blanks left
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
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append(Token(kind, value, start))
        position = match.end()
    tokens.append(Token("end", "", len(text.rstrip()) if text.strip() else 0))
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
        token = self.token
        if token.kind != "word" or token.keyword() in (*KEYWORDS, "and", "or"):
            raise self.fail(what)
        return self.take()

    # the grammar

    def field(self) -> Field:
        first = self.name("a field name")
        typed = TYPES.get(first.text.lower()) if self.legacy else None
        if typed is not None:
            follows = self.token.keyword() not in OPERATORS + KEYWORDS + ("and", "or", "as")
            if "." not in first.text and self.token.kind == "word" and follows:
                return Field(self.take().text, typed, first.position)
            return Field(first.text, None, first.position)  # a field named like a type
        head, dot, tail = first.text.partition(".")
        if self.legacy and dot and head.lower() in TYPES and tail:
            return Field(tail, TYPES[head.lower()], first.position)
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
        operator = self.token
        allowed = LEGACY_OPERATORS if self.legacy else OPERATORS
        word = operator.keyword()
        if word not in allowed:
            raise self.fail(f"an operator ({', '.join(allowed)})")
        self.take()
        value: str | tuple[str, ...] | None
        if word in FLAG_OPERATORS:
            value = None
        elif word in LIST_OPERATORS:
            self.expect_punct("(", "a bracketed list of values")
            values = [self.value()]
            while self.punct(","):
                self.take()
                values.append(self.value())
            self.expect_punct(")", '"," or ")"')
            value = tuple(values)
        else:
            value = self.value()
        return Condition(field, word, value, field.position)

    def term(self) -> Expression:
        if self.punct("("):
            self.take()
            inner = self.expression(bracketed=True)
            self.expect_punct(")", 'a closing bracket ")"')
            return inner
        return self.condition()

    def expression(self, *, bracketed: bool = False) -> Expression:
        """Conditions joined by ``and``/``or``, read left to right; within brackets all joins
        must be alike, as Oro's parser requires."""
        items = [self.term()]
        joins: list[str] = []
        while self.at("and", "or"):
            join = self.token
            if bracketed and joins and join.text.lower() != joins[0]:
                raise self.fail(
                    f'"{joins[0]}" (the conditions within one pair of brackets are joined all'
                    ' by "and" or all by "or")'
                )
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

    def aliases(self) -> tuple[str, ...]:
        if not self.punct("("):
            return (self.name("an entity alias").text,)
        self.take()
        names = [self.name("an entity alias").text]
        while self.punct(","):
            self.take()
            names.append(self.name("an entity alias").text)
        self.expect_punct(")", '"," or ")"')
        return tuple(names)

    def aggregate(self) -> Aggregate:
        """``[type] field function [as] name``, one for each ``aggregate`` keyword."""
        field = self.field()
        function = self.token
        if function.keyword() not in FUNCTIONS:
            raise self.fail(f"an aggregate function ({', '.join(FUNCTIONS)})")
        self.take()
        if self.at("as"):
            self.take()
        return Aggregate(field, function.text.lower(), self.name("an aggregate name").text)

    def query(self) -> SearchQuery:
        parts: dict[str, object] = {}
        positions: dict[str, int] = {}
        aggregates: list[Aggregate] = []
        while self.token.kind != "end":
            keyword = self.token.keyword()
            if keyword not in KEYWORDS:
                raise self.fail("a keyword (" + ", ".join(KEYWORDS) + ")")
            if keyword in positions and keyword != "aggregate":
                raise self.fail(f"{keyword} only once")
            positions.setdefault(keyword, self.token.position)
            self.take()
            if keyword == "select":
                if self.punct("("):
                    self.take()
                    chosen = [self.selected()]
                    while self.punct(","):
                        self.take()
                        chosen.append(self.selected())
                    self.expect_punct(")", '"," or ")"')
                    parts["select"] = tuple(chosen)
                else:
                    parts["select"] = (self.selected(),)
            elif keyword == "from":
                parts["from_"] = self.aliases()
            elif keyword == "where":
                parts["where"] = self.expression()
            elif keyword == "aggregate":
                aggregates.append(self.aggregate())
                while self.punct(","):  # not Oro's (the module says why)
                    self.take()
                    aggregates.append(self.aggregate())
            elif keyword == "order_by":
                field = self.field()
                descending = False
                if self.at("asc", "desc"):
                    descending = self.take().text.lower() == "desc"
                parts["order_by"] = (field, descending)
            else:
                parts[keyword] = self.number(keyword)
        if aggregates:
            parts["aggregates"] = tuple(aggregates)
        return SearchQuery(positions=positions, **parts)  # type: ignore[arg-type]

    def only_expression(self) -> Expression:
        expression = self.expression()
        if self.token.kind != "end":
            raise self.fail('"and", "or" or the end of the query')
        return expression


def parse_search_query(text: str) -> SearchQuery:
    """A legacy advanced search query."""
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
        words = part.split()
        offset = position + len(part) - len(part.lstrip())
        if len(words) not in (2, 3):
            raise SearchSyntaxError(offset, f'Unexpected "{part.strip()}"', "field function [name]")
        name, function = words[0], words[1].lower()
        if function not in FUNCTIONS:
            at = offset + part.strip().index(words[1])
            raise SearchSyntaxError(
                at, f'Unexpected "{words[1]}"', f"an aggregate function ({', '.join(FUNCTIONS)})"
            )
        result = words[2] if len(words) == 3 else name + function.capitalize()
        found.append(Aggregate(Field(name, None, offset), function, result))
        position += len(part) + 1
    return tuple(found)


def conditions(expression: Expression | None) -> list[Condition]:
    """Every condition of an expression, in order."""
    if expression is None:
        return []
    if isinstance(expression, Condition):
        return [expression]
    return [c for item in expression.items for c in conditions(item)]
