"""Where a JSON pointer's place is in a JSON text, where a text stops being JSON, and offsets
in UTF-16 units: tables of literal cases (sandbox/widgets/json_places.py is pure)."""

from __future__ import annotations

import pytest

from sandbox.widgets.json_places import locate, parse_error, split_pointer, utf16

CREATE = """{
  "data": {
    "type": "accounts",
    "attributes": {"name": "", "extend~ed": 1, "a/b": null},
    "relationships": {"owner": {"data": {"type": "users", "id": "1"}}}
  },
  "included": [
    {"type": "contacts", "id": "c1", "attributes": {"lastName": "Doe"}},
    {"type": "contacts", "id": "c2", "relationships": {"x": {"data": [{"type": "users"}]}}}
  ],
  "meta": {"upsert": true}
}"""


@pytest.mark.parametrize(
    ("pointer", "text", "exact", "missing"),
    [
        pytest.param("", CREATE, True, None, id="the-whole-document"),
        pytest.param("/data/attributes/name", '"name": ""', True, None, id="an-attribute"),
        pytest.param("/data/type", '"type": "accounts"', True, None, id="a-string-member"),
        pytest.param("/data/relationships/owner/data",
                     '"data": {"type": "users", "id": "1"}', True, None, id="a-relationship"),
        pytest.param("/included/1/relationships/x/data",
                     '"data": [{"type": "users"}]', True, None, id="in-an-included-item"),
        pytest.param("/included/0", '{"type": "contacts", "id": "c1", "attributes": '
                     '{"lastName": "Doe"}}', True, None, id="an-array-item"),
        pytest.param("/included/1/relationships/x/data/0/type", '"type": "users"', True, None,
                     id="deep-in-arrays"),
        pytest.param("/meta/upsert", '"upsert": true', True, None, id="a-meta-option"),
        pytest.param("/data/attributes/extend~0ed", '"extend~ed": 1', True, None,
                     id="tilde-escaped"),
        pytest.param("/data/attributes/a~1b", '"a/b": null', True, None, id="slash-escaped"),
        pytest.param("/data/attributes/phone", '"attributes"', False, "phone",
                     id="a-missing-attribute-marks-its-object's-key"),
        pytest.param("/data/relationships/organization/data", '"relationships"', False,
                     "organization", id="a-missing-relationship"),
        pytest.param("/included/5/attributes", '"included"', False, "5",
                     id="an-item-past-the-end"),
        pytest.param("/included/x", '"included"', False, "x", id="not-an-index"),
        pytest.param("/included/0/attributes/firstName", '"attributes"', False, "firstName",
                     id="missing-in-an-included-item"),
        pytest.param("/data/type/x", '"type": "accounts"', False, "x",
                     id="below-a-scalar-marks-the-scalar"),
        pytest.param("/jsonapi", "{", False, "jsonapi", id="missing-at-the-top"),
    ],
)  # fmt: skip
def test_locate(pointer: str, text: str, exact: bool, missing: str | None) -> None:
    place = locate(CREATE, pointer)
    assert place is not None
    assert (CREATE[place.start : place.end], place.exact, place.missing) == (text, exact, missing)


@pytest.mark.parametrize(
    ("document", "pointer", "text"),
    [
        pytest.param('{"a": 1, "a": 2}', "/a", '"a": 2', id="a-repeated-key:-the-last-counts"),
        pytest.param('  [1, [2, 3]]  ', "/1/0", "2", id="spaces-around-and-nested-arrays"),
        pytest.param('{"k\\"ey": {"x": -1.5e3}}', '/k"ey/x', '"x": -1.5e3',
                     id="an-escaped-quote-in-a-key"),
        pytest.param('{"é": {"😀": "ü"}}', "/é/😀", '"😀": "ü"', id="beyond-ascii"),
        pytest.param("[]", "/0", "[", id="an-empty-array"),
        pytest.param("{}", "", "{}", id="an-empty-object"),
        pytest.param("42", "", "42", id="a-scalar-document"),
    ],
)  # fmt: skip
def test_locate_in_other_documents(document: str, pointer: str, text: str) -> None:
    place = locate(document, pointer)
    assert place is not None
    assert document[place.start : place.end] == text


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        pytest.param('{"a": 1,}', "/a", id="a-trailing-comma"),
        pytest.param('{"a": 1} x', "/a", id="text-after"),
        pytest.param("", "", id="empty"),
        pytest.param('{"a": 01}', "/a", id="a-leading-zero"),
        pytest.param('{"a": tru}', "/a", id="a-bad-literal"),
        pytest.param('{"a": "open', "/a", id="an-open-string"),
        pytest.param('{"a": 1}', "a", id="not-a-pointer"),
    ],
)  # fmt: skip
def test_nothing_is_located_in_what_is_not_json(document: str, pointer: str) -> None:
    assert locate(document, pointer) is None


@pytest.mark.parametrize(
    ("pointer", "tokens"),
    [
        pytest.param("", [], id="root"),
        pytest.param("/", [""], id="the-empty-key"),
        pytest.param("/data/attributes/name", ["data", "attributes", "name"], id="plain"),
        pytest.param("/a~1b/c~0d/~01", ["a/b", "c~d", "~1"], id="escapes-in-order"),
        pytest.param("data", None, id="no-leading-slash"),
    ],
)
def test_split_pointer(pointer: str, tokens: list[str] | None) -> None:
    assert split_pointer(pointer) == tokens


@pytest.mark.parametrize(
    ("document", "where"),
    [
        pytest.param('{"a": 1}', None, id="json"),
        pytest.param("  \n ", None, id="blank"),
        pytest.param('{"a": 1,}', (8, 1, 9, "Expecting property name enclosed in double quotes"),
                     id="a-trailing-comma"),
        pytest.param('{\n  "a": 1\n  "b": 2\n}', (13, 3, 3, "Expecting ',' delimiter"),
                     id="a-missing-comma-on-line-3"),
        pytest.param('{"a": 1}\n,', (9, 2, 1, "Extra data"), id="extra-data"),
    ],
)  # fmt: skip
def test_parse_error(document: str, where: tuple[int, int, int, str] | None) -> None:
    found = parse_error(document)
    got = None if found is None else (found.pos, found.line, found.column, found.message)
    assert got == where


@pytest.mark.parametrize(
    ("text", "index", "offset"),
    [
        pytest.param("abc", 2, 2, id="ascii"),
        pytest.param("éü", 2, 2, id="two-byte-utf8-one-unit"),
        pytest.param("😀x", 1, 2, id="an-astral-character-is-two-units"),
        pytest.param("😀😀x", 3, 5, id="two-of-them"),
    ],
)
def test_utf16(text: str, index: int, offset: int) -> None:
    assert utf16(text, index) == offset
