"""Page furniture that needs the page count: "page N of M", drawn once the document is laid out.

reportlab learns the page count only at the end, so this canvas keeps each page's drawing state
and draws the footers in `save()` (the well-known two-stage canvas pattern; no second layout).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas

#: Draws the footer of page `number` of `total` on the canvas.
Footer = Callable[[Canvas, int, int], None]


def counting_canvas(footer: Footer) -> type[Canvas]:
    """A Canvas class for `doc.build(..., canvasmaker=…)` that calls `footer` on every page."""

    class CountingCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return CountingCanvas
