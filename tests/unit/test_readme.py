"""The README's two commands are the ones CI and users actually run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_opens_with_run_and_test_commands() -> None:
    run_app, run_tests = _readme_commands()[:2]
    assert "pip install" in run_app and run_app.rstrip().endswith("vidtask")
    assert "pytest" in run_tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    run_tests = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run_tests in ci_lines
