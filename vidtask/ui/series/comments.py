"""Comment thread of a series: anyone may comment, no claim needed.

Signals: ``postRequested(str)`` — the text to post (the workspace writes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vidtask.services.series_detail import CommentInfo
from vidtask.ui.common import local_time, name_widget
from vidtask.ui.offline_saves import SAVED_LOCALLY


class CommentsPane(QWidget):
    postRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thread_view = QTextBrowser()
        name_widget(self.thread_view, "commentThread", "Comments")
        self.box = QPlainTextEdit()
        name_widget(self.box, "commentBox", "Write a comment")
        self.box.setPlaceholderText("Write a comment… (Ctrl+Enter posts)")
        self.box.setTabChangesFocus(True)
        self.box.setMaximumHeight(90)
        self.post_button = QPushButton("Post comment")
        name_widget(self.post_button, "postCommentButton", "Post comment (Ctrl+Enter)")
        self.post_button.clicked.connect(self.post)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(self.post_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.thread_view, 1)
        layout.addLayout(row)
        self.show_comments(())

    def post(self) -> None:
        text = self.box.toPlainText().strip()
        if text:
            self.postRequested.emit(text)

    def posted(self) -> None:
        self.box.clear()

    def show_comments(self, comments: Sequence[CommentInfo], waiting: Sequence[str] = ()
                      ) -> None:
        """The thread; `waiting` are comments kept on this computer until the database is back."""
        if not comments and not waiting:
            self.thread_view.setHtml("<p><i>No comments yet. Ask a question or leave a note "
                                     "for the next specialist below.</i></p>")
            return
        parts = [f"<p><b>{escape(c.author_name)}</b> <small>({escape(c.author)}, "
                 f"{local_time(c.created_at)})</small><br>"
                 f"{escape(c.body).replace(chr(10), '<br>')}</p>" for c in comments]
        parts += [f"<p><i>{SAVED_LOCALLY}:</i><br>{escape(body).replace(chr(10), '<br>')}</p>"
                  for body in waiting]
        self.thread_view.setHtml("".join(parts))
        bar = self.thread_view.verticalScrollBar()
        bar.setValue(bar.maximum())
