"""Locate files in the top-level ``resources/`` folder that ships beside the ``vidtask`` package.

The folder sits next to the package in a source checkout or an editable install; that is the only
layout supported for now.
"""

from __future__ import annotations

from pathlib import Path

import vidtask

# vidtask/__init__.py -> vidtask/ -> checkout root, which holds resources/.
RESOURCES_ROOT = Path(vidtask.__file__).resolve().parent.parent / "resources"


class ResourceMissing(FileNotFoundError):
    """A file expected under ``resources/`` is not there."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"vidtask resource not found: {path} (is resources/ next to vidtask/?)")
        self.path = path


def resource_path(*parts: str) -> Path:
    """Return the path of ``resources/<parts...>``, raising ResourceMissing if it does not exist."""
    path = RESOURCES_ROOT.joinpath(*parts)
    if not path.exists():
        raise ResourceMissing(path)
    return path
