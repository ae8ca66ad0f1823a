"""Core handles on the tables that start-up reads touch, without the ORM models.

Importing `vidtask.db.models` and configuring its mappers costs more than the rest of a short
command together (measured: `vidtask stats` spent ~0.4 s CPU on the ORM path against ~0.3 s
for SQLAlchemy Core alone), so the reads a short command needs (`lookup`, `stats`) use these
lightweight `table()` clauses. They name only the columns those reads use;
`tests/db/test_core_tables.py` checks every one against the models, so they cannot drift.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, Integer, String, column, table

sprints = table("sprints", column("id", Integer), column("name", String),
                column("starts_on", Date))

series = table("series", column("id", Integer), column("sprint_id", Integer),
               column("code", String), column("status", String),
               column("claimed_by_id", Integer))

media = table("media", column("id", Integer), column("series_id", Integer))

clues = table("clues", column("id", Integer), column("series_id", Integer))

country_assessments = table("country_assessments", column("series_id", Integer),
                            column("country", String), column("confirmed", Boolean))

country_feedback = table("country_feedback", column("series_id", Integer),
                         column("victim_identified", Boolean),
                         column("victim_safeguarded", Boolean),
                         column("offender_identified", Boolean))

ALL = (sprints, series, media, clues, country_assessments, country_feedback)
