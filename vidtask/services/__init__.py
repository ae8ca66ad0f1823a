"""vidtask.services package."""
