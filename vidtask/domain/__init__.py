"""vidtask.domain package."""
