"""Ed25519 signatures on packet manifests: the sprint's key signs, its public key checks.

A packet's MANIFEST.sha256 lists the SHA-256 of every other file; MANIFEST.sha256.sig is the raw
64-byte Ed25519 signature of the manifest's bytes, and signing-key.pem the public key that made
it. Re-hashing a tampered file into the manifest then breaks the signature; replacing the key as
well is caught by comparing its fingerprint with the one the issuing unit gave the recipient out
of band (see docs/security.md, "Packet signatures"). Ed25519 signatures are deterministic, so a
re-export of unchanged content stays byte-identical.

Outside vidtask: ``openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin
-in MANIFEST.sha256 -sigfile MANIFEST.sha256.sig``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
SIGNATURE_BYTES = 64
PUBLIC_KEY_BYTES = 32


class KeyFormatError(ValueError):
    """Text that is not an Ed25519 public key (PEM, base64 of the raw key, or a fingerprint)."""


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """What a packet prints about the key that signed it."""

    algorithm: str
    public_key: str  # base64 of the raw 32-byte key
    fingerprint: str  # "SHA256:" + 64 hex digits in groups of four

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.public_key)


def generate_private_key() -> str:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM text (where it lives: docs/security)."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


@lru_cache(maxsize=8)
def _private(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("the sprint's signing key is not an Ed25519 key")
    return key


def public_key_of(private_pem: str) -> bytes:
    """The raw 32-byte public key of a PEM private key."""
    return _private(private_pem).public_key().public_bytes(serialization.Encoding.Raw,
                                                           serialization.PublicFormat.Raw)


def sign(private_pem: str, data: bytes) -> bytes:
    return _private(private_pem).sign(data)


def verify(public_raw: bytes, data: bytes, signature: bytes) -> bool:
    if len(signature) != SIGNATURE_BYTES or len(public_raw) != PUBLIC_KEY_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except InvalidSignature:
        return False
    return True


def fingerprint(public_raw: bytes) -> str:
    """'SHA256:3f2a 91c0 …' — the SHA-256 of the raw key, easy to read out over a telephone."""
    digest = hashlib.sha256(public_raw).hexdigest()
    return "SHA256:" + " ".join(digest[i:i + 4] for i in range(0, 64, 4))


def public_key_info(public_raw: bytes) -> PublicKeyInfo:
    return PublicKeyInfo(ALGORITHM, base64.b64encode(public_raw).decode("ascii"),
                         fingerprint(public_raw))


def public_pem(public_raw: bytes) -> bytes:
    """SubjectPublicKeyInfo PEM, the form openssl and most tools read."""
    return Ed25519PublicKey.from_public_bytes(public_raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def parse_public_key(text: bytes | str) -> bytes:
    """A raw public key from PEM text or the base64 of the raw key (what packets print)."""
    data = text.encode("ascii", "replace") if isinstance(text, str) else bytes(text)
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(stripped)
        except ValueError:
            raise KeyFormatError("the PEM text is not a readable public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFormatError("the public key is not an Ed25519 key")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        raw = base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError("the key is neither PEM nor base64") from None
    if len(raw) != PUBLIC_KEY_BYTES:
        raise KeyFormatError(f"an Ed25519 public key has {PUBLIC_KEY_BYTES} bytes, not {len(raw)}")
    return raw


def normalise_fingerprint(text: str) -> str:
    """Accept a fingerprint as printed, with or without 'SHA256:', spaces, colons or case."""
    digits = "".join(ch for ch in text.removeprefix("SHA256:").lower() if ch not in " :-")
    if len(digits) != 64 or any(ch not in "0123456789abcdef" for ch in digits):
        raise KeyFormatError("a key fingerprint is 64 hexadecimal digits (SHA256:xxxx xxxx …)")
    return "SHA256:" + " ".join(digits[i:i + 4] for i in range(0, 64, 4))
