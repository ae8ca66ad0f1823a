"""The dashboard tab on real widgets: it renders, it follows other desktops, it exports —
and its figures are read off the GUI thread, only while someone looks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import World, build_world
from tests.ui.find import child, text
from tests.worlds.dashboard import worked_sprint
from vidtask.db.engine import Database
from vidtask.domain.changes import Changes
from vidtask.services import assessments, claims, review
from vidtask.services.assessments import CandidateInput
from vidtask.services.dashboard import SprintDashboard, sprint_dashboard
from vidtask.services.participants import get_participant
from vidtask.services.sprints import find_sprint
from vidtask.sync.feed import changes_since, current_version
from vidtask.ui.context import AppContext
from vidtask.ui.dashboard import DashboardWidget
from vidtask.ui.dashboard import widget as dashboard_widget
from vidtask.ui.operations import Origin

pytestmark = pytest.mark.gui


@pytest.fixture
def contexts(qtbot: QtBot) -> Iterator[list[AppContext]]:
    made: list[AppContext] = []
    yield made
    for ctx in made:
        ctx.close(20_000)


def dashboard(qtbot: QtBot, world: World, contexts: list[AppContext], *,
              shown: bool = True) -> DashboardWidget:
    ctx = AppContext(world.db, get_participant(world.db, "cora"), find_sprint(world.db))
    contexts.append(ctx)
    widget = DashboardWidget(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    if shown:
        widget.show()
        qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.data is not None and not ctx.runner.busy, timeout=10_000)
    return widget


def _tile(widget: DashboardWidget, key: str) -> str:
    return text(widget, f"dashboardValue_{key}")


def test_dashboard_and_its_charts_render_offscreen(qtbot: QtBot, db: Database,
                                                   contexts: list[AppContext]) -> None:
    widget = dashboard(qtbot, worked_sprint(db), contexts)
    assert not widget.grab().isNull()
    for view in (widget.burn_up.view, widget.countries.view, widget.clue_categories.view,
                 widget.agencies.view):
        image = view.grab().toImage()
        assert image.width() > 100 and image.height() > 100
        assert len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 7)}) > 1
    assert [_tile(widget, k) for k in ("series_total", "claimed", "assessed", "confirmed",
                                       "eliminated", "countries_with_confirmed", "clues_total")
            ] == ["7", "4", "2", "1", "1", "1", "4"]
    assert widget.burn_up.assessed.count() == 12  # one point per sprint day
    assert widget.countries.categories.categories() == ["Germany"]
    assert widget.waiting_model.rowCount() == 1
    assert widget.waiting_model.data(widget.waiting_model.index(0, 0)) == "S-005"
    logins = [p.login for p in widget.people_model.rows()]
    assert logins[0] == "dmytro"  # the stuck participant is listed first
    assert "1 stuck" in widget.people_caption.text()


def test_dashboard_follows_a_confirmation_from_another_desktop(
        qtbot: QtBot, db: Database, db_url: str, contexts: list[AppContext]) -> None:
    world = build_world(db, series=2)
    series_id = world.series_ids[0]
    claims.claim_series(db, "anna", series_id)
    assessments.set_candidates(db, "anna", series_id, [CandidateInput("PT", 70)])
    assessments.propose(db, "anna", series_id)
    widget = dashboard(qtbot, world, contexts)
    assert _tile(widget, "confirmed") == "0"
    assessed_line, bars = widget.burn_up.assessed, widget.countries.bars
    seen = current_version(db)

    other_desktop = Database(db_url)
    try:
        review.confirm_countries(other_desktop, "cora", series_id, ["PT"])
    finally:
        other_desktop.dispose()

    widget.ctx.bus.publish(Changes(tuple(changes_since(db, seen))), Origin.FEED)
    qtbot.waitUntil(lambda: _tile(widget, "confirmed") == "1", timeout=3000)
    assert _tile(widget, "countries_with_confirmed") == "1"
    assert widget.countries.categories.categories() == ["Portugal"]
    assert widget.burn_up.confirmed.at(widget.burn_up.confirmed.count() - 1).y() == 1
    # Updated in place: the same series objects carry the new numbers (no rebuilt chart).
    assert widget.burn_up.assessed is assessed_line and widget.countries.bars is bars
    assert widget.countries.series.barSets() == [bars]


def test_renewals_alone_do_not_refresh_and_a_hidden_tab_reads_when_shown(
        qtbot: QtBot, db: Database, contexts: list[AppContext]) -> None:
    world = build_world(db, series=1)
    widget = dashboard(qtbot, world, contexts, shown=False)
    bus, runner = widget.ctx.bus, widget.ctx.runner
    started: list[str] = []
    runner.started.connect(started.append)
    seen = current_version(db)
    claims.claim_series(db, "anna", world.series_ids[0])
    renewal = claims.renew_claim(db, "anna", world.series_ids[0]).changes
    bus.publish(renewal, Origin.FEED)
    bus.publish(Changes(tuple(changes_since(db, seen))), Origin.FEED)
    qtbot.wait(400)
    assert started == []  # hidden: nobody looks, nothing is read
    widget.show()
    qtbot.waitUntil(lambda: _tile(widget, "claimed") == "1", timeout=3000)
    assert started == ["sprint_dashboard"]


def test_the_figures_are_read_off_the_gui_thread_and_a_refresh_leaves_it_free(
        qtbot: QtBot, db: Database, contexts: list[AppContext],
        monkeypatch: pytest.MonkeyPatch) -> None:
    readers: list[threading.Thread] = []

    def read(*args: Any) -> SprintDashboard:
        readers.append(threading.current_thread())
        time.sleep(0.3)  # a slow database: the GUI thread must not wait for it
        return sprint_dashboard(*args)

    monkeypatch.setattr(dashboard_widget, "sprint_dashboard", read)
    widget = dashboard(qtbot, build_world(db, series=2), contexts)
    started = time.perf_counter()
    widget.refresh()
    returned = time.perf_counter() - started
    assert returned < 0.1  # refresh() only starts the read
    qtbot.waitUntil(lambda: len(readers) == 2 and not widget.ctx.runner.busy, timeout=5_000)
    assert readers and all(t is not threading.main_thread() for t in readers)
    assert _tile(widget, "series_total") == "2"


def test_export_button_writes_the_report_off_the_gui_thread(
        qtbot: QtBot, db: Database, tmp_path: Path, contexts: list[AppContext]) -> None:
    widget = dashboard(qtbot, worked_sprint(db), contexts)
    target = tmp_path / "summary.pdf"
    export = child(widget, type(widget.export_button), "dashboardExportReport")
    with qtbot.waitSignal(widget.reportExported, timeout=20_000) as signal:
        widget.export_report(target)
        assert not export.isEnabled()  # busy while the worker runs
    assert signal.args == [str(target)]
    assert target.read_bytes().startswith(b"%PDF")
    assert export.isEnabled()


def test_export_failure_is_reported_as_a_sentence(
        qtbot: QtBot, db: Database, tmp_path: Path, contexts: list[AppContext]) -> None:
    widget = dashboard(qtbot, build_world(db, series=1), contexts)
    with qtbot.waitSignal(widget.reportFailed, timeout=20_000) as signal:
        widget.export_report(tmp_path / "missing" / "r.pdf")
    assert "Cannot write" in signal.args[0]
