"""Where vidtask keeps its data and which database it talks to.

Order: `--database URL`, then `VIDTASK_DATABASE_URL`, then `database_url` in the config file
(platformdirs' user config dir), then SQLite under platformdirs' user data dir.
The config file never holds passwords (those live in the OS keyring).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "vidtask"
ENV_DATABASE_URL = "VIDTASK_DATABASE_URL"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return user_config_dir() / "config.toml"


def default_sqlite_url() -> str:
    return f"sqlite:///{user_data_dir() / 'vidtask.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    source: str  # where the URL came from, shown by `vidtask db info`
    identity: str | None = None


class ConfigError(Exception):
    pass


def read_config_file(path: Path | None = None) -> dict[str, object]:
    path = path or config_file()
    if not path.exists():
        return {}
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
    lines = [f"{k} = {_toml_string(v)}" for k, v in sorted(data.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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
