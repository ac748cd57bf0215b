"""server/routing.py: a path below the API root → the resource, record and association it names,
and the methods it takes; or Oro's 404. Pure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from server.jsonapi.errors import ApiError
from server.metadata.model import Registry, SubResource
from server.routing import resolve
from tests.server.tiny_registry import REGISTRY


@pytest.mark.parametrize(
    ("path", "expected", "allow"),
    [
        pytest.param(
            "/articles",
            ("collection", "articles", None, None),
            ["OPTIONS", "GET", "POST", "DELETE"],
            id="collection",
        ),
        pytest.param(
            "/articles/7/",
            ("item", "articles", "7", None),
            ["OPTIONS", "GET", "PATCH", "DELETE"],
            id="item-trailing-slash",
        ),
        pytest.param(
            "/articles/7/author",
            ("subresource", "articles", "7", "author"),
            ["OPTIONS", "GET"],
            id="subresource",
        ),
        pytest.param(
            "/articles/7/relationships/author",
            ("relationship", "articles", "7", "author"),
            ["OPTIONS", "GET", "PATCH"],
            id="to-one-relationship",
        ),
        pytest.param(
            "/articles/7/relationships/tags",
            ("relationship", "articles", "7", "tags"),
            ["OPTIONS", "GET", "PATCH", "POST", "DELETE"],
            id="to-many-relationship",
        ),
        pytest.param(
            "/people/1/relationships/articles",
            ("relationship", "people", "1", "articles"),
            ["OPTIONS", "GET"],
            id="inverse-side-is-read-only",
        ),
    ],
)
def test_resolve(
    path: str, expected: tuple[str, str, str | None, str | None], allow: list[str]
) -> None:
    target = resolve(REGISTRY, path)
    relationship = target.relationship.name if target.relationship else None
    assert (target.kind, target.resource.type, target.id, relationship) == expected
    assert target.allow() == allow


@pytest.mark.parametrize(
    ("path", "status", "title", "detail"),
    [
        pytest.param(
            "/", 404, "not found http exception", 'No route found for "GET /".', id="root"
        ),
        pytest.param(
            "/nope", 404, "entity type constraint", "Unknown entity type: nope.", id="unknown-type"
        ),
        pytest.param(
            "/articles/7/nope",
            404,
            "relationship constraint",
            "Unsupported subresource.",
            id="unknown-relationship",
        ),
        pytest.param(
            "/articles/7/links/author",
            404,
            "not found http exception",
            'No route found for "GET /articles/7/links/author".',
            id="four-segments-not-relationships",
        ),
        pytest.param(
            "/articles//7",
            404,
            "not found http exception",
            'No route found for "GET /articles//7".',
            id="empty-segment",
        ),
        pytest.param(
            "/a/b/c/d/e",
            404,
            "not found http exception",
            'No route found for "GET /a/b/c/d/e".',
            id="too-deep",
        ),
    ],
)
def test_no_route(path: str, status: int, title: str, detail: str) -> None:
    with pytest.raises(ApiError) as caught:
        resolve(REGISTRY, path)
    assert (caught.value.status, caught.value.title, caught.value.detail) == (status, title, detail)


# a resource's own sub-resources (metadata.model.SubResource), as the checkout declares them
PAY = SubResource("pay", (("POST", "pay_action"),))
COUPONS = SubResource("coupons", (("POST", "coupon_action"), ("DELETE", "coupon_action")))
WITH_OWN = Registry.of(
    replace(r, subresources=(PAY, COUPONS)) if r.type == "articles" else r for r in REGISTRY
)


@pytest.mark.parametrize(
    ("path", "sub", "allow", "actions"),
    [
        pytest.param("/articles/7/pay", PAY, ["OPTIONS", "POST"], {"POST": "pay_action"}, id="one"),
        pytest.param(
            "/articles/7/coupons",
            COUPONS,
            ["OPTIONS", "POST", "DELETE"],
            {"POST": "coupon_action", "DELETE": "coupon_action"},
            id="two-methods",
        ),
    ],
)
def test_a_resources_own_sub_resource(
    path: str, sub: SubResource, allow: list[str], actions: dict[str, str]
) -> None:
    target = resolve(WITH_OWN, path)
    assert (target.kind, target.id, target.custom) == ("custom", "7", sub)
    assert (target.allow(), target.actions()) == (allow, actions)


def test_own_sub_resources_are_below_an_item_only() -> None:
    with pytest.raises(ApiError) as caught:
        resolve(WITH_OWN, "/articles/7/relationships/pay")
    assert caught.value.status == 404
    assert resolve(WITH_OWN, "/articles/7/author").kind == "subresource"  # associations unchanged


def test_a_sub_resource_may_not_shadow_an_association() -> None:
    clash = SubResource("author", (("POST", "x"),))
    with pytest.raises(ValueError, match="a sub-resource of that name"):
        Registry.of(
            replace(r, subresources=(clash,)) if r.type == "articles" else r for r in REGISTRY
        )
