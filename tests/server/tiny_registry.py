"""A registry of three small resources, written out here so the pure-module tests read as literal
cases that no change to the demo's resources can move: ``articles`` (an author, tags), ``people``
and ``tags``."""

from __future__ import annotations

from server.metadata import types as t
from server.metadata.model import Attribute, Registry, Relationship, Resource

ARTICLES = Resource(
    "articles",
    "article",
    "An article.",
    (
        Attribute("title", t.STRING, sortable=True, extra_operators=("contains", "starts_with")),
        Attribute("views", t.INTEGER, sortable=True),
        Attribute("publishedAt", t.DATETIME),
        Attribute("draft", t.BOOLEAN),
    ),
    (
        Relationship("author", "people"),
        Relationship("tags", "tags", many=True, link_table="article_tags"),
    ),
    title="{title}",
)
PEOPLE = Resource(
    "people",
    "person",
    "A person.",
    (Attribute("name", t.STRING, sortable=True),),
    (Relationship("articles", "articles", many=True, inverse="author"),),
)
TAGS = Resource("tags", "tag", "A tag.", (Attribute("label", t.STRING),), id_type=t.STRING)
REGISTRY = Registry.of([ARTICLES, PEOPLE, TAGS])
