"""The request builder: controls driven by the server's metadata that describe one request as a
:class:`~sandbox.spec.RequestSpec` (``.spec``), and take one back (``.load(spec)``).

Values are sent as typed, so a wrong one earns the server's own error; :meth:`highlight` then
marks the control the error's ``source`` points at, with the server's detail as the hint right
under that control's row. :meth:`check` marks, the same way, what the server's metadata already
refuses (an unknown type, filter field, operator…) before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import ipywidgets as widgets

from sandbox.client import ErrorObject
from sandbox.metadata import Metadata, ResourceType
from sandbox.query import X_INCLUDE_KEYS, Query, QueryError
from sandbox.spec import ACTIONS, RequestSpec
from sandbox.widgets.checks import Problem, body_problem, metadata_problems
from sandbox.widgets.editor import JsonEditor
from sandbox.widgets.json_places import split_pointer
from sandbox.widgets.params import (
    FIELDS_KEY,
    FILTER_KEY,
    LISTS,
    PAGE_KEY,
    control_for,
    header_pairs,
    include_paths,
    sort_paths,
)
from sandbox.widgets.rows import FieldsetRow, FilterRow, offer_tags
from sandbox.widgets.write_options import WriteOptionsRow, with_options

ERROR_CLASS = "oro-error"  # the CSS class of a control an error points at


def _text(placeholder: str, width: str = "8rem") -> widgets.Text:
    return widgets.Text(placeholder=placeholder, layout=widgets.Layout(width=width))


def _labelled(label: str, *children: widgets.Widget) -> widgets.HBox:
    """A row: the label in a 7rem column, the controls beside it (wrapping within their column,
    so that every control starts on the same line)."""
    name = widgets.Label(label, layout=widgets.Layout(width="7rem", flex="0 0 7rem"))
    controls = widgets.HBox(list(children))
    controls.add_class("oro-controls")
    return widgets.HBox([name, controls], layout=widgets.Layout(align_items="center"))


class RequestBuilder(widgets.VBox):
    """Resource, action, id, relationship, filters, include, fields, sort, page, meta,
    ``X-Include``, other parameters, extra headers and the body; see the module docstring."""

    def __init__(self, metadata: Metadata | None, *, types: Iterable[str] = ()) -> None:
        self.metadata = metadata
        known = tuple(metadata.types) if metadata is not None else ()
        self.type = widgets.Combobox(
            options=known or tuple(types),
            placeholder="resource type",
            ensure_option=False,
            layout=widgets.Layout(width="12rem"),
        )
        self.action = widgets.Dropdown(layout=widgets.Layout(width="auto", flex="1 1 14rem"))
        self.id = _text("id", "10rem")
        self.relationship = widgets.Dropdown(layout=widgets.Layout(width="16rem"))
        self.filters = widgets.VBox()
        self.add_filter = widgets.Button(description="Add filter", icon="plus")
        self.include = widgets.TagsInput(
            allow_duplicates=False, placeholder="owner, owner.organization…"
        )
        self.fieldsets = widgets.VBox()
        for rows in (self.filters, self.fieldsets):
            rows.add_class("oro-rows")
        self.add_fieldset = widgets.Button(description="Add fields[…]", icon="plus")
        self.sort = widgets.TagsInput(
            allow_duplicates=False, placeholder="name or -name (descending)"
        )
        self.page_number = _text("number")
        self.page_size = _text("size (-1: all)")
        self.meta = widgets.TagsInput(allow_duplicates=False, placeholder="title")
        self.x_include = {
            key: widgets.ToggleButton(description=key, layout=widgets.Layout(width="9rem"))
            for key in X_INCLUDE_KEYS
        }
        self.other = _text("other=parameters&as=written", "auto")
        self.other.layout.flex = "1 1 auto"
        self.headers = widgets.Textarea(
            placeholder="Extra-Header: value (one per line)",
            layout=widgets.Layout(width="auto", height="4rem", flex="1 1 auto"),
        )
        # the JSON editor: highlighting, the parse error and the errors' pointers marked in it
        self.body = JsonEditor(
            placeholder="The JSON:API document to send (Body template writes one)",
            layout=widgets.Layout(width="100%"),
        )
        self.template = widgets.Button(description="Body template", icon="file-alt")
        self.write = WriteOptionsRow()  # upsert, validate, a template with a related record
        self.hint = widgets.HTML()  # details that no control of the builder is about
        self.highlighted: dict[str, str] = {}  # control name → the error detail shown
        self.checked: dict[str, str] = {}  # control name → what the metadata says is wrong
        self.on_template: Callable[[], None] | None = None  # the app fills the body
        self.on_related_template: Callable[[], None] | None = None  # … with a related record
        self._listeners: list[Callable[[], None]] = []
        self._server_marks: list[tuple[str, str, str]] = []  # (control, where, detail)
        self._check_marks: list[tuple[str, str, str]] = []
        self._marked: list[widgets.Widget] = []

        self.add_filter.on_click(lambda _: self.add_filter_row())
        self.add_fieldset.on_click(lambda _: self.add_fieldset_row())
        self.template.on_click(lambda _: self.on_template and self.on_template())
        self.write.on_related_template = lambda: (
            self.on_related_template and self.on_related_template()
        )
        self.write.on_options = self._write_options_changed
        self.body.observe(lambda _: self.write.read(self.body.value), "value")
        self.type.observe(lambda _: self._type_changed(), "value")
        self.action.observe(lambda _: self._action_changed(), "value")
        plain = [self.type, self.action, self.id, self.relationship, self.include, self.sort]
        plain += [self.page_number, self.page_size, self.meta, self.other, self.headers, self.body]
        for control in [*plain, *self.x_include.values()]:
            control.observe(self._changed, "value")

        lines = {
            "target": _labelled("Request", self.type, self.action),
            "id": _labelled("id", self.id),
            "relationship": _labelled("relationship", self.relationship),
            "filter": widgets.VBox([_labelled("filter", self.add_filter), self.filters]),
            "include": _labelled("include", self.include),
            "fields": widgets.VBox([_labelled("fields", self.add_fieldset), self.fieldsets]),
            "sort": _labelled("sort", self.sort),
            "page": _labelled("page", self.page_number, self.page_size),
            "meta": _labelled("meta", self.meta),
            "x_include": _labelled("X-Include", *self.x_include.values()),
            "other": _labelled("other", self.other),
            "headers": _labelled("headers", self.headers),
            "write": _labelled("write", self.write),
            "body": widgets.VBox([_labelled("body", self.template, self.write.related), self.body]),
        }
        # "sub-resource" for a resource's own ones (a checkout's payment), which are no relationship
        self.relationship_label: widgets.Label = lines["relationship"].children[0]
        # each row's hint sits right under it: the details of the errors about its controls
        self.hints = {name: widgets.HTML() for name in lines}
        self.rows = {name: widgets.VBox([line, self.hints[name]]) for name, line in lines.items()}
        for name, row in self.rows.items():
            row.add_class(f"oro-row-{name}")
            self.hints[name].add_class("oro-row-hint")
        super().__init__([*self.rows.values(), self.hint])
        self.add_class("oro-builder")
        named = {
            "type": self.type,
            "action": self.action,
            "id": self.id,
            "relationship": self.relationship,
            "add-filter": self.add_filter,
            "include": self.include,
            "add-fieldset": self.add_fieldset,
            "sort": self.sort,
            "page-number": self.page_number,
            "page-size": self.page_size,
            "meta": self.meta,
            "other": self.other,
            "headers": self.headers,
            "body": self.body,
            "template": self.template,
            **{f"x-include-{key}": toggle for key, toggle in self.x_include.items()},
        }
        for name, control in named.items():  # stable handles for styling and browser tests
            control.add_class(f"oro-{name}")
        if known:  # Oro's documentation shows its examples on users
            self.type.value = "users" if "users" in known else known[0]

    def use_metadata(self, metadata: Metadata | None) -> None:
        """Offer another server's types (``None``: anything typed); the type starts over."""
        self.metadata = metadata
        known = tuple(metadata.types) if metadata is not None else ()
        self.type.options = known
        current = self.type.value.strip()
        if known and current not in known:
            self.type.value = "users" if "users" in known else known[0]
        else:
            self._type_changed()

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after any control changes (rows added later included)."""
        self._listeners.append(callback)

    def _changed(self, *_: object) -> None:
        for callback in self._listeners:
            callback()

    # --- reading ---------------------------------------------------------------------------

    @property
    def resource(self) -> ResourceType | None:
        if self.metadata is None:
            return None
        return self.metadata.resources.get(self.type.value.strip())

    @property
    def warnings(self) -> list[str]:
        """Why the chosen include paths will bring nothing (the server ignores a path its
        metadata does not know), said before sending; empty when all are known."""
        action = ACTIONS[self.action.value or "get_list"]
        if "include" not in action.query or not self.include.value or self.resource is None:
            return []
        target = self.resource.type
        if action.needs_relationship and self.relationship.value:  # a sub-resource's records
            rel = self.resource.relationships.get(self.relationship.value)
            target = rel.target if rel is not None and rel.target else target
        try:
            return Query().include(*self.include.value).warnings(self.metadata, target)
        except QueryError:
            return []

    @property
    def spec(self) -> RequestSpec:
        """The request the controls describe (parameters of other actions are left out)."""
        action = ACTIONS[self.action.value or "get_list"]
        params: list[tuple[str, str]] = []
        if "filter" in action.query:
            params += [row.pair for row in self.filters.children if row.pair]
        if "fields" in action.query:
            params += [row.pair for row in self.fieldsets.children if row.pair]
        for name in LISTS:
            if name in action.query and getattr(self, name).value:
                params.append((name, ",".join(getattr(self, name).value)))
        if "page" in action.query:
            for name, control in (("number", self.page_number), ("size", self.page_size)):
                if control.value.strip():
                    params.append((f"page[{name}]", control.value.strip()))
        params += RequestSpec.from_preset(self.other.value).params
        headers = header_pairs(self.headers.value)
        keys = [key for key, toggle in self.x_include.items() if toggle.value]
        if keys:
            headers.append(("X-Include", ";".join(keys)))
        return RequestSpec(
            self.type.value.strip(),
            action.name,
            self.id.value.strip(),
            self.relationship.value or "",
            tuple(params),
            tuple(headers),
            self.body.value,
        )

    # --- writing ---------------------------------------------------------------------------

    def load(self, spec: RequestSpec) -> None:
        """Set every control from ``spec`` (a preset, a request from the history)."""
        self.type.value = spec.type
        allowed = [value for _, value in self.action.options]
        if spec.action not in allowed:  # an action the metadata does not list: let the server say
            label = f"{spec.action} — {ACTIONS[spec.action].method} {_shape(spec.action)}"
            self.action.options = [*self.action.options, (label, spec.action)]
        self.action.value = spec.action
        self.id.value = spec.id
        if spec.relationship and spec.relationship not in self.relationship.options:
            self.relationship.options = [*self.relationship.options, spec.relationship]
        if spec.relationship:
            self.relationship.value = spec.relationship
        self.filters.children, self.fieldsets.children = (), ()
        lists: dict[str, list[str]] = {name: [] for name in LISTS}
        page: dict[str, str] = {}
        other: list[tuple[str, str]] = []
        for key, value in spec.params:
            if not value and (FILTER_KEY.match(key) or FIELDS_KEY.match(key)):
                other.append((key, value))  # rows send nothing while empty: kept as written
            elif match := FILTER_KEY.match(key):
                self.add_filter_row(match.group(1), match.group(2) or "eq", value)
            elif match := FIELDS_KEY.match(key):
                names = tuple(n for n in value.split(",") if n)
                self.add_fieldset_row(match.group(1), names)
            elif key in lists:
                lists[key] += [v for v in value.split(",") if v]
            elif (match := PAGE_KEY.match(key)) and match.group(1) not in page:
                page[match.group(1)] = value
            else:
                other.append((key, value))
        for name, values in lists.items():
            control = getattr(self, name)
            offer_tags(control, tuple(control.allowed_tags), list(dict.fromkeys(values)))
        self.page_number.value, self.page_size.value = page.get("number", ""), page.get("size", "")
        self.other.value = RequestSpec("", params=tuple(other)).query_string()
        keys: list[str] = []
        extra = []
        for name, value in spec.headers:
            if name.lower() == "x-include":
                keys += [k.strip() for k in value.split(";") if k.strip()]
            else:
                extra.append(f"{name}: {value}")
        for key, toggle in self.x_include.items():
            toggle.value = key in keys
        self.headers.value = "\n".join(extra)
        self.body.value = spec.body

    def add_filter_row(self, field: str = "", operator: str = "eq", value: str = "") -> FilterRow:
        row = FilterRow(
            self.resource, self._remove_filter, field=field, operator=operator, value=value
        )
        for control in (row.field, row.operator, row.value):
            control.observe(self._changed, "value")
        self.filters.children = (*self.filters.children, row)
        self._changed()
        return row

    def add_fieldset_row(self, type_: str = "", names: tuple[str, ...] = ()) -> FieldsetRow:
        types = {}
        if self.metadata is not None:
            types = {t: r.fields for t, r in self.metadata.resources.items()}
        row = FieldsetRow(
            types, self._remove_fieldset, type_=type_ or self.type.value.strip(), names=names
        )
        for control in (row.type, row.names):
            control.observe(self._changed, "value")
        self.fieldsets.children = (*self.fieldsets.children, row)
        self._changed()
        return row

    def _remove_filter(self, row: FilterRow) -> None:
        self.filters.children = tuple(r for r in self.filters.children if r is not row)
        self._changed()

    def _remove_fieldset(self, row: FieldsetRow) -> None:
        self.fieldsets.children = tuple(r for r in self.fieldsets.children if r is not row)
        self._changed()

    # --- errors ----------------------------------------------------------------------------

    def highlight(self, errors: Iterable[ErrorObject]) -> None:
        """Mark the controls the server's errors point at; each detail shows under the row of
        its control, after what the error names (``filter[total][gte]``, ``/data/…``)."""
        self.highlighted.clear()
        self._server_marks = []
        for error in errors:
            name = control_for(error)
            if name is None:
                continue
            detail = error.detail or error.title or "error"
            earlier = self.highlighted.get(name)
            self.highlighted[name] = f"{earlier} {detail}" if earlier else detail
            where = error.parameter or error.pointer or error.header or name
            self._server_marks.append((name, where, detail))
        self._show_marks()

    def clear_highlight(self) -> None:
        """Forget the server's marks (the metadata's stay while they hold)."""
        self.highlighted.clear()
        self._server_marks = []
        self._show_marks()

    def check(self) -> list[Problem]:
        """Mark what the server's metadata refuses in the current request (an unknown type,
        filter field or operator, fieldset, include path or sort field); returns the problems."""
        spec = self.spec
        problems = metadata_problems(self.metadata, spec)
        if (body := body_problem(spec)) is not None:
            problems.append(body)
        self.checked = {}
        for problem in problems:
            earlier = self.checked.get(problem.control)
            self.checked[problem.control] = (
                f"{earlier} {problem.detail}" if earlier else problem.detail
            )
        self._check_marks = [(p.control, p.where, p.detail) for p in problems]
        self._show_marks()
        return problems

    def _show_marks(self) -> None:
        """Put the marks on the controls and the details under their rows."""
        for control in self._marked:
            control.remove_class(ERROR_CLASS)
        self._marked = []
        per_row: dict[str, list[tuple[str, str]]] = {name: [] for name in self.hints}
        unplaced: list[tuple[str, str]] = []
        with self.body.hold_sync():  # the body's marks: the server's pointers in its text
            self.body.clear_marks()
            for name, where, detail in self._server_marks:
                if name == "body" and split_pointer(where) is not None:
                    self.body.mark(where, detail)
        for name, where, detail in [*self._check_marks, *self._server_marks]:
            control = self._control(name)
            row = self._row_of(name)
            if control is not None and control not in self._marked:
                control.add_class(ERROR_CLASS)
                self._marked.append(control)
            per_row.get(row, unplaced).append((where, detail))
        for row, items in per_row.items():
            self.hints[row].value = _hint_html(items)
        self.hint.value = _hint_html(unplaced)

    def _row_of(self, name: str) -> str:
        kind = name.partition(":")[0]
        if kind in ("filter", "fields") and self._control(name) is self.other:
            return "other"
        return {"type": "target", "action": "target", "page": "page"}.get(kind, kind)

    def _control(self, name: str) -> widgets.Widget | None:
        kind, _, detail = name.partition(":")
        if kind == "filter":
            rows = [r for r in self.filters.children if r.field.value.strip() == detail]
            if not rows and f"filter[{detail}]" in self.other.value:
                return self.other  # typed in the other parameters
            return rows[0] if rows else self.rows["filter"]
        if kind == "fields":
            rows = [r for r in self.fieldsets.children if r.type.value.strip() == detail]
            if not rows and f"fields[{detail}]" in self.other.value:
                return self.other
            return rows[0] if rows else self.rows["fields"]
        if kind == "page":
            return self.page_number if detail == "number" else self.page_size
        controls = {
            "type": self.type,
            "id": self.id,
            "relationship": self.relationship,
            "include": self.include,
            "sort": self.sort,
            "meta": self.meta,
            "other": self.other,
            "headers": self.headers,
            "body": self.body,
        }
        return controls.get(kind)

    # --- reacting --------------------------------------------------------------------------

    def _type_changed(self) -> None:
        resource = self.resource
        actions = [a for a in ACTIONS if resource is None or resource.allows(a)]
        current = self.action.value
        self.action.options = [(f"{a} — {ACTIONS[a].method} {_shape(a)}", a) for a in actions]
        self.action.value = current if current in actions else actions[0]
        type_ = self.type.value.strip()
        offer_tags(self.include, include_paths(self.metadata, type_), [])
        sortable = sort_paths(self.metadata, type_)
        offer_tags(self.sort, tuple(x for n in sortable for x in (n, f"-{n}")), [])
        metas = resource.meta_properties if resource and resource.meta_properties else ()
        offer_tags(self.meta, metas, [])
        self.filters.children, self.fieldsets.children = (), ()
        self.page_number.value = self.page_size.value = ""  # paging belongs to the old list
        self.id.value = ""
        self.body.value = ""
        self._action_changed()

    def _action_changed(self) -> None:
        action = ACTIONS[self.action.value or "get_list"]
        resource = self.resource
        rels = sorted(
            {
                r.relationship
                for r in (resource.routes if resource else ())
                if r.action == action.name and r.relationship
            }
        )
        if resource is None and action.needs_relationship:
            rels = []
        current = self.relationship.value
        self.relationship.options = rels
        if rels:
            self.relationship.value = current if current in rels else rels[0]
        self.write.offer(resource, action.name)
        shown = {
            "target": True,
            "id": action.needs_id,
            "relationship": action.needs_relationship,
            "x_include": True,
            "other": True,
            "headers": True,
            "body": action.body,
            "write": action.name in ("create", "update") and self.write.offers_any,
            "page": "page" in action.query,
            **{name: name in action.query for name in ("filter", "fields", *LISTS)},
        }
        for name, row in self.rows.items():
            row.layout.display = None if shown[name] else "none"
        subresource = action.target == "subresource"
        self.relationship_label.value = "sub-resource" if subresource else "relationship"
        if not action.body:
            self.body.value = ""
        self.write.read(self.body.value)

    def _write_options_changed(self, upsert: str, validate: bool) -> None:
        """The user chose an upsert or validate option: the body's ``data.meta`` follows (a body
        that is not a write document yet is left as it is)."""
        body = with_options(self.body.value or "{}", upsert, validate)
        if body is not None:
            self.body.value = body


def _shape(action: str) -> str:
    return {
        "collection": "/{type}",
        "item": "/{type}/{id}",
        "subresource": "/{type}/{id}/{relationship}",
        "relationship": "/{type}/{id}/relationships/{relationship}",
    }[ACTIONS[action].target]


def _hint_html(items: list[tuple[str, str]]) -> str:
    if not items:
        return ""
    lines = "".join(
        f"<li><code>{_escape(where)}</code>: {_escape(text)}</li>" for where, text in items
    )
    return f'<ul class="oro-hint">{lines}</ul>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
