"""Choose a person: everybody grouped by role, with full role and agency, and a search box.

Used by the first-start dialog and File ▸ Switch person…. A sprint has some 40 people, so a
small tree widget is enough (no model over thousands of rows here).

Signals: `chosen(str)` — a person was double-clicked or activated (their login);
`selectionChanged()` — the current person changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vidtask.domain import wording
from vidtask.domain.enums import Role
from vidtask.services.participants import ParticipantInfo
from vidtask.ui.common import country_text, name_widget

#: Group order: the few who run the sprint first.
ROLE_ORDER = (Role.ADMIN, Role.COORDINATOR, Role.SPECIALIST)
_LOGIN = Qt.ItemDataRole.UserRole
_ROLE = Qt.ItemDataRole.UserRole + 1


def role_group_title(role: Role, count: int, shown: int | None = None) -> str:
    """'Coordinators (4)'; while searching, 'Specialists (4 of 36)'."""
    label = wording.role(role.value).capitalize()
    label = f"{label}s" if count != 1 else label
    return f"{label} ({count})" if shown is None or shown == count else \
        f"{label} ({shown} of {count})"


def person_line(person: ParticipantInfo) -> str:
    """'Kim Meyer — coordinator, BKA (DE)': name, full role and agency."""
    agency = person.agency or "no agency given"
    country = f" ({person.country})" if person.country else ""
    return f"{person.display_name} — {wording.role(person.role.value)}, {agency}{country}"


class PeoplePicker(QWidget):
    chosen = Signal(str)
    selectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "peoplePicker", "Choose a person")
        self.search = QLineEdit()
        name_widget(self.search, "participantSearch", "Find a person by name, login or agency")
        self.search.setPlaceholderText("Type to find yourself: name, login or agency")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        name_widget(self.tree, "participantList", "People, grouped by role")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Name", "Role", "Agency"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_first_visible)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda *_: self.selectionChanged.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._people: dict[str, ParticipantInfo] = {}

    def set_people(self, people: Sequence[ParticipantInfo], current: str | None = None) -> None:
        """Show the active people, grouped by role; select `current` if listed."""
        self.tree.clear()
        active = [p for p in people if p.active]
        self._people = {p.login: p for p in active}
        for role in ROLE_ORDER:
            members = sorted((p for p in active if p.role is role),
                             key=lambda p: p.display_name.casefold())
            if not members:
                continue
            group = QTreeWidgetItem(self.tree, [role_group_title(role, len(members))])
            group.setData(0, _ROLE, role.value)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for person in members:
                agency = person.agency or "no agency given"
                if person.country:
                    agency = f"{agency} — {country_text(person.country)}"
                item = QTreeWidgetItem(group, [person.display_name,
                                               wording.role(person.role.value), agency])
                item.setData(0, _LOGIN, person.login)
                item.setToolTip(0, f"{person_line(person)}\nlogin: {person.login}")
                for column in (1, 2):
                    item.setToolTip(column, item.toolTip(0))
        self.tree.expandAll()
        self._filter(self.search.text())
        if current is not None:
            self.select(current)

    def people(self) -> list[ParticipantInfo]:
        return list(self._people.values())

    def select(self, login: str) -> bool:
        for item in self._person_items():
            if item.data(0, _LOGIN) == login:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return True
        return False

    def current_login(self) -> str | None:
        item = self.tree.currentItem()
        login = item.data(0, _LOGIN) if item is not None and not item.isHidden() else None
        return str(login) if login else None

    def current_person(self) -> ParticipantInfo | None:
        login = self.current_login()
        return self._people.get(login) if login else None

    def visible_logins(self) -> list[str]:
        return [str(item.data(0, _LOGIN)) for item in self._person_items() if not item.isHidden()]

    def _groups(self) -> list[QTreeWidgetItem]:
        return [group for g in range(self.tree.topLevelItemCount())
                if (group := self.tree.topLevelItem(g)) is not None]

    @staticmethod
    def _members(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [item for c in range(group.childCount()) if (item := group.child(c)) is not None]

    def _person_items(self) -> list[QTreeWidgetItem]:
        return [item for group in self._groups() for item in self._members(group)]

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for group in self._groups():
            shown = 0
            for item in self._members(group):
                person = self._people[str(item.data(0, _LOGIN))]
                haystack = " ".join((person.display_name, person.login, person.agency,
                                     wording.role(person.role.value), person.country or ""))
                hidden = not all(word in haystack.casefold() for word in words)
                item.setHidden(hidden)
                shown += not hidden
            group.setHidden(shown == 0)
            group.setText(0, role_group_title(Role(group.data(0, _ROLE)), group.childCount(),
                                              shown if words else None))
        current = self.tree.currentItem()
        if words and (current is None or current.isHidden() or current.childCount()):
            visible = [i for i in self._person_items() if not i.isHidden()]
            if len(visible) >= 1:
                self.tree.setCurrentItem(visible[0])

    def _choose_first_visible(self) -> None:
        login = self.current_login()
        if login:
            self.chosen.emit(login)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        login = item.data(0, _LOGIN)
        if login:
            self.chosen.emit(str(login))
