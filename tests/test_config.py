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


@pytest.mark.parametrize("url, shown", [
    ("postgresql://anna:s3cret@db.example/vidtask", "postgresql://anna:***@db.example/vidtask"),
    ("postgresql+psycopg://anna:s3cret@db:5432/v?sslmode=require",
     "postgresql+psycopg://anna:***@db:5432/v?sslmode=require"),
    ("postgresql://db/vidtask?password=s3cret&user=anna",
     "postgresql://db/vidtask?password=***&user=anna"),
    ("sqlite:////home/anna/vidtask.sqlite3", "sqlite:////home/anna/vidtask.sqlite3"),
    ("postgresql://anna@db/vidtask", "postgresql://anna@db/vidtask"),
])
def test_masked_url_hides_the_password(url: str, shown: str) -> None:
    assert config.masked_url(url) == shown


@pytest.mark.parametrize("malformed", [
    "postgresql://anna:s3cret@db:port/x",  # a port that is not a number
    "postgresql://anna:s3cret@[::1/x",  # an unclosed IPv6 bracket
    "postgresql:/anna:s3cret@db/x",  # one slash
    "postgres ql://anna:s3cret@db/x",  # a space in the scheme
    "anna:s3cret@db",  # no scheme
    "::://anna:s3cret@",  # no scheme at all
    "postgresql://anna:s3c@ret@db/x",  # an unescaped "@" in the password
    "host=db user=anna password=s3cret",  # libpq keywords, not a URL
])
def test_masked_url_hides_the_password_of_a_malformed_url(malformed: str) -> None:
    shown = config.masked_url(malformed)
    assert "s3c" not in shown and "ret" not in shown.replace("postgres", "")
    assert config.HIDDEN in shown


def test_mask_passwords_in_free_text() -> None:
    text = "could not use 'postgresql://u:PW1@h/db' nor postgresql://v:PW2@h/db (password=PW3)"
    masked = config.mask_passwords(text)
    assert "PW" not in masked
    assert masked.count(config.HIDDEN) == 3
