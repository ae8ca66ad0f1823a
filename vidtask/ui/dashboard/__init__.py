"""The sprint dashboard tab: headline counts, charts, who is busy, what waits; report export."""

from vidtask.ui.dashboard.widget import DashboardWidget

__all__ = ["DashboardWidget"]
