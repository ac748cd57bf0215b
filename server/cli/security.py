"""``apikey``, ``wsse-header`` and ``api-feature``: the security helpers, over ``server.auth``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from server.cli.parser import DEFAULT_HOST, DEFAULT_PORT, settings_from
from server.cli.serve import base_url
from server.settings import Settings

# --- apikey, wsse-header, api-feature ----------------------------------------------------------


def _security_database(settings: Settings) -> tuple[Any, Any]:
    """The engine and schema of the database, prepared (created and seeded) if it is new."""
    from server.app import storefront_tables
    from server.domain.resources import build_registry
    from server.domain.setup import prepare_database
    from server.storage.database import create_engine
    from server.storage.tables import build_schema

    registry = build_registry()
    schema = build_schema(registry)
    storefront = storefront_tables(schema)
    engine = create_engine(settings.database_url)
    prepare_database(engine, registry, schema, scale=settings.scale, storefront=storefront)
    return engine, schema


def _find_user(connection: Any, schema: Any, user: str, command: str) -> Any:
    from server.auth.api_keys import find_user

    found = find_user(connection, schema, user)
    if found is None:
        print(f"oro-sandbox {command}: no user {user!r} (a username, email or id)", file=sys.stderr)
    return found


def apikey(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.auth.api_keys import create_api_key

    engine, schema = _security_database(settings_from(args, environ))
    try:
        with engine.begin() as connection:
            user = _find_user(connection, schema, args.user, "apikey")
            if user is None:
                return 1
            try:
                key = create_api_key(connection, schema, user.id, args.organization)
            except ValueError as error:
                print(f"oro-sandbox apikey: {error}", file=sys.stderr)
                return 1
    finally:
        engine.dispose()
    organization = args.organization or user.organization_id
    print(key, file=out)
    print(
        f"New API key of {user.username} (user {user.id}) in organization {organization}; "
        "their previous key there no longer works.",
        file=sys.stderr,
    )
    return 0


def wsse_header_command(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    import shlex

    from server.auth.api_keys import api_key_of, create_api_key
    from server.auth.wsse import wsse_header

    settings = settings_from(args, environ)
    engine, schema = _security_database(settings)
    try:
        with engine.begin() as connection:
            user = _find_user(connection, schema, args.user, "wsse-header")
            if user is None:
                return 1
            key = api_key_of(connection, schema, user.id, user.organization_id)
            if key is None:
                key = create_api_key(connection, schema, user.id)
                print(f"Generated an API key for {user.username}.", file=sys.stderr)
    finally:
        engine.dispose()
    headers = wsse_header(user.username, key)
    api = args.api_url or base_url(DEFAULT_HOST, DEFAULT_PORT) + settings.api_prefix
    for name, value in headers.items():
        print(f"{name}: {value}", file=out)
    curl = ["curl", "-H", "Accept: application/vnd.api+json"]
    for name, value in headers.items():
        curl += ["-H", f"{name}: {value}"]
    curl.append(api.rstrip("/") + "/users")
    print(
        f"\nValid for one request within {settings.wsse_lifetime} s"
        f"{'' if user.enabled else ' (but this user is disabled: the API refuses them)'}. "
        "For example:\n" + " ".join(shlex.quote(part) for part in curl),
        file=out,
    )
    return 0


def api_feature(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    from server.auth.feature import api_feature_states

    if args.website is not None or args.guests:
        return _storefront_feature(args, environ, out)
    engine, schema = _security_database(settings_from(args, environ))
    switch_to = None if args.state == "status" else args.state == "on"
    try:
        with engine.begin() as connection:
            states = api_feature_states(connection, schema, args.organization, switch_to=switch_to)
    finally:
        engine.dispose()
    if not states:
        print(f"oro-sandbox api-feature: no organization {args.organization}", file=sys.stderr)
        return 1
    for id_, name, enabled in states:
        print(f"Organization {id_} ({name}): API {'enabled' if enabled else 'disabled'}", file=out)
    return 0


def _storefront_feature(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    """``api-feature on|off|status --website N [--guests]``: a website's storefront API, or its
    guest access."""
    from server.auth.websites import website_states

    engine, schema = _security_database(settings_from(args, environ))
    switch_to = None if args.state == "status" else args.state == "on"
    try:
        with engine.begin() as connection:
            states = website_states(
                connection, schema, args.website, switch_to=switch_to, guests=args.guests
            )
    finally:
        engine.dispose()
    if not states:
        print(f"oro-sandbox api-feature: no website {args.website}", file=sys.stderr)
        return 1
    for website in states:
        api = "enabled" if website.api_enabled else "disabled"
        guests = "enabled" if website.guest_api_enabled else "disabled"
        print(
            f"Website {website.id} ({website.name}): storefront API {api}, guest access {guests}",
            file=out,
        )
    return 0
