"""WSSE authentication (UsernameToken profile) with users' API keys, as Oro's (deprecated) WSSE.

A request carries two headers (reference §4.3)::

    Authorization: WSSE profile="UsernameToken"
    X-WSSE: UsernameToken Username="admin", PasswordDigest="...", Nonce="...", Created="..."

``PasswordDigest = base64(sha1(base64_decode(Nonce) + Created + apiKey))`` with the user's API key
for the user's organization. A header is valid for ``settings.wsse_lifetime`` seconds (3600) after
its ``Created``, and each nonce is accepted once while it could still be replayed.

Where Oro is silent or strict, this module decides:

- ``Created`` may be up to :data:`CLOCK_SKEW` (5 minutes) in the future, so a client whose clock
  runs a little fast is not refused (Oro refuses any future ``Created``). It is read as ISO 8601;
  without an offset it counts as UTC.
- The request is WSSE when it has an ``X-WSSE`` header (as Oro decides) or an ``Authorization:
  WSSE`` header; ``Authorization`` itself is optional, but when its scheme is WSSE its profile must
  be ``UsernameToken``.
- ``Username`` is the username, or else the email (any case), as Oro's user loader.
- A nonce is remembered only once the digest is right, so forged requests cannot use up nonces or
  fill the table; it is remembered until ``max(now, Created) + lifetime``, and expired ones are
  purged at most once a minute.

Every failure raises ``Unauthorized`` with the challenge :data:`WSSE_CHALLENGE` (401, empty body).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.api_keys import api_key_of, find_user
from server.auth.authenticate import Credentials, Unauthorized
from server.auth.principal import Principal, load_principal
from server.settings import Settings
from server.storage.dialect import begin_write
from server.storage.tables import Schema

__all__ = [
    "CLOCK_SKEW",
    "WSSE_CHALLENGE",
    "UsernameToken",
    "WsseAuthenticator",
    "WsseError",
    "format_created",
    "has_wsse",
    "make_nonce",
    "parse_authorization",
    "parse_created",
    "parse_x_wsse",
    "password_digest",
    "wsse_header",
]

WSSE_CHALLENGE = 'WSSE realm="Oro API Sandbox", profile="UsernameToken"'
AUTHORIZATION = 'WSSE profile="UsernameToken"'
CLOCK_SKEW = 300  # seconds a Created may lie in the future
PURGE_INTERVAL = 60  # seconds between purges of expired nonces
MAX_HEADER = 2048  # longer X-WSSE headers are refused unread
MAX_VALUE = 255  # the longest accepted Username, PasswordDigest, Nonce or Created
FIELDS = ("Username", "PasswordDigest", "Nonce", "Created")

_TOKEN = re.compile(r"\s*UsernameToken\s+(?P<params>.*?)\s*", re.DOTALL)
_PARAM = re.compile(r'\s*(?P<name>[A-Za-z]+)\s*=\s*"(?P<value>[^"]*)"\s*(?:,|$)')
_AUTHORIZATION = re.compile(r'\s*WSSE\s+profile\s*=\s*"?(?P<profile>[^",\s]*)"?\s*', re.IGNORECASE)


class WsseError(ValueError):
    """Malformed WSSE headers; the message says what is wrong."""


@dataclass(frozen=True)
class UsernameToken:
    username: str
    digest: str
    nonce: str
    created: str


# --- pure parts --------------------------------------------------------------------------------


def has_wsse(headers: Mapping[str, str]) -> bool:
    """Whether the request carries WSSE credentials (headers by lower-case name)."""
    if "x-wsse" in headers:
        return True
    scheme = headers.get("authorization", "").strip().split(" ", 1)[0]
    return scheme.upper() == "WSSE"


def parse_authorization(value: str) -> None:
    """Check ``Authorization: WSSE profile="UsernameToken"``; raise :class:`WsseError` if not."""
    match = _AUTHORIZATION.fullmatch(value)
    if match is None:
        raise WsseError('The Authorization header must be: WSSE profile="UsernameToken".')
    if match["profile"] != "UsernameToken":
        raise WsseError(f'Unsupported WSSE profile "{match["profile"]}"; use "UsernameToken".')


def parse_x_wsse(value: str) -> UsernameToken:
    """``UsernameToken Username="…", PasswordDigest="…", Nonce="…", Created="…"`` (any order)."""
    if len(value) > MAX_HEADER:
        raise WsseError("The X-WSSE header is too long.")
    match = _TOKEN.fullmatch(value)
    if match is None:
        raise WsseError('The X-WSSE header must start with "UsernameToken".')
    params, text, position = {}, match["params"], 0
    while position < len(text):
        param = _PARAM.match(text, position)
        if param is None or param.end() == position:
            raise WsseError(f"The X-WSSE header is malformed near {text[position:][:20]!r}.")
        name = next((f for f in FIELDS if f.lower() == param["name"].lower()), param["name"])
        if name in params:
            raise WsseError(f"The X-WSSE header repeats {name}.")
        params[name] = param["value"]
        position = param.end()
    missing = [f for f in FIELDS if not params.get(f)]
    if missing:
        raise WsseError(f"The X-WSSE header lacks {', '.join(missing)}.")
    too_long = [f for f in FIELDS if len(params[f]) > MAX_VALUE]
    if too_long:
        raise WsseError(f"The X-WSSE header has too long a {too_long[0]}.")
    return UsernameToken(
        params["Username"], params["PasswordDigest"], params["Nonce"], params["Created"]
    )


def parse_created(value: str) -> float:
    """Epoch seconds of an ISO 8601 ``Created`` (without an offset: UTC)."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise WsseError(f"Created {value!r} is not an ISO 8601 date and time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def _nonce_bytes(nonce: str) -> bytes:
    try:
        return base64.b64decode(nonce, validate=True)
    except (binascii.Error, ValueError):
        raise WsseError("The nonce is not valid base64.") from None


def password_digest(nonce: str, created: str, api_key: str) -> str:
    """``base64(sha1(base64_decode(nonce) + created + api_key))``, as Oro's PHP sample."""
    raw = _nonce_bytes(nonce) + created.encode() + api_key.encode()
    return base64.b64encode(hashlib.sha1(raw).digest()).decode("ascii")


def make_nonce() -> str:
    """A fresh nonce shaped like Oro's: base64 of 16 random hexadecimal characters."""
    return base64.b64encode(secrets.token_hex(8).encode()).decode("ascii")


def format_created(timestamp: float) -> str:
    """``2016-09-20T07:00:00+00:00``: ISO 8601 to the second, as PHP's ``date('c')``."""
    return dt.datetime.fromtimestamp(int(timestamp), dt.UTC).isoformat()


def wsse_header(
    username: str, api_key: str, *, nonce: str | None = None, created: str | None = None
) -> dict[str, str]:
    """Ready ``Authorization`` and ``X-WSSE`` headers, as Oro's ``oro:wsse:generate-header``."""
    nonce = make_nonce() if nonce is None else nonce
    created = format_created(time.time()) if created is None else created
    digest = password_digest(nonce, created, api_key)
    return {
        "Authorization": AUTHORIZATION,
        "X-WSSE": (
            f'UsernameToken Username="{username}", PasswordDigest="{digest}", '
            f'Nonce="{nonce}", Created="{created}"'
        ),
    }


# --- the authenticator -------------------------------------------------------------------------


class WsseAuthenticator:
    """Principal (method ``"wsse"``) of a request with valid WSSE headers; None without them."""

    def __init__(
        self,
        engine: sa.Engine,
        schema: Schema,
        settings: Settings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.schema = schema
        self.lifetime = settings.wsse_lifetime
        self.clock = clock
        self._next_purge = 0.0

    def authenticate(self, credentials: Credentials) -> Principal | None:
        headers = credentials.headers
        if not has_wsse(headers):
            return None
        try:
            authorization = headers.get("authorization")
            if authorization is not None and has_wsse({"authorization": authorization}):
                parse_authorization(authorization)
            if "x-wsse" not in headers:
                raise WsseError("The X-WSSE header is missing.")
            token = parse_x_wsse(headers["x-wsse"])
            created = parse_created(token.created)
            nonce = _nonce_bytes(token.nonce)  # a malformed nonce is a malformed header
        except WsseError as error:
            raise self._unauthorized(str(error)) from None
        now = self.clock()
        if created > now + CLOCK_SKEW:
            raise self._unauthorized("Future token detected.")
        if now - created > self.lifetime:
            raise self._unauthorized("Token has expired.")
        with self.engine.begin() as connection:
            begin_write(connection)  # the nonce is checked and remembered by one writer at a time
            principal = self._check(connection, token)
            # remembered by its bytes: re-encoding them (padding bits) is the same nonce
            canonical = base64.b64encode(nonce).decode("ascii")
            self._use_nonce(connection, canonical, max(now, created) + self.lifetime, now)
        return principal

    def _check(self, connection: sa.Connection, token: UsernameToken) -> Principal:
        user = find_user(connection, self.schema, token.username, by_id=False)
        if user is None or not user.enabled:
            raise self._unauthorized("Unknown or disabled user.")
        api_key = api_key_of(connection, self.schema, user.id, user.organization_id)
        if api_key is None:
            raise self._unauthorized("The user has no API key in their organization.")
        expected = password_digest(token.nonce, token.created, api_key)
        if not hmac.compare_digest(expected.encode(), token.digest.encode()):
            raise self._unauthorized("Invalid digest.")
        principal = load_principal(connection, self.schema, user.id, method="wsse")
        if principal is None:
            raise self._unauthorized("Unknown or disabled user.")
        return principal

    def _use_nonce(
        self, connection: sa.Connection, nonce: str, expires_at: float, now: float
    ) -> None:
        """Remember the nonce, or refuse it if it was used and is still remembered."""
        nonces = self.schema.auth.wsse_nonce
        if now >= self._next_purge:
            connection.execute(sa.delete(nonces).where(nonces.c.expires_at <= int(now)))
            self._next_purge = now + PURGE_INTERVAL
        until = connection.execute(
            sa.select(nonces.c.expires_at).where(nonces.c.nonce == nonce)
        ).scalar()
        if until is not None and until > now:
            raise self._unauthorized("Previously used nonce detected.")
        remember_until = int(expires_at) + 1
        if until is not None:  # used long ago and not purged yet
            connection.execute(
                sa.update(nonces).where(nonces.c.nonce == nonce).values(expires_at=remember_until)
            )
            return
        try:
            connection.execute(sa.insert(nonces).values(nonce=nonce, expires_at=remember_until))
        except sa.exc.IntegrityError:  # a concurrent request used it first (rolled back)
            raise self._unauthorized("Previously used nonce detected.") from None

    @staticmethod
    def _unauthorized(reason: str) -> Unauthorized:
        return Unauthorized(WSSE_CHALLENGE, reason)
