"""Sprint settings (administrators): who issues the sprint's packets, and its signing key.

Organiser, issuing unit and contact are printed in every packet, which is refused while any is
empty; nothing is pre-filled with example values. "New signing key" replaces the key that signs
packets (when the old one may have leaked); the fingerprint shown is the one to give recipients.
Saving is an `Op` (`services.sprints.edit_sprint`); its Changes reach the window's bus.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.services.sprints import SprintInfo, edit_sprint, issuer_problem, issuer_values
from vidtask.services.sprints import sprint_info as load_sprint_info
from vidtask.ui.context import AppContext
from vidtask.ui.decisions import ask
from vidtask.ui.naming import named
from vidtask.ui.operations import Op

#: (SprintInfo field, label, objectName, placeholder)
FIELDS = (
    ("organiser", "&Organiser", "sprintOrganiser", "whose taskforce this is"),
    ("issuing_unit", "&Issuing unit", "sprintIssuingUnit", "the unit that issues the packets"),
    ("contact_name", "Contact &name", "sprintContactName", "person or desk recipients call"),
    ("contact_email", "Contact &e-mail", "sprintContactEmail", "address for recipients"),
    ("contact_phone", "Contact &phone", "sprintContactPhone", "+country code and number"),
)


class SprintSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        named(self, "sprintSettingsDialog", "Sprint settings")
        self.setWindowTitle(f"Sprint settings — {ctx.sprint.name}")
        self.resize(620, 360)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for field, label, name, placeholder in FIELDS:
            edit = named(QLineEdit(), name, label.replace("&", ""))
            edit.setPlaceholderText(placeholder)
            edit.textChanged.connect(lambda _t: self._update())
            self.fields[field] = edit
            form.addRow(label, edit)
        self.fingerprint = named(QLabel(), "sprintKeyFingerprint",
                                 "Fingerprint of the packet-signing key")
        self.fingerprint.setWordWrap(True)
        self.new_key = named(QCheckBox("Replace the packet-&signing key when saving"),
                             "sprintNewSigningKey", "Replace the packet-signing key")
        self.new_key.toggled.connect(lambda _c: self._update())
        form.addRow("Signing key", self.fingerprint)
        form.addRow("", self.new_key)
        self.message = named(QLabel(), "sprintSettingsMessage", "Sprint settings status")
        self.message.setWordWrap(True)
        self.save_button = named(QPushButton("&Save"), "sprintSettingsSave",
                                 "Save the sprint settings")
        self.save_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.save_button.clicked.connect(self.save)
        close = named(QPushButton("Close"), "sprintSettingsClose", "Close without saving")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._loaded: SprintInfo | None = None
        self._update()
        Op(ctx, load_sprint_info, ctx.db, ctx.sprint.id).success(self._show).owned_by(self).run()

    def _show(self, info: SprintInfo) -> None:
        self._loaded = info
        for field, edit in self.fields.items():
            edit.setText(str(getattr(info, field) or ""))
        self.fingerprint.setText(info.signing_fingerprint or "none yet")
        self.new_key.setChecked(False)
        self._update()

    def values(self) -> dict[str, str]:
        return {field: edit.text().strip() for field, edit in self.fields.items()}

    def _update(self) -> None:
        loaded = self._loaded
        changed = loaded is not None and (self.new_key.isChecked() or any(
            value != (getattr(loaded, field) or "") for field, value in self.values().items()))
        self.save_button.setEnabled(changed)
        problem = issuer_problem(self.ctx.sprint.name, self.values())
        self.message.setStyleSheet("color: #8a5a00" if problem else "")
        self.message.setText(str(problem) if problem and loaded is not None else
                             "Printed in every packet of this sprint." if loaded else
                             "Loading…")

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        replace_key = self.new_key.isChecked()
        if replace_key and not ask(self, "Replace the signing key",
                                   f"Replace the packet-signing key of {self.ctx.sprint.name}? "
                                   "Packets made from now on carry the new key; recipients need "
                                   "its fingerprint, and earlier packets verify only against "
                                   "the old one.", "Replace key"):
            return
        self.save_button.setEnabled(False)
        Op(self.ctx, edit_sprint, self.ctx.db, self.ctx.login, self.ctx.sprint.id,
           new_signing_key=replace_key, **self.values())\
            .success(self._saved).failure(self._failed).owned_by(self).run()

    def _saved(self, result: tuple[SprintInfo, object]) -> None:
        info, _changes = result
        self._show(info)
        self.message.setStyleSheet("color: #1b5e20")
        self.message.setText("Saved." + (f" New key fingerprint: {info.signing_fingerprint}"
                                         if info.signing_fingerprint else "")
                             + (f" {issuer_problem(info.name, issuer_values(info))}"
                                if issuer_problem(info.name, issuer_values(info)) else ""))

    def _failed(self, error: BaseException) -> None:
        self.message.setStyleSheet("color: #b00020")
        self.message.setText(str(error))
        self.save_button.setEnabled(True)
