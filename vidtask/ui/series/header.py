"""The top of a series workspace: code and alias, status, facts, the claim and its buttons,
who else has it open, and the banners (victim identified elsewhere, clue changed by someone
else, read-only). It shows; the workspace decides.

Signals: ``claimRequested()``, ``extendRequested()``, ``releaseRequested()``;
``reviewChangeRequested()`` — the change banner's "review" link.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vidtask.domain.claims import ClaimState
from vidtask.domain.dates import format_time
from vidtask.services.series_detail import ClueInfo, SeriesDetail
from vidtask.ui.common import (
    lease_left,
    name_widget,
    priority_label,
    status_colour,
    status_label,
)

BANNER_STYLE = ("QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0b800; "
                "border-radius: 4px; padding: 6px; }")
READ_ONLY_STYLE = ("QLabel { background: #e8eef7; color: #1f3552; border: 1px solid #9db3d4; "
                   "border-radius: 4px; padding: 6px; }")


def facts_line(detail: SeriesDetail) -> str:
    ids = [f"ICSE {detail.icse_id}" if detail.icse_id else "",
           f"NCMEC {detail.ncmec_name}" if detail.ncmec_name else "",
           f"VICS {detail.vics_name}" if detail.vics_name else ""]
    victim = detail.victim_sex + (f", {detail.victim_age_band} y" if detail.victim_age_band
                                  else "")
    facts = [*filter(None, ids), f"priority {priority_label(detail.priority)}",
             f"handling {detail.handling}", f"victim {victim}",
             f"produced {detail.production_period}" if detail.production_period else "",
             f"{len(detail.media)} media", "in ICSE" if detail.in_icse else "not in ICSE"]
    if detail.linked_series:
        facts.append("linked: " + ", ".join(code for _i, code, _r in detail.linked_series))
    return " · ".join(filter(None, facts))


class WorkspaceHeader(QWidget):
    claimRequested = Signal()
    extendRequested = Signal()
    releaseRequested = Signal()
    reviewChangeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Loading…")
        self.title.setObjectName("workspaceTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("workspaceStatus")
        self.facts = QLabel()
        self.facts.setObjectName("workspaceFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claim_label = QLabel()
        self.claim_label.setObjectName("workspaceClaim")
        self.claim_button = QPushButton("Claim to edit")
        name_widget(self.claim_button, "claimToEditButton", "Claim this series to edit it")
        self.claim_button.clicked.connect(self.claimRequested)
        self.extend_button = QPushButton("Extend lease")
        name_widget(self.extend_button, "workspaceExtendButton", "Extend the lease")
        self.extend_button.clicked.connect(self.extendRequested)
        self.release_button = QPushButton("Release")
        name_widget(self.release_button, "workspaceReleaseButton", "Release this series")
        self.release_button.clicked.connect(self.releaseRequested)
        self.banner = QLabel()
        name_widget(self.banner, "identifiedBanner", "Warning")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        # someone else saved the clue this user is editing: say so, keep the text, offer merge
        self.change_banner = QLabel()
        name_widget(self.change_banner, "changeBanner", "Changed by someone else")
        self.change_banner.setStyleSheet(BANNER_STYLE)
        self.change_banner.setWordWrap(True)
        self.change_banner.setTextFormat(Qt.TextFormat.RichText)
        self.change_banner.linkActivated.connect(lambda _link: self.reviewChangeRequested.emit())
        self.change_banner.hide()
        self.viewers_label = QLabel()
        name_widget(self.viewers_label, "workspaceViewers", "Who else has this series open")
        self.viewers_label.hide()
        self.read_only_note = QLabel()
        name_widget(self.read_only_note, "readOnlyNote", "Read-only note")
        self.read_only_note.setStyleSheet(READ_ONLY_STYLE)
        self.read_only_note.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.status_badge)
        top.addStretch(1)
        for widget in (self.viewers_label, self.claim_label, self.claim_button,
                       self.extend_button, self.release_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        for widget in (self.facts, self.banner, self.change_banner, self.read_only_note):
            layout.addWidget(widget)

    def show_detail(self, detail: SeriesDetail) -> None:
        self.title.setText(f"{detail.code} — {detail.alias}" if detail.alias else detail.code)
        colour = status_colour(detail.status).name()
        self.status_badge.setText(f"<span style='color:{colour}'>●</span> "
                                  f"{status_label(detail.status)}")
        self.facts.setText(facts_line(detail))
        identified = detail.identified_elsewhere
        self.banner.setText(f"⚠ Victim already identified elsewhere: {identified} of "
                            f"{len(detail.media)} media carry the “victim identified” flag. "
                            "Check with the originating agency before spending time here.")
        self.banner.setVisible(identified > 0)

    def show_claim(self, detail: SeriesDetail | None, state: ClaimState | None) -> None:
        """The claim line, which buttons show, and why the series is read-only."""
        mine = state is not None and state.mine
        claimable = state is not None and state.claimable
        self.extend_button.setVisible(mine)
        self.release_button.setVisible(mine)
        self.claim_button.setVisible(claimable)
        if detail is None or state is None:
            self.claim_label.setText("")
            self.read_only_note.hide()
            return
        if mine:
            self.claim_label.setText(f"You hold this series · lease "
                                     f"{lease_left(detail.claim_expires_at)} left")
            self.read_only_note.hide()
            return
        if state.live:
            self.claim_label.setText(f"Claimed by {detail.claimed_by_name or detail.claimed_by} "
                                     f"({lease_left(detail.claim_expires_at)} left)")
        else:
            self.claim_label.setText("Not claimed")
        if claimable:
            self.read_only_note.setText("Read-only: you have not claimed this series. Press "
                                        "“Claim to edit” (Ctrl+K) to add clues and rank "
                                        "countries. Anyone may comment.")
        else:
            self.read_only_note.setText(f"Read-only: this series is "
                                        f"{status_label(detail.status)}. Anyone may comment.")
        self.read_only_note.show()

    def claim_refused(self, text: str) -> None:
        self.claim_label.setText(f"⚠ {text}")

    def show_change(self, fresh: ClueInfo) -> None:
        self.change_banner.setText(
            f"⚠ This clue was changed by "
            f"<b>{html.escape(fresh.updated_by_name or fresh.updated_by)}</b> at "
            f"{format_time(fresh.updated_at)} — <a href='review'>review</a> "
            "(your unsaved text is kept)")
        self.change_banner.show()

    def hide_change(self) -> None:
        self.change_banner.hide()

    def set_viewers(self, names: Sequence[str]) -> None:
        """Presence: who else has this series open right now."""
        self.viewers_label.setText("Also open by " + ", ".join(names) if names else "")
        self.viewers_label.setToolTip("People who have this series open on their desktop now")
        self.viewers_label.setVisible(bool(names))
