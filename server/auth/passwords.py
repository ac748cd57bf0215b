"""Password hashing with Argon2id (argon2-cffi); passwords are never stored in clear."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id with a modest cost: a sandbox seeds and checks many demo passwords, and its data is
# demo data; the hash format records the parameters, so stronger ones can be set any time.
_hasher = PasswordHasher(time_cost=1, memory_cost=4 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
