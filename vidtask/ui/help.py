"""Help ▸ About vidtask (version, database with the password masked, who you are, data and
config folders, licence) and Help ▸ User guide (resources/guide/user-guide.md, shown here).
"""

from __future__ import annotations

import html
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vidtask import __version__
from vidtask.config import config_file, masked_url, user_data_dir, user_log_dir
from vidtask.db.engine import Database
from vidtask.domain import wording
from vidtask.domain.resources import RESOURCES_ROOT, ResourceMissing, resource_path
from vidtask.services.participants import ParticipantInfo
from vidtask.sync.outbox import default_outbox_path
from vidtask.ui.common import name_widget

GUIDE = ("guide", "user-guide.md")


def licence_name() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        return str(metadata("vidtask")["License"] or "EUPL-1.2")
    except (PackageNotFoundError, KeyError):
        return "EUPL-1.2"


def about_facts(db: Database, me: ParticipantInfo, entered_by: str | None = None
                ) -> list[tuple[str, str]]:
    """(label, value) rows of the About box; the database URL with its password masked."""
    who = f"{me.display_name} ({me.login}, {wording.role(me.role.value)})"
    if entered_by:
        who += f", entered by the maintenance login {entered_by}"
    return [
        ("Version", f"vidtask {__version__} (Qt {qVersion()}, PySide6 {pyside_version}, "
                    f"Python {platform.python_version()})"),
        ("Database", f"{db.describe().backend}: {masked_url(db.url)}"),
        ("Working as", who),
        ("Data folder", str(user_data_dir())),
        ("Outbox (changes kept offline)", str(default_outbox_path())),
        ("Config file", str(config_file())),
        ("Log folder", str(user_log_dir())),
        ("Licence", f"{licence_name()} (European Union Public Licence); fonts: DejaVu "
                    "(Bitstream Vera licence, resources/fonts)"),
    ]


class AboutDialog(QDialog):
    def __init__(self, db: Database, me: ParticipantInfo, entered_by: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About vidtask")
        self.facts = about_facts(db, me, entered_by)
        rows = "".join(f"<tr><td><b>{html.escape(label)}</b>&nbsp;&nbsp;</td>"
                       f"<td>{html.escape(value)}</td></tr>" for label, value in self.facts)
        self.text = QLabel(
            "<h3>vidtask</h3><p>Victim-identification taskforce sprints: claim series, record "
            "location clues, rank countries, send one packet per country. It stores no "
            f"imagery.</p><table>{rows}</table>")
        name_widget(self.text, "aboutText", "About vidtask")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(self.text.textInteractionFlags()
                                          | self.text.textInteractionFlags().TextSelectableByMouse)
        self.open_folder = QPushButton("Open the &data folder")
        name_widget(self.open_folder, "openDataFolderButton", "Open the data folder")
        self.open_folder.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(user_data_dir()))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name_widget(close, "aboutCloseButton", "Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(620)


def user_guide_text() -> str:
    try:
        return resource_path(*GUIDE).read_text(encoding="utf-8")
    except ResourceMissing:
        return (f"# User guide\n\nThe guide is missing from this installation "
                f"({RESOURCES_ROOT / GUIDE[0] / GUIDE[1]}).")


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuideDialog")
        self.setWindowTitle("vidtask user guide")
        self.browser = QTextBrowser()
        name_widget(self.browser, "userGuideText", "User guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(user_guide_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 720)


class HelpDialogs:
    """The window's Help menu: each dialog opens window-modal and is kept in `open` meanwhile."""

    def __init__(self, db: Database, me: ParticipantInfo, parent: QWidget) -> None:
        self.db, self.me, self.parent = db, me, parent
        self.open: dict[str, QDialog] = {}

    def _show(self, name: str, dialog: QDialog) -> QDialog:
        old = self.open.pop(name, None)
        if old is not None:
            old.close()
        self.open[name] = dialog
        dialog.finished.connect(lambda _result: self.open.pop(name, None)
                                if self.open.get(name) is dialog else None)
        dialog.open()
        return dialog

    def about(self) -> QDialog:
        from vidtask.db.roles import signed_in

        entered_by = None
        if self.db.is_postgresql:
            with self.db.read() as session:
                me = signed_in(self.db, session)
            entered_by = me.login if me is not None and me.maintenance else None
        return self._show("about", AboutDialog(self.db, self.me, entered_by, self.parent))

    def user_guide(self) -> QDialog:
        return self._show("guide", UserGuideDialog(self.parent))
