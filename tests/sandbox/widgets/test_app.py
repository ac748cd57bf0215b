"""The composed sandbox app, headless against a live server: set values, click, read the state."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from sandbox import ApiClient, BearerToken, Metadata, RequestSpec
from sandbox.widgets import SandboxApp
from sandbox.widgets.app import voila_page
from server.domain.resources import build_registry
from server.openapi import build_openapi


@cache
def metadata() -> Metadata:
    return Metadata.from_openapi(build_openapi(build_registry()))


@pytest.fixture
def app(fresh_api_url: str) -> Iterator[SandboxApp]:
    with ApiClient(fresh_api_url) as client:
        yield SandboxApp(client, metadata())


def test_a_list_request_fills_every_view(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.add_filter_row("id", "gt", "3")
    app.builder.include.value = ["owner"]
    assert app.request_line.value.endswith(
        "/api/accounts?filter[id][gt]=3&amp;include=owner</code>"
    )
    app.send_button.click()  # sends in a thread: the page stays live
    app.wait(30)
    assert app.exchange is not None and app.exchange.status == 200
    assert app.response.status_text == "200 OK"
    assert app.table.kind == "accounts" and len(app.table.frame) == 10
    assert app.table.kinds.options == ("accounts", "users")
    assert [e.request.url.path for e in app.history] == ["/api/accounts"]
    assert app.code.text.startswith("curl")
    assert app.docs.resource is not None and app.docs.resource.type == "accounts"
    assert app.message.value == ""


def test_an_error_marks_its_control(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.page_size.value = "abc"
    exchange = app.send()
    assert exchange is not None and exchange.status == 400
    assert app.builder.highlighted == {"page:size": 'Expected integer value. Given "abc".'}
    app.builder.page_size.value = "2"
    assert app.send() is not None
    assert app.builder.highlighted == {}


def test_create_from_the_template(app: SandboxApp) -> None:
    app.builder.type.value = "orders"
    app.builder.action.value = "create"
    document = json.loads(app.builder.body.value)
    customer = document["data"]["relationships"]["customer"]["data"]
    assert customer["type"] == "customers" and customer["id"].isdigit()
    exchange = app.send()
    assert exchange is not None and exchange.status == 201, exchange.document


def test_create_with_a_related_record_upserted_then_validated(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.action.value = "create"
    app.builder.write.related.click()
    sent = json.loads(app.builder.body.value)
    temporary = sent["included"][0]["id"]
    exchange = app.send()
    assert exchange is not None and exchange.status == 201, exchange.text
    contact = exchange.document["included"][0]
    assert f"<td>{temporary}</td><td>→ {contact['id']}</td>" in app.response.include_ids.value
    # the same body as an upsert by name: the account is found (200), nothing new is written
    app.builder.write.upsert.value = "name"
    assert json.loads(app.builder.body.value)["data"]["meta"] == {"upsert": ["name"]}
    again = app.send()
    assert again is not None and again.status == 200, again.text
    assert again.document["data"]["id"] == exchange.document["data"]["id"]
    # validate only, with the upsert turned off: the would-be account, not saved
    app.builder.write.upsert.value = ""
    app.builder.write.validate.value = True
    checked = app.send()
    assert checked is not None and checked.status == 201 and "location" not in checked.headers
    missing = app.client.get(f"accounts/{checked.document['data']['id']}")
    assert missing.status == 404


def test_an_update_with_a_related_record_links_it(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.action.value = "update"
    app.builder.id.value = "1"
    app.builder.write.related.click()
    exchange = app.send()
    assert exchange is not None and exchange.status == 200, exchange.text
    contact = exchange.document["included"][0]
    assert contact["meta"]["includeId"] == "new-1"
    link = exchange.document["data"]["relationships"]["defaultContact"]["data"]
    assert link == {"type": "contacts", "id": contact["id"]}


def test_relationship_template_names_an_existing_record(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.action.value = "add_relationship"
    app.builder.id.value = "1"
    assert app.builder.relationship.value == "contacts"
    app.builder.template.click()  # the id was typed after the template: make it again
    exchange = app.send()
    assert exchange is not None and exchange.status == 204, exchange.document


def test_a_request_that_cannot_be_sent_says_why(app: SandboxApp) -> None:
    app.builder.type.value = "accounts"
    app.builder.action.value = "get"
    assert app.message.value == "To send: get needs the id of a accounts record."
    assert app.send() is None
    assert app.message.value == "Not sent: get needs the id of a accounts record."
    assert len(app.history) == 0


def test_a_past_exchange_comes_back_into_the_builder(app: SandboxApp) -> None:
    app.load(RequestSpec("contacts", "get", "2", params=(("include", "owner"),)))
    first = app.send()
    app.load(RequestSpec("users"))
    app.send()
    app.history_view.select(first)
    assert app.exchange is first
    assert app.builder.spec == RequestSpec("contacts", "get", "2", params=(("include", "owner"),))


def test_a_preset_is_loaded_and_sent_when_asked(fresh_api_url: str) -> None:
    with ApiClient(fresh_api_url) as client:
        app = SandboxApp(client, metadata(), preset="type=users&filter[id]=1,2", send_preset=True)
    assert app.exchange is not None
    assert [user["id"] for user in app.exchange.data] == ["1", "2"]


def test_following_a_voila_page(app: SandboxApp, monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.follow_page() is None  # not in Voila
    assert app.share.value.startswith("<small>Preset for the web sandbox")
    page = {
        "SERVER_SOFTWARE": "voila/0.5.13",
        "SCRIPT_NAME": "/voila/render/sandbox.ipynb",
        "QUERY_STRING": "type=contacts&action=get&id=3",
    }
    for name, value in page.items():
        monkeypatch.setenv(name, value)
    exchange = app.follow_page()
    assert exchange is not None and exchange.request.url.path == "/api/contacts/3"
    assert 'href="/voila/render/sandbox.ipynb?type=contacts&amp;action=get&amp;id=3"' in (
        app.share.value
    )


@pytest.mark.parametrize(
    ("environ", "page"),
    [
        pytest.param({}, None, id="no Voila"),
        pytest.param({"SCRIPT_NAME": "/x", "SERVER_SOFTWARE": "gunicorn"}, None, id="not Voila"),
        pytest.param(
            {"SCRIPT_NAME": "/", "SERVER_SOFTWARE": "voila/0.5", "QUERY_STRING": "type=users"},
            ("/", "type=users"),
            id="Voila",
        ),
    ],
)
def test_voila_page(environ: dict[str, str], page: tuple[str, str] | None) -> None:
    assert voila_page(environ) == page


def test_an_unreachable_server_is_shown_not_raised() -> None:
    with ApiClient("http://127.0.0.1:9/api") as client:
        app = SandboxApp(client, metadata())
        app.builder.type.value = "users"
        assert app.send() is None
    assert app.response.failure is not None
    assert app.response.status_text == "No response"


def documented_presets() -> list[str]:
    """The preset links the README and the web sandbox's own page show."""
    root = Path(__file__).resolve().parents[3]
    texts = [(root / "README.md").read_text(encoding="utf-8")]
    texts += [
        "".join(c["source"])
        for c in json.loads((root / "notebooks/sandbox.ipynb").read_text())["cells"]
    ]
    return [m for text in texts for m in re.findall(r"(?:8866/|add `)\?([^`\s]+)`", text)]


@pytest.mark.parametrize("preset", documented_presets())
def test_documented_presets_answer_200(fresh_api_url: str, preset: str) -> None:
    with ApiClient(fresh_api_url) as client:
        app = SandboxApp(client, metadata(), preset=preset, send_preset=True)
    assert app.exchange is not None and app.exchange.status == 200, app.exchange
    assert app.exchange.data


def test_the_code_of_a_request_not_sent_yet_carries_its_auth(api_url: str) -> None:
    with ApiClient(api_url, auth=BearerToken("s3cr3t")) as client:
        app = SandboxApp(client, metadata())
        app.builder.type.value = "accounts"
    assert "Authorization: Bearer" in app.code.text
    assert "s3cr3t" not in app.code.text  # secrets hidden by default
    app.code.redact = False
    assert "Authorization: Bearer s3cr3t" in app.code.text


def test_an_unknown_include_path_is_noted_before_sending(app: SandboxApp) -> None:
    app.load(RequestSpec.from_preset("type=accounts&action=get_list&include=ownr"))
    assert app.message.value.startswith("Note: accounts has no relationship &#x27;ownr&#x27;")
    assert app.message.value.endswith("nothing is included for it.")
    exchange = app.send()  # a note, not a refusal: sent at once
    assert exchange is not None and exchange.status == 200  # the server ignores the path
    assert "included" not in exchange.document
    app.builder.include.value = ["owner"]
    assert app.message.value == ""


def test_the_search_panel_opens_on_the_servers_fields_and_keeps_its_history(
    app: SandboxApp,
) -> None:
    assert app.search.loaded is False  # nothing asked before the panel opens
    app.search_button.value = True
    assert app.search.layout.display is None and app.search.loaded
    assert "orders" in app.search.types.allowed_tags
    app.search.text.value = "john"
    app.page_keys._on_message(app.page_keys, {"event": "send", "scope": "search"}, [])
    exchange = app.search.wait(30)
    assert exchange is not None and exchange.status == 200
    assert [e.request.url.path for e in app.history] == ["/api/search"]
    assert app.exchange is None  # the builder's views are left as they were
