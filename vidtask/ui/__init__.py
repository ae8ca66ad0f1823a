"""vidtask.ui package."""
