"""Where vidtask keeps its data and which database it talks to.

Order: `--database URL`, then `VIDTASK_DATABASE_URL`, then `database_url` in the config file
(platformdirs' user config dir), then SQLite under platformdirs' user data dir.
The config file never holds passwords (those live in the OS keyring).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import platformdirs

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

APP_NAME = "vidtask"
ENV_DATABASE_URL = "VIDTASK_DATABASE_URL"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return user_config_dir() / "config.toml"


def default_sqlite_url() -> str:
    return f"sqlite:///{user_data_dir() / 'vidtask.sqlite3'}"


class Settings(NamedTuple):  # not a dataclass: `dataclasses` costs `vidtask --help` ~8 ms
    database_url: str
    source: str  # where the URL came from, shown by `vidtask db info`
    identity: str | None = None

    @property
    def is_default_location(self) -> bool:
        """SQLite at the default place: the one database vidtask creates without being asked."""
        return self.database_url == default_sqlite_url()


class ConfigError(Exception):
    pass


def read_config_file(path: Path | None = None) -> dict[str, object]:
    path = path or config_file()
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: most starts have none

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from exc


def write_config_value(key: str, value: str, path: Path | None = None) -> None:
    """Set one string key, keeping the others. Values are quoted TOML strings."""
    path = path or config_file()
    data = {k: str(v) for k, v in read_config_file(path).items()}
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_config(path, data)


def remove_config_value(key: str, path: Path | None = None) -> None:
    """Drop one key (nothing happens when it is not there)."""
    path = path or config_file()
    data = {k: str(v) for k, v in read_config_file(path).items()}
    if data.pop(key, None) is None:
        return
    _write_config(path, data)


def _write_config(path: Path, data: dict[str, str]) -> None:
    """Temp file in the same folder, fsync, rename: a crash leaves the old file or the new."""
    import tempfile

    text = "".join(f"{k} = {_toml_string(v)}\n" for k, v in sorted(data.items()))
    handle, temp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def resolve_settings(cli_url: str | None = None) -> Settings:
    file_values = read_config_file()
    identity = file_values.get("identity")
    ident = str(identity) if identity else None
    if cli_url:
        return Settings(cli_url, "--database", ident)
    env_url = os.environ.get(ENV_DATABASE_URL)
    if env_url:
        return Settings(env_url, ENV_DATABASE_URL, ident)
    file_url = file_values.get("database_url")
    if file_url:
        return Settings(str(file_url), f"config file {config_file()}", ident)
    return Settings(default_sqlite_url(), "default (SQLite in the user data dir)", ident)


HIDDEN = "***"
# scheme://user:PASSWORD@ — greedy up to the token's last "@", so "p@ss" in a malformed URL
# is hidden whole (hiding too much is the safe side).
_URL_PASSWORD = re.compile(r"(?P<head>(?:\b[A-Za-z][A-Za-z0-9+.-]*)?:/+[^:/?#@\s'\"]*:)"
                           r"(?P<secret>[^\s'\"]*)(?=@)")
# libpq keyword or query-string form: password=SECRET (also ?password=… in a URL).
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<secret>'[^']*'|[^&\s'\",;]+)",
                               re.IGNORECASE)


def masked_url(url: str | URL) -> str:
    """A database URL fit to print: the password (user-info or `password=` query) hidden.

    SQLAlchemy renders what it can parse; anything it cannot parse gets the text fallback.
    """
    if isinstance(url, str):
        try:
            from sqlalchemy.engine import make_url

            parsed = make_url(url)
        except Exception:  # malformed: never echo it raw
            return mask_passwords(_mask_user_info(url))
        url = parsed
    return mask_passwords(url.render_as_string(hide_password=True))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/+")


def _mask_user_info(raw: str) -> str:
    """Hide what lies between the user name's ":" and the last "@" of an unparseable URL."""
    before, at, after = raw.rpartition("@")
    if not at:
        return raw
    separator = before.find("://")
    scheme = _SCHEME.match(before)
    start = separator + 3 if separator >= 0 else scheme.end() if scheme else 0
    user, colon, _ = before[start:].partition(":")
    return f"{before[:start]}{user}:{HIDDEN}@{after}" if colon else raw


def mask_passwords(text: str) -> str:
    """`text` with the password of every URL or `password=` setting in it hidden."""
    text = _URL_PASSWORD.sub(lambda m: m["head"] + HIDDEN, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m["head"] + HIDDEN, text)
