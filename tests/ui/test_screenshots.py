"""The screens of issue 18's UI split, drawn at a fixed size (`VIDTASK_SCREENS=folder` saves them).

One world with a clue, a ranking, a proposed series and tips; each screen is shown, waited for and
grabbed, so a before/after pair of folders can be compared by eye. Without the variable the test
still draws every screen (it fails if one cannot be found by its objectName).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import World
from tests.ui.conftest import WindowFactory
from tests.ui.find import child, trigger
from tests.ui.first_start import opened
from tests.ui.screens import save_screen
from tests.worlds.appeals import published, tips_csv
from vidtask.domain.enums import StructuredKind
from vidtask.services import assessments, claims, clues, tips
from vidtask.services.assessments import CandidateInput
from vidtask.services.clues import ClueInput
from vidtask.ui.identity import IdentityDialog

TIPS = [
    "G19,2026-06-03T10:00:00Z,Sold at Lidl in Germany,DE,me@example.invalid",
    "G19,2026-06-03T11:00:00Z,sold at lidl in germany,DE,",
    "G20,2026-06-04T09:30:00Z,Polish wallpaper from the nineties,Kraków,",
]
SIZE = (1400, 900)


def _world_to_show(world: World, tmp_path: Path) -> None:
    db, first, second = world.db, world.series_ids[0], world.series_ids[1]
    claims.claim_series(db, "anna", first)
    clues.add_clue(db, "anna", first, ClueInput(
        "product", "Label on the shampoo bottle is in Ukrainian", StructuredKind.LANGUAGE,
        "uk", confidence="high"))
    assessments.set_candidates(db, "anna", first, [CandidateInput("UA", 70, "label language")])
    claims.claim_series(db, "bert", second)
    clues.add_clue(db, "bert", second, ClueInput(
        "text", "Shop sign in Polish", StructuredKind.LANGUAGE, "pl", confidence="medium"))
    assessments.rank_and_propose(db, "bert", second, [CandidateInput("PL", 80, "sign")])
    published(world, tmp_path / "site", "G19", "G20", series=2)
    tips.import_tips(db, "cora", tips_csv(tmp_path / "t.csv", TIPS))


def _grab(qtbot: QtBot, widget: QWidget, name: str, backend: str) -> None:
    qtbot.wait(300)  # late layouts and the reading line settle
    if backend == "sqlite":
        save_screen(widget, name)


def test_the_split_screens_draw(qtbot: QtBot, world: World, tmp_path: Path,
                                make_window: WindowFactory, qsettings: object) -> None:
    _world_to_show(world, tmp_path)
    backend = world.db.backend
    window = make_window("anna")
    window.resize(*SIZE)
    window.open_series(world.series_ids[0])
    workspace = child(window, QWidget, f"seriesWorkspace_{world.series_ids[0]}")
    panel = child(workspace, QWidget, "assessmentPanel")
    qtbot.waitUntil(lambda: child(panel, QWidget, "candidateConfidence_UA").isVisible(),
                    timeout=10_000)
    _grab(qtbot, workspace, "series-workspace.png", backend)
    _grab(qtbot, panel, "assessment-panel.png", backend)
    _grab(qtbot, child(workspace, QWidget, "clueEditor"), "clue-editor.png", backend)

    coordinator = make_window("cora")
    coordinator.resize(*SIZE)
    trigger(coordinator, "actShowReview")
    queue = child(coordinator, QWidget, "reviewQueueWidget")
    qtbot.waitUntil(lambda: "1 series to review" in child(queue, QWidget, "reviewSummary")
                    .property("text"), timeout=10_000)
    _grab(qtbot, queue, "review-queue.png", backend)
    trigger(coordinator, "actShowTips")
    inbox = child(coordinator, QWidget, "tipInbox")
    qtbot.waitUntil(lambda: child(inbox, QWidget, "tipCount").property("text") == "3 tips",
                    timeout=10_000)
    _grab(qtbot, inbox, "tip-inbox.png", backend)

    dialog = opened(qtbot, IdentityDialog(world.db, qsettings))  # type: ignore[arg-type]
    _grab(qtbot, dialog, "identity-dialog.png", backend)
