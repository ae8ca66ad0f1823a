"""Start-up stays quick: parsing imports no heavy library; `stats` needs neither ORM nor Alembic.

Each check runs in a fresh interpreter, so what is imported is exactly what the path needs.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest

import vidtask.cli
from vidtask.cli import main
from vidtask.cli.main import COMMAND_MODULES, build_parser, command_word

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
    registered = {m.__name__.rpartition(".")[2] for m in COMMAND_MODULES}
    plumbing = {"__init__", "main", "context", "failures"}
    assert registered == {p.stem for p in folder.glob("*.py")} - plumbing


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _help_tree(parser: argparse.ArgumentParser, path: str = "") -> dict[str, str]:
    tree = {path: parser.format_help()}
    if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        for name, sub in _subcommands(parser).items():
            tree.update(_help_tree(sub, f"{path} {name}".strip()))
    return tree


def test_each_module_declares_the_command_words_it_registers() -> None:
    from vidtask.cli.context import CommonOptions

    for module in COMMAND_MODULES:
        commands = argparse.ArgumentParser().add_subparsers()
        module.register(commands, CommonOptions(argparse.ArgumentParser(add_help=False),
                                                argparse.ArgumentParser(add_help=False)))
        assert set(commands.choices) == set(module.COMMANDS), module.__name__


@pytest.mark.parametrize("argv", [["stats"], ["--database", "x", "db", "info"],
                                  ["--debug", "export", "vics"], ["--data=x", "claim", "S"],
                                  ["clue", "add"], ["import", "hashes"]])
def test_a_command_line_builds_only_its_groups_with_the_same_help(argv: list[str]) -> None:
    full, partial = build_parser(), build_parser(argv)
    word = command_word(argv)
    assert word is not None and set(_subcommands(partial)) < set(_subcommands(full))
    assert _help_tree(_subcommands(partial)[word]) == _help_tree(_subcommands(full)[word])


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "stats"], ["--database", "stats"],
                                  ["nonsense"], ["--d", "x", "stats"]])
def test_help_no_command_or_doubt_builds_every_command(argv: list[str]) -> None:
    assert set(_subcommands(build_parser(argv))) == set(_subcommands(build_parser()))
