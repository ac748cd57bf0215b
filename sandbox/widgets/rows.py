"""The repeatable rows of the request builder: a filter (field → operator → value) and a
fieldset (``fields[type]`` → names). Each row knows the query parameter it stands for."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from sandbox.metadata import ResourceType
from sandbox.query import OPERATORS

ANY_OPERATOR = tuple(OPERATORS)


def filter_key(field: str, operator: str) -> str:
    """``filter[name]`` for ``eq`` (as Oro's documentation writes it), else
    ``filter[name][contains]``; a dotted path crosses associations: ``filter[owner.name]``."""
    return f"filter[{field}]" if operator == "eq" else f"filter[{field}][{operator}]"


def operators_for(resource: ResourceType | None, field: str) -> tuple[str, ...]:
    """The operators the server allows on ``field`` (every operator when it does not say)."""
    if resource is None or resource.filters is None or field not in resource.filters:
        return ANY_OPERATOR
    return resource.filters[field].operators


def value_hint(resource: ResourceType | None, field: str, operator: str) -> str:
    """What to type: ``true/false`` for flags, lists and ranges where the field takes them."""
    if OPERATORS[operator].flag:
        return "true or false"
    spec = resource.filters.get(field) if resource and resource.filters else None
    if spec is None:
        return "a value"
    if spec.enum:
        return " | ".join(spec.enum)
    shapes = ["a value"]
    if spec.lists and OPERATORS[operator].sets:
        shapes.append("a,b")
    if spec.ranges and OPERATORS[operator].sets:
        shapes.append("from..to")
    return f"{spec.data_type}: {' or '.join(shapes)}"


def offer_tags(
    tags: widgets.TagsInput, allowed: tuple[str, ...], value: list[str] | None = None
) -> None:
    """Offer ``allowed`` as ``tags``' choices, keeping (or setting) its value: a value the list
    lacks (from a preset, for another server) stays allowed, so the server can judge it."""
    chosen = list(tags.value if value is None else value)
    tags.value = []
    tags.allowed_tags = [*allowed, *(v for v in chosen if v not in allowed)] if allowed else []
    tags.value = chosen


class FilterRow(widgets.HBox):
    """``filter[field][operator]=value``; the field list comes from the resource's filters
    (a dotted path may be typed), the operators from the chosen field."""

    def __init__(
        self,
        resource: ResourceType | None,
        on_remove: Callable[[FilterRow], None],
        *,
        field: str = "",
        operator: str = "eq",
        value: str = "",
    ) -> None:
        self.resource = resource
        names = tuple(resource.filters) if resource and resource.filters else ()
        self.field = widgets.Combobox(
            value=field or (names[0] if names else ""),
            options=names,
            placeholder="field or path",
            ensure_option=False,
            layout=widgets.Layout(width="auto", flex="1 1 7rem"),
        )
        self.operator = widgets.Dropdown(layout=widgets.Layout(width="7.5rem", flex="0 0 7.5rem"))
        self.value = widgets.Text(value=value, layout=widgets.Layout(width="auto", flex="2 1 8rem"))
        self.remove = widgets.Button(
            icon="times", tooltip="remove this filter", layout=widgets.Layout(width="2.5rem")
        )
        self.remove.on_click(lambda _: on_remove(self))
        self.field.observe(lambda _: self._offer_operators(), "value")
        self.operator.observe(lambda _: self._hint(), "value")
        self._offer_operators(operator)
        super().__init__([self.field, self.operator, self.value, self.remove])
        self.add_class("oro-filter-row")

    def _offer_operators(self, wanted: str | None = None) -> None:
        allowed = operators_for(self.resource, self.field.value.strip())
        if wanted and wanted not in allowed and wanted in OPERATORS:  # a preset's: server judges
            allowed = (*allowed, wanted)
        keep = wanted or self.operator.value
        self.operator.options = allowed
        self.operator.value = keep if keep in allowed else allowed[0]
        self._hint()

    def _hint(self) -> None:
        if self.operator.value:
            field = self.field.value.strip()
            self.value.placeholder = value_hint(self.resource, field, self.operator.value)

    @property
    def key(self) -> str:
        return filter_key(self.field.value.strip(), self.operator.value or "eq")

    @property
    def pair(self) -> tuple[str, str] | None:
        """The query parameter, or ``None`` while the row has no field or no value."""
        return (
            (self.key, self.value.value) if self.field.value.strip() and self.value.value else None
        )


class FieldsetRow(widgets.HBox):
    """``fields[type]=a,b``: which fields of one type come back; the row sends nothing until a
    field is chosen (``fields[type]=`` alone, only ids, is written in the other parameters)."""

    def __init__(
        self,
        types: dict[str, tuple[str, ...]],
        on_remove: Callable[[FieldsetRow], None],
        *,
        type_: str = "",
        names: tuple[str, ...] = (),
    ) -> None:
        self.types = types
        self.type = widgets.Combobox(
            value=type_,
            options=tuple(types),
            placeholder="type",
            ensure_option=False,
            layout=widgets.Layout(width="auto", flex="0 1 10rem"),
        )
        self.names = widgets.TagsInput(
            value=list(names), allow_duplicates=False, placeholder="fields to return"
        )
        self.remove = widgets.Button(
            icon="times", tooltip="remove this fieldset", layout=widgets.Layout(width="2.5rem")
        )
        self.remove.on_click(lambda _: on_remove(self))
        self.type.observe(lambda _: self._offer_names(), "value")
        self._offer_names()
        super().__init__([self.type, self.names, self.remove])

    def _offer_names(self) -> None:
        offer_tags(self.names, self.types.get(self.type.value.strip(), ()))

    @property
    def pair(self) -> tuple[str, str] | None:
        type_ = self.type.value.strip()
        names = ",".join(self.names.value)
        return (f"fields[{type_}]", names) if type_ and names else None
