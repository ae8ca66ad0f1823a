"""Small synthetic ICSE CSV files for tests: every hash and PhotoDNA is made up."""

from __future__ import annotations

import base64

from tests.worlds.vics import fake_hash
from vidtask.interchange.icse import ICSE_COLUMNS

HEADER = ";".join(ICSE_COLUMNS)


def photodna_hex(n: int) -> str:
    """288 upper-case hex characters, as ICSE writes a PhotoDNA (made up, not of any image)."""
    return (fake_hash(n, "sha256") * 5)[:288].upper()


def photodna_b64(n: int) -> str:
    return base64.b64encode(bytes.fromhex(photodna_hex(n))).decode()


def icse_row(n: int, **cells: str) -> dict[str, str]:
    row = {c: "" for c in ICSE_COLUMNS}
    row.update(
        {
            "MD5": fake_hash(n).upper(),
            "SHA1": fake_hash(n, "sha1"),
            "PhotoDNA": photodna_hex(n),
            "Image ID": f"IMG-{n}",
            "Is distributed": "Yes",
            "Victim identified": "false",
            "Offender identified": "0",
            "Series name": "Pink wall",
            "Number of submissions": "3",
            "File Available": "True",
            "Media Type": "Image",
            "Baseline": "No",
        }
    )
    row.update(cells)
    return row


def icse_file(
    *rows: dict[str, str],
    columns: tuple[str, ...] = ICSE_COLUMNS,
    eol: str = "\r\n",
    bom: bool = False,
) -> bytes:
    lines = [";".join(columns)] + [";".join(r[c] for c in columns) for r in rows]
    return (b"\xef\xbb\xbf" if bom else b"") + (eol.join(lines) + eol).encode()
