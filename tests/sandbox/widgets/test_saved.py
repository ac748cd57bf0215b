"""The Saved tab (``SavedView``) headless — save, open, delete, export and import — on a store
in a temporary folder; and in the app, a request saved and opened back into the builder."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

from sandbox import ApiClient, RequestSpec
from sandbox.collection import FORMAT, Collection, CollectionStore
from sandbox.history import SavedRequest
from sandbox.widgets import SandboxApp
from sandbox.widgets.saved import SavedView, export_href, request_label
from tests.sandbox.widgets.test_app import metadata

LIST = RequestSpec("orders", params=(("filter[currency]", "EUR"), ("sort", "-createdAt")))


def view(tmp_path: Path, spec: RequestSpec | str = LIST) -> tuple[SavedView, list[SavedRequest]]:
    opened: list[SavedRequest] = []
    made = SavedView(CollectionStore(tmp_path), current=lambda: spec, on_open=opened.append)
    return made, opened


def test_request_label() -> None:
    saved = SavedRequest("EUR <orders>", "GET", "/orders", {"a": ["1", "2"], "b": "x"})
    assert request_label(saved) == (
        "<b>EUR &lt;orders&gt;</b><br><code>GET /orders?a=1&amp;a=2&amp;b=x</code>"
    )


def test_export_href_is_the_collection_file() -> None:
    collection = Collection("c", [SavedRequest("a", "GET", "/users")])
    prefix = "data:application/json;charset=utf-8;base64,"
    href = export_href(collection)
    assert href.startswith(prefix)
    assert base64.b64decode(href.removeprefix(prefix)).decode() == collection.dumps()


def test_save_then_open_and_remove(tmp_path: Path) -> None:
    made, opened = view(tmp_path)
    assert made.collection is None and made.delete_button.disabled
    made.chooser.value = "Orders"
    made.name.value = "EUR orders"
    made.save_button.click()
    assert made.message.value == (
        '<span class="oro-saved-note">Saved &#x27;EUR orders&#x27; in &#x27;Orders&#x27;.</span>'
    )
    assert made.chooser.options == ("Orders",) and made.name.value == ""
    assert CollectionStore(tmp_path).get("Orders").names == ["EUR orders"]
    (row,) = made.rows.children
    row.children[0].click()  # Open
    assert [r.name for r in opened] == ["EUR orders"]
    assert opened[0].params == {"filter[currency]": "EUR", "sort": "-createdAt"}
    row.children[2].click()  # ×
    assert CollectionStore(tmp_path).get("Orders").names == []
    made.delete_button.click()
    assert (made.chooser.options, made.chooser.value) == ((), "")
    assert not CollectionStore(tmp_path).exists("Orders")


def test_what_cannot_be_saved_says_why(tmp_path: Path) -> None:
    made, _ = view(tmp_path, "get needs the id of a users record")
    made.chooser.value, made.name.value = "Mine", "one"
    assert made.save() is None
    assert "Not saved: get needs the id of a users record." in made.message.value
    made, _ = view(tmp_path)
    made.chooser.value = ""
    assert made.save(name="one") is None
    assert "Not saved: name the collection." in made.message.value
    made.chooser.value = "Mine"
    assert made.save(name=" ") is None
    assert "Not saved: name the request." in made.message.value
    assert CollectionStore(tmp_path).names() == []


def test_export_and_import(tmp_path: Path) -> None:
    made, _ = view(tmp_path / "one")
    made.save(name="EUR orders", collection="Orders")
    link = made.export.value
    assert 'download="orders.json"' in link and ">Export orders.json</a>" in link
    href = link.split('href="', 1)[1].split('"', 1)[0]
    file = base64.b64decode(href.split(",", 1)[1])
    assert json.loads(file)["format"] == FORMAT

    other, _ = view(tmp_path / "two")  # another user's sandbox imports the file
    imported = other.import_file(file, "orders.json")
    assert imported is not None and imported.names == ["EUR orders"]
    assert other.chooser.value == "Orders"
    assert "Imported orders.json: the collection &#x27;Orders&#x27; has 1 request." in (
        other.message.value
    )
    assert other.import_file(b'{"format": "postman"}', "p.json") is None
    assert "Not imported: p.json: &#x27;format&#x27; must be" in other.message.value


def test_the_upload_control_imports(tmp_path: Path) -> None:
    made, _ = view(tmp_path)
    document = Collection("Up", [SavedRequest("u", "GET", "/users")]).dumps().encode()
    made.upload.value = ({"name": "up.json", "type": "application/json", "size": len(document),
                          "content": memoryview(document),
                          "last_modified": datetime.now(UTC)},)  # fmt: skip
    assert made.upload.value == ()  # ready for the next file
    assert CollectionStore(tmp_path).get("Up").names == ["u"]


def test_the_app_saves_the_builders_request_and_opens_it_back(
    tmp_path: Path, fresh_api_url: str
) -> None:
    with ApiClient(fresh_api_url) as client:
        app = SandboxApp(client, metadata(), collections=CollectionStore(tmp_path))
        app.load(RequestSpec("contacts", "create"))  # the template fills the body
        body = app.builder.body.value
        assert app.saved.save(name="New contact", collection="Writes") is not None
        app.load(RequestSpec("users", "get", "1"))
        app.saved.open_request("New contact")
        assert app.builder.spec == RequestSpec("contacts", "create", body=body)
        assert app.message.value == "Opened 'New contact': Send sends it."
        exchange = app.send()
        assert exchange is not None and exchange.status == 201, exchange.document
