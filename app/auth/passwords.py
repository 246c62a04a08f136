"""Password rules (NIST 800-63B style: length and a deny-list, no composition rules) and hashing."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256

# OWASP's argon2id setting (19 MiB, 2 passes, 1 lane). The library default (64 MiB, 3 passes,
# 4 lanes) cost 179 ms of CPU per sign-in, over half the server's time on a 2-core host after an
# election; this costs about 23 ms. Hashes made with other settings are upgraded at sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# A real hash to verify against when no account matches, so that timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not a real password, only here for timing")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from real breaches.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def problems_with(password: str, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in words for the person choosing it."""
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        return [f"Your password must be at least {MIN_LENGTH} characters long. A few ordinary "
                f"words with spaces between them make a strong one."]
    if len(password) > MAX_LENGTH:
        return [f"Your password must be {MAX_LENGTH} characters or fewer."]
    lowered = password.lower()
    if lowered in common_passwords() or lowered.replace(" ", "") in common_passwords():
        return ["That password is on a list of passwords that are known to be used often. "
                "Choose a different one."]
    local_part = email.split("@")[0].lower()
    if email and (lowered == email.lower() or (len(local_part) >= 4 and lowered == local_part)):
        return ["Your password must not be your email address."]
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return ["Your password must not be your name."]
    if len(set(lowered)) < 4:
        return ["Your password repeats too few characters. Choose something harder to guess."]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, normalise(password)) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
