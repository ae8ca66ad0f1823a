"""The series workspace walked as a specialist: claim, clues with evidence and countries, the live
ranking, candidates, propose, comment; read-only until claimed; conflicts merge; dirty close asks.
Widgets are found by their objectName (README's list)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
)
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import Decisions, WindowFactory
from tests.ui.find import action, child, clue_editor, notice, row, select, text, trigger
from vidtask.services import claims, clues
from vidtask.services.series_detail import get_series_detail
from vidtask.ui.main_window import MainWindow
from vidtask.ui.series.workspace import SeriesWorkspace


def _open(qtbot: QtBot, window: MainWindow, series_id: int) -> SeriesWorkspace:
    workspace = window.open_series(series_id)
    qtbot.waitUntil(lambda: workspace.loaded, timeout=5_000)
    return workspace


def _description(workspace: SeriesWorkspace) -> QPlainTextEdit:
    return child(workspace, QPlainTextEdit, "clueDescription")


def _read_only(workspace: SeriesWorkspace) -> bool:
    return _description(workspace).isReadOnly()


def _claim_in_workspace(qtbot: QtBot, workspace: SeriesWorkspace) -> None:
    button = child(workspace, QPushButton, "claimToEditButton")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.holds_claim, timeout=5_000)
    qtbot.waitUntil(lambda: not _read_only(workspace))


def _clue_count(workspace: SeriesWorkspace) -> int:
    return len(workspace.detail.clues) if workspace.detail else 0


def _add_clue(qtbot: QtBot, workspace: SeriesWorkspace, *, category: str, text: str,
              kind: str = "none", value: str = "", supports: tuple[str, ...] = (),
              excludes: tuple[str, ...] = (), time: str = "00:10") -> None:
    count = _clue_count(workspace)
    if clue_editor(workspace).clue is not None:
        qtbot.mouseClick(child(workspace, QPushButton, "clueNewButton"),
                         Qt.MouseButton.LeftButton)
    category_box = child(workspace, QComboBox, "clueCategory")
    category_box.setCurrentIndex(category_box.findData(category))
    qtbot.keyClicks(_description(workspace), text)
    kind_box = child(workspace, QComboBox, "clueKind")
    kind_box.setCurrentIndex(kind_box.findData(kind))
    if value:
        child(workspace, QComboBox, "clueValue").setCurrentText(value)
    child(workspace, QComboBox, "clueEvidenceMedia").setCurrentIndex(1)  # the first media hash
    qtbot.keyClicks(child(workspace, QLineEdit, "clueEvidenceTime"), time)
    qtbot.keyClicks(child(workspace, QLineEdit, "clueEvidenceRegion"), "10,10,80,60")
    search = child(workspace, QLineEdit, "countrySearch")
    for code in supports:
        qtbot.keyClicks(search, code)
        qtbot.keyClick(search, Qt.Key.Key_Return)
    for code in excludes:
        qtbot.keyClicks(search, code)
        qtbot.keyClick(search, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(child(workspace, QPushButton, "clueSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _clue_count(workspace) == count + 1, timeout=5_000)
    qtbot.waitUntil(lambda: not clue_editor(workspace).dirty)


def test_a_newcomer_claims_records_clues_ranks_proposes_and_comments(
        qtbot: QtBot, window: MainWindow, world: World, decisions: Decisions) -> None:
    """The issue's 'done means', on a small world instead of the demo sprint."""
    child(window, QToolButton, "unclaimedChip").click()
    select(window, world.series_ids[1])
    qtbot.mouseClick(child(window, QPushButton, "claimButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=5_000)
    workspace = window.current_workspace()
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.holds_claim and not _read_only(workspace), timeout=5_000)
    assert notice(window).startswith("You claimed S-002; lease until ")
    qtbot.waitUntil(lambda: child(window, QListWidget, "myClaimsList").count() == 1,
                    timeout=5_000)

    _add_clue(qtbot, workspace, category="electrical", text="Type G socket behind the bed",
              kind="socket", value="G")
    _add_clue(qtbot, workspace, category="product", text="Crisps sold only in the UK and IE",
              supports=("GB", "IE"), excludes=("FR",), time="01:20")
    qtbot.waitUntil(lambda: workspace.last_ranking[:2] and {
        c.country for c in workspace.last_ranking[:2]} == {"GB", "IE"}, timeout=5_000)

    panel = child(workspace, QGroupBox, "assessmentPanel")
    ranking = child(panel, QTableView, "narrowingRanking")
    for at in (0, 1):
        ranking.selectRow(at)
        qtbot.mouseClick(child(panel, QPushButton, "addCandidateButton"),
                         Qt.MouseButton.LeftButton)
    first, second = (c.country for c in workspace.last_ranking[:2])
    child(panel, QSpinBox, f"candidateConfidence_{first}").setValue(70)
    qtbot.keyClicks(child(panel, QLineEdit, f"candidateRationale_{first}"),
                    "Socket and product agree")
    child(panel, QSpinBox, f"candidateConfidence_{second}").setValue(25)
    propose = child(workspace, QPushButton, "proposeButton")
    assert propose.isEnabled()
    qtbot.mouseClick(propose, Qt.MouseButton.LeftButton)
    # proposing asks first, naming the series and the ranking (Cancel is the default)
    [(title, question, _)] = decisions.asked
    assert title == "Propose for confirmation" and question.startswith("Propose S-002 with ")
    qtbot.waitUntil(lambda: workspace.detail is not None
                    and workspace.detail.status == "proposed", timeout=5_000)
    assert _read_only(workspace)  # proposing ends the claim

    child(workspace, QTabWidget, "workspaceTabs").setCurrentIndex(2)
    box = child(workspace, QPlainTextEdit, "commentBox")
    qtbot.keyClicks(box, "Proposed: please check the crisps brand.")
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: workspace.detail is not None
                    and len(workspace.detail.comments) == 1, timeout=5_000)
    assert box.toPlainText() == ""
    assert "check the crisps" in child(workspace, QTextBrowser, "commentThread").toPlainText()

    detail = get_series_detail(world.db, world.series_ids[1])
    assert detail.status == "proposed"
    assert [c.confidence for c in detail.candidates] == [70, 25]
    assert detail.candidates[0].rationale == "Socket and product agree"
    assert all(c.evidence_md5 and c.evidence_time for c in detail.clues)
    assert detail.clues[1].supports == ("GB", "IE") and detail.clues[1].excludes == ("FR",)
    child(workspace, QTabWidget, "workspaceTabs").setCurrentIndex(3)
    timeline = child(workspace, QTableView, "timelineView")
    qtbot.waitUntil(lambda: timeline.model().rowCount() >= 6, timeout=5_000)
    whats = [timeline.model().index(r, 2).data() for r in range(timeline.model().rowCount())]
    assert "added a clue" in whats and "proposed for confirmation" in whats


def test_read_only_until_claimed(qtbot: QtBot, window: MainWindow, world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[0])
    assert _read_only(workspace)
    assert not child(workspace, QPushButton, "clueSaveButton").isEnabled()
    note = child(workspace, QLabel, "readOnlyNote")
    assert note.isVisible() and "Claim to edit" in note.text()
    banner = child(workspace, QLabel, "identifiedBanner")
    assert banner.isVisible()  # S-001 has an identified victim
    _claim_in_workspace(qtbot, workspace)
    assert not note.isVisible()
    assert child(workspace, QPushButton, "clueSaveButton").isEnabled()


def test_losing_a_claim_race_names_the_winner_without_a_dialog(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[2])
    claims.claim_series(world.db, "bert", world.series_ids[2])  # bert is faster
    qtbot.mouseClick(child(workspace, QPushButton, "claimToEditButton"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Claimed by Bert Specialist (" in text(workspace, "workspaceClaim"),
                    timeout=5_000)
    assert "bert" in notice(window)
    assert _read_only(workspace)
    trigger(window, "actShowBoard")
    qtbot.waitUntil(lambda: row(window, world.series_ids[2]).claimed_by == "bert", timeout=5_000)
    select(window, world.series_ids[1])
    claims.claim_series(world.db, "dmytro", world.series_ids[1])
    trigger(window, "actClaim")
    qtbot.waitUntil(lambda: "dmytro" in text(window, "boardNote"), timeout=5_000)


def test_live_ranking_follows_the_unsaved_draft(qtbot: QtBot, window: MainWindow,
                                                world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    kind = child(workspace, QComboBox, "clueKind")
    kind.setCurrentIndex(kind.findData("currency"))
    child(workspace, QComboBox, "clueValue").setCurrentText("UAH")
    qtbot.waitUntil(lambda: bool(workspace.last_ranking)
                    and workspace.last_ranking[0].country == "UA", timeout=5_000)
    assert "unsaved" in text(workspace, "rankingNote")
    reasons = child(workspace, QTextBrowser, "rankingReasons").toPlainText()
    assert "UAH" in reasons and "legal tender" in reasons


def test_conflicting_clue_edit_shows_both_versions_and_loses_no_text(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    series_id = world.series_ids[1]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        "text", "Shop sign in Cyrillic", kind="script", value="Cyrl"))
    workspace = _open(qtbot, window, series_id)
    child(workspace, QListWidget, "clueList").setCurrentRow(0)
    qtbot.waitUntil(lambda: clue_editor(workspace).clue is not None)
    # Anna's second window saves first.
    clues.edit_clue(world.db, "anna", clue_id, 1, clues.ClueInput(
        "text", "Shop sign in Cyrillic: 'Аптека' (pharmacy)", kind="script", value="Cyrl"))
    description = _description(workspace)
    description.selectAll()
    qtbot.keyClicks(description, "Sign reads ")
    description.insertPlainText("'Аптека'")  # QTest cannot type Cyrillic keys
    qtbot.keyClicks(description, "; Ukrainian spelling")
    mine = description.toPlainText()
    qtbot.mouseClick(child(workspace, QPushButton, "clueSaveButton"), Qt.MouseButton.LeftButton)
    merge = child(workspace, QGroupBox, "clueMergeView")
    qtbot.waitUntil(merge.isVisible, timeout=5_000)
    assert description.toPlainText() == mine
    assert "(pharmacy)" in child(workspace, QPlainTextEdit, "theirDescription").toPlainText()
    assert "nothing was overwritten" in text(workspace, "clueError")
    qtbot.mouseClick(child(workspace, QPushButton, "appendTheirsButton"),
                     Qt.MouseButton.LeftButton)
    merged = description.toPlainText()
    assert mine in merged and "(pharmacy)" in merged
    qtbot.mouseClick(child(workspace, QPushButton, "clueSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not clue_editor(workspace).dirty, timeout=5_000)
    assert get_series_detail(world.db, series_id).clues[0].description == merged.strip()


def test_closing_a_dirty_editor_asks(qtbot: QtBot, window: MainWindow, world: World,
                                     monkeypatch: MonkeyPatch) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    qtbot.keyClicks(_description(workspace), "Half-written clue")
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Cancel

    def question(_parent: object, title: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    trigger(window, "actCloseTab")
    assert asked and window.current_workspace() is workspace
    assert _description(workspace).toPlainText() == "Half-written clue"
    answer = QMessageBox.StandardButton.Discard
    trigger(window, "actCloseTab")
    assert window.current_workspace() is None
    assert len(asked) == 2


def test_release_extend_and_force_release(qtbot: QtBot, make_window: WindowFactory,
                                          world: World, monkeypatch: MonkeyPatch) -> None:
    anna = make_window("anna")
    workspace = _open(qtbot, anna, world.series_ids[0])
    _claim_in_workspace(qtbot, workspace)
    mine = child(anna, QListWidget, "myClaimsList")
    qtbot.waitUntil(lambda: mine.count() == 1, timeout=5_000)
    qtbot.mouseClick(child(anna, QPushButton, "extendButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice(anna).startswith("Lease on S-001 extended to "),
                    timeout=5_000)
    qtbot.mouseClick(child(workspace, QPushButton, "workspaceReleaseButton"),
                     Qt.MouseButton.LeftButton)
    claim_button = child(workspace, QPushButton, "claimToEditButton")
    qtbot.waitUntil(lambda: not workspace.holds_claim and claim_button.isVisible(),
                    timeout=5_000)
    assert notice(anna) == "Claim on S-001 released."
    qtbot.waitUntil(lambda: mine.count() == 0, timeout=5_000)

    claims.claim_series(world.db, "bert", world.series_ids[2])
    cora = make_window("cora")
    assert action(cora, "actForceRelease").isVisible()
    assert anna.findChild(QAction, "actForceRelease") is None  # not offered to specialists
    monkeypatch.setattr("vidtask.ui.window.board_page.QInputDialog.getText",
                        lambda *_a, **_k: ("Bert is off sick", True))
    qtbot.waitUntil(lambda: row(cora, world.series_ids[2]).claimed_by == "bert", timeout=5_000)
    select(cora, world.series_ids[2])
    trigger(cora, "actForceRelease")
    qtbot.waitUntil(lambda: row(cora, world.series_ids[2]).claimed_by is None, timeout=5_000)
    assert notice(cora) == "S-003 force-released."


def test_tab_walks_the_clue_editor_in_reading_order(qtbot: QtBot, window: MainWindow,
                                                   world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    category = child(workspace, QComboBox, "clueCategory")
    category.setFocus()
    qtbot.waitUntil(category.hasFocus)
    for name, kind in (("clueDescription", QPlainTextEdit), ("clueKind", QComboBox)):
        widget = child(workspace, kind, name)
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        qtbot.waitUntil(widget.hasFocus, timeout=2_000)
