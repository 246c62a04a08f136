"""Password rules (NIST 800-63B style: length and a deny-list, no composition rules) and hashing."""
from __future__ import annotations

import os
import re
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Callable, TypeVar

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
    if " ".join(lowered.split()) in KNOWN_PASSPHRASES:
        return ["That password has been published as an example. Choose a different one."]
    # zxcvbn finds sequences, keyboard patterns, dates and l33t spellings, and is told the
    # member's own words and the service's, which are the first a guesser tries (LOW-7).
    from zxcvbn import zxcvbn

    # zxcvbn takes at most 72 characters; a longer password has strength enough in its length.
    if zxcvbn(password[:72], user_inputs=_context_words(email, name))["score"] < MIN_SCORE:
        return ["That password would be easy to guess: it is a common pattern (such as 123456 or "
                "qwerty), or uses your name, your email address or the council's name. A few "
                "ordinary words that mean something only to you make a strong one."]
    return []


MIN_SCORE = 3  # zxcvbn's "safely unguessable": about 10^8 guesses or more
# Passphrases printed as examples in well-known places, and the demo's own.
KNOWN_PASSPHRASES = {"correct horse battery staple", "corporate parent demo"}


def _context_words(email: str, name: str) -> list[str]:
    words = [email, email.split("@")[0], *re.split(r"[\s.@_+-]+", email)]
    words += [name, name.replace(" ", ""), *name.split()]
    try:
        from flask import current_app

        for setting in ("COUNCIL_NAME", "SERVICE_NAME"):
            value = current_app.config.get(setting) or ""
            words += [value, value.replace(" ", ""), *value.split()]
    except RuntimeError:  # no app: the member's own words are enough
        pass
    words += ["councillor", "council", "corporate", "parent", "parenting", "training", "children"]
    return [w.lower() for w in words if len(w) >= 3]


_T = TypeVar("_T")
_hashing: tuple[int, ThreadPoolExecutor] | None = None
_hashing_lock = threading.Lock()


def _on_hashing_thread(work: Callable[[], _T]) -> _T:
    """Run one hash on this process's single hashing thread.

    Each hash takes 19 MiB from the C allocator, which keeps it afterwards in an arena of the
    thread that hashed: a worker's four request threads held 76 MB after the bench's sign-ins.
    One thread holds one block and reuses it. gunicorn runs a worker per core and one more, so
    each hashing one password at a time still keeps every core busy.
    """
    global _hashing
    with _hashing_lock:
        if _hashing is None or _hashing[0] != os.getpid():  # a forked child has no thread
            _hashing = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-hashing"))
        executor = _hashing[1]
    return executor.submit(work).result()


def hash_password(password: str) -> str:
    password = normalise(password)
    return _on_hashing_thread(lambda: _hasher.hash(password))


def verify(password_hash: str | None, password: str) -> bool:
    password = normalise(password)

    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return _on_hashing_thread(check)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
