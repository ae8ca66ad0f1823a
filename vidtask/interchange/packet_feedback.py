"""Read a country's feedback file: the `feedback` block of packet.json, filled in and returned.

Accepts the whole packet.json or just `{"schema_version", "feedback": {...}}`. Booleans may come
as true/false, "yes"/"no" or "true"/"false" strings (never trust `bool("false")`).
The file comes from outside: its size and nesting depth are bounded before `json` sees it, so a
hostile file gives one sentence, never a RecursionError or a memory spike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from vidtask.domain.errors import VidtaskError


class FeedbackFormatError(VidtaskError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"Feedback file, {where}: {reason}.")


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    series_code: str
    victim_identified: bool | None
    victim_safeguarded: bool | None
    offender_identified: bool | None
    icse_updated: bool | None
    reported_on: date | None
    text: str

    @property
    def is_empty(self) -> bool:
        return (self.victim_identified is None and self.victim_safeguarded is None
                and self.offender_identified is None and self.icse_updated is None
                and not self.text)


@dataclass(frozen=True, slots=True)
class FeedbackDocument:
    packet_code: str
    country: str
    entries: tuple[FeedbackEntry, ...]


MAX_FEEDBACK_BYTES = 64 << 20  # a whole packet.json of a large packet fits
MAX_DEPTH = 32  # a packet.json nests 5 levels deep
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_depth(data: bytes, limit: int = MAX_DEPTH) -> int:
    """Deepest [ / { nesting outside strings; stops counting once past `limit`."""
    skeleton = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    depth = deepest = 0
    for byte in skeleton:
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _flag(value: Any, where: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FeedbackFormatError(where, f"{value!r} is not yes/no")


def parse_feedback(data: bytes) -> FeedbackDocument:
    if len(data) > MAX_FEEDBACK_BYTES:
        raise FeedbackFormatError("top level", f"{len(data):,} bytes is more than a feedback "
                                               f"file holds ({MAX_FEEDBACK_BYTES:,})")
    if nesting_depth(data) > MAX_DEPTH:
        raise FeedbackFormatError("top level", f"nested more than {MAX_DEPTH} levels deep; "
                                               "this is not a packet's feedback block")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedbackFormatError("top level", f"not JSON ({exc})") from None
    except RecursionError:  # belt and braces: the depth check above should make this unreachable
        raise FeedbackFormatError("top level", "nested too deeply") from None
    if not isinstance(document, dict) or not isinstance(document.get("feedback"), dict):
        raise FeedbackFormatError("top level", "no 'feedback' block")
    block = document["feedback"]
    packet_code = str(block.get("packet_code") or "").strip()
    country = str(block.get("country") or "").strip().upper()
    if not packet_code:
        raise FeedbackFormatError("feedback", "'packet_code' is missing")
    entries = []
    for index, item in enumerate(block.get("series") or [], 1):
        where = f"series entry {index}"
        if not isinstance(item, dict) or not str(item.get("series_code") or "").strip():
            raise FeedbackFormatError(where, "needs a 'series_code'")
        reported = item.get("reported_on")
        try:
            reported_on = date.fromisoformat(str(reported)) if reported else None
        except ValueError:
            raise FeedbackFormatError(where, f"date {reported!r} is not YYYY-MM-DD") from None
        entries.append(FeedbackEntry(
            str(item["series_code"]).strip(), _flag(item.get("victim_identified"), where),
            _flag(item.get("victim_safeguarded"), where),
            _flag(item.get("offender_identified"), where),
            _flag(item.get("icse_updated"), where), reported_on,
            str(item.get("text") or "").strip()))
    return FeedbackDocument(packet_code, country, tuple(entries))
