"""The public pages in a real browser (Debian's Chromium, headless): an appeal goes from a crop
file with GPS EXIF to a published page that renders, whose images load, and that axe-core finds
no accessibility violation in (WCAG 2.1 A/AA and best practice).

Needs /usr/bin/chromium (Debian package `chromium`), node and `npm install` in tests/web
(`.ci/run` does all three). Missing: the test fails under CI=true and is skipped elsewhere.
`VIDTASK_SCREENS=DIR` keeps the index page's screenshot there.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.worlds.appeals import draft
from tests.worlds.sprint import World
from vidtask.interchange.crops import metadata_blocks
from vidtask.services import appeals

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """The folder over HTTP on loopback (a random port), as a web server would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _require_browser() -> str:
    node = shutil.which("node")
    missing = [what for what, ok in (
        (f"Chromium at {CHROMIUM} (apt-get install chromium)", Path(CHROMIUM).exists()),
        ("node", node is not None),
        ("tests/web/node_modules (npm install in tests/web)",
         (HERE / "node_modules" / "playwright-core").is_dir()
         and (HERE / "node_modules" / "axe-core").is_dir()))
        if not ok]
    if missing:
        message = "browser check needs " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI requires it)")
        pytest.skip(message)
    assert node is not None
    return node


@pytest.mark.parametrize("backend", ["sqlite"])  # the pages do not depend on the backend
def test_published_pages_render_load_their_images_and_pass_axe(world: World,
                                                              tmp_path: Path) -> None:
    node = _require_browser()
    for public, kind, png in (("G19", "shampoo bottle", False), ("G20", "shopping bag", True)):
        draft(world, "cora", public=public, object_type=kind, png=png)
        appeals.approve_appeal(world.db, "cody", public)
    out = tmp_path / "site"
    result = appeals.publish_appeals(world.db, "cody", out,
                                     tip_url="https://tips.example.invalid/form")
    assert result.published_now == ("G19", "G20")
    assert [metadata_blocks(p.read_bytes()) for p in sorted((out / "images").iterdir())] == \
        [[], []]
    shot = tmp_path / "appeal-index.png"
    pages = ["index.html", "objects/G19.html", "objects/G20.html"]
    with _serving(out) as base:
        run = subprocess.run([node, str(HERE / "check_pages.mjs"), base, str(shot), *pages],
                             capture_output=True, text=True, timeout=180, cwd=HERE, check=False,
                             env={**os.environ, "CHROMIUM": CHROMIUM})
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["outside"] == []  # the pages ask nothing of the network
    for page in report["results"]:
        assert page["lang"] == "en" and page["title"], page["page"]
        assert page["images"], page["page"]
        assert all(i["complete"] and i["naturalWidth"] > 0 for i in page["images"]), page
        assert all(i["alt"].startswith("Object G") for i in page["images"])
        assert page["failedRequests"] == [], page["page"]
        assert page["violations"] == [], (page["page"], page["violations"])
        assert page["passes"] > 10  # axe really ran its rules
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("VIDTASK_SCREENS")
    if keep:
        shutil.copy(shot, Path(keep) / "appeal-published-index.png")
