"""`vidtask doctor`: can this computer run vidtask, and what to do when it cannot.

Each check returns a `Check`: a one-sentence finding and, when something is wrong, the one thing
to do about it. Nothing here imports PySide6 (the CLI must not load Qt, and a Qt that cannot load
its platform plugin aborts the process): the Qt check reads the plugin file with `ldd`, and only
`vidtask doctor` then confirms in a child process. Nothing here creates a database either.
The desktop start runs `qt_platform()` first and shows its sentence instead of Qt's abort.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from vidtask.config import masked_url, resolve_settings


class Status(Enum):
    OK = "ok"
    WARNING = "warning"  # works, with something missing (no keyring: passwords not remembered)
    FAILED = "failed"  # this part of vidtask cannot work here


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    finding: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


#: Libraries Qt's platform plugins link against, and the Debian/Ubuntu package of each.
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0", "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
}
#: The README's list (Debian 12 / Ubuntu 22.04+): everything the xcb plugin needs, and fonts.
README_PACKAGES = ("libegl1", "libgl1", "libfontconfig1", "libglib2.0-0", "libdbus-1-3",
                   "libxkbcommon-x11-0", "libx11-xcb1", "libxcb-cursor0", "libxcb-icccm4",
                   "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0",
                   "libxcb-shape0", "libxcb-xfixes0", "libxcb-xkb1", "fonts-dejavu-core")
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def pyside6_folder() -> Path | None:
    """Where PySide6 is installed, found without importing it."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent


def qt_platform_name(environ: dict[str, str] | None = None) -> str:
    """The platform plugin Qt will try first (QT_QPA_PLATFORM, else the system's default)."""
    environ = dict(os.environ) if environ is None else environ
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "cocoa"
    return "xcb"


def plugin_file(folder: Path, platform: str) -> Path | None:
    for candidate in (folder / "Qt" / "plugins" / "platforms" / f"libq{platform}.so",
                      folder / "plugins" / "platforms" / f"libq{platform}.so"):
        if candidate.exists():
            return candidate
    return None


def missing_libraries(plugin: Path) -> list[str] | None:
    """Shared libraries `plugin` needs that the system lacks (ldd, transitively); None when
    ldd is unavailable."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def packages_for(libraries: Iterable[str]) -> list[str]:
    return sorted(dict.fromkeys(DEBIAN_PACKAGES[lib] for lib in libraries
                                if lib in DEBIAN_PACKAGES))


def qt_platform(environ: dict[str, str] | None = None) -> Check:
    """Can Qt load its platform plugin here? Without importing PySide6 (a failure aborts)."""
    name = "desktop window (Qt)"
    environ = dict(os.environ) if environ is None else environ
    folder = pyside6_folder()
    if folder is None:
        return Check(name, Status.FAILED, "PySide6 (Qt for Python) is not installed in this "
                     "Python.", "reinstall vidtask: .venv/bin/pip install -e .")
    platform = qt_platform_name(environ)
    if not sys.platform.startswith("linux"):
        return Check(name, Status.OK, f"PySide6 brings Qt's {platform} plugin on this system.")
    plugin = plugin_file(folder, platform)
    if plugin is None:
        return Check(name, Status.FAILED, f"Qt has no platform plugin {platform!r} "
                     "(QT_QPA_PLATFORM names it).", "unset QT_QPA_PLATFORM, or set it to xcb, "
                     "wayland or offscreen")
    missing = missing_libraries(plugin)
    if missing:
        packages = packages_for(missing)
        unknown = [lib for lib in missing if lib not in DEBIAN_PACKAGES]
        fix = f"sudo apt-get install {' '.join(packages)}" if packages else ""
        if unknown:
            fix += ("; also " if fix else "install the packages that provide ") + \
                ", ".join(unknown)
        return Check(name, Status.FAILED, f"Qt's {platform} platform plugin cannot load: "
                     f"{_join(missing)} {'is' if len(missing) == 1 else 'are'} not installed.",
                     f"{fix} (Debian/Ubuntu package names; README, Install)")
    if platform == "xcb" and not environ.get("DISPLAY"):
        return Check(name, Status.FAILED, "There is no display to open the window on (DISPLAY "
                     "is not set).", "start vidtask from a desktop session (or `ssh -X`); the "
                     "command line works without a display")
    if platform == "wayland" and not environ.get("WAYLAND_DISPLAY"):
        return Check(name, Status.FAILED, "There is no Wayland display (WAYLAND_DISPLAY is not "
                     "set).", "start vidtask from a desktop session, or unset QT_QPA_PLATFORM")
    return Check(name, Status.OK, f"Qt's {platform} platform plugin has every library it "
                 "needs.")


def qt_starts(environ: dict[str, str] | None = None, timeout: float = 60) -> Check:
    """Confirm in a child process that a QApplication really starts (Qt may still abort)."""
    name = "desktop window (Qt)"
    code = ("import sys\nfrom PySide6.QtWidgets import QApplication\n"
            "app = QApplication(sys.argv[:1])\nprint(app.platformName())\n")
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                timeout=timeout, env=environ, check=False)
    except subprocess.TimeoutExpired:
        return Check(name, Status.FAILED, f"Qt did not start within {timeout:.0f} s.",
                     "check the display connection (DISPLAY, ssh -X)")
    except OSError as exc:
        return Check(name, Status.FAILED, f"Python could not be started again: {exc}.")
    if result.returncode == 0:
        return Check(name, Status.OK, f"Qt starts here (platform "
                     f"{result.stdout.strip() or '?'}).")
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    said = next((line for line in lines if "platform plugin" in line or "display" in line),
                lines[-1] if lines else f"exit code {result.returncode}")
    return Check(name, Status.FAILED, f"Qt cannot start here: {said.rstrip('.')}.",
                 "run with QT_DEBUG_PLUGINS=1 to see why")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def database(cli_url: str | None = None) -> Check:
    """Is the database reachable and at the newest schema? Creates nothing."""
    from vidtask.db.engine import Database, DatabaseUrlError, NoDatabaseFile
    from vidtask.db.migrate import stored_revisions
    from vidtask.db.schema_head import HEAD

    name = "database"
    settings = resolve_settings(cli_url)
    shown = masked_url(settings.database_url)
    try:
        db = Database(settings.database_url, create=False)
    except NoDatabaseFile as exc:
        if settings.is_default_location:
            return Check(name, Status.OK, f"No database yet at the default location "
                         f"{exc.path}; vidtask makes it there when it first starts.")
        return Check(name, Status.FAILED, str(exc).split(";")[0] + ".",
                     f"`vidtask db create {exc.create_url}`, or check the URL ({settings.source})")
    except DatabaseUrlError as exc:
        return Check(name, Status.FAILED, str(exc), f"correct the URL ({settings.source})")
    try:
        if db.is_postgresql:
            problem = _postgresql_unreachable(settings.database_url)
            if problem:
                return Check(name, Status.FAILED, f"Cannot reach {shown}: {problem}.",
                             "check host, port, database name and password (File ▸ Connect "
                             "to database… in the window), and that the server runs")
        try:
            revisions = stored_revisions(db)
        except Exception as exc:  # an unreadable SQLite file, a refused PostgreSQL login
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            return Check(name, Status.FAILED, f"Cannot read {shown}: {first}.",
                         "check the file's permissions or the login's grants")
        where = f"{db.describe()} (from {settings.source})"
        if revisions == [HEAD]:
            finding = f"{where} is reachable and at the newest schema."
            return _who(db, Check(name, Status.OK, finding))
        if not revisions:
            return Check(name, Status.WARNING, f"{where} holds no vidtask schema yet.",
                         "`vidtask db create` (or `vidtask db upgrade`) builds it")
        return Check(name, Status.WARNING, f"{where} is at schema {revisions[0]}, not the "
                     f"newest ({HEAD}).", "vidtask upgrades it at start, or run "
                     "`vidtask db upgrade`; if it came from a newer vidtask, upgrade vidtask")
    finally:
        db.dispose()


def _postgresql_unreachable(url: str) -> str | None:
    """One try with a 5 s timeout: the server's first line when it refuses, else None."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(plain, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        text = " ".join(str(exc).split())
        fatal = re.search(r"FATAL:\s*(.+)", text)
        return (fatal[1] if fatal else text or type(exc).__name__).rstrip(".")


def _who(db: object, check: Check) -> Check:
    """PostgreSQL: add who the login is, and warn about the maintenance login."""
    from vidtask.db.engine import Database
    from vidtask.db.roles import signed_in
    from vidtask.domain.errors import NotFound
    from vidtask.services.participants import get_participant

    assert isinstance(db, Database)
    if not db.is_postgresql:
        return check
    with db.read() as session:
        me = signed_in(db, session)
    assert me is not None
    if me.maintenance:
        return Check(check.name, Status.WARNING, f"{check.finding[:-1]}; you are signed in as "
                     f"{me.login}, the maintenance login (table owner or superuser).",
                     "use it only to set up and upgrade; everybody works with their own login "
                     "(`vidtask user add`)")
    try:
        person = get_participant(db, me.login)
    except NotFound:
        return Check(check.name, Status.FAILED, f"{check.finding[:-1]}, but the login "
                     f"{me.login} is not a participant in it.", "an admin runs `vidtask "
                     f"participant add {me.login} --name \"FULL NAME\" --role ROLE`")
    return Check(check.name, Status.OK, f"{check.finding[:-1]}; signed in as "
                 f"{person.display_name} ({person.role.value}).")


def keyring_backend() -> Check:
    name = "password keyring"
    try:
        import keyring
        import keyring.backends.fail
        from keyring.backends.chainer import ChainerBackend

        backend = keyring.get_keyring()
    except Exception as exc:
        return Check(name, Status.WARNING, f"The system keyring cannot be used ({exc}).",
                     _KEYRING_FIX)
    if isinstance(backend, keyring.backends.fail.Keyring) or (
            isinstance(backend, ChainerBackend) and not backend.backends):
        return Check(name, Status.WARNING, "No system keyring: the PostgreSQL sign-in cannot "
                     "remember passwords (it asks each time; SQLite needs none).", _KEYRING_FIX)
    label = f"{type(backend).__module__.removeprefix('keyring.backends.')}." \
            f"{type(backend).__name__}"
    return Check(name, Status.OK, f"Passwords can be remembered in the system keyring ({label}).")


_KEYRING_FIX = ("on Linux install and unlock a Secret Service keyring (Debian/Ubuntu: sudo "
                "apt-get install gnome-keyring, or KWallet on KDE); Windows and macOS have one")

_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".pfb", ".pcf", ".pcf.gz")


def fonts() -> Check:
    """Qt draws text with the system's fonts (fontconfig); PDFs embed vidtask's own DejaVu."""
    name = "fonts"
    if not sys.platform.startswith("linux"):
        return Check(name, Status.OK, "The system's fonts are used.")
    count = _fontconfig_count()
    if count is None:
        folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                   Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts"]
        count = sum(1 for folder in folders if folder.is_dir()
                    for path in folder.rglob("*") if path.name.lower().endswith(_FONT_SUFFIXES))
    if count == 0:
        return Check(name, Status.WARNING, "The system has no fonts: the window falls back to "
                     "vidtask's bundled DejaVu Sans (PDFs always embed it).",
                     "sudo apt-get install fonts-dejavu-core (Debian/Ubuntu)")
    return Check(name, Status.OK, f"{count} system fonts.")


def _fontconfig_count() -> int | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run([fc_list, "--format", "%{file}\n"], capture_output=True,
                                text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return len([line for line in result.stdout.splitlines() if line.strip()]) \
        if result.returncode == 0 else None


def run_all(cli_url: str | None = None, *, start_qt: bool = True) -> list[Check]:
    """Every check, in the order `vidtask doctor` prints them."""
    qt = qt_platform()
    if qt.ok and start_qt:
        qt = qt_starts()
    return [qt, database(cli_url), keyring_backend(), fonts()]
