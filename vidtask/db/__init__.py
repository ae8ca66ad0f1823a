"""vidtask.db package."""
