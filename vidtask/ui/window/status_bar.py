"""The main window's status bar: one small widget per item (qutebrowser's statusbar/).

Left: the newest notice (`NoticeItem`, kept until dismissed or replaced) and what long
operations are doing (`ActivityItem`). Right, permanent: who you are ("Signed in as Kim Meyer
(coordinator)" on PostgreSQL), saves waiting to be sent, the lease warning with its Extend
button, claim counts, people online, last sync, SQLite trust mode, connection state. Each item
has its objectName and accessible name; the window feeds them.

Signals of `LeaseWarningItem`: ``extendRequested(int)`` — the series id whose lease to extend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QToolButton, QWidget

from vidtask.db.engine import Database
from vidtask.domain import wording
from vidtask.domain.claims import is_claimable, lease_is_live
from vidtask.domain.dates import format_time
from vidtask.services.credentials import SQLITE_TRUST_NOTICE
from vidtask.services.leases import LeaseWarning
from vidtask.services.participants import ParticipantInfo
from vidtask.services.presence import OnlinePerson
from vidtask.services.series import SeriesRow
from vidtask.ui.common import name_widget
from vidtask.ui.operations import Level, Notice, Notices

NOTICE_STYLES = {
    Level.INFO: "",
    Level.WARNING: "QLabel { color: #8a5a00; }",
    Level.ERROR: "QLabel { color: #b3261e; font-weight: bold; }",
}
NOTICE_MARKS = {Level.INFO: "", Level.WARNING: "⚠ ", Level.ERROR: "✖ "}


class NoticeItem(QWidget):
    """The newest notice, until the person dismisses it (✕) or a newer one replaces it."""

    def __init__(self, notices: Notices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notices = notices
        self.text = QLabel("")
        name_widget(self.text, "noticeText", "Last message")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss = QToolButton()
        name_widget(self.dismiss, "noticeDismiss", "Dismiss the message")
        self.dismiss.setText("✕")
        self.dismiss.setAutoRaise(True)
        self.dismiss.setToolTip("Dismiss (the message stays in this list's tooltip)")
        self.dismiss.clicked.connect(self.clear)
        self.dismiss.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.text)
        layout.addWidget(self.dismiss)
        layout.addStretch(1)
        notices.posted.connect(self.show_notice)

    def show_notice(self, notice: Notice) -> None:
        self.text.setText(NOTICE_MARKS[notice.level] + notice.text)
        self.text.setStyleSheet(NOTICE_STYLES[notice.level])
        self.text.setAccessibleDescription(notice.level.value)
        self.dismiss.show()
        self.setToolTip("\n".join(f"{format_time(n.at.astimezone(), seconds=True)} {n.text}"
                                  for n in self.notices.history[-10:]))

    def clear(self) -> None:
        self.text.setText("")
        self.text.setStyleSheet("")
        self.dismiss.hide()

    @property
    def current(self) -> str:
        return self.text.text()


class ActivityItem(QLabel):
    """What long operations are doing now ("Exporting packets… 3 of 10")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        name_widget(self, "activity", "Work in progress")
        self.hide()

    def show_activity(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class PendingItem(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        name_widget(self, "outboxPending", "Changes waiting to be sent")
        self.setToolTip("Saved on this computer; sent when the database is back")
        self.hide()

    def show_pending(self, count: int) -> None:
        self.setText(f"{count} waiting to send")
        self.setVisible(count > 0)


class LeaseWarningItem(QWidget):
    """'⚠ VIDTF-D-0012 lease ends in 9 min' and its Extend button."""

    extendRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("")
        name_widget(self.label, "leaseWarning", "Lease warning")
        self.label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
        self.button = QPushButton("Extend")
        name_widget(self.button, "leaseExtendButton", "Extend the lease that is about to end")
        self.button.setToolTip("Extend the lease that is about to end")
        self.button.clicked.connect(self._extend)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.warnings: tuple[LeaseWarning, ...] = ()
        self.hide()

    def show_warnings(self, warnings: tuple[LeaseWarning, ...]) -> None:
        self.warnings = warnings
        if not warnings:
            self.hide()
            return
        first = warnings[0]
        minutes = max(0, -(-int(first.remaining.total_seconds()) // 60))
        more = f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
        self.label.setText(f"⚠ {first.code} lease ends in {minutes} min{more}")
        self.label.setToolTip("\n".join(w.message for w in warnings))
        self.button.setText(f"Extend {first.code}")
        self.show()

    def forget(self, series_id: int) -> None:
        self.show_warnings(tuple(w for w in self.warnings if w.series_id != series_id))

    def _extend(self) -> None:
        if self.warnings:
            self.extendRequested.emit(self.warnings[0].series_id)


class ClaimCountsItem(QLabel):
    def __init__(self, me: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("claimCounts")
        self.me = me

    def count(self, rows: Sequence[SeriesRow], now: datetime | None = None) -> None:
        # the claim rules' plain functions, not a ClaimState per row: a 100,000-row board
        # counts on the GUI thread after every change (~0.3 s with an object per row)
        now = now or datetime.now(UTC)
        me = self.me
        mine = claimed = unclaimed = 0
        for row in rows:
            if lease_is_live(row.claimed_by, row.claim_expires_at, now):
                claimed += 1
                mine += row.claimed_by == me
            elif is_claimable(row.status):
                unclaimed += 1
        self.setText(f"Mine {mine} · claimed {claimed} · unclaimed {unclaimed}")


class OnlineItem(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        name_widget(self, "onlineCount", "People online")

    def show_people(self, people: Sequence[OnlinePerson]) -> None:
        self.setText(f"{len({p.login for p in people})} online")
        self.setToolTip("\n".join(sorted({p.display_name for p in people}))
                        or "Nobody else is online")


class SyncItem(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("lastSync")

    def synced(self, moment: datetime) -> None:
        self.setText(f"Synced {format_time(moment.astimezone(), seconds=True)}")


class IdentityItem(QLabel):
    """Who the window works as: "Signed in as X (coordinator)" on PostgreSQL (the login says
    it), "X (specialist)" on SQLite, "postgres entering for X (…)" for the maintenance login."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        name_widget(self, "signedInAs", "Who you are working as")
        #: A PostgreSQL personal login: switching person means signing in as somebody else.
        self.login_decides = False

    def show_person(self, db: Database, me: ParticipantInfo) -> None:
        from vidtask.db.roles import signed_in

        role = wording.role(me.role.value)
        login = None
        if db.is_postgresql:
            with db.read() as session:
                login = signed_in(db, session)
        if login is None:
            self.setText(f"{me.display_name} ({role})")
            self.setToolTip(f"Working as {me.login}; File ▸ Switch person… hands over.")
        elif login.maintenance:
            self.setText(f"{login.login} entering for {me.display_name} ({role})")
            self.setToolTip("The maintenance login: the log records each change as entered "
                            f"by {login.login}. Day-to-day work uses each person's own login.")
        else:
            self.login_decides = True
            self.setText(f"Signed in as {me.display_name} ({role})")
            self.setToolTip(f"Database login {login.login}")


class TrustModeItem(QLabel):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        name_widget(self, "trustNotice", "Database trust mode")
        if db.is_postgresql:
            self.hide()
        else:
            self.setText("SQLite mode")
            self.setToolTip(SQLITE_TRUST_NOTICE)


class ConnectionItem(QLabel):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Connecting…", parent)
        self.setObjectName("connectionState")
        self.db = db

    @property
    def online(self) -> bool:
        return self.text().startswith("●")

    def connected(self, ok: bool, reason: str = "") -> None:
        description = self.db.describe()
        if ok:
            self.setText(f"● Connected to {description.backend}")
            self.setToolTip(str(description))
        else:
            self.setText("○ offline — your changes are kept")
            self.setToolTip(f"Reconnecting with backoff. {reason}".strip())

    def reconnecting(self) -> None:
        self.setText("◌ Reconnecting…")


class StatusBar(QStatusBar):
    """The items, in their places; the window connects each to its source."""

    def __init__(self, db: Database, me: str, notices: Notices,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.notice = NoticeItem(notices)
        self.identity = IdentityItem()
        self.activity = ActivityItem()
        self.pending = PendingItem()
        self.lease = LeaseWarningItem()
        self.counts = ClaimCountsItem(me)
        self.online = OnlineItem()
        self.sync = SyncItem()
        self.trust = TrustModeItem(db)
        self.connection = ConnectionItem(db)
        self.addWidget(self.notice, 1)
        self.addWidget(self.activity)
        for item in (self.identity, self.pending, self.lease, self.counts, self.online,
                     self.sync, self.trust, self.connection):
            self.addPermanentWidget(item)
