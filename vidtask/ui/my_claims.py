"""'My series' dock: the user's live claims with a lease countdown, Extend and Open.

Reloads when a change on the bus can alter someone's claims (a claim event, a proposal).
Signals: ``openRequested(int)`` — series id.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain.claims import lease_is_live
from vidtask.domain.dates import format_time
from vidtask.services import claims
from vidtask.services.claims import MyClaim
from vidtask.ui import claims as claim_ops
from vidtask.ui.common import lease_left, name_widget
from vidtask.ui.context import AppContext
from vidtask.ui.operations import ChangeBatch, Op, Reload

SERIES_ROLE = Qt.ItemDataRole.UserRole + 1
SOON_SECONDS = 15 * 60
#: Changes after which the user's claims may look different.
CLAIM_ACTIONS = ("claim.*", "series.proposed")


class MyClaimsPane(QWidget):
    openRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.claims: list[MyClaim] = []
        self.list = QListWidget()
        name_widget(self.list, "myClaimsList", "My series")
        self.list.itemActivated.connect(self._open)
        self.list.setMinimumWidth(self.fontMetrics().horizontalAdvance(
            "VIDTF-D-0000  Checked bunk bed ") + 16)
        self.empty = QLabel("You hold no series. Select one on the board and press "
                            "Claim (Ctrl+K), or Claim next (Ctrl+Shift+K).")
        self.empty.setObjectName("myClaimsEmpty")
        self.empty.setWordWrap(True)
        self.warning = QLabel("")
        name_widget(self.warning, "myClaimsWarning", "Lease warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { background: #fff3cd; color: #4d3800; "
                                   "border: 1px solid #e0b800; border-radius: 4px; "
                                   "padding: 4px; }")
        self.warning.hide()
        self.extend_button = QPushButton("Extend")
        name_widget(self.extend_button, "extendButton", "Extend the selected lease")
        self.extend_button.clicked.connect(self.extend_selected)
        self.open_button = QPushButton("Open")
        name_widget(self.open_button, "openClaimButton", "Open the selected series")
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.extend_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._show()
        self._reload = Reload(lambda: Op(self.ctx, claims.my_claims, self.ctx.db,
                                         self.ctx.login).success(self._loaded).owned_by(self))
        ctx.bus.subscribe(self.on_changes)

    def on_changes(self, batch: ChangeBatch) -> None:
        if batch.changes.has_actions(*CLAIM_ACTIONS):
            self.reload()

    def reload(self) -> None:
        self._reload.request()

    def _loaded(self, mine: list[MyClaim]) -> None:
        self.claims = mine
        self._show()

    def _show(self) -> None:
        selected = self.selected_series_id()
        self.list.clear()
        now = datetime.now(UTC)
        for claim in self.claims:
            left = lease_left(claim.expires_at, now)
            soon = (claim.expires_at - now).total_seconds() < SOON_SECONDS
            item = QListWidgetItem(f"{claim.code}  {claim.alias}\n    "
                                   f"{'⚠ ' if soon else ''}{left} left · until "
                                   f"{format_time(claim.expires_at)}")
            item.setData(SERIES_ROLE, claim.series_id)
            self.list.addItem(item)
            if claim.series_id == selected:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        has = bool(self.claims)
        self.empty.setVisible(not has)
        self.list.setVisible(has)
        self.extend_button.setEnabled(has)
        self.open_button.setEnabled(has)

    def set_warning(self, text: str) -> None:
        """The lease keeper's warnings ("… expires in 9 min — extend it?"); empty hides."""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def tick(self) -> None:
        """Countdown without a database call; expired leases drop out."""
        now = datetime.now(UTC)
        live = [c for c in self.claims if lease_is_live(self.ctx.login, c.expires_at, now)]
        if len(live) != len(self.claims):
            self.claims = live
        self._show()

    def selected_series_id(self) -> int:
        item = self.list.currentItem()
        return int(item.data(SERIES_ROLE)) if item is not None else 0

    def extend_selected(self) -> None:
        series_id = self.selected_series_id()
        if series_id:
            claim_ops.renew(self.ctx, series_id)

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.openRequested.emit(int(item.data(SERIES_ROLE)))
