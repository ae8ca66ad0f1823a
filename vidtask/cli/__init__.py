"""The `vidtask` command line: one module per command group, shared plumbing in `context`.

`main` (from `vidtask.cli.main`) is re-exported so `from vidtask.cli import main` keeps working.
It shadows the submodule's name as an attribute: write `from vidtask.cli.main import X`, not
`import vidtask.cli.main as m`.
"""

from vidtask.cli.main import main

__all__ = ["main"]
