"""Trace an Object in the window: the appeal objects screen and the tip inbox."""

from vidtask.ui.appeals.screen import AppealsScreen
from vidtask.ui.appeals.tip_inbox import TipInbox

__all__ = ["AppealsScreen", "TipInbox"]
