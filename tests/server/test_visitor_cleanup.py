"""Expired storefront visitors (server/auth/visitors.py): those last seen longer ago than the
lifetime (30 days) who own nothing are deleted — by ``oro-sandbox visitor-cleanup`` and by the
task queue's periodic ``storefront.visitors`` — as Oro's
``oro:cron:customer-visitors:clear-expired``. Over HTTP, on both database backends.
"""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from server import cli
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import SF, Storefront

DAY = 86400


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    database = new_database("visitor-cleanup")
    with LiveServer(database, auth=True, storefront_guest_shopping_lists=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def new_visitor(store: Storefront, age_days: float = 0, *, with_list: bool = False) -> str:
    """A new visitor's token, their creation moved ``age_days`` back."""
    response = store.token_response("guest", "guest")
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    if with_list:
        body = {"data": {"type": "shoppinglists", "attributes": {"name": "Kept"}}}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": JSON_API}
        assert store.http.post(f"{SF}/shoppinglists", json=body, headers=headers).status_code == 201
    storefront = store.live.app.state.storefront
    table = storefront.schema.auth.customer_visitor
    with storefront.engine.begin() as connection:
        connection.execute(
            sa.update(table)
            .where(table.c.id == visitor_id(token))
            .values(created_at=int(time.time() - age_days * DAY))
        )
    return token


def visitor_id(token: str) -> int:
    payload = token.split(".")[1]
    return int(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def alive(store: Storefront, token: str) -> bool:
    """Whether the visitor still exists: their token still reads a guest resource."""
    headers = {"Authorization": f"Bearer {token}"}
    status = store.http.get(f"{SF}/localizations", headers=headers).status_code
    assert status in (200, 401)
    return status == 200


def cleanup(store: Storefront, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    database = ["--database", store.live.settings.database_url]
    code = cli.main(["visitor-cleanup", *argv, *database], environ={}, out=out)
    return code, out.getvalue()


def test_the_command_deletes_old_visitors_who_own_nothing(store: Storefront) -> None:
    old = new_visitor(store, 31)
    owner = new_visitor(store, 31, with_list=True)
    recent = new_visitor(store, 29)
    code, output = cleanup(store)
    assert code == 0
    assert output.startswith("Deleted ") and "more than 30 days ago who own nothing" in output
    assert int(output.split()[1]) >= 1
    assert (alive(store, old), alive(store, owner), alive(store, recent)) == (False, True, True)
    headers = {"Authorization": f"Bearer {owner}"}
    lists = store.http.get(f"{SF}/shoppinglists", headers=headers).json()["data"]
    assert [x["attributes"]["name"] for x in lists] == ["Kept"]


def test_the_lifetime_is_an_option(store: Storefront) -> None:
    ten_days = new_visitor(store, 10)
    assert alive(store, ten_days)
    assert cleanup(store, "--days", "11")[0] == 0
    assert alive(store, ten_days)
    code, output = cleanup(store, "--days", "9")
    assert code == 0 and "more than 9 days ago" in output
    assert not alive(store, ten_days)


def test_the_queue_s_periodic_task_deletes_them_too(store: Storefront) -> None:
    queue = store.live.app.state.backend.queue
    tasks = {task.name for task in queue.huey._registry.periodic_tasks}
    assert "storefront.visitors" in tasks
    today = new_visitor(store)
    owner = new_visitor(store, with_list=True)
    assert queue.clear_visitors() == 0  # nobody is 30 days old
    assert queue.clear_visitors(now=time.time() + 31 * DAY) >= 1
    assert (alive(store, today), alive(store, owner)) == (False, True)
