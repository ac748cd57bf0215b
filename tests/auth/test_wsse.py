"""WSSE (reference §4.3): header parsing, the digest, the authenticator's checks (lifetime, clock
skew, single-use nonces, keys, users), the ``wsse-header`` command, and WSSE over real HTTP."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from server import cli
from server.auth.api_keys import create_api_key, demo_api_key, seed_api_keys
from server.auth.authenticate import Credentials, Unauthorized
from server.auth.wsse import (
    CLOCK_SKEW,
    WSSE_CHALLENGE,
    UsernameToken,
    WsseAuthenticator,
    WsseError,
    format_created,
    has_wsse,
    make_nonce,
    parse_authorization,
    parse_created,
    parse_x_wsse,
    password_digest,
    wsse_header,
)
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.settings import Settings
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema
from tests.live_server import LiveServer

# The reference's example (§4.3), verbatim.
EXAMPLE = (
    'UsernameToken Username="admin", PasswordDigest="Cae37DaU9JT1pwoaG5i7bXbDBo0=", '
    'Nonce="elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==", Created="2016-09-20T10:00:00+03:00"'
)
EXAMPLE_TOKEN = UsernameToken(
    "admin",
    "Cae37DaU9JT1pwoaG5i7bXbDBo0=",
    "elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==",
    "2016-09-20T10:00:00+03:00",
)
NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z
LIFETIME = Settings().wsse_lifetime


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(EXAMPLE, EXAMPLE_TOKEN, id="reference-example"),
        pytest.param(
            'UsernameToken Created="c", Nonce="bg==", PasswordDigest="d", Username="u"',
            UsernameToken("u", "d", "bg==", "c"),
            id="any-order",
        ),
        pytest.param(
            '  UsernameToken   Username = "u" ,PasswordDigest="d",  Nonce="bg==",Created="c"  ',
            UsernameToken("u", "d", "bg==", "c"),
            id="loose-spacing",
        ),
        pytest.param(
            'UsernameToken username="u", passworddigest="d", nonce="bg==", created="c"',
            UsernameToken("u", "d", "bg==", "c"),
            id="names-any-case",
        ),
        pytest.param(
            'UsernameToken Username="john.doe@example.com", PasswordDigest="d", Nonce="bg==", '
            'Created="c", Realm="x"',
            UsernameToken("john.doe@example.com", "d", "bg==", "c"),
            id="unknown-names-ignored",
        ),
    ],
)
def test_parse_x_wsse(value: str, expected: UsernameToken) -> None:
    assert parse_x_wsse(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("", 'must start with "UsernameToken"', id="empty"),
        pytest.param(
            'Username="u", PasswordDigest="d"', 'must start with "UsernameToken"', id="no-profile"
        ),
        pytest.param(
            'UsernameToken Username="u", PasswordDigest="d", Nonce="bg=="',
            "lacks Created",
            id="missing-created",
        ),
        pytest.param(
            'UsernameToken Username="", PasswordDigest="d", Nonce="bg==", Created="c"',
            "lacks Username",
            id="empty-username",
        ),
        pytest.param("UsernameToken x", "malformed near 'x'", id="garbage"),
        pytest.param(
            "UsernameToken Username=u, PasswordDigest=d, Nonce=bg==, Created=c",
            "malformed",
            id="unquoted",
        ),
        pytest.param(
            'UsernameToken Username="u" PasswordDigest="d", Nonce="bg==", Created="c"',
            "malformed",
            id="missing-comma",
        ),
        pytest.param(
            'UsernameToken Username="u", Username="v", PasswordDigest="d", Nonce="n", Created="c"',
            "repeats Username",
            id="repeated",
        ),
        pytest.param(
            f'UsernameToken Username="{"u" * 300}", PasswordDigest="d", Nonce="n", Created="c"',
            "too long a Username",
            id="long-value",
        ),
        pytest.param("UsernameToken " + "x" * 3000, "too long", id="long-header"),
    ],
)
def test_parse_x_wsse_rejects(value: str, message: str) -> None:
    with pytest.raises(WsseError, match=message):
        parse_x_wsse(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param('WSSE profile="UsernameToken"', id="reference"),
        pytest.param('wsse  profile = "UsernameToken" ', id="loose"),
        pytest.param("WSSE profile=UsernameToken", id="unquoted"),
    ],
)
def test_parse_authorization(value: str) -> None:
    parse_authorization(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param('WSSE profile="Digest"', 'Unsupported WSSE profile "Digest"', id="profile"),
        pytest.param("WSSE", "must be: WSSE", id="no-profile"),
        pytest.param("Bearer abc", "must be: WSSE", id="other-scheme"),
    ],
)
def test_parse_authorization_rejects(value: str, message: str) -> None:
    with pytest.raises(WsseError, match=message):
        parse_authorization(value)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"x-wsse": EXAMPLE}, True, id="x-wsse-alone"),
        pytest.param({"authorization": 'WSSE profile="UsernameToken"'}, True, id="authorization"),
        pytest.param({"authorization": "wsse"}, True, id="scheme-any-case"),
        pytest.param({"authorization": "Bearer abc"}, False, id="bearer"),
        pytest.param({}, False, id="none"),
    ],
)
def test_has_wsse(headers: dict[str, str], expected: bool) -> None:
    assert has_wsse(headers) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2016-09-20T10:00:00+03:00", 1474354800.0, id="reference-offset"),
        pytest.param("2016-09-20T07:00:00Z", 1474354800.0, id="zulu"),
        pytest.param("2016-09-20T07:00:00", 1474354800.0, id="naive-is-utc"),
        pytest.param("2016-09-20T07:00:00.500+00:00", 1474354800.5, id="fraction"),
    ],
)
def test_parse_created(value: str, expected: float) -> None:
    assert parse_created(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2016-13-01T00:00:00Z", "1474354800", ""])
def test_parse_created_rejects(value: str) -> None:
    with pytest.raises(WsseError, match="not an ISO 8601"):
        parse_created(value)


# --- digest and headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nonce", "created", "key", "digest"),
    [
        pytest.param(
            "elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==",
            "2016-09-20T10:00:00+03:00",
            "dd1c18d06773cc377c9df6166c54c6e5fefa50fa",
            "1W1xF6VjOoiFIDnjEKMBv9FiyI0=",  # checked with openssl sha1 -binary | base64
            id="reference-values",
        ),
        pytest.param("", "", "", "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", id="sha1-of-nothing"),
    ],
)
def test_password_digest(nonce: str, created: str, key: str, digest: str) -> None:
    assert password_digest(nonce, created, key) == digest


def test_password_digest_rejects_a_nonce_that_is_not_base64() -> None:
    with pytest.raises(WsseError, match="not valid base64"):
        password_digest("not base64!", "c", "k")


def test_wsse_header_is_what_the_reference_shows() -> None:
    headers = wsse_header(
        "admin",
        "dd1c18d06773cc377c9df6166c54c6e5fefa50fa",
        nonce="elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==",
        created="2016-09-20T10:00:00+03:00",
    )
    assert headers == {
        "Authorization": 'WSSE profile="UsernameToken"',
        "X-WSSE": EXAMPLE.replace("Cae37DaU9JT1pwoaG5i7bXbDBo0=", "1W1xF6VjOoiFIDnjEKMBv9FiyI0="),
    }


def test_wsse_header_defaults_are_fresh() -> None:
    first = parse_x_wsse(wsse_header("admin", "k")["X-WSSE"])
    second = parse_x_wsse(wsse_header("admin", "k")["X-WSSE"])
    assert first.nonce != second.nonce
    assert first.digest == password_digest(first.nonce, first.created, "k")
    assert first.created.endswith("+00:00")
    assert len(make_nonce()) == 24  # base64 of 16 characters, as Oro's generator


def test_format_created() -> None:
    assert format_created(1474354800.9) == "2016-09-20T07:00:00+00:00"


# --- the authenticator -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema(build_registry())


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('wsse') / 'wsse.db'}")
    prepare_database(engine, build_registry(), schema)
    with engine.begin() as connection:
        seed_api_keys(connection, schema)
        create_api_key(connection, schema, 2)  # user 2's demo key no longer works
        keys = schema.auth.api_key
        connection.execute(sa.delete(keys).where(keys.c.user_id == 3))  # user 3 has none
    yield engine
    engine.dispose()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def authenticator(engine: sa.Engine, schema: Schema, clock: Clock) -> WsseAuthenticator:
    return WsseAuthenticator(engine, schema, Settings(), clock=clock)


def credentials(headers: dict[str, str]) -> Credentials:
    return Credentials("GET", {k.lower(): v for k, v in headers.items()}, b"", False)


def signed(username: str = "admin", user_id: int = 1, *, at: float = NOW, **kw: str) -> Credentials:
    return credentials(
        wsse_header(username, demo_api_key(user_id), created=format_created(at), **kw)
    )


def refused(authenticator: WsseAuthenticator, request: Credentials) -> str:
    with pytest.raises(Unauthorized) as caught:
        authenticator.authenticate(request)
    assert caught.value.challenge == WSSE_CHALLENGE
    return caught.value.reason


def test_valid_headers_give_the_users_principal(authenticator: WsseAuthenticator) -> None:
    principal = authenticator.authenticate(signed())
    assert principal is not None
    assert (principal.user_id, principal.organization_id, principal.method) == (1, 1, "wsse")
    assert principal.client_id is None


def test_the_key_is_the_users_key_in_their_organization(
    authenticator: WsseAuthenticator,
) -> None:
    principal = authenticator.authenticate(signed("hans.becker_d02c4", 17))
    assert principal is not None
    assert (principal.user_id, principal.organization_id) == (17, 2)


def test_email_and_offset_created_are_accepted(authenticator: WsseAuthenticator) -> None:
    created = "2026-05-28T23:26:40+03:00"  # NOW in another time zone
    headers = wsse_header("admin@example.com", demo_api_key(1), created=created)
    principal = authenticator.authenticate(credentials(headers))
    assert principal is not None and principal.user_id == 1


def test_a_request_without_wsse_headers_is_not_ours(authenticator: WsseAuthenticator) -> None:
    assert authenticator.authenticate(credentials({"Authorization": "Bearer x"})) is None
    assert authenticator.authenticate(credentials({})) is None


def test_each_nonce_is_accepted_once(authenticator: WsseAuthenticator, clock: Clock) -> None:
    request = signed()
    assert authenticator.authenticate(request) is not None
    assert refused(authenticator, request) == "Previously used nonce detected."
    clock.now += 60  # a new Created does not make the nonce new
    nonce = parse_x_wsse(request.headers["x-wsse"]).nonce
    again = signed(at=clock.now, nonce=nonce)
    assert refused(authenticator, again) == "Previously used nonce detected."


def reencodings(nonce: str) -> list[str]:
    """Other base64 texts of the same bytes: the unused low bits of the last character set."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    body = nonce.rstrip("=")
    unused = {2: 4, 3: 2}[len(nonce) - len(body)] if nonce.endswith("=") else 0
    last = alphabet.index(body[-1])
    variants = {alphabet[(last >> unused << unused) | low] for low in range(2**unused)}
    return [body[:-1] + c + nonce[len(body) :] for c in sorted(variants - {body[-1]})]


def test_a_captured_header_with_its_nonce_re_encoded_is_a_replay(
    authenticator: WsseAuthenticator,
) -> None:
    request = signed()
    header = request.headers["x-wsse"]
    nonce = parse_x_wsse(header).nonce
    assert authenticator.authenticate(request) is not None
    variants = reencodings(nonce)
    assert len(variants) == 15  # 16 bytes: 4 unused bits in the last character
    for variant in variants:
        assert base64.b64decode(variant, validate=True) == base64.b64decode(nonce)
        replay = credentials(
            {
                "Authorization": request.headers["authorization"],
                "X-WSSE": header.replace(nonce, variant),
            }
        )
        assert refused(authenticator, replay) == "Previously used nonce detected."


def test_a_nonce_refused_for_a_bad_digest_is_not_used_up(authenticator: WsseAuthenticator) -> None:
    nonce = make_nonce()
    forged = credentials(wsse_header("admin", "f" * 40, nonce=nonce, created=format_created(NOW)))
    assert refused(authenticator, forged) == "Invalid digest."
    assert authenticator.authenticate(signed(nonce=nonce)) is not None


def test_nonces_are_forgotten_after_their_lifetime(
    authenticator: WsseAuthenticator, engine: sa.Engine, schema: Schema, clock: Clock
) -> None:
    nonce = make_nonce()
    assert authenticator.authenticate(signed(nonce=nonce)) is not None
    nonces = schema.auth.wsse_nonce
    with engine.connect() as connection:
        until = connection.execute(
            sa.select(nonces.c.expires_at).where(nonces.c.nonce == nonce)
        ).scalar_one()
    assert NOW + LIFETIME < until <= NOW + LIFETIME + 1
    clock.now = until + 1
    later = WsseAuthenticator(engine, schema, Settings(), clock=clock)  # purges on first use
    assert later.authenticate(signed(at=clock.now, nonce=nonce)) is not None
    with engine.connect() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count())
                .select_from(nonces)
                .where(nonces.c.expires_at <= NOW + 10)
            ).scalar()
            == 0
        )


@pytest.mark.parametrize(
    ("age", "reason"),
    [
        pytest.param(LIFETIME, None, id="at-lifetime"),
        pytest.param(LIFETIME + 1, "Token has expired.", id="past-lifetime"),
        pytest.param(-CLOCK_SKEW, None, id="within-skew"),
        pytest.param(-CLOCK_SKEW - 1, "Future token detected.", id="future"),
    ],
)
def test_created_must_be_recent(
    authenticator: WsseAuthenticator, age: int, reason: str | None
) -> None:
    request = signed(at=NOW - age)
    if reason is None:
        assert authenticator.authenticate(request) is not None
    else:
        assert refused(authenticator, request) == reason


@pytest.mark.parametrize(
    ("username", "key", "reason"),
    [
        pytest.param("admin", "0" * 40, "Invalid digest.", id="wrong-key"),
        pytest.param("admin", demo_api_key(2), "Invalid digest.", id="someone-elses-key"),
        pytest.param("nobody", demo_api_key(1), "Unknown or disabled user.", id="unknown-user"),
        pytest.param("1", demo_api_key(1), "Unknown or disabled user.", id="an-id-is-no-username"),
        pytest.param(
            "samuel.whitaker_2248c", demo_api_key(9), "Unknown or disabled user.", id="disabled"
        ),
        pytest.param(
            "brenda.brock_91b9d",
            demo_api_key(3),
            "The user has no API key in their organization.",
            id="no-key",
        ),
    ],
)
def test_bad_credentials(
    authenticator: WsseAuthenticator, username: str, key: str, reason: str
) -> None:
    request = credentials(wsse_header(username, key, created=format_created(NOW)))
    assert refused(authenticator, request) == reason


def test_a_replaced_key_no_longer_works(authenticator: WsseAuthenticator) -> None:
    assert refused(authenticator, signed("amanda.cole_86fba", 2)) == "Invalid digest."


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        pytest.param(
            {"Authorization": 'WSSE profile="UsernameToken"'},
            "The X-WSSE header is missing.",
            id="authorization-only",
        ),
        pytest.param(
            {"Authorization": 'WSSE profile="Other"', "X-WSSE": EXAMPLE},
            'Unsupported WSSE profile "Other"; use "UsernameToken".',
            id="wrong-profile",
        ),
        pytest.param(
            {"X-WSSE": "UsernameToken Username=admin"},
            "The X-WSSE header is malformed near 'Username=admin'.",
            id="malformed",
        ),
        pytest.param(
            {"X-WSSE": EXAMPLE.replace("2016-09-20T10:00:00+03:00", "yesterday")},
            "Created 'yesterday' is not an ISO 8601 date and time.",
            id="bad-created",
        ),
        pytest.param(
            {"X-WSSE": EXAMPLE.replace("elRZL0lVOTl2T3lXeVBmUHRCL2ZrUnJoWUNZPQ==", "%%%")},
            "The nonce is not valid base64.",
            id="bad-nonce",
        ),
        pytest.param({"X-WSSE": EXAMPLE}, "Token has expired.", id="reference-example-is-old"),
    ],
)
def test_malformed_headers(
    authenticator: WsseAuthenticator, headers: dict[str, str], reason: str
) -> None:
    assert refused(authenticator, credentials(headers)) == reason


# --- oro-sandbox wsse-header -------------------------------------------------------------------


def test_wsse_header_command_prints_working_headers(engine: sa.Engine, schema: Schema) -> None:
    out = io.StringIO()
    assert (
        cli.main(["wsse-header", "admin", "--database", str(engine.url)], environ={}, out=out) == 0
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == 'Authorization: WSSE profile="UsernameToken"'
    assert lines[1].startswith('X-WSSE: UsernameToken Username="admin", PasswordDigest="')
    assert lines[2] == ""
    assert lines[3] == "Valid for one request within 3600 s. For example:"
    assert lines[4].startswith("curl -H 'Accept: application/vnd.api+json' -H 'Authorization: ")
    assert lines[4].endswith(" http://127.0.0.1:8765/api/users")
    headers = dict(line.split(": ", 1) for line in lines[:2])
    live = WsseAuthenticator(engine, schema, Settings())  # the real clock
    principal = live.authenticate(credentials(headers))
    assert principal is not None and principal.user_id == 1


def test_wsse_header_command_generates_a_missing_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'nokey.db'}"
    schema = build_schema(build_registry())
    engine = create_engine(url)
    prepare_database(engine, build_registry(), schema)
    with engine.begin() as connection:
        seed_api_keys(connection, schema)
        connection.execute(sa.delete(schema.auth.api_key))
    engine.dispose()
    out = io.StringIO()
    argv = ["wsse-header", "7", "--database", url, "--api-url", "https://example.com/api/"]
    assert cli.main(argv, environ={}, out=out) == 0
    assert 'Username="gene.cardenas_c760d"' in out.getvalue().splitlines()[1]
    assert out.getvalue().rstrip().endswith(" https://example.com/api/users")
    assert capsys.readouterr().err == "Generated an API key for gene.cardenas_c760d.\n"


def test_wsse_header_command_unknown_user(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    assert (
        cli.main(["wsse-header", "nobody", "--database", str(engine.url)], environ={}, out=out) == 1
    )
    assert out.getvalue() == ""
    assert "no user 'nobody'" in capsys.readouterr().err


# --- over real HTTP (needs WsseAuthenticator in the server's authenticator chain) --------------


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("wsse-http") / "api.db", auth=True) as live:
        engine = create_engine(live.settings.database_url)
        with engine.begin() as connection:
            seed_api_keys(connection, schema)  # a no-op once the database seed gives them
        engine.dispose()
        yield live


def get_users(server: LiveServer, headers: dict[str, str]) -> httpx.Response:
    headers = {"Accept": "application/vnd.api+json", **headers}
    return httpx.get(f"{server.origin}/api/users?page[size]=1", headers=headers, timeout=30)


def test_http_wsse_request_is_answered(secured: LiveServer) -> None:
    response = get_users(secured, wsse_header("admin", demo_api_key(1)))
    assert response.status_code == 200
    assert response.json()["data"][0]["type"] == "users"


def test_http_replayed_wsse_headers_are_401(secured: LiveServer) -> None:
    headers = wsse_header("admin", demo_api_key(1))
    assert get_users(secured, headers).status_code == 200
    replay = get_users(secured, headers)
    assert (replay.status_code, replay.content) == (401, b"")
    assert replay.headers["WWW-Authenticate"] == WSSE_CHALLENGE


def test_http_forged_wsse_headers_are_401(secured: LiveServer) -> None:
    response = get_users(secured, wsse_header("admin", "0" * 40))
    assert (response.status_code, response.content) == (401, b"")
