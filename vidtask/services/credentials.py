"""Sign-in details for a PostgreSQL room database: the URL from its parts, the password in the
OS keyring (service "vidtask"), and the remembered non-secret parts in the config file.

The config file holds host, port, database, user and sslmode only — never a password.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from sqlalchemy.engine import URL

from vidtask.config import read_config_file, write_config_value
from vidtask.domain.errors import InvalidInput

KEYRING_SERVICE = "vidtask"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_PORT = 5432
_CONFIG_KEYS = {"host": "pg_host", "port": "pg_port", "database": "pg_database",
                "user": "pg_user", "sslmode": "pg_sslmode"}


@dataclass(frozen=True, slots=True)
class SignIn:
    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = "prefer"

    @property
    def keyring_username(self) -> str:
        """One keyring entry per login on each server and database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def clean_sign_in(host: str, port: int | str, database: str, user: str, sslmode: str) -> SignIn:
    host, database, user = host.strip(), database.strip(), user.strip()
    for name, value in (("host", host), ("database", database), ("user", user)):
        if not value:
            raise InvalidInput(name, "must not be empty")
    try:
        number = int(port)
    except (TypeError, ValueError):
        raise InvalidInput("port", f"{port!r} is not a number") from None
    if not 0 < number < 65536:
        raise InvalidInput("port", "must be between 1 and 65535")
    if sslmode not in SSL_MODES:
        raise InvalidInput("sslmode", f"must be one of {', '.join(SSL_MODES)}")
    return SignIn(host, database, user, number, sslmode)


def database_url(details: SignIn, password: str | None) -> str:
    """A `postgresql+psycopg://` URL; the password (if any) is escaped by SQLAlchemy."""
    url = URL.create("postgresql+psycopg", username=details.user, password=password or None,
                     host=details.host, port=details.port, database=details.database,
                     query={"sslmode": details.sslmode})
    return url.render_as_string(hide_password=False)


def stored_password(details: SignIn) -> str | None:
    """The remembered password, or None (none stored, or no usable keyring on this machine)."""
    try:
        return keyring.get_password(KEYRING_SERVICE, details.keyring_username)
    except keyring.errors.KeyringError:
        return None


def remember_password(details: SignIn, password: str) -> bool:
    """Store in the OS keyring. False when no keyring is available (nothing is written)."""
    try:
        keyring.set_password(KEYRING_SERVICE, details.keyring_username, password)
    except keyring.errors.KeyringError:
        return False
    return True


def forget_password(details: SignIn) -> None:
    # PasswordDeleteError (nothing stored) is a KeyringError too: forgetting is idempotent.
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEYRING_SERVICE, details.keyring_username)


def remembered_sign_in(path: Path | None = None) -> SignIn | None:
    """The last sign-in's non-secret parts from the config file, if any."""
    values = read_config_file(path)
    try:
        return clean_sign_in(str(values.get("pg_host", "")), str(values.get("pg_port", 5432)),
                             str(values.get("pg_database", "")), str(values.get("pg_user", "")),
                             str(values.get("pg_sslmode", "prefer")))
    except InvalidInput:
        return None


def remember_sign_in(details: SignIn, path: Path | None = None) -> None:
    """Write host, port, database, user and sslmode to the config file (never the password)."""
    for field, key in _CONFIG_KEYS.items():
        write_config_value(key, str(getattr(details, field)), path)


SQLITE_TRUST_NOTICE = ("SQLite mode: this workstation's file is the database, and vidtask trusts "
                       "whoever can open it to say who they are. Use PostgreSQL sign-in for a "
                       "shared room.")


def check_connection(url: str) -> None:
    """Open and close one connection; raise InvalidInput with the server's first line if not."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(url, poolclass=None, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise InvalidInput("sign-in", reason) from None
    finally:
        engine.dispose()
