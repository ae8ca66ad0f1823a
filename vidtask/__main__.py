"""`python -m vidtask` runs the same entry point as the `vidtask` command."""

from vidtask.launcher import main

raise SystemExit(main())
