"""Normalise the scalar values interchange files carry: hashes, booleans and integers.

Every function accepts what real files hold (upper case, surrounding whitespace, strings for
numbers and booleans) and raises ValueError with a reason fit to show a user otherwise.
"""

from __future__ import annotations

import base64
import re
from typing import Any

_HEX = frozenset("0123456789abcdef")

_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


_CLEAN = {n: re.compile(f"[0-9a-f]{{{n}}}") for n in (32, 40, 64)}


def _normalize_hex(value: object, length: int, name: str) -> str:
    if type(value) is str and len(value) == length and _CLEAN[length].fullmatch(value):
        return value  # already clean: the common case, checked at C speed
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    text = value.strip().lower()
    if len(text) != length:
        raise ValueError(f"{name} must be {length} hex characters, got {len(text)}")
    if not _HEX.issuperset(text):
        bad = next(c for c in text if c not in _HEX)
        raise ValueError(f"{name} must be hexadecimal, found {bad!r}")
    return text


def normalize_md5(value: object) -> str:
    """Return a lower-case 32-character MD5, or raise ValueError."""
    return _normalize_hex(value, 32, "MD5")


def normalize_sha1(value: object) -> str:
    """Return a lower-case 40-character SHA-1, or raise ValueError."""
    return _normalize_hex(value, 40, "SHA-1")


def normalize_sha256(value: object) -> str:
    """Return a lower-case 64-character SHA-256, or raise ValueError."""
    return _normalize_hex(value, 64, "SHA-256")


def normalize_pdq(value: object) -> str:
    """Return a lower-case 64-character (256-bit) PDQ hash, or raise ValueError."""
    return _normalize_hex(value, 64, "PDQ")


def parse_bool(value: Any) -> bool | None:
    """Read a boolean as files write it; None or "" mean "not stated".

    Never ``bool(value)``: ``bool("false")`` is True.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, float) and value in (0.0, 1.0):
        return value == 1.0
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"expected true/false, got {value.strip()[:40]!r}")
    raise ValueError(f"expected true/false, got {type(value).__name__}")


def parse_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """Read an integer from an int, an integral float or a decimal string; None or "" → None."""
    result: int
    if value is None:
        return None
    if isinstance(value, bool):
        # True is an int in Python, but a boolean where a number belongs is a wrong type
        raise ValueError("expected a whole number, got a boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        result = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        # int() would also accept "1_000" and non-ASCII digits; files never mean those
        digits = text[1:] if text[0] in "+-" else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > 30:
            raise ValueError(f"expected a whole number, got {text[:40]!r}")
        result = int(text)
    else:
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    if minimum is not None and result < minimum:
        raise ValueError(f"must be at least {minimum}, got {result}")
    if maximum is not None and result > maximum:
        raise ValueError(f"must be at most {maximum}, got {result}")
    return result


# PhotoDNA: 144 bytes. ICSE writes them as 288 hex characters (upper case), VICS 2.0 and IPED
# as 192 base64 characters (IPED's HashDBTool drops any other length).
PHOTODNA_BYTES = 144
PHOTODNA_HEX_LENGTH = 2 * PHOTODNA_BYTES
PHOTODNA_BASE64_LENGTH = 4 * PHOTODNA_BYTES // 3
_BASE64 = re.compile(r"[A-Za-z0-9+/]{190}(?:[A-Za-z0-9+/=]{2})")
_HEX_288 = re.compile(r"[0-9A-Fa-f]{288}")


def photodna_bytes(value: object) -> bytes:
    """The 144 bytes of a PhotoDNA given as hex (ICSE) or base64 (VICS); else ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"PhotoDNA must be text, got {type(value).__name__}")
    text = value.strip()
    if len(text) == PHOTODNA_HEX_LENGTH and _HEX_288.fullmatch(text):
        return bytes.fromhex(text)
    if len(text) == PHOTODNA_BASE64_LENGTH and _BASE64.fullmatch(text):
        raw = base64.b64decode(text, validate=True)
        if len(raw) == PHOTODNA_BYTES:
            return raw
    raise ValueError(
        f"PhotoDNA must be {PHOTODNA_HEX_LENGTH} hex or {PHOTODNA_BASE64_LENGTH} base64 "
        f"characters, got {len(text)}")


def photodna_base64(value: object) -> str:
    """PhotoDNA as VICS 2.0 writes it (192 base64 characters); ValueError if not one."""
    return base64.b64encode(photodna_bytes(value)).decode("ascii")


def photodna_hex(value: object) -> str:
    """PhotoDNA as ICSE writes it (288 upper-case hex characters); ValueError if not one."""
    return photodna_bytes(value).hex().upper()
