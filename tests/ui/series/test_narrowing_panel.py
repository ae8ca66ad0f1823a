"""The workspace's narrowing as a specialist reads it (issue 15): ties shown as ties with what
would separate them, the prior named, counts that add up, every reason summing to the score,
warnings where the ranking disagrees with the clues, a question before ranking a country the
clues rule out, and a clue editor that reads words and says how. Widgets by objectName."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTextBrowser,
)
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.find import assessment, child, clue_editor, text
from vidtask.services import claims, clues
from vidtask.services.series_detail import get_series_detail
from vidtask.ui.main_window import MainWindow
from vidtask.ui.series.workspace import SeriesWorkspace

GB_CLUES = (("text", "English shop sign", "language", "en"),
            ("electrical", "BS 1363 socket", "socket", "G"),
            ("vehicle", "Car keeps left", "driving_side", "left"),
            ("currency", "Pound coins", "currency", "GBP"))


def _series_with(world: World, series_id: int,
                 specs: tuple[tuple[str, str, str, str], ...]) -> None:
    claims.claim_series(world.db, "anna", series_id)
    for category, description, kind, value in specs:
        clues.add_clue(world.db, "anna", series_id,
                       clues.ClueInput(category, description, kind=kind, value=value))


def _open(qtbot: QtBot, window: MainWindow, series_id: int) -> SeriesWorkspace:
    workspace = window.open_series(series_id)
    qtbot.waitUntil(lambda: workspace.loaded and bool(workspace.last_ranking)
                    and not clue_editor(workspace).read_only, timeout=10_000)
    return workspace


def _cells(workspace: SeriesWorkspace, column: int) -> list[str]:
    model = child(workspace, QTableView, "narrowingRanking").model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _counts_add_up(sentence: str) -> None:
    found = re.match(r"(\d+) listed, (\d+) more possible.*?, (\d+) ruled out \(of (\d+) ",
                     sentence)
    assert found, sentence
    listed, more, ruled_out, total = map(int, found.groups())
    assert listed + more + ruled_out == total


def test_one_schuko_clue_is_a_tie_in_population_order_with_counts_that_add_up(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    _series_with(world, world.series_ids[1],
                 (("electrical", "Schuko socket by the bed", "socket", "F"),))
    workspace = _open(qtbot, window, world.series_ids[1])
    ranks, countries = _cells(workspace, 0), _cells(workspace, 1)
    assert set(ranks) == {"=1"}  # seventy countries tie: no "1." anywhere
    assert not countries[0].endswith("Afghanistan")
    assert any(c.endswith("DE Germany") for c in countries)  # listed by population
    assert all(p for p in _cells(workspace, 4))  # the prior is shown for every tied row
    ties = text(workspace, "rankingTies")
    assert "63 other countries and 9 territories share this evidence" in ties
    assert "the prior, not evidence" in ties and "would tell them apart" in ties
    counts = text(workspace, "rankingCounts")
    _counts_add_up(counts)
    assert counts.startswith("15 listed, 59 more possible")
    assert "other countries are ruled out" not in text(workspace, "rankingNote")
    reasons = child(workspace, QTextBrowser, "rankingReasons").toPlainText()
    assert "rank =1, shared by 64 countries and 9 territories" in reasons  # as the tie line
    assert "the prior within the tie" in reasons
    assert "1 reason, together +1.0 = the score" in reasons


def test_four_clues_tie_gb_with_its_crown_dependencies_and_show_every_reason(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    _series_with(world, world.series_ids[1], GB_CLUES)
    workspace = _open(qtbot, window, world.series_ids[1])
    assert [c.country for c in workspace.last_ranking] == ["GB", "JE", "IM", "GG"]
    assert _cells(workspace, 0) == ["=1"] * 4
    assert ("United Kingdom and 3 territories share this evidence: Jersey, Isle of Man, "
            "Guernsey.") in text(workspace, "rankingTies")
    assert "language (Welsh, Irish, Scottish Gaelic, …)" in text(workspace, "rankingTies")
    _counts_add_up(text(workspace, "rankingCounts"))
    table = child(workspace, QTableView, "narrowingRanking")
    reasons = child(workspace, QTextBrowser, "rankingReasons")
    for row, candidate in enumerate(workspace.last_ranking):
        table.selectRow(row)
        shown = reasons.toPlainText()
        assert all(r.explanation in shown for r in candidate.reasons)
        assert f"{len(candidate.reasons)} reasons, together {candidate.score:+.1f} = the score" \
            in shown
        assert "rank =1, shared by 1 country and 3 territories," in shown  # as the tie line
        assert "4 countries" not in shown


def test_my_ranking_warns_and_an_excluded_country_needs_a_yes(
        qtbot: QtBot, window: MainWindow, world: World, monkeypatch: MonkeyPatch) -> None:
    _series_with(world, world.series_ids[1], GB_CLUES)
    workspace = _open(qtbot, window, world.series_ids[1])
    asked: list[tuple[str, str]] = []
    answer = "Cancel"

    def exec_(box: QMessageBox) -> int:
        default = box.defaultButton()
        asked.append((box.text(), default.text() if default else ""))
        target = next(b for b in box.buttons() if b.text() == answer)
        target.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    other = child(workspace, QComboBox, "otherCountry")
    other.activated.emit(other.findData("IE"))
    assert asked == [("Ireland is ranked 1st but the clues rule it out (score -1.0): clue "
                      f"{workspace.detail.clues[3].id}: British Pound (GBP) is not legal tender "
                      "in Ireland.", "Cancel")]
    assert assessment(workspace).candidates() == []

    answer = "Rank it anyway"
    other.activated.emit(other.findData("IE"))
    assert [c.country for c in assessment(workspace).candidates()] == ["IE"]
    assumed = child(workspace, QLabel, "candidateAssumption")
    assert assumed.isVisible() and "no confidence given yet, so it starts at 0 %" in \
        assumed.text()
    warnings = child(workspace, QLabel, "rankingWarnings")
    assert warnings.isVisible() and "Ireland is ranked 1st but the clues rule it out" in \
        warnings.text()
    child(workspace, QSpinBox, "candidateConfidence_IE").setValue(60)
    assert not assumed.isVisible()
    assert "You give Ireland 60 %; the clues alone give it under 1 %." in warnings.text()

    qtbot.mouseClick(child(workspace, QPushButton, "addCandidateButton"),
                     Qt.MouseButton.LeftButton)  # GB, the selected suggestion: no question
    assert len(asked) == 2
    assert [c.country for c in assessment(workspace).candidates()] == ["IE", "GB"]
    assert "starts at 96 %" in assumed.text()


def test_the_clue_editor_reads_words_and_refuses_a_value_without_a_kind(
        qtbot: QtBot, window: MainWindow, world: World) -> None:
    series_id = world.series_ids[1]
    _series_with(world, series_id, (("electrical", "Schuko socket", "socket", "F"),))
    workspace = _open(qtbot, window, series_id)
    kind = child(workspace, QComboBox, "clueKind")
    value = child(workspace, QComboBox, "clueValue")
    reading = child(workspace, QLabel, "clueValueReading")
    qtbot.keyClicks(child(workspace, QPlainTextEdit, "clueDescription"),
                    "German text on a cereal box")
    value.setCurrentText("de")  # kind: none
    said = ("A value needs a kind (language, script, currency, socket or driving side): 'de' "
            "is language German (de).")
    qtbot.waitUntil(lambda: reading.text() == said, timeout=10_000)
    qtbot.mouseClick(child(workspace, QPushButton, "clueSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "a value needs a kind" in text(workspace, "clueError"),
                    timeout=5_000)
    assert "'de' is language German (de)" in text(workspace, "clueError")
    assert len(get_series_detail(world.db, series_id).clues) == 1

    fix = child(workspace, QPushButton, "clueKindFix")
    assert fix.isVisible() and fix.text() == "Set kind: Language of visible text"
    fix.click()
    assert kind.currentData() == "language" and value.currentText() == "German (de)"
    qtbot.waitUntil(lambda: reading.text() == "Language of visible text: German (de)",
                    timeout=5_000)
    completer = value.completer()
    assert isinstance(completer, QCompleter)
    qtbot.waitUntil(lambda: "Ukrainian (uk)" in clue_editor(workspace).completion_entries(),
                    timeout=10_000)
    completer.setCompletionPrefix("ukrain")
    assert completer.currentCompletion() == "Ukrainian (uk)"

    kind.setCurrentIndex(kind.findData("socket"))
    value.setCurrentText("schuko")
    qtbot.waitUntil(lambda: reading.text() == "Socket: type F (Schuko) — read from 'schuko'",
                    timeout=5_000)
    kind.setCurrentIndex(kind.findData("script"))
    value.setCurrentText("Cyrilic")
    qtbot.waitUntil(lambda: "did you mean Cyrillic (Cyrl)?" in reading.text(), timeout=5_000)
    qtbot.waitUntil(lambda: "Not counted: your unsaved clue (no country matches script "
                    "'Cyrilic')" in text(workspace, "rankingNote"), timeout=5_000)
    kind.setCurrentIndex(kind.findData("language"))
    value.setCurrentText("German (de)")
    qtbot.mouseClick(child(workspace, QPushButton, "clueSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(get_series_detail(world.db, series_id).clues) == 2,
                    timeout=5_000)
    assert get_series_detail(world.db, series_id).clues[1].value == "de"  # stored as the code
    clue_list = child(workspace, QListWidget, "clueList")
    qtbot.waitUntil(lambda: clue_list.count() == 2, timeout=5_000)
    assert "[Socket: type F (Schuko)]" in clue_list.item(0).text()
    assert "[Language of visible text: German (de)]" in clue_list.item(1).text()
