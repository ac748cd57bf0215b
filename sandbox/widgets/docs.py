"""``DocsView``: what the server says about one resource type — its description, fields,
relationships, filters and their operators, sortable fields, page size and enabled actions —
as HTML tables, from :class:`~sandbox.metadata.ResourceType` (read from the OpenAPI document).

The pure part is :func:`resource_html`; the widget only shows its result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from sandbox.metadata import ResourceType

__all__ = ["DocsView", "resource_html"]

DOCS_CSS = """
.oro-docs table { border-collapse: collapse; margin: 2px 0 10px; }
.oro-docs th, .oro-docs td { text-align: left; vertical-align: top; padding: 2px 12px 2px 0;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.oro-docs th { font-weight: 600; }
.oro-docs td, .oro-docs th, .oro-docs p { line-height: 1.35; }
.oro-docs code { font-family: var(--jp-code-font-family, monospace); }
.oro-docs h4 { margin: 12px 0 4px; }
.oro-docs .oro-note { color: var(--jp-content-font-color2, #616161); font-style: italic; }
"""


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _codes(values: Iterable[str]) -> str:
    return ", ".join(_code(v) for v in values)


def _table(headings: Sequence[str] | None, rows: Iterable[Sequence[str]]) -> str:
    """A table of cells that are HTML already (escape them before); no header row without
    ``headings``."""
    head = ""
    if headings is not None:
        cells = "".join(f"<th>{escape(h)}</th>" for h in headings)
        head = f"<thead><tr>{cells}</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _note(text: str) -> str:
    return f'<p class="oro-note">{escape(text)}</p>'


REQUIRED = "required on create"


def _required(resource: ResourceType, name: str) -> str:
    """Whether a create must give the field, as /api/doc says it: "yes", "no", or "—" for a type
    that cannot be created."""
    if not resource.allows("create"):
        return "—"
    return "yes" if name in resource.required else "no"


def resource_html(resource: ResourceType) -> str:
    """The documentation of ``resource`` as HTML (no styles: see ``DOCS_CSS``)."""
    parts = [f"<h3>{_code(resource.type)}</h3>"]
    if resource.description:
        parts.append(f"<p>{escape(resource.description)}</p>")
    parts.append(f"<p>Ids: {escape(resource.id_type)}.</p>")

    parts.append("<h4>Attributes</h4>")
    if resource.attributes:
        rows: list[tuple[str, ...]] = [
            (
                _code(a.name),
                escape(a.data_type),
                _required(resource, a.name),
                "yes" if a.read_only else "",
                _codes(a.enum),
                escape(a.description),
            )
            for a in resource.attributes.values()
        ]
        headings = ("name", "data type", REQUIRED, "read-only", "values", "description")
        parts.append(_table(headings, rows))
    else:
        parts.append(_note("No attributes."))

    parts.append("<h4>Relationships</h4>")
    if resource.relationships:
        rows = [
            (
                _code(r.name),
                _code(r.target) if r.target else "<i>not stated</i>",
                "to-many" if r.many else "to-one",
                _required(resource, r.name),
                escape(r.description),
            )
            for r in resource.relationships.values()
        ]
        parts.append(_table(("name", "target", "kind", REQUIRED, "description"), rows))
    else:
        parts.append(_note("No relationships."))

    parts.append("<h4>Filters</h4>")
    if resource.filters is None:
        parts.append(_note("The server's description does not list the filters."))
    elif not resource.filters:
        parts.append(_note("No filters."))
    else:
        rows = [
            (
                _code(f"filter[{f.field}]"),
                _codes(f.operators),
                escape(f.data_type),
                "yes" if f.lists else "",
                "yes" if f.ranges else "",
                _codes(f.enum),
            )
            for f in resource.filters.values()
        ]
        headings = ("filter", "operators", "values", "lists a,b", "ranges a..b", "allowed")
        parts.append(_table(headings, rows))

    parts.append("<h4>Sorting and paging</h4>")
    if resource.sortable is None:
        sortable = "not stated"
    else:
        sortable = _codes(resource.sortable) if resource.sortable else "none"
    page = "not stated" if resource.max_page_size is None else f"{resource.max_page_size:,}"
    parts.append(_table(None, [("sortable fields", sortable), ("max page size", escape(page))]))

    parts.append("<h4>Actions</h4>")
    if resource.routes:
        rows = [(_code(r.action), _code(r.method), _code(r.path)) for r in resource.routes]
        parts.append(_table(("action", "method", "path"), rows))
    else:
        parts.append(_note("The server's description lists no actions."))
    writes = [a for a in ("create", "update") if resource.allows(a)]
    if writes:
        parts.append("<h4>Upsert and validate</h4>")
        parts.append(
            _table(("action", "upsert", "validate"), [_write_row(resource, a) for a in writes])
        )
    return "".join(parts)


def _write_row(resource: ResourceType, action: str) -> tuple[str, str, str]:
    """How a create or update may upsert (``meta.upsert``) and whether it validates only."""
    options = resource.write_options(action)
    ways = ["by id (<code>true</code>)"] if options.upsert_by_id else []
    ways += ["by " + " + ".join(_code(name) for name in names) for names in options.upsert_fields]
    upsert = " or ".join(ways) if ways else "no"
    return _code(action), upsert, "yes" if options.validate else "no"


class DocsView(widgets.VBox):
    """The documentation of one resource type (:meth:`show`).

    State: ``resource`` (the :class:`~sandbox.metadata.ResourceType` shown, or ``None``).
    Parts: ``page`` (HTML).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.resource: ResourceType | None = None
        self.page = widgets.HTML()
        self.page.add_class("oro-docs")
        super().__init__([widgets.HTML(f"<style>{DOCS_CSS}</style>"), self.page], **kwargs)
        self.clear()

    def show(self, resource: ResourceType) -> None:
        self.resource = resource
        self.page.value = resource_html(resource)

    def clear(self) -> None:
        self.resource = None
        self.page.value = _note("Choose a resource type to see its documentation.")
