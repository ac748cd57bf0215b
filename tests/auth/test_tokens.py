"""Access tokens (RS256 JWTs), opaque secrets and the persisted signing keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlalchemy as sa

from server.auth.keys import Keys, generate_keys, load_or_create_keys
from server.auth.tokens import (
    ISSUER,
    AccessClaims,
    InvalidToken,
    hash_secret,
    issue_access_token,
    new_secret,
    verify_access_token,
)
from server.domain.resources import build_registry
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema

NOW = 1_800_000_000


@pytest.fixture(scope="module")
def keys() -> Keys:
    return generate_keys()


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema(build_registry())


@pytest.fixture
def engine(tmp_path: Path, schema: Schema) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    schema.auth.server_key.create(engine)
    yield engine
    engine.dispose()


def claims(**changes: object) -> AccessClaims:
    values: dict[str, object] = {
        "user_id": 4,
        "client_id": "sandbox-password",
        "organization_id": 1,
        "token_id": "abc",
        "issued_at": NOW,
        "expires_at": NOW + 3600,
    }
    return AccessClaims(**{**values, **changes})  # type: ignore[arg-type]


def refusal(keys: Keys, token: str, **options: Any) -> str:
    """Why ``token`` is refused."""
    with pytest.raises(InvalidToken) as refused:
        verify_access_token(keys, token, **options)
    return str(refused.value)


def test_a_token_round_trips(keys: Keys) -> None:
    token = issue_access_token(keys, claims())
    assert verify_access_token(keys, token, now=NOW + 10) == claims()
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": keys.key_id, "typ": "JWT"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload == {
        "iss": ISSUER,
        "aud": "backoffice",
        "sub": "4",
        "client_id": "sandbox-password",
        "jti": "abc",
        "iat": NOW,
        "exp": NOW + 3600,
        "org": 1,
    }


def test_a_visitor_token_says_so(keys: Keys) -> None:
    visitor = claims(user_id=7, audience="storefront", visitor=True)
    token = issue_access_token(keys, visitor)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert (payload["sub"], payload["vis"]) == ("7", True)
    assert verify_access_token(keys, token, audience="storefront", now=NOW) == visitor
    customer = claims(audience="storefront")
    assert (
        verify_access_token(
            keys, issue_access_token(keys, customer), audience="storefront", now=NOW
        ).visitor
        is False
    )


def test_an_expired_token_is_refused(keys: Keys) -> None:
    token = issue_access_token(keys, claims())
    assert refusal(keys, token, now=NOW + 3600) == "The access token has expired."


@pytest.mark.parametrize(
    ("issued_at", "refused"),
    [
        pytest.param(NOW + 60, False, id="within-the-clock-leeway"),
        pytest.param(NOW + 61, True, id="past-the-leeway"),
        pytest.param(NOW + 86400, True, id="a-day-ahead"),
    ],
)
def test_a_token_issued_in_the_future_is_refused(keys: Keys, issued_at: int, refused: bool) -> None:
    token = issue_access_token(keys, claims(issued_at=issued_at, expires_at=issued_at + 3600))
    if refused:
        assert refusal(keys, token, now=NOW) == "The access token was issued in the future."
    else:
        assert verify_access_token(keys, token, now=NOW).user_id == 4


def test_the_real_clock_is_the_default(keys: Keys) -> None:
    now = int(time.time())
    fresh = issue_access_token(keys, claims(issued_at=now, expires_at=now + 60))
    stale = issue_access_token(keys, claims(issued_at=now - 7200, expires_at=now - 3600))
    assert verify_access_token(keys, fresh).user_id == 4
    assert refusal(keys, stale) == "The access token has expired."


def test_a_token_of_another_key_is_refused(keys: Keys) -> None:
    token = issue_access_token(generate_keys(), claims())
    assert refusal(keys, token, now=NOW) == "The access token signature is invalid."


def segment(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


PAYLOAD: dict[str, object] = {
    "iss": ISSUER,
    "aud": "backoffice",
    "sub": "1",
    "client_id": "sandbox-integration",
    "jti": "j",
    "iat": NOW,
    "exp": NOW + 3600,
    "org": 1,
}


def test_a_forged_payload_is_refused(keys: Keys) -> None:
    header, _, signature = issue_access_token(keys, claims()).split(".")
    forged = f"{header}.{segment(PAYLOAD)}.{signature}"  # user 4's signature on user 1's claims
    assert refusal(keys, forged, now=NOW) == "The access token signature is invalid."


def test_a_storefront_token_is_refused_here_and_the_other_way_round(keys: Keys) -> None:
    storefront = issue_access_token(keys, claims(audience="storefront"))
    backoffice = issue_access_token(keys, claims())
    another_api = "The access token was issued for another API."
    assert refusal(keys, storefront, now=NOW) == another_api
    assert refusal(keys, backoffice, audience="storefront", now=NOW) == another_api
    assert verify_access_token(keys, storefront, audience="storefront", now=NOW).user_id == 4


def test_an_unsigned_token_is_refused(keys: Keys) -> None:
    token = jwt.encode(PAYLOAD, None, algorithm="none")
    assert refusal(keys, token, now=NOW) == "The access token is malformed."


def test_an_hmac_keyed_with_the_public_key_is_refused(keys: Keys) -> None:
    """The classic algorithm confusion: HS256 with the server's public key as the secret."""
    signed = f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{segment(PAYLOAD)}"
    mac = hmac.new(keys.public_pem().encode(), signed.encode(), hashlib.sha256).digest()
    token = f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert refusal(keys, token, now=NOW) == "The access token is malformed."


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("not-a-jwt", id="garbage"),
        pytest.param("a.b.c", id="three-garbage-parts"),
    ],
)
def test_malformed_tokens_are_refused(keys: Keys, token: str) -> None:
    assert refusal(keys, token, now=NOW) == "The access token is malformed."


def test_a_token_without_a_required_claim_is_refused(keys: Keys) -> None:
    incomplete = {name: PAYLOAD[name] for name in ("iss", "aud", "sub", "exp")}
    token = jwt.encode(incomplete, keys.private_key, algorithm="RS256")
    assert refusal(keys, token, now=NOW) == "The access token is malformed."


def test_secrets_are_random_and_stored_as_sha256() -> None:
    first, second = new_secret(), new_secret()
    assert first != second and len(first) >= 43
    assert hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_keys_are_created_once_and_persisted(engine: sa.Engine, schema: Schema) -> None:
    created = load_or_create_keys(engine, schema)
    loaded = load_or_create_keys(engine, schema)
    assert loaded.key_id == created.key_id
    assert loaded.public_pem() == created.public_pem()
    with engine.connect() as connection:
        stored = connection.execute(sa.select(schema.auth.server_key)).all()
    assert [(row.name, row.value.startswith("-----BEGIN PRIVATE KEY-----")) for row in stored] == [
        ("oauth.private_key", True)
    ]
    token = issue_access_token(created, claims())
    assert verify_access_token(loaded, token, now=NOW).user_id == 4
