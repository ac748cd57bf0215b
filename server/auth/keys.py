"""The server's RSA key pair that signs access tokens: created at first start, then persisted.

The private key is kept as an unencrypted PKCS#8 PEM in ``auth_server_key`` (a sandbox has no
secret store; a real deployment would keep it elsewhere); the public key is derived from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from server.storage.tables import Schema

__all__ = ["PRIVATE_KEY_NAME", "Keys", "generate_keys", "load_or_create_keys"]

PRIVATE_KEY_NAME = "oauth.private_key"
KEY_SIZE = 2048


@dataclass(frozen=True)
class Keys:
    private_key: rsa.RSAPrivateKey
    public_key: rsa.RSAPublicKey
    key_id: str  # the ``kid`` header of tokens: a thumbprint of the public key

    @classmethod
    def from_pem(cls, pem: str) -> Keys:
        private_key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("the stored signing key is not an RSA key")
        return cls.from_private_key(private_key)

    @classmethod
    def from_private_key(cls, private_key: rsa.RSAPrivateKey) -> Keys:
        public_key = private_key.public_key()
        der = public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private_key, public_key, hashlib.sha256(der).hexdigest()[:16])

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def public_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()


def generate_keys() -> Keys:
    """A new key pair (not stored)."""
    return Keys.from_private_key(rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE))


def _stored_pem(connection: sa.Connection, schema: Schema) -> str | None:
    table = schema.auth.server_key
    return connection.execute(
        sa.select(table.c.value).where(table.c.name == PRIVATE_KEY_NAME)
    ).scalar_one_or_none()


def load_or_create_keys(engine: sa.Engine, schema: Schema) -> Keys:
    """The stored key pair; a new one is created and stored when there is none yet.

    Two processes starting together on one database both end up with the key that won the insert.
    """
    with engine.connect() as connection:
        pem = _stored_pem(connection, schema)
    if pem is not None:
        return Keys.from_pem(pem)
    keys = generate_keys()
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(schema.auth.server_key).values(
                    name=PRIVATE_KEY_NAME, value=keys.private_pem()
                )
            )
    except sa.exc.IntegrityError:
        with engine.connect() as connection:
            pem = _stored_pem(connection, schema)
        assert pem is not None
        return Keys.from_pem(pem)
    return keys
