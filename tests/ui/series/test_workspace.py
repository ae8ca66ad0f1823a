"""The series workspace walked as a specialist: claim, clues with evidence and countries, the live
ranking, candidates, propose, comment; read-only until claimed; conflicts merge; dirty close asks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableView
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from tests.conftest import World
from vidtask.services import claims, clues
from vidtask.services.series_detail import get_series_detail
from vidtask.ui.main_window import MainWindow
from vidtask.ui.series.workspace import SeriesWorkspace


def _open(qtbot: QtBot, window: MainWindow, series_id: int) -> SeriesWorkspace:
    workspace = window.open_series(series_id)
    qtbot.waitUntil(lambda: workspace.loaded, timeout=5_000)
    return workspace


def _claim_in_workspace(qtbot: QtBot, workspace: SeriesWorkspace) -> None:
    button = workspace.findChild(QPushButton, "claimToEditButton")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.holds_claim, timeout=5_000)
    qtbot.waitUntil(lambda: not workspace.editor.read_only)


def _add_clue(qtbot: QtBot, workspace: SeriesWorkspace, *, category: str, text: str,
              kind: str = "none", value: str = "", supports: tuple[str, ...] = (),
              excludes: tuple[str, ...] = (), time: str = "00:10") -> None:
    editor = workspace.editor
    count = len(workspace.detail.clues) if workspace.detail else 0
    if editor.clue is not None:
        qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    editor.category.setCurrentIndex(editor.category.findData(category))
    qtbot.keyClicks(editor.description, text)
    editor.kind.setCurrentIndex(editor.kind.findData(kind))
    if value:
        editor.value.setCurrentText(value)
    editor.evidence.setCurrentIndex(1)  # the first media hash of the series
    qtbot.keyClicks(editor.evidence_time, time)
    qtbot.keyClicks(editor.evidence_region, "10,10,80,60")
    for code in supports:
        qtbot.keyClicks(editor.countries.search, code)
        qtbot.keyClick(editor.countries.search, Qt.Key.Key_Return)
    for code in excludes:
        qtbot.keyClicks(editor.countries.search, code)
        qtbot.keyClick(editor.countries.search, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.detail is not None
                    and len(workspace.detail.clues) == count + 1, timeout=5_000)
    qtbot.waitUntil(lambda: not editor.dirty)


def test_a_newcomer_claims_records_clues_ranks_proposes_and_comments(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    """The issue's 'done means', on a small world instead of the demo sprint."""
    window.board.unclaimed_chip.click()
    window.board.select_series(world.series_ids[1])
    qtbot.mouseClick(window.claim_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=5_000)
    workspace = window.current_workspace()
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.holds_claim and not workspace.editor.read_only,
                    timeout=5_000)
    assert "S-002" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.my_claims.list.count() == 1, timeout=5_000)

    _add_clue(qtbot, workspace, category="electrical", text="Type G socket behind the bed",
              kind="socket", value="G")
    _add_clue(qtbot, workspace, category="product", text="Crisps sold only in the UK and IE",
              supports=("GB", "IE"), excludes=("FR",), time="01:20")
    qtbot.waitUntil(lambda: workspace.last_ranking[:2] and {
        c.country for c in workspace.last_ranking[:2]} == {"GB", "IE"}, timeout=5_000)

    panel = workspace.assessment
    assert panel.objectName() == "assessmentPanel"
    for row in (0, 1):
        panel.ranking.selectRow(row)
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert [r.country for r in panel.rows] == [c.country for c in workspace.last_ranking[:2]]
    panel.rows[0].confidence.setValue(70)
    qtbot.keyClicks(panel.rows[0].rationale, "Socket and product agree")
    panel.rows[1].confidence.setValue(25)
    propose = workspace.findChild(QPushButton, "proposeButton")
    assert propose is not None and propose.isEnabled()
    qtbot.mouseClick(propose, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.detail is not None
                    and workspace.detail.status == "proposed", timeout=5_000)
    assert workspace.editor.read_only  # proposing ends the claim

    workspace.tabs.setCurrentIndex(2)
    qtbot.keyClicks(workspace.comments.box, "Proposed: please check the crisps brand.")
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: workspace.detail is not None
                    and len(workspace.detail.comments) == 1, timeout=5_000)
    assert workspace.comments.box.toPlainText() == ""
    assert "check the crisps" in workspace.comments.thread_view.toPlainText()

    detail = get_series_detail(world.db, world.series_ids[1])
    assert detail.status == "proposed"
    assert [c.confidence for c in detail.candidates] == [70, 25]
    assert detail.candidates[0].rationale == "Socket and product agree"
    assert all(c.evidence_md5 and c.evidence_time for c in detail.clues)
    assert detail.clues[1].supports == ("GB", "IE") and detail.clues[1].excludes == ("FR",)
    workspace.tabs.setCurrentIndex(3)
    timeline = workspace.findChild(QTableView, "timelineView")
    assert timeline is not None
    qtbot.waitUntil(lambda: timeline.model().rowCount() >= 6, timeout=5_000)
    whats = [timeline.model().index(r, 2).data() for r in range(timeline.model().rowCount())]
    assert "added a clue" in whats and "proposed for confirmation" in whats


def test_read_only_until_claimed(qtbot: QtBot, window: MainWindow, world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[0])
    assert workspace.editor.read_only
    assert workspace.editor.description.isReadOnly()
    assert not workspace.editor.save_button.isEnabled()
    note = workspace.findChild(QLabel, "readOnlyNote")
    assert note is not None and note.isVisible() and "Claim to edit" in note.text()
    banner = workspace.findChild(QLabel, "identifiedBanner")
    assert banner is not None and banner.isVisible()  # S-001 has an identified victim
    _claim_in_workspace(qtbot, workspace)
    assert not note.isVisible()
    assert workspace.editor.save_button.isEnabled()


def test_losing_a_claim_race_names_the_winner_without_a_dialog(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[2])
    claims.claim_series(world.db, "bert", world.series_ids[2])  # bert is faster
    qtbot.mouseClick(workspace.claim_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "bert" in workspace.claim_label.text(), timeout=5_000)
    assert "bert" in window.statusBar().currentMessage()
    assert workspace.editor.read_only
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.model.series(world.series_ids[2]).claimed_by == "bert",
                    timeout=5_000)
    window.board.select_series(world.series_ids[1])
    claims.claim_series(world.db, "dmytro", world.series_ids[1])
    window.claim_selected()
    qtbot.waitUntil(lambda: "dmytro" in window.board_note.text(), timeout=5_000)


def test_live_ranking_follows_the_unsaved_draft(qtbot: QtBot, window: MainWindow,
                                                world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    editor = workspace.editor
    editor.kind.setCurrentIndex(editor.kind.findData("currency"))
    editor.value.setCurrentText("UAH")
    qtbot.waitUntil(lambda: bool(workspace.last_ranking)
                    and workspace.last_ranking[0].country == "UA", timeout=5_000)
    assert "unsaved" in workspace.assessment.ranking_note.text()
    reasons = workspace.assessment.reasons.toPlainText()
    assert "UAH" in reasons and "legal tender" in reasons


def test_conflicting_clue_edit_shows_both_versions_and_loses_no_text(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    series_id = world.series_ids[1]
    claims.claim_series(world.db, "anna", series_id)
    clue_id, _ = clues.add_clue(world.db, "anna", series_id, clues.ClueInput(
        "text", "Shop sign in Cyrillic", kind="script", value="Cyrl"))
    workspace = _open(qtbot, window, series_id)
    workspace.clue_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: workspace.editor.clue is not None)
    # Anna's second window saves first.
    clues.edit_clue(world.db, "anna", clue_id, 1, clues.ClueInput(
        "text", "Shop sign in Cyrillic: 'Аптека' (pharmacy)", kind="script", value="Cyrl"))
    editor = workspace.editor
    editor.description.selectAll()
    qtbot.keyClicks(editor.description, "Sign reads ")
    editor.description.insertPlainText("'Аптека'")  # QTest cannot type Cyrillic keys
    qtbot.keyClicks(editor.description, "; Ukrainian spelling")
    mine = editor.description.toPlainText()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.merge.isVisible, timeout=5_000)
    assert editor.description.toPlainText() == mine
    assert "(pharmacy)" in editor.their_text.toPlainText()
    assert "nothing was overwritten" in workspace.editor_error.text()
    qtbot.mouseClick(editor.append_theirs, Qt.MouseButton.LeftButton)
    merged = editor.description.toPlainText()
    assert mine in merged and "(pharmacy)" in merged
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.dirty, timeout=5_000)
    assert get_series_detail(world.db, series_id).clues[0].description == merged.strip()


def test_closing_a_dirty_editor_asks(qtbot: QtBot, window: MainWindow, world: World,
                                     monkeypatch: MonkeyPatch) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    qtbot.keyClicks(workspace.editor.description, "Half-written clue")
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Cancel

    def question(_parent: object, title: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    window.close_current_tab()
    assert asked and window.current_workspace() is workspace
    assert workspace.editor.description.toPlainText() == "Half-written clue"
    answer = QMessageBox.StandardButton.Discard
    window.close_current_tab()
    assert window.current_workspace() is None
    assert len(asked) == 2


def test_release_extend_and_force_release(qtbot: QtBot, make_window: object, world: World,
                                          monkeypatch: MonkeyPatch) -> None:
    anna = make_window("anna")  # type: ignore[operator]
    workspace = _open(qtbot, anna, world.series_ids[0])
    _claim_in_workspace(qtbot, workspace)
    qtbot.waitUntil(lambda: anna.my_claims.list.count() == 1, timeout=5_000)
    qtbot.mouseClick(anna.my_claims.extend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "extended" in anna.statusBar().currentMessage(), timeout=5_000)
    qtbot.mouseClick(workspace.release_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not workspace.holds_claim and workspace.claim_button.isVisible(),
                    timeout=5_000)
    qtbot.waitUntil(lambda: anna.my_claims.list.count() == 0, timeout=5_000)

    claims.claim_series(world.db, "bert", world.series_ids[2])
    cora = make_window("cora")  # type: ignore[operator]
    assert cora.act_force_release.isVisible() and not anna.act_force_release.isVisible()
    monkeypatch.setattr("vidtask.ui.main_window.QInputDialog.getText",
                        lambda *_a, **_k: ("Bert is off sick", True))
    cora.board.select_series(world.series_ids[2])
    cora.act_force_release.trigger()
    qtbot.waitUntil(lambda: cora.model.series(world.series_ids[2]).claimed_by is None,
                    timeout=5_000)


def test_tab_walks_the_clue_editor_in_reading_order(qtbot: QtBot, window: MainWindow,
                                                   world: World) -> None:
    workspace = _open(qtbot, window, world.series_ids[1])
    _claim_in_workspace(qtbot, workspace)
    editor = workspace.editor
    editor.category.setFocus()
    qtbot.waitUntil(editor.category.hasFocus)
    order = [editor.description, editor.kind]
    for widget in order:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        qtbot.waitUntil(widget.hasFocus, timeout=2_000)
