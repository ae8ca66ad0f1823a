"""The newest schema revision, as a constant: start-up checks it without importing Alembic.

Whoever adds a migration after this one sets HEAD to its revision id;
`tests/db/test_schema_head.py` fails until HEAD equals Alembic's real head.
"""

HEAD = "0009_append_guard"
