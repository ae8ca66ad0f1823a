"""The dashboard tab on real widgets: it renders, it follows other desktops, it exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import build_world
from tests.unit.services.dashboard_scenario import worked_sprint
from vidtask.db.engine import Database
from vidtask.services import assessments, claims, review
from vidtask.services.assessments import CandidateInput
from vidtask.sync.feed import changes_since, current_version
from vidtask.ui.dashboard import DashboardWidget

pytestmark = pytest.mark.gui


def _tile(widget: DashboardWidget, key: str) -> str:
    return widget.tiles[key].value.text()


def test_dashboard_and_its_charts_render_offscreen(qtbot: QtBot, db: Database) -> None:
    world = worked_sprint(db)
    widget = DashboardWidget(db, world.sprint_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
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


def test_dashboard_follows_a_confirmation_from_another_desktop(qtbot: QtBot, db: Database,
                                                               db_url: str) -> None:
    world = build_world(db, series=2)
    series_id = world.series_ids[0]
    claims.claim_series(db, "anna", series_id)
    assessments.set_candidates(db, "anna", series_id, [CandidateInput("PT", 70)])
    assessments.propose(db, "anna", series_id)
    widget = DashboardWidget(db, world.sprint_id)
    qtbot.addWidget(widget)
    widget.show()
    assert _tile(widget, "confirmed") == "0"
    assessed_line, bars = widget.burn_up.assessed, widget.countries.bars
    seen = current_version(db)

    other_desktop = Database(db_url)
    try:
        review.confirm_countries(other_desktop, "cora", series_id, ["PT"])
    finally:
        other_desktop.dispose()

    widget.apply_changes(changes_since(db, seen))
    qtbot.waitUntil(lambda: _tile(widget, "confirmed") == "1", timeout=3000)
    assert _tile(widget, "countries_with_confirmed") == "1"
    assert widget.countries.categories.categories() == ["Portugal"]
    assert widget.burn_up.confirmed.at(widget.burn_up.confirmed.count() - 1).y() == 1
    # Updated in place: the same series objects carry the new numbers (no rebuilt chart).
    assert widget.burn_up.assessed is assessed_line and widget.countries.bars is bars
    assert widget.countries.series.barSets() == [bars]


def test_renewals_alone_do_not_refresh(qtbot: QtBot, db: Database) -> None:
    world = build_world(db, series=1)
    widget = DashboardWidget(db, world.sprint_id)
    qtbot.addWidget(widget)
    seen = current_version(db)
    claims.claim_series(db, "anna", world.series_ids[0])
    renewal = [e for e in claims.renew_claim(db, "anna", world.series_ids[0]).changes.events]
    widget.apply_changes(renewal)
    assert not widget._pending.isActive()
    widget.apply_changes(changes_since(db, seen))
    qtbot.waitUntil(lambda: _tile(widget, "claimed") == "1", timeout=3000)


def test_export_button_writes_the_report_off_the_gui_thread(qtbot: QtBot, db: Database,
                                                            tmp_path: Path) -> None:
    world = worked_sprint(db)
    widget = DashboardWidget(db, world.sprint_id)
    qtbot.addWidget(widget)
    target = tmp_path / "summary.pdf"
    with qtbot.waitSignal(widget.reportExported, timeout=20_000) as signal:
        widget.export_report(target)
        assert not widget.export_button.isEnabled()  # busy while the worker runs
    assert signal.args == [str(target)]
    assert target.read_bytes().startswith(b"%PDF")
    assert widget.export_button.isEnabled()


def test_export_failure_is_reported_as_a_sentence(qtbot: QtBot, db: Database,
                                                  tmp_path: Path) -> None:
    world = build_world(db, series=1)
    widget = DashboardWidget(db, world.sprint_id)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.reportFailed, timeout=20_000) as signal:
        widget.export_report(tmp_path / "missing" / "r.pdf")
    assert "Cannot write" in signal.args[0]
