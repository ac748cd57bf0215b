"""The builder's write options (reference §12-§14), on a create or an update: upsert — by id, or
by one of the field sets the server's OpenAPI document allows (``x-upsert-field-sets``) —,
validate only, and a body template that creates a related record in ``included``.

The options live in the body, as Oro reads them (``data.meta.upsert``, ``data.meta.validate``):
changing a control rewrites the body's ``meta``, and a body typed or loaded sets the controls
back. :func:`upsert_choices`, :func:`options_in` and :func:`with_options` are pure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from sandbox.metadata import ResourceType, WriteOptions

__all__ = ["BY_ID", "NO_UPSERT", "WriteOptionsRow", "options_in", "upsert_choices", "with_options"]

NO_UPSERT = ""  # the dropdown's value for no upsert
BY_ID = "id"  # upsert by id: ``true`` in the body


def upsert_choices(options: WriteOptions, action: str) -> list[tuple[str, str]]:
    """The upsert dropdown's ``(label, value)`` pairs: none, by id, then (on a create only, as
    Oro allows) each field set, valued as its comma-joined names."""
    choices = [("no upsert", NO_UPSERT)]
    if options.upsert_by_id:
        choices.append(("upsert by id (true)", BY_ID))
    if action == "create":
        choices += [
            (f"upsert by {' + '.join(names)}", ",".join(names)) for names in options.upsert_fields
        ]
    return choices


def _document(body: str) -> dict[str, Any] | None:
    """The body's document when it is a JSON object whose ``data`` is an object."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        return document
    return None


def options_in(body: str) -> tuple[str, bool] | None:
    """``(upsert value, validate)`` as the body's ``data.meta`` has them (``true`` and
    ``["id"]`` are by id; a list, its comma-joined names); None when the body is not a write
    document (not JSON, or no ``data`` object)."""
    document = _document(body)
    if document is None:
        return None
    meta = document["data"].get("meta")
    meta = meta if isinstance(meta, dict) else {}
    upsert = meta.get("upsert")
    if upsert is True or upsert == [BY_ID]:
        value = BY_ID
    elif isinstance(upsert, list) and all(isinstance(name, str) for name in upsert):
        value = ",".join(upsert)
    else:
        value = NO_UPSERT
    return value, meta.get("validate") is True


def with_options(body: str, upsert: str, validate: bool) -> str | None:
    """``body`` with its ``data.meta`` set to these options (an option turned off is removed,
    and ``meta`` with it when empty); None when the body is not a write document."""
    document = _document(body)
    if document is None:
        return None
    data = document["data"]
    meta = dict(data.get("meta") if isinstance(data.get("meta"), dict) else {})
    meta.pop("upsert", None)
    meta.pop("validate", None)
    if upsert == BY_ID:
        meta["upsert"] = True
    elif upsert:
        meta["upsert"] = upsert.split(",")
    if validate:
        meta["validate"] = True
    rebuilt: dict[str, Any] = {}
    for key in ("type", "id"):  # meta right after the identity, as Oro's examples write it
        if key in data:
            rebuilt[key] = data[key]
    if meta:
        rebuilt["meta"] = meta
    rebuilt.update((k, v) for k, v in data.items() if k not in ("type", "id", "meta"))
    document["data"] = rebuilt
    return json.dumps(document, indent=2, ensure_ascii=False)


class WriteOptionsRow(widgets.HBox):
    """The upsert dropdown and the validate checkbox; beside them, for the owner to place (next
    to the body template), the "With a related record" template button. ``offer(resource,
    action)`` shows what the server allows; the owner listens with ``on_options`` (the user
    changed an option) and ``on_related_template``."""

    def __init__(self) -> None:
        self.upsert = widgets.Dropdown(
            options=[("no upsert", NO_UPSERT)], layout=widgets.Layout(width="14rem")
        )
        self.validate = widgets.Checkbox(
            description="validate only", indent=False, layout=widgets.Layout(width="9rem")
        )
        self.related = widgets.Button(
            description="With a related record",
            icon="link",
            tooltip="A body template that also creates a related record (included)",
            layout=widgets.Layout(width="auto", flex="0 0 auto"),
        )
        self.upsert.add_class("oro-upsert")
        self.validate.add_class("oro-validate")
        self.related.add_class("oro-related-template")
        self.on_options: Callable[[str, bool], None] | None = None
        self.on_related_template: Callable[[], None] | None = None
        self._reading = False  # set while the controls follow the body
        self.upsert.observe(self._changed, "value")
        self.validate.observe(self._changed, "value")
        self.related.on_click(lambda _: self.on_related_template and self.on_related_template())
        super().__init__([self.upsert, self.validate])

    def offer(self, resource: ResourceType | None, action: str) -> None:
        """Offer the options of ``action`` on ``resource`` (each control hidden when the server
        does not take it; unknown metadata: everything, let the server say)."""
        options = (
            resource.write_options(action)
            if resource is not None
            else WriteOptions(upsert_by_id=True, validate=True)
        )
        choices = upsert_choices(options, action)
        self._reading = True
        try:
            self.upsert.options = choices
            self.upsert.value = NO_UPSERT
            self.validate.value = False
        finally:
            self._reading = False
        self.upsert.layout.display = None if len(choices) > 1 else "none"
        self.validate.layout.display = None if options.validate else "none"
        self.related.layout.display = None if action in ("create", "update") else "none"

    @property
    def offers_any(self) -> bool:
        """Whether the server takes an upsert or a validate option here."""
        return bool(self.upsert.layout.display != "none" or self.validate.layout.display != "none")

    def read(self, body: str) -> None:
        """Set the controls from the body's ``data.meta`` (a value the dropdown does not offer
        is added, as written); a body that is not a write document leaves them."""
        found = options_in(body)
        if found is None:
            return
        upsert, validate = found
        self._reading = True
        try:
            values = [value for _, value in self.upsert.options]
            if upsert not in values:
                self.upsert.options = [*self.upsert.options, (f"upsert by {upsert}", upsert)]
            self.upsert.value = upsert
            self.validate.value = validate
        finally:
            self._reading = False

    def _changed(self, _: object) -> None:
        if not self._reading and self.on_options is not None:
            self.on_options(self.upsert.value or NO_UPSERT, bool(self.validate.value))
