"""The README's first commands are the ones CI and users actually run, in the order a new user
needs them: the system packages Qt needs, the app, the tests."""

from __future__ import annotations

import re
from pathlib import Path

from vidtask.services.doctor import DEBIAN_PACKAGES, README_PACKAGES

ROOT = Path(__file__).resolve().parents[1]


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", _readme(), flags=re.DOTALL)


def test_readme_opens_with_system_packages_then_run_and_test_commands() -> None:
    packages, run_app, run_tests = _readme_commands()[:3]
    assert packages.startswith("sudo apt-get install -y python3-venv ")
    assert packages.split()[4:] == ["python3-venv", *README_PACKAGES]
    assert "pip install" in run_app and run_app.rstrip().endswith("vidtask")
    assert "pytest" in run_tests


def test_the_package_list_covers_every_library_the_doctor_knows_for_xcb() -> None:
    """The README list holds a package for each xcb/X11/GL library Qt's xcb plugin links."""
    needed = {pkg for lib, pkg in DEBIAN_PACKAGES.items()
              if not lib.startswith(("libwayland", "libOpenGL", "libGLX", "libfreetype",
                                     "libgthread", "libX11.so", "libxcb.so", "libxcb-render.",
                                     "libxcb-shm", "libxcb-sync", "libxcb-util",
                                     "libxkbcommon.so"))}
    # the rest come with these as dependencies (apt installs them)
    assert needed <= set(README_PACKAGES)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    run_tests = _readme_commands()[2]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run_tests in ci_lines


def test_windows_and_macos_are_told_what_to_do() -> None:
    text = _readme()
    before_first_run = text[:text.index(_readme_commands()[1])]
    assert "Windows and macOS" in before_first_run
