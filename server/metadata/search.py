"""Search metadata: what a resource puts in the search index, as Oro's ``search.yml`` declares it.

Each searchable resource has an alias (``oro_user``), the class name the legacy API reports, a
title template (``record_string``), the UI page of a record, and typed search fields. A field
reads one or more of the resource's attributes or to-one associations (several texts are joined
with a space); every ``text`` field also goes into ``allText``, the field simple search reads.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cached_property

TYPES = ("text", "integer", "decimal", "datetime")
ALL_TEXT = "allText"


@dataclass(frozen=True)
class SearchField:
    name: str
    type: str  # one of TYPES
    source: tuple[str, ...]  # attribute or to-one association names of the resource

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown search field type {self.type}")


@dataclass(frozen=True)
class Search:
    alias: str  # e.g. "oro_user"
    entity_class: str  # e.g. "Oro\\Bundle\\UserBundle\\Entity\\User"
    label: str  # e.g. "User" (searchentities' entityName)
    title: str  # format template over attribute names: the record_string
    url: str  # the record's UI page, "{id}" replaced, e.g. "/user/view/{id}"
    fields: tuple[SearchField, ...]

    def field(self, name: str) -> SearchField | None:
        return next((f for f in self.fields if f.name == name), None)

    @cached_property  # (read for every record the index writes)
    def fields_read(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """Each field's (type, name, source)."""
        return tuple((f.type, f.name, f.source) for f in self.fields)

    @cached_property
    def title_parts(self) -> tuple[tuple[str, str | None], ...] | None:
        """The title template as (literal text, source name or None) pairs; None when it uses
        more than plain names (a format spec, a conversion, an attribute)."""
        parts = []
        for literal, name, spec, conversion in string.Formatter().parse(self.title):
            if spec or conversion or (name and not name.isidentifier()):
                return None
            parts.append((literal, name or None))
        return tuple(parts)
