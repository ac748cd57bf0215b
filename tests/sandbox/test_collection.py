"""Named collections: the file format (literal documents, good and bad), the store on disk, and
the web sandbox's requests to saved ones and back (pure)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.collection import (
    FORMAT,
    Collection,
    CollectionStore,
    default_folder,
    saved_from_spec,
    spec_from_saved,
)
from sandbox.exceptions import SavedRequestError
from sandbox.history import SavedRequest
from sandbox.spec import RequestSpec

BASE = "http://127.0.0.1:8765/api"
LIST = SavedRequest(
    "Latest EUR orders", "GET", "/orders", {"filter[currency]": "EUR", "sort": "-createdAt"}
)
CREATE = SavedRequest(
    "New contact",
    "POST",
    "/contacts",
    headers={"X-Include": "noHateoas"},
    body={"data": {"type": "contacts", "attributes": {"lastName": "Doe"}}},
)
DOCUMENT = {
    "format": FORMAT,
    "version": 1,
    "name": "Orders in EUR",
    "requests": [
        {
            "name": "Latest EUR orders",
            "method": "GET",
            "path": "/orders",
            "params": {"filter[currency]": "EUR", "sort": "-createdAt"},
        },
        {
            "name": "New contact",
            "method": "POST",
            "path": "/contacts",
            "headers": {"X-Include": "noHateoas"},
            "body": {"data": {"type": "contacts", "attributes": {"lastName": "Doe"}}},
        },
    ],
}


def test_the_file_is_the_documented_document() -> None:
    collection = Collection("Orders in EUR", [LIST, CREATE])
    assert collection.to_dict() == DOCUMENT
    assert json.loads(collection.dumps()) == DOCUMENT
    assert Collection.loads(collection.dumps()) == collection


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_save_and_load(tmp_path: Path, suffix: str) -> None:
    collection = Collection("Orders in EUR", [LIST, CREATE])
    path = collection.save(tmp_path / f"orders{suffix}")
    assert Collection.load(path) == collection
    if suffix == ".json":
        assert json.loads(path.read_text()) == DOCUMENT


def test_one_saved_requests_file_reads_as_a_collection_of_it(tmp_path: Path) -> None:
    path = CREATE.save(tmp_path / "new-contact.yaml")
    assert Collection.load(path) == Collection("New contact", [CREATE])


def bad(**changes: Any) -> dict[str, Any]:
    document = dict(DOCUMENT, **changes)
    return {key: value for key, value in document.items() if value is not None}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param([1], "import: expected a mapping, got list", id="a-list"),
        pytest.param(bad(format="postman"), "import: 'format' must be 'oro-api-sandbox/collection'",
                     id="another-format"),
        pytest.param(bad(version=2), "import: version 2 is not one this sandbox reads (1)",
                     id="a-later-version"),
        pytest.param(bad(owner="me"), "import: unknown key(s) 'owner'; expected format, version,"
                     " name, requests", id="an-unknown-key"),
        pytest.param(bad(name=" "), "import: 'name' must be a non-empty string", id="no-name"),
        pytest.param(bad(requests={"a": 1}), "import: 'requests' must be a list",
                     id="requests-not-a-list"),
        pytest.param(bad(requests=[{"method": "GET"}]),
                     "import, request 1: 'name' must be a non-empty string",
                     id="a-nameless-request"),
        pytest.param(bad(requests=[{"name": "a", "verb": "GET"}]),
                     "import, request 1: unknown key(s) 'verb'", id="a-request's-unknown-key"),
        pytest.param(bad(requests=[{"name": "a"}, {"name": "a"}]),
                     "import: collection 'Orders in EUR': request names used twice: a",
                     id="a-name-twice"),
        pytest.param({"path": "/users"}, "import: 'name' must be a non-empty string",
                     id="a-request-without-its-name"),
    ],
)  # fmt: skip
def test_what_is_not_a_collection_is_refused_with_its_reason(raw: Any, message: str) -> None:
    with pytest.raises(SavedRequestError) as caught:
        Collection.loads(json.dumps(raw), source="import")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(b"\xff\xfe", "import: not UTF-8 text", id="binary"),
        pytest.param("a: [1", "import: neither JSON nor YAML", id="broken-yaml"),
    ],
)
def test_a_file_that_is_no_text_of_either_kind(text: str | bytes, message: str) -> None:
    with pytest.raises(SavedRequestError, match=f"^{message}"):
        Collection.loads(text, source="import")


def test_add_replaces_in_place_and_remove() -> None:
    collection = Collection("c", [LIST, CREATE])
    changed = SavedRequest("Latest EUR orders", "GET", "/orders", {"page[size]": "1"})
    collection.add(changed)
    assert collection.names == ["Latest EUR orders", "New contact"]
    assert collection["Latest EUR orders"] is changed
    assert collection.remove("New contact") == CREATE
    assert collection.names == ["Latest EUR orders"]
    with pytest.raises(KeyError):
        collection["New contact"]


def test_the_store_keeps_collections_in_a_folder(tmp_path: Path) -> None:
    store = CollectionStore(tmp_path / "collections")
    assert (store.names(), store.get("Mine")) == ([], Collection("Mine"))
    store.add("Mine", LIST)
    store.add("mine, too", CREATE)
    assert sorted(p.name for p in store.folder.iterdir()) == ["mine-too.json", "mine.json"]
    assert store.names() == ["Mine", "mine, too"]
    assert CollectionStore(store.folder).get("Mine") == Collection("Mine", [LIST])  # another page
    with pytest.raises(SavedRequestError, match="'MINE' and 'Mine' would both be kept as mine"):
        store.add("MINE", CREATE)
    store.delete("mine, too")
    assert store.names() == ["Mine"]
    (store.folder / "broken.json").write_text("{")  # a file that is not one is left out
    assert store.names() == ["Mine"]


def test_import_merges_into_a_collection_of_the_same_name(tmp_path: Path) -> None:
    store = CollectionStore(tmp_path)
    store.add("Orders in EUR", SavedRequest("Old", "GET", "/orders"))
    store.add("Orders in EUR", SavedRequest("New contact", "GET", "/contacts"))
    merged = store.import_text(json.dumps(DOCUMENT).encode())
    assert merged.names == ["Old", "New contact", "Latest EUR orders"]
    assert merged["New contact"] == CREATE  # the imported one replaced the kept one
    assert store.get("Orders in EUR") == merged


@pytest.mark.parametrize(
    ("environ", "folder"),
    [
        pytest.param({"ORO_SANDBOX_COLLECTIONS": "/data/c"}, "/data/c", id="named"),
        pytest.param({"XDG_STATE_HOME": "/s"}, "/s/oro-sandbox/collections", id="xdg-state"),
    ],
)
def test_default_folder(environ: dict[str, str], folder: str) -> None:
    assert default_folder(environ) == Path(folder)


SPECS = [
    pytest.param(
        RequestSpec("orders", "get_list", params=(("filter[currency]", "EUR"), ("sort", "-id"))),
        SavedRequest("s", "GET", "/orders", {"filter[currency]": "EUR", "sort": "-id"}),
        id="a-list",
    ),
    pytest.param(
        RequestSpec("users", "get", "1", params=(("fields[users]", "a"), ("fields[users]", "b"))),
        SavedRequest("s", "GET", "/users/1", {"fields[users]": ["a", "b"]}),
        id="a-repeated-parameter",
    ),
    pytest.param(
        RequestSpec("contacts", "create", headers=(("X-Include", "noHateoas"),),
                    body='{\n  "data": {\n    "type": "contacts"\n  }\n}'),
        SavedRequest("s", "POST", "/contacts", headers={"X-Include": "noHateoas"},
                     body={"data": {"type": "contacts"}}),
        id="a-create-with-a-json-body",
    ),
    pytest.param(
        RequestSpec("contacts", "update", "7", body="{not json"),
        SavedRequest("s", "PATCH", "/contacts/7", body="{not json"),
        id="a-body-that-is-not-json-stays-text",
    ),
    pytest.param(
        RequestSpec("accounts", "update_relationship", "1", "contacts",
                    body='{\n  "data": [\n    {\n      "type": "contacts",\n      "id": "2"\n'
                    "    }\n  ]\n}"),
        SavedRequest("s", "PATCH", "/accounts/1/relationships/contacts",
                     body={"data": [{"type": "contacts", "id": "2"}]}),
        id="a-relationship",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "saved"), SPECS)
def test_the_builders_request_and_back(spec: RequestSpec, saved: SavedRequest) -> None:
    assert saved_from_spec(spec, "s") == saved
    assert spec_from_saved(saved, BASE) == spec


def test_a_saved_request_the_builder_has_no_shape_for() -> None:
    assert spec_from_saved(SavedRequest("s", "GET", "/"), BASE) is None
    assert spec_from_saved(SavedRequest("s", "GET", "https://elsewhere/api/users"), BASE) is None
