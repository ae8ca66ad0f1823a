"""Read a binary stream as bounded UTF-8 lines for the line-based formats (ICSE CSV, hash lists).

Lines are read with a size limit so a hostile file of one endless line cannot fill memory; the
encoding is checked up front so a UTF-16 or Latin-1 file fails with a sentence, not a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from vidtask.domain.media import ImportFormatError

DEFAULT_MAX_LINE_BYTES = 1 << 20


def text_lines(
    stream: IO[bytes], *, what: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[str]:
    """Yield the stream's lines as text without line ends; line n is the n-th item (from 1).

    ``what`` names the format in error messages ("ICSE CSV files").
    """
    line_no = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not isinstance(raw, bytes | bytearray):
            raise TypeError("the reader needs a binary stream (open the file with 'rb')")
        if not raw:
            if line_no == 0:
                raise ImportFormatError("the file is empty")
            return
        line_no += 1
        if len(raw) > max_line_bytes:
            raise ImportFormatError(
                f"a line is longer than {max_line_bytes:,} bytes; the file is damaged or hostile",
                line=line_no,
            )
        if line_no == 1:
            raw = _check_start(bytes(raw), what)
        if b"\x00" in raw:
            raise ImportFormatError("the file holds binary data, not text", line=line_no)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFormatError(
                f"the text is not UTF-8 (perhaps Latin-1 or Windows-1252); {what} must be UTF-8",
                line=line_no,
            ) from None
        yield text.rstrip("\r\n")


def _check_start(raw: bytes, what: str) -> bytes:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ImportFormatError(f"the file is UTF-32 encoded; {what} must be UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(raw) >= 4 and ((raw[1] == 0 and raw[3] == 0) or (raw[0] == 0 and raw[2] == 0))
    ):
        raise ImportFormatError(
            f"the file is UTF-16 encoded; {what} must be UTF-8 (re-export or convert it)"
        )
    return raw.removeprefix(b"\xef\xbb\xbf")
