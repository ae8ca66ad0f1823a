"""vidtask: a desktop tool for victim-identification taskforce sprints."""

__version__ = "0.1.0"
