"""The web sandbox as users meet it: ``notebooks/sandbox.ipynb`` served by Voila, driven in
headless Chromium (Debian's, through Playwright) against a fresh API server with auth on."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

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
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web sandbox as ``make run`` starts it: the dashboard (API server + Voila with
    preheated kernels) on free ports and a database of its own."""
    running = Dashboard(tmp_path_factory.mktemp("web"), ROOT / "notebooks" / "sandbox.ipynb")
    try:
        yield running.wait_summary()["Web sandbox"]
    finally:
        running.process.terminate()
        running.finish()


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
    body = page.locator(".oro-body textarea")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('.oro-body textarea').value.includes('lastName')"
    )
    assert '"type": "contacts"' in body.input_value()
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "201 Created")


def test_an_error_highlights_its_control(page: object, voila_url: str) -> None:
    open_sandbox(page, voila_url)
    set_text(page, ".oro-page-size", "abc")
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    wait_status(page, "400 Bad Request")
    marked = page.locator(".oro-page-size.oro-error")  # type: ignore[attr-defined]
    marked.wait_for()
    hint = page.locator(".oro-hint").inner_text()  # type: ignore[attr-defined]
    assert re.search(r"page\[size\]: Expected integer value\. Given \"abc\"\.", hint)


def test_load_all_pages(page: object, voila_url: str) -> None:
    open_sandbox(page, voila_url + "?type=accounts&page[size]=5")
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


def test_a_preset_from_the_query_string(page: object, voila_url: str) -> None:
    open_sandbox(page, voila_url + "?type=contacts&action=get&id=1&include=owner")
    wait_status(page, "200 OK")
    assert page.locator(".oro-type input").input_value() == "contacts"  # type: ignore[attr-defined]
    assert page.locator(".oro-id input").input_value() == "1"  # type: ignore[attr-defined]
    line = page.locator(".oro-request-line").inner_text()  # type: ignore[attr-defined]
    assert line.endswith("/api/contacts/1?include=owner")


def test_the_page_loads_nothing_from_elsewhere(page: object, voila_url: str) -> None:
    """No CDN: Voila's own lab page would fetch FontAwesome from one (our template drops it)."""
    hosts: set[str] = set()

    def note(request: object) -> None:
        url = urlsplit(request.url)  # type: ignore[attr-defined]
        if url.scheme in ("http", "https", "ws", "wss"):  # not data: or blob:
            hosts.add(url.hostname or "")

    page.on("request", note)  # type: ignore[attr-defined]
    page.on("websocket", note)  # type: ignore[attr-defined]
    open_sandbox(page, voila_url + "?type=accounts&include=owner")
    wait_status(page, "200 OK")
    page.get_by_role("tab", name="Table").click()  # type: ignore[attr-defined]
    rows = page.locator(".oro-table table[id^=DataTables_Table] tbody tr")  # type: ignore[attr-defined]
    rows.first.wait_for()
    assert hosts == {"127.0.0.1"}
