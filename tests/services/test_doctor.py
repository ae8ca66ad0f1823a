"""`vidtask doctor` and the desktop start's Qt check: every missing library named, with the
package to install; the database and keyring checks; PySide6 never imported by the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vidtask.cli import main
from vidtask.services import doctor
from vidtask.services.doctor import Check, Status

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibfancy.so.9 => not found
"""


@pytest.fixture
def fake_ldd(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(argv: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        assert argv[1].endswith("libqxcb.so")
        return subprocess.CompletedProcess(argv, 0, LDD_OUTPUT, "")

    monkeypatch.setattr(doctor.subprocess, "run", run)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: f"/usr/bin/{name}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd and xcb are Linux's")
def test_every_missing_library_is_named_with_its_package(fake_ldd: None) -> None:
    check = doctor.qt_platform({"DISPLAY": ":0"})
    assert check.status is Status.FAILED
    assert check.finding == ("Qt's xcb platform plugin cannot load: libfancy.so.9, "
                             "libxcb-cursor.so.0, libxcb-icccm.so.4 and libxcb-keysyms.so.1 "
                             "are not installed.")
    assert check.fix.startswith("sudo apt-get install libxcb-cursor0 libxcb-icccm4 "
                                "libxcb-keysyms1; also libfancy.so.9")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd and xcb are Linux's")
def test_no_display_is_said_before_qt_aborts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "missing_libraries", lambda plugin: [])
    check = doctor.qt_platform({})
    assert check.status is Status.FAILED and "DISPLAY is not set" in check.finding
    assert doctor.qt_platform({"DISPLAY": ":0"}).ok


def test_the_offscreen_plugin_loads_here() -> None:
    assert doctor.qt_platform({"QT_QPA_PLATFORM": "offscreen"}).ok


def test_an_unknown_platform_is_named() -> None:
    check = doctor.qt_platform({"QT_QPA_PLATFORM": "nosuch"})
    assert check.status is Status.FAILED and "'nosuch'" in check.finding


def test_doctor_prints_each_check_with_its_fix_and_fails_on_a_failure(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(doctor, "qt_platform", lambda: Check(
        "desktop window (Qt)", Status.FAILED, "Qt's xcb platform plugin cannot load: "
        "libxcb-icccm.so.4 is not installed.", "sudo apt-get install libxcb-icccm4"))
    missing = tmp_path / "nowhere" / "x.sqlite3"
    code = main(["doctor", "--database", f"sqlite:///{missing}"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED   desktop window (Qt): Qt's xcb platform plugin cannot load" in out
    assert "         fix: sudo apt-get install libxcb-icccm4" in out
    assert f"FAILED   database: No database at {missing}" in out
    assert f"fix: `vidtask db create sqlite:///{missing}`" in out
    assert "password keyring:" in out and "fonts:" in out
    assert out.rstrip().endswith("2 problems stop vidtask working here.")
    assert not (tmp_path / "nowhere").exists()


def test_doctor_passes_on_a_good_database(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    code = main(["doctor", "--no-qt-start", "--database", db_url])
    out = capsys.readouterr().out
    assert "at the newest schema" in out
    if "postgresql" in db_url:  # the tests connect as the superuser: warned, not failed
        assert "the maintenance login" in out
    assert code == 0, out


def test_the_command_line_never_imports_pyside6() -> None:
    code = ("import sys\nfrom vidtask.cli.main import main\n"
            "main(['doctor', '--no-qt-start', '--json'])\n"
            "print('PySide6' in sys.modules, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
                                 "HOME": "/nonexistent-home"})
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr


def test_the_desktop_start_shows_the_sentence_instead_of_qts_abort(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from vidtask import launcher

    monkeypatch.setattr(doctor, "qt_platform", lambda: Check(
        "desktop window (Qt)", Status.FAILED, "Qt's xcb platform plugin cannot load: "
        "libxcb-keysyms.so.1 is not installed.", "sudo apt-get install libxcb-keysyms1"))
    monkeypatch.setattr("vidtask.ui.app.run_gui", lambda url: pytest.fail("Qt was started"))
    for variable in ("DISPLAY", "WAYLAND_DISPLAY"):  # no dialog tool pops up during tests
        monkeypatch.delenv(variable, raising=False)
    assert launcher.main(["gui"]) == 1
    err = capsys.readouterr().err
    assert "libxcb-keysyms.so.1 is not installed" in err
    assert "fix: sudo apt-get install libxcb-keysyms1" in err


def test_started_from_a_desktop_menu_the_sentence_also_shows_without_qt(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from vidtask import launcher

    monkeypatch.setattr(doctor, "qt_platform", lambda: Check(
        "desktop window (Qt)", Status.FAILED, "Qt's xcb platform plugin cannot load: "
        "libxcb-keysyms.so.1 is not installed.", "sudo apt-get install libxcb-keysyms1"))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("shutil.which", lambda tool: f"/usr/bin/{tool}" if tool == "xmessage"
                        else None)
    shown: list[list[str]] = []
    monkeypatch.setattr("subprocess.run", lambda argv, **_: shown.append(argv))
    assert launcher.main(["gui"]) == 1  # pytest's stderr is no terminal
    assert shown and shown[0][:2] == ["/usr/bin/xmessage", "-center"]
    assert "libxcb-keysyms.so.1 is not installed" in shown[0][2]
