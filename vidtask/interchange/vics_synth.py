"""Generate synthetic VICS JSON (random hashes, invented metadata) for tests and benchmarks.

Nothing here refers to real media: hashes are random bits from a seeded generator. ``messy=True``
sprinkles the traps real files contain (upper-case hashes, string booleans and sizes, list-valued
Series/Tags, repeated MediaIDs, v1.3-style PhotoDNA in AlternativeHashes, unknown keys).
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from typing import IO, Any

from vidtask.interchange.vics_export import VICS2_CONTEXT

_SERIES = ("Pink wall", "Blue curtain", "Garden swing", "Hotel 12", "Yellow sofa")
_MIME = ("image/jpeg", "image/png", "video/mp4")


def synth_media(n: int, *, seed: int = 0, messy: bool = False) -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic VICS Media objects (plain dicts, ready for json.dumps)."""
    rnd = random.Random(seed)
    bits = rnd.getrandbits
    for i in range(n):
        md5 = f"{bits(128):032x}"
        sha1 = f"{bits(160):040x}"
        photodna = base64.b64encode(bits(144 * 8).to_bytes(144, "big")).decode()
        media: dict[str, Any] = {
            "MediaID": i + 1,
            "Category": rnd.randint(0, 4),
            "MD5": md5,
            "SHA1": sha1,
            "MediaSize": rnd.randint(1_000, 20_000_000),
            "DateUpdated": f"2024-06-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
            "IsPrecategorized": bool(i % 2),
            "VictimIdentified": False,
            "OffenderIdentified": False,
            "IsDistributed": bool(i % 3 == 0),
            "Series": _SERIES[i % len(_SERIES)],
            "Tags": "synthetic",
            "Comments": "",
            "RelativeFilePath": f"export/{i // 1000:04d}/{i:08d}.jpg",
            "MimeType": _MIME[i % len(_MIME)],
            "PhotoDNA": photodna,
        }
        if messy:
            trap = i % 7
            if trap == 0:
                media["MD5"] = md5.upper()
                media["SHA1"] = sha1.upper()
            elif trap == 1:
                media["VictimIdentified"] = "false"
                media["IsDistributed"] = "True"
                media["MediaSize"] = str(media["MediaSize"])
            elif trap == 2:
                media["Series"] = [_SERIES[i % len(_SERIES)], "Alias " + str(i % 3)]
                media["Tags"] = ["synthetic", "messy"]
            elif trap == 3:
                media["MediaID"] = max(1, i - 1)  # repeats the previous one
            elif trap == 4:
                del media["PhotoDNA"]
                media["AlternativeHashes"] = [{"HashName": "PhotoDNA", "HashValue": photodna}]
            elif trap == 5:
                media["VendorScore"] = {"tool": "synth", "value": i % 100}
            else:
                media["Exifs"] = [{"MD5": md5, "PropertyName": "Make", "PropertyValue": "Synth"}]
                media["MediaFiles"] = [
                    {"MD5": md5, "FileName": f"{i:08d}.jpg", "FilePath": "C:/synthetic/",
                     "Created": "2020-01-01T00:00:00Z", "Unallocated": False, "Deleted": False}
                ]  # fmt: skip
        yield media


def write_synth_vics(
    stream: IO[bytes],
    n: int,
    *,
    seed: int = 0,
    region: str = "US",
    shape: str = "Media",
    messy: bool = False,
    media_per_case: int = 10_000,
    bom: bool = False,
) -> None:
    """Write a synthetic VICS 2.0 file of ``n`` media to a binary stream, record by record.

    ``shape="Cases"`` spreads the media over cases of ``media_per_case`` each.
    """
    if bom:
        stream.write(b"\xef\xbb\xbf")
    context = VICS2_CONTEXT.format(region=region, shape=shape)
    stream.write(b'{"@odata.context":' + json.dumps(context).encode() + b',"value":[\n')
    media = synth_media(n, seed=seed, messy=messy)
    if shape == "Media":
        for i, item in enumerate(media):
            stream.write((",\n" if i else "").encode() + json.dumps(item).encode())
    else:
        case_no = 0
        for i, item in enumerate(media):
            if i % media_per_case == 0:
                if i:
                    stream.write(b"]},\n")
                case_no += 1
                case = {
                    "CaseID": f"{{{seed:08x}-0000-4000-8000-{case_no:012x}}}",
                    "CaseNumber": f"SYN-{case_no:04d}",
                    "ContactOrganization": "Synthetic Unit",
                    "SeizureDate": "2024-05-01T00:00:00Z",
                    "SourceApplicationName": "vics_synth",
                }
                stream.write(json.dumps(case)[:-1].encode() + b',"Media":[\n')
            else:
                stream.write(b",\n")
            stream.write(json.dumps(item).encode())
        if case_no:
            stream.write(b"]}")
    stream.write(b"\n]}\n")
