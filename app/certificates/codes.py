"""Verification codes: random, unguessable, and easy to read aloud or type from paper."""
from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: a code copied from a printed certificate must not be misread.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12  # 31**12 is about 2**59: far beyond guessing at 30 tries a minute
_NOT_CODE = re.compile(r"[\s-]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed, as stored: capitals, without spaces or hyphens."""
    return _NOT_CODE.sub("", text or "").upper()


def looks_like_code(text: str) -> bool:
    code = normalise(text)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def display(code: str) -> str:
    """ABCD-EFGH-JKMN: groups of four are easier to read and type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
