"""The access matrix: for each demo role and each way a request can reach a related record,
nothing of a record the caller may not see is returned or can be inferred.

The ways (Oro applies its access rules to every joined entity): filters through an association
(one and two hops, an attribute or the id at the end), sorting through an association, counts,
includes and their ``meta=title``, linkage in ``relationships``, relationship and sub-resource
routes; and the item, sub-resource and relationship routes of the hidden record itself (403 "No
access to the entity.", a missing id 404).

Pairs are found from the metadata and the database: a record ``t`` the caller sees, related to a
record ``h`` of a type the caller may (partly) see, but not ``h`` itself. What the caller sees of
each type comes from the primary list, which test_access_control checks against the database.
"""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server.metadata import types as t
from server.metadata.model import Registry, Relationship, Resource
from server.storage.tables import Schema
from tests.auth.acl_support import (
    ACME_REP,
    ACME_STORE_MANAGER,
    ADMIN,
    MANAGER,
    PLAIN_USER,
    READ_ONLY,
    REP,
    call,
    header_user_server,
)
from tests.live_server import LiveServer

ROLES = {
    "administrator": ADMIN,
    "sales-manager": MANAGER,
    "sales-rep": REP,
    "read-only": READ_ONLY,
    "user": PLAIN_USER,
    "acme-sales-rep": ACME_REP,
    "acme-store-manager": ACME_STORE_MANAGER,
}
COUNT = {"X-Include": "totalCount;noHateoas"}
NO_LINKS = {"X-Include": "noHateoas"}


@dataclass(frozen=True)
class Hidden:
    """``t`` (seen) is related through ``rel`` to ``h``, which the caller may not see."""

    owner: Resource
    rel: Relationship
    t: Any
    h: Any


class World:
    """The database as it is, read without access rules, and what each user sees of it."""

    def __init__(self, server: LiveServer, client: httpx.Client) -> None:
        backend = server.app.state.backend
        self.server, self.client = server, client
        self.registry: Registry = backend.registry
        self.schema: Schema = backend.schema
        self.engine: sa.Engine = backend.engine

    @cache  # noqa: B019 - one world per module
    def pairs(self, type_: str, name: str) -> list[tuple[Any, Any]]:
        """(owner id, target id) of every link of the association, ordered."""
        resource = self.registry[type_]
        rel = resource.relationship[name]
        if rel.many and rel.link_table:
            table, link = self.schema.link(type_, name)
            columns = table.c[link.owner_column], table.c[link.target_column]
        elif rel.many:
            assert rel.inverse is not None
            target = self.schema.tables[rel.target]
            inverse = self.registry[rel.target].relationship[rel.inverse]
            columns = target.c[inverse.column], target.c.id
        else:
            table = self.schema.tables[type_]
            columns = table.c.id, table.c[rel.column]
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(*columns).where(columns[1].is_not(None)).order_by(*columns)
            )
            return [tuple(row) for row in rows]

    @cache  # noqa: B019
    def values(self, type_: str, attribute: str) -> dict[Any, Any]:
        table = self.schema.tables[type_]
        column = table.c[self.registry[type_].attribute[attribute].column]
        with self.engine.connect() as connection:
            return dict(connection.execute(sa.select(table.c.id, column)).all())

    @cache  # noqa: B019
    def seen(self, user: int, type_: str) -> frozenset[Any]:
        response = call(
            self.server,
            user,
            "GET",
            f"/{type_}?page[size]=-1",
            headers=NO_LINKS,
            client=self.client,
        )
        if response.status_code == 403:
            return frozenset()
        assert response.status_code == 200, response.text
        return frozenset(_id(item) for item in response.json()["data"])

    def hidden(self, user: int, owner: Resource, rel: Relationship) -> Hidden | None:
        """The first link from a record the user sees to one they do not."""
        seen_owners, seen_targets = self.seen(user, owner.type), self.seen(user, rel.target)
        for t_id, h_id in self.pairs(owner.type, rel.name):
            if t_id in seen_owners and h_id not in seen_targets:
                return Hidden(owner, rel, t_id, h_id)
        return None

    def unique_attribute(self, type_: str, h: Any) -> tuple[str, Any] | None:
        """A filterable text attribute whose value at ``h`` no other record shares."""
        for attribute in self.registry[type_].attributes:
            if attribute.type is not t.STRING or "eq" not in attribute.operators:
                continue
            values = self.values(type_, attribute.name)
            value = values.get(h)
            if value and list(values.values()).count(value) == 1:
                return attribute.name, value
        return None


def _id(item: dict[str, Any]) -> Any:
    text = item["id"]
    return int(text) if text.isdigit() else text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from header_user_server(tmp_path_factory.mktemp("matrix") / "matrix.db")


@pytest.fixture(scope="module")
def world(server: LiveServer) -> Iterator[World]:
    with httpx.Client() as client:
        yield World(server, client)


def links(world: World) -> list[tuple[Resource, Relationship]]:
    return [
        (resource, rel)
        for resource in world.registry
        for rel in resource.relationships
        if world.registry[rel.target].ownership is not None  # dictionaries: nothing is hidden
    ]


def get(world: World, user: int, url: str, headers: dict[str, str] = NO_LINKS) -> httpx.Response:
    return call(world.server, user, "GET", url, headers=headers, client=world.client)


def total(world: World, user: int, url: str) -> int:
    response = get(world, user, url, COUNT)
    assert response.status_code == 200, (url, response.text)
    return int(response.headers["x-include-total-count"])


def random_text() -> str:
    return f"no-such-{uuid.uuid4().hex}"


# --- the matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ROLES.values(), ids=ROLES.keys())
def test_filters_and_counts_tell_nothing_of_hidden_records(world: World, user: int) -> None:
    """The count for a hidden record's true value equals the count for a random value: through
    one association (attribute or id) and through two."""
    checked = 0
    for owner, rel in links(world):
        hidden = world.hidden(user, owner, rel)
        if hidden is None or not rel.filterable:
            continue
        base = f"/{owner.type}?page[size]=1&filter"
        missing = 10**9 if world.registry[rel.target].id_type is t.INTEGER else random_text()
        assert total(world, user, f"{base}[{rel.name}]={hidden.h}") == total(
            world, user, f"{base}[{rel.name}]={missing}"
        ), (owner.type, rel.name, hidden)
        found = world.unique_attribute(rel.target, hidden.h)
        if found is not None:
            name, value = found
            true = total(world, user, f"{base}[{rel.name}.{name}]={value}")
            assert true == total(world, user, f"{base}[{rel.name}.{name}]={random_text()}"), (
                owner.type,
                rel.name,
                name,
                hidden,
            )
        checked += 1
    assert checked >= 1  # the matrix reached hidden records for this role


@pytest.mark.parametrize(
    "user", [MANAGER, REP, ACME_REP], ids=["sales-manager", "sales-rep", "acme-rep"]
)
def test_two_hop_filters_tell_nothing_of_hidden_records(world: World, user: int) -> None:
    """``filter[a.b.attr]``: ``t`` → ``m`` (seen) → ``h`` (hidden)."""
    checked = 0
    for (owner, rel), (middle, rel2) in itertools.product(links(world), repeat=2):
        if rel.target != middle.type or not (rel.filterable and rel2.filterable):
            continue
        hidden = world.hidden(user, middle, rel2)
        if hidden is None:
            continue
        seen_owners = world.seen(user, owner.type)
        via = [
            o for o, m in world.pairs(owner.type, rel.name) if m == hidden.t and o in seen_owners
        ]
        found = world.unique_attribute(rel2.target, hidden.h)
        if not via or found is None:
            continue
        name, value = found
        base = f"/{owner.type}?page[size]=1&filter[{rel.name}.{rel2.name}.{name}]="
        assert total(world, user, base + str(value)) == total(world, user, base + random_text()), (
            owner.type,
            rel.name,
            rel2.name,
            name,
            hidden,
        )
        checked += 1
        if checked >= 12:
            break
    assert checked >= 1


@pytest.mark.parametrize("user", ROLES.values(), ids=ROLES.keys())
def test_linkage_includes_and_relationship_routes_leave_hidden_records_out(
    world: World, user: int
) -> None:
    checked = 0
    for owner, rel in links(world):
        hidden = world.hidden(user, owner, rel)
        if hidden is None:
            continue
        target = rel.target
        item = get(world, user, f"/{owner.type}/{hidden.t}?include={rel.name}&meta=title")
        assert item.status_code == 200, item.text
        document = item.json()
        linkage = document["data"]["relationships"][rel.name]["data"]
        if rel.many:
            assert str(hidden.h) not in {x["id"] for x in linkage}, (owner.type, rel.name)
        else:
            assert linkage is None, (owner.type, rel.name, linkage)
        included = {(x["type"], x["id"]) for x in document.get("included", [])}
        assert (target, str(hidden.h)) not in included, (owner.type, rel.name)
        relationship = get(world, user, f"/{owner.type}/{hidden.t}/relationships/{rel.name}")
        subresource = get(world, user, f"/{owner.type}/{hidden.t}/{rel.name}")
        if rel.many:
            assert relationship.status_code == subresource.status_code == 200
            for response in (relationship, subresource):
                assert str(hidden.h) not in {x["id"] for x in response.json()["data"]}
        else:
            assert relationship.status_code == 200
            assert relationship.json()["data"] is None
            assert subresource.status_code == 403, (owner.type, rel.name, subresource.text)
            assert subresource.json()["errors"][0]["detail"] == "No access to the entity."
        listed = get(world, user, f"/{owner.type}?filter[id]={hidden.t}&include={rel.name}")
        assert listed.status_code == 200
        assert (target, str(hidden.h)) not in {
            (x["type"], x["id"]) for x in listed.json().get("included", [])
        }
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize(
    "user", [MANAGER, REP, ACME_REP], ids=["sales-manager", "sales-rep", "acme-rep"]
)
def test_sorting_through_an_association_ignores_hidden_records(
    world: World, user: int, server: LiveServer
) -> None:
    """The order of a list sorted by ``rel.attr`` does not move when a hidden record's value
    does (changed in the database between two requests)."""
    db = sqlite3.connect(Path(server.settings.database_url.removeprefix("sqlite:///")))
    checked = 0
    try:
        for owner, rel in links(world):
            hidden = world.hidden(user, owner, rel)
            if hidden is None or rel.many:
                continue
            target = world.registry[rel.target]
            sortable = [a for a in target.attributes if a.sortable and a.type is t.STRING]
            if not sortable:
                continue
            attribute = sortable[0]
            table = world.schema.tables[target.type].name
            before = db.execute(
                f"SELECT {attribute.column} FROM {table} WHERE id = ?", (hidden.h,)
            ).fetchone()[0]
            orders = []
            for value in ("", "~~~~"):  # first, then last among the values
                db.execute(
                    f"UPDATE {table} SET {attribute.column} = ? WHERE id = ?", (value, hidden.h)
                )
                db.commit()
                url = f"/{owner.type}?page[size]=-1&sort={rel.name}.{attribute.name}"
                response = get(world, user, url)
                assert response.status_code == 200, response.text
                orders.append([item["id"] for item in response.json()["data"]])
            db.execute(
                f"UPDATE {table} SET {attribute.column} = ? WHERE id = ?", (before, hidden.h)
            )
            db.commit()
            assert orders[0] == orders[1], (owner.type, rel.name, attribute.name)
            checked += 1
    finally:
        db.close()
    assert checked >= 1


@pytest.mark.parametrize("user", ROLES.values(), ids=ROLES.keys())
def test_routes_of_a_hidden_record_answer_403_and_of_a_missing_one_404(
    world: World, user: int
) -> None:
    checked = 0
    for resource in world.registry:
        if resource.ownership is None:
            continue
        seen = world.seen(user, resource.type)
        if not seen and get(world, user, f"/{resource.type}").status_code == 403:
            continue  # no access to the type at all: test_access_control
        with world.engine.connect() as connection:
            table = world.schema.tables[resource.type]
            every = connection.scalars(sa.select(table.c.id).order_by(table.c.id)).all()
        hidden = next((i for i in every if i not in seen), None)
        if hidden is None:
            continue
        urls = [f"/{resource.type}/{hidden}"]
        for rel in resource.relationships:
            urls += [
                f"/{resource.type}/{hidden}/{rel.name}",
                f"/{resource.type}/{hidden}/relationships/{rel.name}",
            ]
        for url in urls:
            response = get(world, user, url)
            assert response.status_code == 403, (url, response.text)
            assert response.headers["content-type"] == "application/vnd.api+json"
            assert response.json() == {
                "errors": [
                    {
                        "status": "403",
                        "title": "access denied exception",
                        "detail": "No access to the entity.",
                    }
                ]
            }
            missing = url.replace(f"/{hidden}", f"/{10**9}", 1)
            assert get(world, user, missing).status_code == 404, missing
        checked += 1
    assert checked >= 1
