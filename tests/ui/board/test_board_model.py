"""The board model's filtering as a person types: the right rows after every keystroke (typing
on and backspacing), no model reset, the selection kept, words a person reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from tests.conftest import World
from vidtask.services.series import SeriesRow
from vidtask.ui.board.filtering import BoardFilter, load_board_rows, prepare_rows, search_key
from vidtask.ui.board.model import SeriesBoardModel
from vidtask.ui.board.view import BoardView

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
ALIASES = ("Pink wall", "Blue sofa", "Green curtain")
STATUSES = ("new", "claimed", "in_assessment", "proposed")


def rows(count: int = 60) -> list[SeriesRow]:
    made = []
    for n in range(count):
        held = n % 5 == 0
        made.append(SeriesRow(
            id=n + 1, code=f"B-{n:04d}", alias=f"{ALIASES[n % 3]} {n}",
            status=STATUSES[n % 4], priority=1 + n % 4,
            claimed_by="anna" if held else None, claimed_by_name="Anna" if held else None,
            claim_expires_at=NOW + timedelta(hours=1) if held else None,
            top_country="DE" if n % 7 == 0 else None, top_confidence=None, clue_count=n % 3,
            media_count=2, updated_at=NOW - timedelta(minutes=n), version=1,
            identified_elsewhere=0))
    return made


def shown_ids(model: SeriesBoardModel) -> list[int]:
    return [r.id for r in model.visible_rows()]


def expected(all_rows: list[SeriesRow], board_filter: BoardFilter) -> list[int]:
    words = board_filter.text.lower().split()
    return [r.id for r in all_rows if all(w in search_key(r) for w in words)
            and (not board_filter.statuses or r.status in board_filter.statuses)]


def test_every_keystroke_shows_exactly_the_matching_rows_without_a_reset(
        qtbot: QtBot, qtmodeltester: object) -> None:
    all_rows = rows()
    model = SeriesBoardModel("anna")
    model.set_rows(prepare_rows(all_rows))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    typed = "blue 1"
    texts = [typed[:n] for n in range(1, len(typed) + 1)] + [typed[:n] for n in range(5, -1, -1)]
    for text in [*texts, "anna", "anna pink", "germany", "being assessed", "B-0042"]:
        board_filter = BoardFilter(text=text, me="anna", now=NOW)
        model.set_filter(board_filter)
        assert shown_ids(model) == expected(all_rows, board_filter), text
        assert model.rowCount() == len(shown_ids(model))
    # a chip that is not a narrowing of the text: every row is tested again
    board_filter = BoardFilter(text="blue", statuses=frozenset({"claimed"}), me="anna", now=NOW)
    model.set_filter(board_filter)
    assert shown_ids(model) == expected(all_rows, board_filter) != []
    assert resets == []


def test_the_selected_series_stays_selected_while_it_matches(qtbot: QtBot) -> None:
    model = SeriesBoardModel("anna")
    view = BoardView(model)
    qtbot.addWidget(view)
    model.set_rows(rows())
    view.set_loaded()
    assert view.select_series(33)  # B-0032, "Green curtain 32"
    for text in ("g", "gr", "green", "green 3", "green 32"):
        view.filter_edit.setText(text)
        assert view.selected_series_id() == 33, text
    view.filter_edit.setText("green 322")
    assert model.rowCount() == 0 and view.selected_series_id() == 0
    view.filter_edit.setText("green 3")
    view.table.selectionModel().setCurrentIndex(
        model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    first = view.selected_series_id()
    view.filter_edit.setText("")
    assert view.selected_series_id() == first and model.rowCount() == 60


def test_a_sorted_board_places_changed_rows_at_the_next_keystroke(qtbot: QtBot) -> None:
    all_rows = rows(12)
    model = SeriesBoardModel("anna")
    model.set_rows(all_rows)
    model.sort(0, Qt.SortOrder.DescendingOrder)  # by code, Z to A
    assert shown_ids(model) == list(range(12, 0, -1))
    renamed = all_rows[0]._replace(code="B-9999")
    model.update_rows([renamed])
    assert model.series(1) == renamed
    model.set_filter(BoardFilter(text="b-", me="anna", now=NOW))  # typing on re-sorts
    assert shown_ids(model)[0] == 1
    model.update_rows([renamed._replace(id=99, code="B-5000")])  # a new series joins in order
    assert shown_ids(model)[:2] == [1, 99]


def test_statuses_read_in_words_and_the_row_is_found_by_them(qtbot: QtBot) -> None:
    model = SeriesBoardModel("anna")
    model.set_rows(rows(8))
    assert [model.data(model.index(r, 2)) for r in range(4)] == [
        "unclaimed", "claimed", "being assessed", "awaiting review"]
    model.set_filter(BoardFilter(text="awaiting review", me="anna", now=NOW))
    assert [r.status for r in model.visible_rows()] == ["proposed", "proposed"]


def test_the_load_brings_each_row_with_its_search_key(world: World) -> None:
    prepared = load_board_rows(world.db, world.sprint_id)
    assert [r.code for r in prepared.rows] == world.codes
    assert prepared.keys == [search_key(r) for r in prepared.rows]
    assert prepared.where == {r.id: i for i, r in enumerate(prepared.rows)}
