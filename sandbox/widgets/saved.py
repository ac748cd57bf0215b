"""``SavedView``: named collections of requests (:mod:`sandbox.collection`) in the web sandbox —
save the builder's request under a name into a collection, open one back into the builder,
delete one, and export or import a collection as a file.

The view does not know the builder: ``current`` gives it the request to save (a
:class:`~sandbox.spec.RequestSpec`, or ``None`` with the reason shown), ``on_open`` takes a
saved one back. The collections are on disk (:class:`~sandbox.collection.CollectionStore`), so
every page of the user sees the same ones; :meth:`refresh` reads them again.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

from sandbox.collection import Collection, CollectionStore, saved_from_spec
from sandbox.exceptions import SavedRequestError
from sandbox.history import SavedRequest, file_name
from sandbox.spec import RequestSpec
from sandbox.widgets.upload import STYLE as UPLOAD_STYLE
from sandbox.widgets.upload import upload_button

__all__ = ["SavedView", "export_href", "request_label"]

CSS = """
.oro-saved .oro-saved-row { align-items: center; gap: 6px; padding: 2px 0;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.oro-saved .oro-saved-label { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.oro-saved .oro-saved-label code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.oro-saved .oro-saved-line { align-items: center; gap: 6px; flex-wrap: wrap; }
.oro-saved .oro-saved-line > .widget-label { flex: 0 0 auto; }
.oro-saved .oro-saved-note { color: var(--jp-content-font-color2, #616161); }
.oro-saved .oro-saved-error { color: #c62828; }
"""


def request_label(request: SavedRequest) -> str:
    """One saved request as HTML: its name, then method, path and query."""
    params = "&".join(
        f"{key}={item}"
        for key, value in request.params.items()
        for item in (value if isinstance(value, list) else [value])
    )
    target = f"{request.path}?{params}" if params else request.path
    return (
        f"<b>{escape(request.name)}</b><br><code>{escape(request.method)} {escape(target)}</code>"
    )


def export_href(collection: Collection) -> str:
    """A ``data:`` URL of the collection's file (a link that downloads it, from any page)."""
    encoded = base64.b64encode(collection.dumps().encode("utf-8")).decode("ascii")
    return f"data:application/json;charset=utf-8;base64,{encoded}"


class SavedView(widgets.VBox):
    """See the module docstring. State: ``store``, ``collection`` (the one shown)."""

    def __init__(
        self,
        store: CollectionStore | None = None,
        *,
        current: Callable[[], RequestSpec | str] | None = None,
        on_open: Callable[[SavedRequest], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store if store is not None else CollectionStore()
        self.current = current  # the builder's request, or why there is none
        self.on_open = on_open
        self.chooser = widgets.Combobox(
            placeholder="collection name",
            ensure_option=False,
            layout=widgets.Layout(width="14rem"),
        )
        self.chooser.add_class("oro-saved-collection")
        self.name = widgets.Text(
            placeholder="name of the request", layout=widgets.Layout(flex="1 1 12rem", width="auto")
        )
        self.name.add_class("oro-saved-name")
        self.save_button = widgets.Button(
            description="Save request", icon="save", tooltip="Save the builder's request here"
        )
        self.save_button.add_class("oro-saved-save")
        self.rows = widgets.VBox()
        self.rows.add_class("oro-saved-rows")
        self.export = widgets.HTML()
        self.export.add_class("oro-saved-export")
        self.upload = upload_button("Import…", ".json,.yaml,.yml")
        self.upload.add_class("oro-saved-import")
        self.delete_button = widgets.Button(
            description="Delete collection", icon="trash", tooltip="Delete this collection's file"
        )
        self.delete_button.add_class("oro-saved-delete")
        self.message = widgets.HTML()
        self.message.add_class("oro-saved-message")
        self.collection: Collection | None = None

        self.chooser.observe(lambda _: self._show(), "value")
        self.save_button.on_click(lambda _: self.save())
        self.upload.observe(lambda _: self._uploaded(), "value")
        self.delete_button.on_click(lambda _: self.delete_collection())

        def line(label: str, *children: widgets.Widget) -> widgets.HBox:
            box = widgets.HBox([widgets.Label(label), *children])
            box.add_class("oro-saved-line")
            return box

        super().__init__(
            [
                widgets.HTML(f"<style>{CSS}</style>{UPLOAD_STYLE}"),
                line("Collection", self.chooser, self.delete_button),
                line("Save the request as", self.name, self.save_button),
                self.message,
                self.rows,
                line("File", self.export, self.upload),
            ],
            **kwargs,
        )
        self.add_class("oro-saved")
        self.refresh()

    # --- actions ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the collections again (another page may have changed them)."""
        names = self.store.names()
        self.chooser.options = names
        if not self.chooser.value.strip() and names:
            self.chooser.value = names[0]  # observed: shows it
        else:
            self._show()

    def save(self, name: str | None = None, collection: str | None = None) -> SavedRequest | None:
        """Save the builder's request as ``name`` (default: the name field) into ``collection``
        (default: the chosen one); ``None`` with the reason in the message when it cannot be."""
        name = (name if name is not None else self.name.value).strip()
        collection = (collection if collection is not None else self.chooser.value).strip()
        spec = self.current() if self.current is not None else "nothing to save"
        if isinstance(spec, str):
            problem = spec
        elif not collection:
            problem = "name the collection"
        elif not name:
            problem = "name the request"
        else:
            problem = ""
        if problem or isinstance(spec, str):
            self._say(f"Not saved: {problem}.", error=True)
            return None
        saved = saved_from_spec(spec, name)
        try:
            self.store.add(collection, saved)
        except (SavedRequestError, OSError) as error:
            self._say(f"Not saved: {error}", error=True)
            return None
        self.name.value = ""
        self.chooser.options = self.store.names()
        if self.chooser.value != collection:
            self.chooser.value = collection
        else:
            self._show()
        self._say(f"Saved {name!r} in {collection!r}.")
        return saved

    def open_request(self, name: str) -> None:
        """Hand the chosen collection's request ``name`` to ``on_open``."""
        if self.collection is None:
            return
        request = self.collection[name]
        if self.on_open is not None:
            self.on_open(request)

    def remove_request(self, name: str) -> None:
        if self.collection is None:
            return
        self.collection.remove(name)
        self.store.save(self.collection)
        self._show()
        self._say(f"Deleted {name!r} from {self.collection.name!r}.")

    def delete_collection(self) -> None:
        name = self.chooser.value.strip()
        if not name:
            return
        self.store.delete(name)
        self.chooser.value = ""
        self.refresh()
        self._say(f"Deleted the collection {name!r}.")

    def import_file(self, content: bytes, filename: str = "import") -> Collection | None:
        """Keep the collection a file holds (merged into one of its name); shows it."""
        try:
            collection = self.store.import_text(content, source=filename)
        except (SavedRequestError, OSError) as error:
            self._say(f"Not imported: {error}", error=True)
            return None
        self.chooser.options = self.store.names()
        if self.chooser.value != collection.name:
            self.chooser.value = collection.name
        else:
            self._show()
        count = len(collection)
        self._say(
            f"Imported {filename}: the collection {collection.name!r} has {count}"
            f" request{'' if count == 1 else 's'}."
        )
        return collection

    # --- drawing ---------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        kind = "oro-saved-error" if error else "oro-saved-note"
        self.message.value = f'<span class="{kind}">{escape(text)}</span>'

    def _show(self) -> None:
        name = self.chooser.value.strip()
        try:
            self.collection = self.store.get(name) if name else None
        except (SavedRequestError, OSError) as error:
            self.collection = None
            self._say(str(error), error=True)
        collection = self.collection
        if collection is None or not len(collection):
            note = (
                "Name a collection (a new name starts one), then save the builder's request in it."
                if collection is None
                else f"No requests in {collection.name!r} yet."
            )
            self.rows.children = (widgets.HTML(f'<span class="oro-saved-note">{note}</span>'),)
        else:
            self.rows.children = tuple(self._row(request) for request in collection)
        self.delete_button.disabled = collection is None or not self.store.exists(name)
        if collection is not None and len(collection):
            file = f"{file_name(collection.name)}.json"
            self.export.value = (
                f'<a class="oro-link oro-saved-download" download="{escape(file)}"'
                f' href="{export_href(collection)}">Export {escape(file)}</a>'
            )
        else:
            self.export.value = ""

    def _row(self, request: SavedRequest) -> widgets.HBox:
        opener = widgets.Button(description="Open", icon="folder-open", tooltip="Into the builder")
        opener.add_class("oro-saved-open")
        opener.layout.width = "6rem"
        opener.on_click(lambda _: self.open_request(request.name))
        remover = widgets.Button(icon="times", tooltip=f"Delete {request.name!r}")
        remover.add_class("oro-saved-remove")
        remover.layout.width = "2.5rem"
        remover.on_click(lambda _: self.remove_request(request.name))
        label = widgets.HTML(request_label(request))
        label.add_class("oro-saved-label")
        row = widgets.HBox([opener, label, remover])
        row.add_class("oro-saved-row")
        return row

    def _uploaded(self) -> None:
        files = self.upload.value
        if not files:
            return
        item = files[0]
        content = bytes(item["content"]) if "content" in item else b""
        self.upload.value = ()
        self.import_file(content, str(item.get("name") or "import"))
