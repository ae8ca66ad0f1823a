"""Sign-in parts: the URL, the keyring (an in-memory test backend) and a password-free config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from vidtask.domain.errors import InvalidInput
from vidtask.services import credentials


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


class NoKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


DETAILS = credentials.SignIn("db.vidtf.example", "vidtask", "anna", 5433, "verify-full")
SECRET = "p@ss/word:with#odd%chars"


def test_url_escapes_the_password_and_passes_sslmode() -> None:
    url = make_url(credentials.database_url(DETAILS, SECRET))
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql+psycopg", "db.vidtf.example", 5433, "vidtask", "anna", SECRET)
    assert url.query["sslmode"] == "verify-full"


def test_bad_parts_are_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidInput, match="sslmode"):
        credentials.clean_sign_in("h", 5432, "d", "u", "sometimes")
    with pytest.raises(InvalidInput, match="port"):
        credentials.clean_sign_in("h", "x", "d", "u", "prefer")
    with pytest.raises(InvalidInput, match="user"):
        credentials.clean_sign_in("h", 5432, "d", " ", "prefer")


def test_password_goes_to_the_keyring_and_never_to_the_config_file(
        memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    credentials.remember_sign_in(DETAILS, config)
    assert credentials.remember_password(DETAILS, SECRET)
    assert memory_keyring.items == {("vidtask", "anna@db.vidtf.example:5433/vidtask"): SECRET}
    text = config.read_text(encoding="utf-8")
    assert SECRET not in text and "pass" not in text.lower()
    assert credentials.remembered_sign_in(config) == DETAILS
    assert credentials.stored_password(DETAILS) == SECRET
    credentials.forget_password(DETAILS)
    credentials.forget_password(DETAILS)  # twice: nothing stored is not an error
    assert credentials.stored_password(DETAILS) is None


def test_without_a_keyring_nothing_is_stored_and_nothing_breaks(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert credentials.remember_password(DETAILS, SECRET) is False
        assert credentials.stored_password(DETAILS) is None
    finally:
        keyring.set_keyring(previous)
    assert credentials.remembered_sign_in(tmp_path / "missing.toml") is None


def test_a_refused_connection_reads_as_one_sentence() -> None:
    url = credentials.database_url(
        credentials.SignIn("127.0.0.1", "no_such_db_here", "nobody_x", 1, "disable"), "x")
    with pytest.raises(InvalidInput, match=r"^sign-in: "):
        credentials.check_connection(url)
