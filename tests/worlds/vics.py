"""Small synthetic VICS documents for tests: every hash is made up, nothing refers to media."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from vidtask.interchange.vics import VicsReader, read_vics
from vidtask.interchange.vics_synth import write_synth_vics

V2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{region}/$metadata#{shape}"
V13 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#{shape}"


def fake_hash(seed: object, algorithm: str = "md5") -> str:
    """A deterministic hex string of the algorithm's length (hash of a label, not of media)."""
    return hashlib.new(algorithm, str(seed).encode()).hexdigest()


def a_media(n: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid VICS 2.0 Media object; keyword arguments override or add keys (None removes)."""
    media: dict[str, Any] = {
        "MediaID": n,
        "Category": 1,
        "MD5": fake_hash(n),
        "SHA1": fake_hash(n, "sha1"),
        "MediaSize": 1000 + n,
        "DateUpdated": "2024-06-14T10:00:00.8300Z",
        "VictimIdentified": False,
        "Series": "Pink wall",
        "MimeType": "image/jpeg",
    }
    for key, value in fields.items():
        if value is None:
            media.pop(key, None)
        else:
            media[key] = value
    return media


def vics_doc(
    *items: Any,
    region: str = "US",
    shape: str = "Media",
    header: str | None = None,
    header_key: str = "@odata.context",
    bom: bool = False,
) -> bytes:
    """A whole VICS document as bytes; ``header=""`` leaves the header out."""
    doc: dict[str, Any] = {}
    context = V2.format(region=region, shape=shape) if header is None else header
    if context:
        doc[header_key] = context
    doc["value"] = list(items)
    return (b"\xef\xbb\xbf" if bom else b"") + json.dumps(doc).encode()


def a_case(n: int, *media: dict[str, Any], **fields: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "CaseID": f"{{00000000-0000-4000-8000-{n:012d}}}",
        "CaseNumber": f"SYN-{n}",
        "ContactOrganization": "Synthetic Unit",
        "SeizureDate": "2024-05-01T00:00:00Z",
        "Media": list(media),
    }
    case.update(fields)
    return case


def read_all(data: bytes, **limits: Any) -> tuple[list[Any], VicsReader]:
    reader = read_vics(io.BytesIO(data), **limits)
    return list(reader), reader


def synth_bytes(n: int, **options: Any) -> bytes:
    out = io.BytesIO()
    write_synth_vics(out, n, **options)
    return out.getvalue()
