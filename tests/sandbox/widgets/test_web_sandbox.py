"""The web sandbox as users meet it: ``notebooks/sandbox.ipynb`` served by Voila, driven in
headless Chromium (Debian's, through Playwright) against a fresh API server with auth on."""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import psutil
import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.test_dashboard import Dashboard

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 60_000  # ms: a kernel starts and the app fetches the metadata

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dashboard, dict[str, str]]]:
    """The web sandbox as ``make run`` starts it: the dashboard (API server + Voila with
    preheated kernels) on free ports and a database of its own; with its printed URLs."""
    running = Dashboard(tmp_path_factory.mktemp("web"), ROOT / "notebooks" / "sandbox.ipynb")
    try:
        yield running, running.wait_summary()
    finally:
        running.process.terminate()
        running.finish()


@pytest.fixture(scope="module")
def voila_url(dashboard: tuple[Dashboard, dict[str, str]]) -> str:
    return dashboard[1]["Web sandbox"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT)
    yield opened
    opened.close(run_before_unload=True)  # as a closed tab does: the page ends its kernel
    context.close()


def open_sandbox(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector(".oro-sandbox .oro-builder")  # type: ignore[attr-defined]


def status(page: object) -> str:
    badge = page.locator(".oro-sandbox .oro-badge")  # type: ignore[attr-defined]
    badge.wait_for()
    return badge.inner_text().strip()


def wait_status(page: object, expected: str) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        """expected => [...document.querySelectorAll('.oro-badge')]
            .some(b => b.innerText.trim() === expected)""",
        arg=expected,
    )


def set_text(page: object, selector: str, value: str) -> None:
    field = page.locator(f"{selector} input, {selector} textarea").first  # type: ignore[attr-defined]
    field.fill(value)
    field.press("Tab")


def choose_action(page: object, action: str) -> None:
    """Pick an action by name (the options read ``create — POST /{type}``)."""
    select = page.locator(".oro-action select")  # type: ignore[attr-defined]
    labels = select.evaluate("s => [...s.options].map(o => o.textContent)")
    # ipywidgets shows spaces as no-break spaces
    select.select_option(label=next(x for x in labels if x.split("\xa0")[0] == action))


def test_list_with_filter_and_include_fills_the_table(page: object, voila_url: str) -> None:
    open_sandbox(page, voila_url)
    set_text(page, ".oro-type", "accounts")
    page.locator(".oro-add-filter").click()  # type: ignore[attr-defined]
    row = page.locator(".oro-filter-row").first  # type: ignore[attr-defined]
    row.locator("input").first.fill("id")
    row.locator("input").first.press("Tab")
    row.locator("select").select_option("gt")
    row.locator("input").nth(1).fill("3")
    row.locator("input").nth(1).press("Tab")
    tags = page.locator(".oro-include input")  # type: ignore[attr-defined]
    tags.fill("owner")
    tags.press("Enter")
    line = page.locator(".oro-request-line")  # type: ignore[attr-defined]
    line.filter(has_text="accounts?filter[id][gt]=3&include=owner").wait_for()
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "200 OK")
    page.get_by_role("tab", name="Table").click()  # type: ignore[attr-defined]
    rows = page.locator(".oro-table table[id^=DataTables_Table] tbody tr")  # type: ignore[attr-defined]
    rows.first.wait_for()
    assert rows.count() == 10  # the default page
    assert (
        "Harbor Outfitters" in page.locator(".oro-table table[id^=DataTables_Table]").inner_text()
    )  # type: ignore[attr-defined]


def test_create_with_the_template(page: object, voila_url: str) -> None:
    open_sandbox(page, voila_url)
    set_text(page, ".oro-type", "contacts")
    choose_action(page, "create")
    body = page.locator(".oro-body .cm-content")  # type: ignore[attr-defined]
    body.filter(has_text="lastName").wait_for()
    assert '"type": "contacts"' in body.inner_text()
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "201 Created")


def token_colours(page: object) -> set[str]:
    """The colours of the body editor's highlighted tokens."""
    return set(
        page.evaluate(  # type: ignore[attr-defined]
            """() => [...document.querySelectorAll('.oro-body .cm-line span')]
                .map(span => getComputedStyle(span).color)"""
        )
    )


def test_the_body_editor_highlights_checks_and_marks(page: object, voila_url: str) -> None:
    """The body is a code editor: JSON highlighted; the error's source.pointer marked in it;
    a body that is not JSON marked at its line and not sent (a second Send sends it)."""
    body = '{"data": {"type": "contacts", "attributes": {"firstName": "Ann", "lastName": ""}}}'
    open_sandbox(page, voila_url + "?" + urlencode({"type": "contacts", "action": "create",
                                                     "body": body}))  # fmt: skip
    wait_status(page, "400 Bad Request")  # lastName: "This value should not be blank."
    assert len(token_colours(page)) >= 3  # keys, strings, punctuation: not one plain colour
    mark = page.locator(".oro-body .oro-cm-error.oro-cm-mark")  # type: ignore[attr-defined]
    mark.first.wait_for()
    assert mark.first.inner_text() == '"lastName": ""'
    assert mark.first.get_attribute("title") == "This value should not be blank."
    hint = page.locator(".oro-row-body .oro-hint").inner_text()  # type: ignore[attr-defined]
    assert hint == "/data/attributes/lastName: This value should not be blank."

    page.locator(".oro-body .cm-content").click()  # type: ignore[attr-defined]
    page.keyboard.press("Control+End")  # type: ignore[attr-defined]
    page.keyboard.type("\n,")  # type: ignore[attr-defined]
    parse = page.locator(".oro-body .oro-cm-parse-line")  # type: ignore[attr-defined]
    parse.first.wait_for()
    assert "line 2, column 1: Extra data" in (parse.first.get_attribute("title") or "")
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    message = page.locator(".oro-message").filter(has_text="Not sent")  # type: ignore[attr-defined]
    message.wait_for()
    assert message.inner_text().startswith(
        "Not sent: the body is not JSON at line 2, column 1: Extra data."
    )
    badge = page.locator(".oro-bar-status .oro-badge")  # type: ignore[attr-defined]
    assert badge.inner_text() == "400 Bad Request"  # the earlier answer: nothing was sent
    page.locator(".oro-body .cm-content").click()  # type: ignore[attr-defined]
    page.keyboard.press("Control+End")  # type: ignore[attr-defined]
    page.keyboard.press("Backspace")  # type: ignore[attr-defined]
    page.locator(".oro-body .oro-cm-parse-line").wait_for(state="detached")  # type: ignore[attr-defined]
    sent = page.locator(".oro-hrow").count()  # type: ignore[attr-defined]
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]  # typed in the editor
    page.wait_for_function(  # type: ignore[attr-defined]
        "n => document.querySelectorAll('.oro-hrow').length === n", arg=sent + 1
    )
    lines = page.locator(".oro-body .cm-line")  # type: ignore[attr-defined]
    assert lines.count() == 2  # the document and the line typed after it: the chord typed nothing


def test_a_plain_text_body_when_the_editor_cannot_start(page: object, voila_url: str) -> None:
    page.add_init_script("window.__oroEditorFails = 'made to fail'")  # type: ignore[attr-defined]
    open_sandbox(page, voila_url + "?type=contacts&action=create")
    note = page.locator(".oro-body .oro-json-fallback-note")  # type: ignore[attr-defined]
    note.wait_for()
    assert note.inner_text().startswith("The code editor could not start here; plain text")
    area = page.locator(".oro-body textarea.oro-json-fallback")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('.oro-body .oro-json-fallback').value.includes('lastName')"
    )
    area.fill('{"data": {"type": "contacts", "attributes": {"firstName": "A", "lastName": "B"}}}')
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "201 Created")


def test_write_options_related_record_and_include_ids(
    sized: object, voila_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A create with a related record in one request (reference §12), validated only: the
    template, the validate option, the temporary id → id table; an error inside ``included``
    marks the body at its pointer. (The upsert picker: tests/sandbox/widgets/test_app.py.)"""
    page = sized
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    open_sandbox(page, voila_url)
    set_text(page, ".oro-type", "contacts")
    choose_action(page, "create")
    assert page.locator(".oro-upsert").is_hidden()  # type: ignore[attr-defined]  # none here
    page.locator(".oro-related-template").click()  # type: ignore[attr-defined]
    body = page.locator(".oro-body .cm-content")  # type: ignore[attr-defined]
    body.filter(has_text="included").wait_for()
    page.locator(".oro-validate input").check()  # type: ignore[attr-defined]
    body.filter(has_text='"validate"').wait_for()
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "201 Created")  # the would-be contact and account, nothing saved
    table = page.locator(".oro-response .oro-include-ids")  # type: ignore[attr-defined]
    table.wait_for()
    assert re.search(r"accounts\s+new-1\s+→ \d+", table.inner_text())
    shots = tmp_path_factory.getbasetemp()
    page.screenshot(path=str(shots / f"write-options-{width}.png"))  # type: ignore[attr-defined]
    assert overflow(page) == 0

    document = json.loads(body.inner_text())
    document["included"][0]["attributes"]["name"] = ""
    body.click()
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.insert_text(json.dumps(document, indent=2))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "400 Bad Request")
    mark = page.locator(".oro-body .oro-cm-error.oro-cm-mark")  # type: ignore[attr-defined]
    mark.first.wait_for()
    assert mark.first.inner_text() == '"name": ""'  # inside included[0], at its pointer
    hint = page.locator(".oro-row-body .oro-hint").inner_text()  # type: ignore[attr-defined]
    assert hint == "/included/0/attributes/name: This value should not be blank."
    page.screenshot(path=str(shots / f"write-error-{width}.png"))  # type: ignore[attr-defined]


def test_try_it_then_errors_mark_their_controls(
    page: object, dashboard: tuple[Dashboard, dict[str, str]]
) -> None:
    """/api/doc's "Try it" opens the sandbox preset to the operation; then the metadata's marks
    before sending, the server's after, each detail under its row."""
    urls = dashboard[1]
    page.goto(urls["API docs"] + "/rest_json_api/users")  # type: ignore[attr-defined]
    link = page.locator('a.try[href$="?type=users&action=get_list"]')  # type: ignore[attr-defined]
    href = link.get_attribute("href")
    assert href == urls["Web sandbox"] + "?type=users&action=get_list"
    open_sandbox(page, href)
    wait_status(page, "200 OK")  # the preset is sent as the page opens
    set_text(page, ".oro-type", "ordrs")  # a misspelt type: the metadata says so, nothing sent
    page.locator(".oro-type.oro-error").wait_for()  # type: ignore[attr-defined]
    hint = page.locator(".oro-row-target .oro-hint").inner_text()  # type: ignore[attr-defined]
    assert "Did you mean 'orders'?" in hint
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    page.locator(".oro-message").filter(has_text="Not sent").wait_for()  # type: ignore[attr-defined]
    badge = page.locator(".oro-bar-status .oro-badge")  # type: ignore[attr-defined]
    assert badge.inner_text() == "200 OK"  # still the preset's answer: nothing was sent

    set_text(page, ".oro-type", "users")
    set_text(page, ".oro-page-size", "abc")  # the server's error marks the page size
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "400 Bad Request")
    page.locator(".oro-page-size.oro-error").wait_for()  # type: ignore[attr-defined]
    hint = page.locator(".oro-row-page .oro-hint").inner_text()  # type: ignore[attr-defined]
    assert re.search(r"page\[size\]: Expected integer value\. Given \"abc\"\.", hint)

    set_text(page, ".oro-page-size", "")
    set_text(page, ".oro-other", "foo=bar")  # and an error on the other parameters marks them
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    page.locator(".oro-other.oro-error").wait_for()  # type: ignore[attr-defined]
    assert page.locator(".oro-page-size.oro-error").count() == 0  # type: ignore[attr-defined]
    hint = page.locator(".oro-row-other .oro-hint").inner_text()  # type: ignore[attr-defined]
    assert hint == "foo: The filter is not supported."
    field = page.locator(".oro-other").bounding_box()  # type: ignore[attr-defined]
    under = page.locator(".oro-row-other .oro-hint").bounding_box()  # type: ignore[attr-defined]
    assert 0 <= under["y"] - (field["y"] + field["height"]) < 30  # right under the field


def test_the_storefronts_try_it_opens_the_sandbox_on_the_storefront(
    page: object, dashboard: tuple[Dashboard, dict[str, str]]
) -> None:
    """The storefront's /api/doc "Try it" opens the sandbox on the storefront API (a guest);
    a customer user signs in, a currency setting goes with the request; back to the
    back-office with the switch."""
    urls = dashboard[1]
    storefront = urls["API"].removesuffix("/api") + "/storefront/api"
    page.goto(storefront + "/doc/rest_json_api/products")  # type: ignore[attr-defined]
    link = page.locator('a.try[href$="type=products&action=get_list"]')  # type: ignore[attr-defined]
    href = link.get_attribute("href")
    assert href == urls["Web sandbox"] + "?api=storefront&type=products&action=get_list"
    open_sandbox(page, href)
    wait_status(page, "200 OK")
    chosen = page.locator(".oro-api .mod-active")  # type: ignore[attr-defined]
    assert chosen.inner_text() == "Storefront API"
    header = page.locator(".oro-header")  # type: ignore[attr-defined]
    assert "auth storefront guest (visitor)" in header.inner_text()
    line = page.locator(".oro-request-line")  # type: ignore[attr-defined]
    assert line.inner_text().endswith("/storefront/api/products")

    page.locator(".oro-who button", has_text="Customer user").click()  # type: ignore[attr-defined]
    page.locator(".oro-sign-in").click()  # type: ignore[attr-defined]
    header.filter(has_text="jacob.lewis2@example.com").wait_for()
    page.locator(".oro-currency select").select_option(label="EUR — Euro")  # type: ignore[attr-defined]
    page.get_by_role("tab", name="Code").click()  # type: ignore[attr-defined]
    code = page.locator(".oro-sandbox .widget-tab")  # type: ignore[attr-defined]
    code.filter(has_text="X-Currency: EUR").wait_for()
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    response = page.locator(".oro-response-pane")  # type: ignore[attr-defined]
    response.filter(has_text=re.compile(r'"currencyId":\s*"EUR"')).wait_for()  # euro prices
    badge = page.locator(".oro-bar-status .oro-badge")  # type: ignore[attr-defined]
    assert badge.inner_text() == "200 OK"

    page.locator(".oro-api button", has_text="Back-office API").click()  # type: ignore[attr-defined]
    line.filter(has_text=urls["API"] + "/").wait_for()
    assert page.locator(".oro-storefront").is_hidden()  # type: ignore[attr-defined]


def test_saved_collections_survive_a_reload_and_travel_as_files(
    page: object, voila_url: str, tmp_path: Path
) -> None:
    """Saved: the request saved under a name in a collection, exported as a file, listed again
    after a reload, opened back into the builder; a collection's file imported."""
    open_sandbox(page, voila_url + "?type=orders&filter[currency]=EUR&sort=-createdAt")
    wait_status(page, "200 OK")
    page.get_by_role("tab", name="Saved").click()  # type: ignore[attr-defined]
    set_text(page, ".oro-saved-collection", "Orders")
    set_text(page, ".oro-saved-name", "EUR orders")
    page.locator(".oro-saved-save").click()  # type: ignore[attr-defined]
    row = page.locator(".oro-saved-row").filter(has_text="EUR orders")  # type: ignore[attr-defined]
    row.wait_for()
    assert "GET /orders?filter[currency]=EUR&sort=-createdAt" in row.inner_text()
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.locator("a.oro-saved-download").click()  # type: ignore[attr-defined]
    assert download.value.suggested_filename == "orders.json"
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["format"] == "oro-api-sandbox/collection"
    assert [r["name"] for r in exported["requests"]] == ["EUR orders"]

    open_sandbox(page, voila_url + "?type=users&page[size]=1")  # another page, the same disk
    wait_status(page, "200 OK")
    page.get_by_role("tab", name="Saved").click()  # type: ignore[attr-defined]
    row = page.locator(".oro-saved-row").filter(has_text="EUR orders")  # type: ignore[attr-defined]
    row.locator(".oro-saved-open").click()
    line = page.locator(".oro-request-line")  # type: ignore[attr-defined]
    line.filter(has_text="/api/orders?filter[currency]=EUR&sort=-createdAt").wait_for()
    assert page.locator(".oro-type input").input_value() == "orders"  # type: ignore[attr-defined]

    shared = tmp_path / "shared.json"
    exported["name"] = "From a colleague"
    shared.write_text(json.dumps(exported))
    with page.expect_file_chooser() as chooser_opened:  # type: ignore[attr-defined]
        page.locator(".oro-saved-import").click()  # type: ignore[attr-defined]
    chooser_opened.value.set_files(str(shared))
    message = page.locator(".oro-saved-message")  # type: ignore[attr-defined]
    message.filter(has_text="Imported shared.json").wait_for()
    chooser = page.locator(".oro-saved-collection input")  # type: ignore[attr-defined]
    assert chooser.input_value() == "From a colleague"
    page.locator(".oro-saved-row").filter(has_text="EUR orders").wait_for()  # type: ignore[attr-defined]


def test_load_all_pages_and_nothing_from_elsewhere(page: object, voila_url: str) -> None:
    """No CDN: Voila's own lab page would fetch FontAwesome from one (our template drops it)."""
    hosts: set[str] = set()

    def note(request: object) -> None:
        url = urlsplit(request.url)  # type: ignore[attr-defined]
        if url.scheme in ("http", "https", "ws", "wss"):  # not data: or blob:
            hosts.add(url.hostname or "")

    page.on("request", note)  # type: ignore[attr-defined]
    page.on("websocket", note)  # type: ignore[attr-defined]
    open_sandbox(page, voila_url + "?type=accounts&page[size]=5&include=owner")
    wait_status(page, "200 OK")  # a preset is sent when the page opens
    page.get_by_role("tab", name="Table").click()  # type: ignore[attr-defined]
    rows = page.locator(".oro-table table[id^=DataTables_Table] tbody tr")  # type: ignore[attr-defined]
    rows.first.wait_for()
    page.get_by_role("button", name="Load all pages").click()  # type: ignore[attr-defined]
    status_line = page.locator(".oro-table-status")  # type: ignore[attr-defined]
    status_line.filter(has_text="all pages").wait_for()
    text = status_line.inner_text()
    total = int(re.search(r"of ([\d,]+)", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert total > 10
    assert hosts == {"127.0.0.1"}


# --- the layout and the request state, at a laptop's size and a narrow window ---------------

SIZES = [
    pytest.param((1280, 800), id="1280x800"),
    pytest.param((800, 900), id="800x900"),
]
SCREENSHOT_PRESET = (
    "?type=orders&filter[currency]=EUR&include=customer&sort=-createdAt&page[size]=5"
)


@pytest.fixture(params=SIZES)
def sized(request: pytest.FixtureRequest, browser: object) -> Iterator[object]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT)
    yield opened
    opened.close(run_before_unload=True)
    context.close()


def in_viewport(page: object, selector: str) -> bool:
    """Whether the element is wholly inside the window as it is (nothing scrolled)."""
    page.locator(selector).first.wait_for()  # type: ignore[attr-defined]
    return bool(
        page.evaluate(  # type: ignore[attr-defined]
            """selector => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.width > 0 && box.top >= 0 && box.left >= 0
                    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
            }""",
            selector,
        )
    )


def overflow(page: object) -> int:
    """How far the page is wider than the window (0: no horizontal scrolling)."""
    return int(
        page.evaluate(  # type: ignore[attr-defined]
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
    )


def test_layout_send_and_ctrl_enter(sized: object, voila_url: str) -> None:
    """After Send the status is in view without scrolling, nothing overflows, Ctrl+Enter sends;
    at 1280×800 request and response sit side by side (the README's screenshot is this page)."""
    page = sized
    wide = page.viewport_size["width"] >= 1100  # type: ignore[attr-defined]
    open_sandbox(page, voila_url + SCREENSHOT_PRESET)
    wait_status(page, "200 OK")  # the preset, sent as the page opens
    assert page.title() == "Oro API Sandbox"  # type: ignore[attr-defined]
    assert page.locator(".oro-sandbox h1").count() == 1  # type: ignore[attr-defined]
    assert in_viewport(page, ".oro-bar-status .oro-badge")
    if wide:  # side by side: the response itself starts beside the builder
        assert in_viewport(page, ".oro-response .oro-badge")
        request = page.locator(".oro-request-pane").bounding_box()  # type: ignore[attr-defined]
        response = page.locator(".oro-response-pane").bounding_box()  # type: ignore[attr-defined]
        assert response["x"] >= request["x"] + request["width"]
        page.wait_for_timeout(300)  # the tags and the tree settle
        page.screenshot(path=str(ROOT / "docs" / "web-sandbox.png"))  # type: ignore[attr-defined]
    assert overflow(page) == 0
    send = page.locator(".oro-send").bounding_box()  # type: ignore[attr-defined]
    assert send["width"] >= 80  # a button, not a stub

    set_text(page, ".oro-type", "contacts")
    choose_action(page, "get")
    field = page.locator(".oro-id input")  # type: ignore[attr-defined]
    field.fill("999999")
    field.press("Control+Enter")
    wait_status(page, "404 Not Found")
    assert page.evaluate("window.scrollY") == 0  # type: ignore[attr-defined]
    assert in_viewport(page, ".oro-bar-status .oro-badge")
    if wide:
        assert in_viewport(page, ".oro-response .oro-badge")
    assert overflow(page) == 0

    page.get_by_role("tab", name="Docs").click()  # type: ignore[attr-defined]
    page.locator(".oro-docs h3").wait_for()  # type: ignore[attr-defined]
    scrolled = page.evaluate(  # type: ignore[attr-defined]
        """() => {  // the page's scroller (Voila's panel), down by 500 px
            let box = document.querySelector('.oro-sandbox');
            while (box && !(box.scrollHeight > box.clientHeight
                             && /auto|scroll/.test(getComputedStyle(box).overflowY))) {
                box = box.parentElement;
            }
            if (!box) return 0;
            const before = box.scrollTop;
            box.scrollTop += 500;
            return box.scrollTop - before;
        }"""
    )
    assert scrolled > 100  # the Docs make the page taller than the window
    page.wait_for_timeout(200)
    assert in_viewport(page, ".oro-send")  # the request bar stays in view: it sticks


def kernels(dashboard: Dashboard) -> set[int]:
    """The dashboard's running kernels (the page's and the one preheated for the next)."""
    found = set()
    for child in psutil.Process(dashboard.process.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()) and child.is_running():
                found.add(child.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def test_the_history_survives_a_reload_that_ends_the_pages_kernel(
    page: object, dashboard: tuple[Dashboard, dict[str, str]]
) -> None:
    running, urls = dashboard
    open_sandbox(page, urls["Web sandbox"] + "?type=contacts&action=get&id=3&include=owner")
    wait_status(page, "200 OK")
    assert page.locator(".oro-type input").input_value() == "contacts"  # type: ignore[attr-defined]
    assert page.locator(".oro-id input").input_value() == "3"  # type: ignore[attr-defined]
    line = page.locator(".oro-request-line").inner_text()  # type: ignore[attr-defined]
    assert line.endswith("/api/contacts/3?include=owner")
    deadline = time.monotonic() + 60
    while len(kernels(running)) < 2 and time.monotonic() < deadline:  # the pool refills
        time.sleep(0.5)
    before = kernels(running)
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector(".oro-sandbox .oro-builder")  # type: ignore[attr-defined]
    wait_status(page, "200 OK")  # the preset is sent again
    page.get_by_role("tab", name="History").click()  # type: ignore[attr-defined]
    rows = page.locator(".oro-hrow").filter(has_text="/api/contacts/3?include=owner")  # type: ignore[attr-defined]
    rows.nth(1).wait_for()  # the first page's exchange, and the reloaded page's
    page.locator(".oro-hrow").last.click()  # type: ignore[attr-defined]
    page.locator(".oro-hrow-selected").wait_for()  # type: ignore[attr-defined]
    tab = page.get_by_role("tab", name="History")  # type: ignore[attr-defined]
    assert tab.get_attribute("aria-selected") == "true"  # choosing one keeps the tab

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = kernels(running)
        if len(before - now) == 1 and len(now - before) == 1:
            break
        time.sleep(0.5)
    # the left page's kernel ended; the preheated one serves the page, a new one waits
    assert (len(before - now), len(now - before)) == (1, 1)


# --- a slow server: the request state while waiting ----------------------------------------

SLOW_SECONDS = 4.0


class _SlowProxy(http.server.ThreadingHTTPServer):
    """Forwards to the API server; requests for accounts wait SLOW_SECONDS first."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        super().__init__(("127.0.0.1", 0), _SlowHandler)


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    server: _SlowProxy

    def log_message(self, *args: object) -> None:
        pass

    def _forward(self) -> None:
        if self.path.startswith("/api/accounts"):
            time.sleep(SLOW_SECONDS)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        skip = {"host", "content-length", "connection", "accept-encoding"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        answer = httpx.request(
            self.command, self.server.upstream + self.path, headers=headers, content=body
        )
        self.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in (
                "content-length",
                "content-encoding",
                "transfer-encoding",
                "connection",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PATCH = do_DELETE = _forward


@pytest.fixture(scope="module")
def slow_api(dashboard: tuple[Dashboard, dict[str, str]]) -> Iterator[str]:
    origin = dashboard[1]["API"].removesuffix("/api")
    proxy = _SlowProxy(origin)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}/api"
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_another_server_and_a_slow_request(page: object, voila_url: str, slow_api: str) -> None:
    """Server… switches to another API root (here the bundled server behind a slow proxy);
    while its slow answer is awaited, Send is disabled with a spinner and the old answer dims."""
    open_sandbox(page, voila_url + "?type=users&page[size]=1")
    wait_status(page, "200 OK")
    page.locator(".oro-server-button").click()  # type: ignore[attr-defined]
    url = page.locator(".oro-env-url input")  # type: ignore[attr-defined]
    url.fill(slow_api)
    url.press("Tab")
    page.locator(".oro-env-connect").click()  # type: ignore[attr-defined]
    page.locator(".oro-env-note").filter(has_text=f"Connected to {slow_api}").wait_for()  # type: ignore[attr-defined]
    # the note is said before the app switches its header: wait for the header's own update
    page.locator(".oro-header", has_text=f"API root {slow_api}").wait_for()  # type: ignore[attr-defined]
    set_text(page, ".oro-type", "accounts")
    send = page.locator("button.oro-send")  # type: ignore[attr-defined]
    send.click()
    page.locator("button.oro-send[disabled]").wait_for()  # type: ignore[attr-defined]
    assert "Sending" in send.inner_text()
    # the dimming comes in a model update of its own: wait for it rather than race it
    page.locator(".oro-response-pane.oro-stale").wait_for()  # type: ignore[attr-defined]
    page.locator("button.oro-cancel").wait_for()  # type: ignore[attr-defined]
    page.locator(".oro-id input, .oro-type input").first.press("Control+Enter")  # type: ignore[attr-defined]
    wait_status(page, "200 OK")
    page.locator("button.oro-send:not([disabled])").wait_for()  # type: ignore[attr-defined]
    assert page.locator(".oro-response-pane.oro-stale").count() == 0  # type: ignore[attr-defined]
    line = page.locator(".oro-response .oro-url").first.inner_text()  # type: ignore[attr-defined]
    assert line.startswith(f"GET {slow_api}/accounts")
    # only one request went out: Ctrl+Enter while one was in flight sent nothing
    page.get_by_role("tab", name="History").click()  # type: ignore[attr-defined]
    rows = page.locator(".oro-htarget", has_text=re.compile(r"^/api/accounts$"))  # type: ignore[attr-defined]
    rows.first.wait_for()
    assert rows.count() == 1


def test_a_click_right_after_typing_acts_on_all_that_was_typed(
    page: object, voila_url: str
) -> None:
    """ipywidgets holds a box's later keystrokes back while its first is unanswered, but sends a
    button's click at once: the page holds the click until the kernel has answered, so Send acts
    on every key typed before it (else it acts on what the kernel had: nothing is sent)."""
    open_sandbox(page, voila_url)
    page.evaluate(  # type: ignore[attr-defined]
        """() => {  // typed key by key, then Send clicked, before the kernel can answer
            const box = document.querySelector('.oro-type input');
            for (const n of [...'contactsources'].keys()) {
                box.value = 'contactsources'.slice(0, n + 1);
                box.dispatchEvent(new Event('input', { bubbles: true }));
            }
            document.querySelector('button.oro-send').click();
        }"""
    )
    sent = page.locator(".oro-response .oro-url").first  # type: ignore[attr-defined]
    sent.wait_for(timeout=20_000)  # (acting on a stale type, the click sends nothing)
    line = sent.inner_text()
    assert line.startswith("GET ") and line.endswith("/api/contactsources"), line
    wait_status(page, "200 OK")


def test_batch_panel_template_send_and_monitor(sized: object, voila_url: str) -> None:
    """Batch…: the accounts template sent asynchronously; the monitor ends on success with the
    summary, a full bar, and the blank row's error pointing at input row 3; nothing overflows."""
    page = sized
    open_sandbox(page, voila_url)
    page.get_by_role("button", name="Batch…").click()  # type: ignore[attr-defined]
    panel = page.locator(".oro-batch")  # type: ignore[attr-defined]
    panel.wait_for()
    panel.locator(".oro-batch-controls select").select_option("accounts")
    panel.get_by_role("button", name="Template").click()
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('.oro-batch textarea').value.startsWith('name')"
    )
    panel.get_by_role("button", name="Send batch").click()
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => (document.querySelector('.oro-batch-status') || {}).innerText === 'success'"
        " && document.querySelector('.oro-batch-errors')"
    )
    assert "errorCount 1" in panel.locator(".oro-batch-monitor").inner_text()
    first = [
        c.inner_text() for c in panel.locator(".oro-batch-errors tr").nth(1).locator("td").all()
    ]
    assert first[:3] == ["3", "name", "400"]
    assert overflow(page) == 0
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    name = "web-sandbox-batch.png" if width >= 1100 else f"web-sandbox-batch-{width}.png"
    panel.screenshot(path=str(ROOT / "docs" / name))


def test_search_panel_simple_advanced_marks_and_bars(sized: object, voila_url: str) -> None:
    """Search…: a word found (the answer in view), a query marked as typed, refused once, then
    the server's 400 marked at the same place — all without sending the builder's request —,
    the mended query with aggregations drawn as bars; nothing overflows."""
    page = sized
    open_sandbox(page, voila_url)
    page.get_by_role("button", name="Search…").click()  # type: ignore[attr-defined]
    panel = page.locator(".oro-search")  # type: ignore[attr-defined]
    panel.wait_for()
    status_line = panel.locator(".oro-search-status")

    panel.locator(".oro-search-text input").fill("john")
    panel.locator(".oro-search-text input").press("Enter")
    status_line.filter(has_text=re.compile(r"\d+ found · page 1 of \d+")).wait_for()
    assert in_viewport(page, ".oro-search-status .oro-badge")  # the answer, without scrolling
    shown = panel.locator(".oro-search-results .widget-label")  # the table's own status
    shown.filter(has_text=re.compile(r"^10 of \d+ search \(this page\)$")).wait_for()
    rows = panel.locator(".oro-search-results table[id^=DataTables_Table] tbody tr")
    rows.first.wait_for()
    assert rows.count() == 10  # the first page

    panel.get_by_role("button", name="Advanced").click()
    types = panel.locator(".jupyter-widget-tagsinput input")
    types.fill("orders")
    types.press("Enter")
    panel.locator(".oro-search-query .cm-content").click()
    page.keyboard.type("totalValue > 1000 and")  # type: ignore[attr-defined]
    caret = panel.locator(".oro-search-query .oro-cm-caret")  # marked at the end, as typed
    caret.wait_for()
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    panel.locator(".oro-search-problem", has_text="Not sent").wait_for()
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]  # again: sent
    status_line.filter(has_text="400 Bad Request").wait_for()
    assert "position 21" in panel.locator(".oro-search-problem").inner_text()
    caret.wait_for()  # the server's position, marked at the same place
    assert page.locator(".oro-response-pane .oro-badge").count() == 0  # type: ignore[attr-defined]

    page.keyboard.press("Control+a")  # type: ignore[attr-defined]
    page.keyboard.type("totalValue > 1000")  # type: ignore[attr-defined]
    # the kernel has a query it finds nothing wrong with (a person sees the problem go away)
    panel.locator(".oro-search-problem").filter(has_text="position").wait_for(state="detached")
    panel.locator(".oro-search-aggregations input").fill("status count, totalValue sum")
    panel.locator(".oro-search-aggregations input").press("Enter")
    status_line.filter(has_text="200 OK").wait_for()
    assert caret.count() == 0
    panel.get_by_role("tab", name="Aggregations").click()
    bars = panel.locator(".oro-bar-fill")
    bars.first.wait_for()
    assert bars.count() >= 3  # the seed's order statuses
    assert "totalValueSum" in panel.locator(".oro-aggregations").inner_text()
    assert overflow(page) == 0
    if page.viewport_size["width"] >= 1100:  # type: ignore[attr-defined]  # the README's
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
        panel.screenshot(path=str(ROOT / "docs" / "web-sandbox-search.png"))
