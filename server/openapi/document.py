"""The whole OpenAPI 3.1 document, and its YAML form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib import metadata
from typing import Any

import yaml

from server.metadata.batch import ASYNC_OPERATION
from server.metadata.model import Registry, Resource
from server.openapi import batch, paths, search
from server.openapi.schemas import Components
from server.settings import pages_root

DESCRIPTION = """\
An interactive sandbox of Oro's Web API (OroPlatform/OroCommerce), a REST API that follows
JSON:API. This document is generated from the same resource metadata that drives the server, so
routes, fields, filters and their operators, sorters and enabled actions always match it.

Request bodies are `application/vnd.api+json`; so are responses to JSON:API requests. Every
write has an example body that the freshly seeded demo server accepts. Filters are `filter[field]`
(operator `eq`) or `filter[field][operator]`; nested association paths such as
`filter[owner.name]` and `sort=-owner.name` also work but are not listed one by one.

Where this server knowingly differs from Oro or decides what Oro leaves open:
- The back-office API is served at `/api/{type}` (Oro: `/admin/api`); the prefix is a setting.
- A malformed id answers 400 `entity identifier constraint`; a well-formed but absent one 404.
- HEAD and PUT answer 405 with `Allow` and no body.
- A request without a JSON:API media type is plain REST: reads answer `application/json`
  (records with attributes and related ids inline, lists as arrays), errors come as Oro's plain
  array of error objects, and writes answer 415; every operation describes these responses too.
- The API feature is enabled by default.
- WSSE (`X-WSSE`) is accepted, as in Oro 6.0 and earlier; Oro 6.1 removed it.
- Repeated failed logins at `/oauth2-token` answer 429 for a while; Oro has no such throttling.
- A validate-only POST answers 201 without `Location`.
"""


STOREFRONT_DESCRIPTION = """\
The storefront API of Oro's Web API sandbox: what a buyer (a customer user) and a visitor of
an OroCommerce website reach, following JSON:API. This document is generated from the same
resource metadata that drives the server.

Sign in at `/oauth2-token` with a storefront application (`sandbox-storefront`): the password
grant with a customer user's email, or `guest`/`guest` for a visitor token. Back-office tokens
are refused here (401), as storefront tokens are by the back-office API. A buyer sees their own
records, a customer administrator their customer's; a visitor the guest resources and, when the
server allows guest shopping lists, their own shopping lists. Sign in with
`visitor_access_token` (a visitor's token) to take that visitor's shopping lists over.

Products speak the storefront's headers: `X-Localization-ID` (an id of `/localizations`) for
their name and description, `X-Currency` (a code of `/currencies`) for their price, and
`X-Product-ID: sku` to name a product by its SKU in the URL. Unknown values are ignored: the
website's localization and currency apply.

Where this server knowingly differs from OroCommerce:
- The storefront API is served at `/storefront/api/{type}` (OroCommerce: `/api`); the prefix is
  a setting, and `--oro-layout` serves it at `/api` (the back-office API then at `/admin/api`).
- A visitor reading a resource outside the guest list gets 403; a request without a token, 401.
- Shopping lists and their items are written; the other resources are read-only.
- A product has one `price` in the request's currency (OroCommerce: a `prices` list).
"""


def package_version() -> str:
    try:
        return metadata.version("oro-api-sandbox")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def storefront_security_schemes(prefix: str = "/storefront/api") -> dict[str, Any]:
    """The storefront's OAuth 2.0: the password grant (a customer user, or ``guest``/``guest``)
    and the authorization code (the storefront's login page) at its own authorize URL."""
    return {
        "oauth2": {
            "type": "oauth2",
            "description": "Send the access token as `Authorization: Bearer <token>`. A"
            " storefront application's password grant with a customer user's email, or"
            " `guest`/`guest` for a visitor; or the authorization code grant (PKCE), a customer"
            " user signing in with their email (a visitor's code: `…/authorize-visitor`)."
            " Tokens last 3600 s.",
            "flows": {
                "password": {
                    "tokenUrl": "/oauth2-token",
                    "refreshUrl": "/oauth2-token",
                    "scopes": {},
                },
                "authorizationCode": {
                    "authorizationUrl": pages_root(prefix) + "/oauth2-token/authorize",
                    "tokenUrl": "/oauth2-token",
                    "refreshUrl": "/oauth2-token",
                    "scopes": {},
                },
            },
        },
    }


def security_schemes(registry: Registry, prefix: str = "/api") -> dict[str, Any]:
    """``components/securitySchemes``: OAuth 2.0 (as Oro: client credentials, password and
    authorization code with PKCE at ``/oauth2-token``) and WSSE with per-user API keys;
    :func:`build_openapi` adds a top-level ``security`` requirement satisfied by either."""
    del registry
    return {
        "oauth2": {
            "type": "oauth2",
            "description": "Send the access token as `Authorization: Bearer <token>` (or as"
            " `access_token` in a JSON:API request body). Tokens last 3600 s.",
            "flows": {
                "clientCredentials": {"tokenUrl": "/oauth2-token", "scopes": {}},
                "password": {
                    "tokenUrl": "/oauth2-token",
                    "refreshUrl": "/oauth2-token",
                    "scopes": {},
                },
                "authorizationCode": {
                    "authorizationUrl": pages_root(prefix) + "/oauth2-token/authorize",
                    "tokenUrl": "/oauth2-token",
                    "refreshUrl": "/oauth2-token",
                    "scopes": {},
                },
            },
        },
        "wsse": {
            "type": "apiKey",
            "in": "header",
            "name": "X-WSSE",
            "description": "WSSE UsernameToken with the user's API key (Oro 6.0 and earlier;"
            " Oro 6.1 removed it):"
            ' also send `Authorization: WSSE profile="UsernameToken"`; a header is valid'
            " once, for 3600 s.",
        },
    }


def select(registry: Registry, entities: Iterable[str] | None) -> list[Resource]:
    """The resources to document, in registry order; an unknown type is a ``ValueError``."""
    if entities is None:
        return list(registry)
    wanted = list(entities)
    unknown = [name for name in wanted if name not in registry]
    if unknown:
        raise ValueError(f"Unknown entity type: {', '.join(unknown)}.")
    return [resource for resource in registry if resource.type in wanted]


def build_openapi(
    registry: Registry,
    *,
    title: str = "Oro API Sandbox",
    server_url: str | None = None,
    entities: Iterable[str] | None = None,
    prefix: str = "/api",
    version: str | None = None,
    api: str = "backoffice",
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``registry`` (restricted to ``entities`` when given).

    ``server_url`` is the scheme and host the paths hang from (paths already start with
    ``prefix``); without it there is no ``servers`` entry and clients use the document's own host.
    ``api``: ``"backoffice"`` (with its search resources) or ``"storefront"``.
    """
    storefront = api == "storefront"
    resources = select(registry, entities)
    components = Components(registry, resources)
    context = paths.Context(registry, components)
    prefix = paths.api_root(prefix)
    all_paths: dict[str, Any] = {}
    for resource in resources:
        all_paths |= paths.resource_paths(prefix, context, resource)
    batched = [r for r in resources if r.allows("update_list")]
    if batched:
        all_paths |= batch.operation_paths(
            prefix, components, context.refs, paths.error_refs(paths.READ_ERRORS)
        )
    if entities is None and not storefront:  # the whole API: its search resources too
        all_paths |= search.search_paths(prefix, registry)
    components.errors()
    components.plain_errors()
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title} (storefront)" if storefront else title,
            "version": version or package_version(),
            "description": STOREFRONT_DESCRIPTION if storefront else DESCRIPTION,
        },
    }
    if server_url:
        document["servers"] = [{"url": server_url.rstrip("/")}]
    document["tags"] = [{"name": r.type, "description": r.description} for r in resources]
    if batched:
        document["tags"].append(
            {"name": ASYNC_OPERATION.type, "description": ASYNC_OPERATION.description}
        )
    if entities is None and not storefront:
        document["tags"].append({"name": "search", "description": search.TAG})
    document["paths"] = all_paths
    document["components"] = {
        "schemas": components.schemas,
        "parameters": context.parameters,
        "responses": paths.error_responses(),
        "headers": paths.HEADERS,
    }
    schemes = (
        storefront_security_schemes(prefix) if storefront else security_schemes(registry, prefix)
    )
    if schemes:
        document["components"]["securitySchemes"] = schemes
        document["security"] = [{name: []} for name in schemes]
    check_operation_ids(document)
    return document


def check_operation_ids(document: dict[str, Any]) -> None:
    counts = Counter(
        operation["operationId"]
        for path in document["paths"].values()
        for key, operation in path.items()
        if key != "parameters"
    )
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise ValueError(f"Duplicate operationIds: {', '.join(duplicates)}")


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's safe dumper (libyaml's when built with it); multi-line text as ``|`` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(document: dict[str, Any]) -> str:
    """YAML in the document's own key order (``safe_dump`` with ``sort_keys=False``)."""
    return str(yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))
