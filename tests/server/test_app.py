"""server/app.py: which requests go to the API endpoint straight, past Starlette's routing."""

from __future__ import annotations

import pytest

from server.app import SandboxApp, create_app
from server.settings import Settings


def app(prefix: str = "/api") -> SandboxApp:
    made = create_app(Settings(database_url="sqlite://", api_prefix=prefix))
    assert isinstance(made, SandboxApp)
    return made


@pytest.mark.parametrize(
    ("scope", "api"),
    [
        pytest.param({"type": "http", "path": "/api/accounts"}, True, id="a-collection"),
        pytest.param({"type": "http", "path": "/api/accounts/1/owner"}, True, id="a-subresource"),
        pytest.param({"type": "http", "path": "/api/"}, True, id="the-api-root"),
        pytest.param({"type": "http", "path": "/api/docs"}, True, id="a-type-named-like-doc"),
        pytest.param({"type": "http", "path": "/api/doc"}, False, id="documentation"),
        pytest.param({"type": "http", "path": "/api/doc/rest_json_api"}, False, id="doc-view"),
        pytest.param({"type": "http", "path": "/api/doc/openapi.json"}, False, id="openapi"),
        pytest.param({"type": "http", "path": "/api"}, False, id="the-bare-prefix"),
        pytest.param({"type": "http", "path": "/oauth2-token"}, False, id="oauth"),
        pytest.param({"type": "http", "path": "/login"}, False, id="login"),
        pytest.param({"type": "lifespan"}, False, id="lifespan"),
        pytest.param(
            {"type": "http", "path": "/sandbox/api/users", "root_path": "/sandbox"},
            True,
            id="below-a-root-path",
        ),
    ],
)
def test_api_requests_take_the_shortcut(scope: dict[str, str], api: bool) -> None:
    assert app().is_api(scope) is api


def test_no_shortcut_when_other_routes_lie_below_the_api_root() -> None:
    """An API at the server's root shares it with OAuth's and the login's routes."""
    root = app("/")
    assert not root.is_api({"type": "http", "path": "/accounts"})


@pytest.mark.parametrize(
    ("settings", "path", "api"),
    [
        pytest.param({}, "/storefront/api/customers", "storefront", id="storefront"),
        pytest.param({}, "/api/customers", "backend", id="back-office"),
        pytest.param({}, "/storefront/api/doc", None, id="storefront-doc"),
        pytest.param({"oro": True}, "/api/customers", "storefront", id="oro-storefront"),
        pytest.param({"oro": True}, "/admin/api/users", "backend", id="oro-back-office"),
        pytest.param(
            {"storefront_prefix": "/api/shop"}, "/api/shop/customers", "storefront", id="nested"
        ),
    ],
)
def test_each_api_takes_its_own_shortcut(
    settings: dict[str, object], path: str, api: str | None
) -> None:
    oro = bool(settings.pop("oro", False))
    made = Settings(database_url="sqlite://", **settings)  # type: ignore[arg-type]
    sandbox = create_app(made.oro_layout() if oro else made)
    assert isinstance(sandbox, SandboxApp)
    endpoint = sandbox.api_of({"type": "http", "path": path})
    assert (None if endpoint is None else endpoint.state_name) == api
