"""Start-up stays quick: parsing imports no heavy library; `stats` needs neither ORM nor Alembic.

Each check runs in a fresh interpreter, so what is imported is exactly what the path needs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import vidtask.cli
from vidtask.cli import main

HEAVY = ("sqlalchemy", "alembic", "babel", "pycountry", "reportlab", "psycopg", "PySide6",
         "ijson", "keyring", "vidtask.services", "vidtask.db", "vidtask.interchange")


def imported_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    return set(result.stdout.split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_building_the_parser_and_parsing_every_command_imports_nothing_heavy() -> None:
    code = ("from vidtask.cli.main import build_parser\n"
            "for argv in (['stats'], ['series', 'list'], ['clue', 'add', 'S', '--category',"
            " 'other', '--description', 'd'], ['export', 'packets', '--out', 'x'],"
            " ['import', 'vics', 'f'], ['report', '--out', 'r.pdf'], ['db', 'info']):\n"
            "    build_parser().parse_args(argv)")
    assert heavy(imported_after(code)) == []


def test_stats_loads_neither_alembic_nor_the_orm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.sqlite3"
    assert main(["--database", url, "demo", "--series", "6", "--quiet"]) == 0
    modules = imported_after("from vidtask.cli import main\n"
                             f"assert main(['--database', {url!r}, 'stats']) == 0")
    unwanted = ("alembic", "sqlalchemy.orm", "vidtask.db.models", "reportlab", "PySide6",
                "sqlalchemy.dialects.postgresql")
    assert sorted(m for m in modules if m.startswith(unwanted)) == []


def test_command_modules_register_statically() -> None:
    folder = Path(vidtask.cli.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree)
                 if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
        assert "importlib" not in names and "import_module" not in names, path.name
    from vidtask.cli.main import COMMAND_MODULES

    registered = {m.__name__.rpartition(".")[2] for m in COMMAND_MODULES}
    plumbing = {"__init__", "main", "context", "failures"}
    assert registered == {p.stem for p in folder.glob("*.py")} - plumbing
