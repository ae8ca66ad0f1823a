"""Upgrading a SQLite file with data through 0003 (tables copied to add CHECK constraints):
nothing cascades away, and text already longer than a limit is cut to it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from vidtask.db.engine import Database
from vidtask.db.migrate import upgrade

ROWS = [
    "INSERT INTO participants (id, login, display_name, agency, languages, role, active, "
    "created_at) VALUES (1, 'anna', 'Anna', '', '[]', 'specialist', 1, '2026-06-01')",
    "INSERT INTO sprints (id, name, starts_on, ends_on, lease_minutes, default_handling, "
    "issuing_unit, contact_name, contact_email, contact_phone, created_at) VALUES "
    "(1, 'Old sprint', '2026-06-01', '2026-06-12', 120, 'H0', '', '', '', '', '2026-06-01')",
    "INSERT INTO series (id, sprint_id, code, alias, status, priority, handling, victim_sex, "
    "production_period, in_icse, notes, outcome_reason, created_at, updated_at, version) "
    "VALUES (1, 1, 'S-001', '', 'claimed', 3, 'H0', 'unknown', '', 0, '', '', '2026-06-01', "
    "'2026-06-01', 1)",
    "INSERT INTO media (id, series_id, md5, extra) "
    "VALUES (1, 1, '00000000000000000000000000000001', '{}')",
    "INSERT INTO clues (id, series_id, category, description, kind, evidence_time, "
    "evidence_region, confidence, supports, excludes, handling, author_id, created_at, "
    "updated_at, updated_by_id, version) VALUES (1, 1, 'toy', 'a toy', 'none', '', '', "
    "'low', '[]', '[]', 'H0', 1, '2026-06-01', '2026-06-01', 1, 1)",
    "INSERT INTO comments (id, series_id, clue_id, author_id, body, created_at) VALUES "
    "(1, 1, 1, 1, :long, '2026-06-01')",
]


def test_upgrading_a_full_sqlite_file_keeps_every_row(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        upgrade(db, "0002_security")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement), {"long": "y" * 20_000})
        upgrade(db)
        with db.engine.connect() as connection:
            counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                      for table in ("series", "media", "clues", "comments")}
            body = connection.execute(text("SELECT body FROM comments")).scalar_one()
            broken = connection.execute(text("PRAGMA foreign_key_check")).all()
            keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
    finally:
        db.dispose()
    assert counts == {"series": 1, "media": 1, "clues": 1, "comments": 1}
    assert body == "y" * 10_000
    assert broken == [] and keys == 1
