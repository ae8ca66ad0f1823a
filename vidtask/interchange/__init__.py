"""vidtask.interchange package."""
