"""Appeal crops made safe to publish: decoded, re-encoded from pixels alone, metadata gone.

A crop for Trace an Object starts as a file cut from a series' background. Its metadata can
betray what the public must never learn (GPS position in EXIF, camera serials, XMP edit
history naming a case folder, an ICC profile or a comment naming the unit, an EXIF thumbnail
showing the uncropped frame). So the file is never kept: `sanitise_crop` accepts PNG or JPEG
only, decodes it (orientation applied), rebuilds the image from its pixels alone, caps the
longest side, re-encodes it in the same format without any metadata block, and then checks its
own output segment by segment (`metadata_blocks`) before handing it back. Files that are too
large, too many pixels (decompression bombs), truncated or of another type are refused with one
sentence.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from vidtask.domain.errors import InvalidInput

ACCEPTED = {"PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
#: The input file (the original is read into memory once, then dropped).
MAX_INPUT_BYTES = 30 * 1024 * 1024
#: Decoded pixels accepted (a 10,000 x 5,000 photo); beyond, a file may be a decompression bomb.
MAX_INPUT_PIXELS = 50_000_000
#: The published crop's longest side, in pixels.
LONGEST_SIDE = 1600
#: The stored crop's size; larger results are scaled down until they fit.
MAX_CROP_BYTES = 1_500_000
JPEG_QUALITY = 88
#: JPEG markers the encoder writes that carry image data or its tables, never metadata.
_JPEG_DATA_MARKERS = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA}
#: PNG chunks that hold the image itself; everything else (tEXt, iTXt, zTXt, eXIf, iCCP, tIME,
#: pHYs …) is metadata.
_PNG_DATA_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


class CropRejected(InvalidInput):
    def __init__(self, reason: str) -> None:
        super().__init__("crop", reason)


@dataclass(frozen=True, slots=True)
class SanitisedCrop:
    data: bytes
    mime: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime]


def sanitise_crop(data: bytes, *, longest_side: int = LONGEST_SIDE,
                  max_bytes: int = MAX_CROP_BYTES) -> SanitisedCrop:
    """The crop to store and publish, from the bytes of a PNG or JPEG file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_INPUT_BYTES:
        raise CropRejected(f"the file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise CropRejected("only PNG and JPEG files can be published")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data), formats=tuple(ACCEPTED))
            if image.width * image.height > MAX_INPUT_PIXELS:
                raise CropRejected(f"the image has more than {MAX_INPUT_PIXELS:,} pixels")
            mime = ACCEPTED[str(image.format)]
            image.load()
            image = ImageOps.exif_transpose(image)  # upright as the camera meant it
        except CropRejected:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError,
                Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as exc:
            raise CropRejected(f"the file cannot be read as an image ({_short(exc)})") from None
    pixels = _pixels_only(image, mime)
    crop = _encode_fitting(pixels, mime, longest_side, max_bytes)
    found = metadata_blocks(crop.data)
    if found:  # never expected: the encoder was given no metadata
        raise CropRejected(f"re-encoding left metadata in the crop ({', '.join(found)})")
    return crop


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120] or type(exc).__name__


def _pixels_only(image: object, mime: str) -> object:
    """A new image holding the decoded pixels and nothing else (no `info`, no palette tricks)."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    mode = image.mode
    if mime == "image/jpeg":
        target = "L" if mode in ("1", "L", "I", "I;16", "F") else "RGB"
    elif mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        target = "RGBA"
    elif mode in ("1", "L", "I", "I;16", "F"):
        target = "L"
    else:
        target = "RGB"
    converted = image if mode == target else image.convert(target)
    return Image.frombytes(target, converted.size, converted.tobytes())


def _encode_fitting(pixels: object, mime: str, longest_side: int,
                    max_bytes: int) -> SanitisedCrop:
    from PIL import Image

    assert isinstance(pixels, Image.Image)
    side = min(longest_side, max(pixels.size))
    while True:
        image = pixels.copy()
        image.info.clear()
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if mime == "image/png":
            image.save(buffer, "PNG", optimize=True)
        else:
            image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        data = buffer.getvalue()
        if len(data) <= max_bytes or side <= 64:
            if len(data) > max_bytes:
                raise CropRejected("the crop cannot be made small enough to publish")
            return SanitisedCrop(data, mime, image.width, image.height)
        side = int(side * 0.8)


def metadata_blocks(data: bytes) -> list[str]:
    """Every metadata block in a PNG or JPEG file, by name ("APP1 Exif", "COM", "tEXt" …)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return [name.decode("latin-1") for name, _body in png_chunks(data)
                if name not in _PNG_DATA_CHUNKS]
    if data.startswith(b"\xff\xd8"):
        found = []
        for marker, body in jpeg_segments(data):
            if marker in _JPEG_DATA_MARKERS or 0xD0 <= marker <= 0xD9:
                continue
            if marker == 0xE0 and _plain_jfif(body):
                continue  # JFIF: version and pixel density, no thumbnail
            found.append(_segment_name(marker, body))
        return found
    return ["unknown format"]


def _plain_jfif(body: bytes) -> bool:
    # "JFIF\0", version (2), units (1), density (4), thumbnail width and height (2): both 0
    return body.startswith(b"JFIF\x00") and len(body) == 14 and body[12:14] == b"\x00\x00"


def _segment_name(marker: int, body: bytes) -> str:
    if marker == 0xFE:
        return "COM"
    if 0xE0 <= marker <= 0xEF:
        tag = body.split(b"\x00", 1)[0][:30].decode("latin-1", "replace")
        return f"APP{marker - 0xE0} {tag}".strip()
    return f"marker 0x{marker:02X}"


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data (and the markers after it)."""
    segments: list[tuple[int, bytes]] = []
    at = 2  # after SOI
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError(f"no JPEG marker at byte {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            segments.append((marker, b""))
            break
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        body = data[at + 4:at + 2 + length]
        segments.append((marker, body))
        at += 2 + length
        if marker == 0xDA:  # entropy-coded data: skip to the next marker that is not RST/stuff
            while at + 1 < len(data):
                if data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                at += 1
    return segments


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks: list[tuple[bytes, bytes]] = []
    at = 8
    while at + 8 <= len(data):
        length, name = struct.unpack(">I4s", data[at:at + 8])
        chunks.append((name, data[at + 8:at + 8 + length]))
        at += 12 + length
        if name == b"IEND":
            break
    return chunks
