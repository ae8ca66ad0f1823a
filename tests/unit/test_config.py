"""Which database is used: --database, then the environment, then the config file, then SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidtask import config


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.ENV_DATABASE_URL, raising=False)
    return tmp_path


def test_default_is_sqlite_in_the_user_data_dir(isolated: Path) -> None:
    settings = config.resolve_settings()
    assert settings.database_url == f"sqlite:///{isolated / 'data' / 'vidtask' / 'vidtask.sqlite3'}"


def test_resolution_order(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_config_value("database_url", "sqlite:////from/file.sqlite3")
    assert config.resolve_settings().database_url == "sqlite:////from/file.sqlite3"
    monkeypatch.setenv(config.ENV_DATABASE_URL, "postgresql://env/db")
    assert config.resolve_settings().database_url == "postgresql://env/db"
    assert config.resolve_settings("postgresql://cli/db").database_url == "postgresql://cli/db"


def test_broken_config_file_is_reported(isolated: Path) -> None:
    path = config.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("database_url = [unclosed")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.resolve_settings()
