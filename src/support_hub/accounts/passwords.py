"""Password hashing (argon2id) and the password policy.

Policy (NIST SP 800-63B style: length and a deny list, no composition rules):
- 12 to 128 characters (long passphrases welcome; 128 caps the work one login can cause);
- not a common password: the lower-cased password, with and without spaces, and the same with
  leading/trailing digits and symbols stripped ("Password2024!" -> "password"), must not be on
  `data/common_passwords.txt`;
- not a single short unit repeated ("abcabcabcabc");
- no context words: the hub's name, "supporthub", the email (or its part before @), or any part
  of the person's name of 4+ letters.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4).
# When they change in a newer release, `needs_rehash` notices and the login upgrades the hash.
_hasher = PasswordHasher()

_EDGE_NOISE = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The deny list, loaded once."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def _is_repetition(text: str) -> bool:
    for unit in range(1, len(text) // 2 + 1):
        if len(text) % unit == 0 and text[:unit] * (len(text) // unit) == text:
            return True
    return False


def _context_words(email: str, name: str, hub_name: str) -> set[str]:
    words = {"supporthub", hub_name.lower().replace(" ", "")}
    email = email.strip().lower()
    if email:
        words.add(email)
        local = email.split("@", 1)[0]
        if len(local) >= 4:
            words.add(local)
    words |= {part for part in re.split(r"[^a-z]+", name.lower()) if len(part) >= 4}
    return {word for word in words if word}


def policy_problems(
    password: str, *, email: str = "", name: str = "", hub_name: str = "Support Hub"
) -> list[str]:
    """What is wrong with `password` under the policy above (empty when it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters (a few words together work well)."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    problems = []
    lowered = password.lower()
    squashed = re.sub(r"\s+", "", lowered)
    candidates = {lowered, squashed, _EDGE_NOISE.sub("", lowered), _EDGE_NOISE.sub("", squashed)}
    if candidates & common_passwords() or _is_repetition(squashed):
        problems.append("This password is too common or predictable; choose another.")
    if any(word in squashed for word in _context_words(email, name, hub_name)):
        problems.append("Don't use your name, your email or the service's name in your password.")
    return problems


def hash_password(password: str) -> str:
    """An argon2id hash of `password` with the current parameters."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` matches `stored_hash` (False for a malformed hash, never an error)."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether `stored_hash` was made with parameters other than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when no account matches, so both cases take the same time."""
    return _hasher.hash("no account has this password, it only spends the same time")
