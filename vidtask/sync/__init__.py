"""vidtask.sync package."""
