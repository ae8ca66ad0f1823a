"""Synthetic crop files: generated shapes only, carrying every metadata block a camera or an
editor leaves behind (EXIF with GPS and a thumbnail, XMP, ICC profile, IPTC, a comment)."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, ImageDraw

#: What the metadata says; none of it may reach a stored or published crop.
SECRET_WORDS = (b"VidCam", b"SN-4711-SECRET", b"case-folder-S-001", b"Europol-unit-comment",
                b"iptc-byline-officer")
GPS = ((52, 1), (22, 1), (1234, 100)), ((4, 1), (53, 1), (0, 1))


def shapes(size: tuple[int, int] = (900, 600), mode: str = "RGB") -> Image.Image:
    """A drawn 'shampoo bottle' on a patterned background: no photograph of anything."""
    image = Image.new(mode, size, (235, 225, 200) if mode != "L" else 220)
    draw = ImageDraw.Draw(image)
    width, height = size
    for x in range(0, width, 40):
        draw.line([(x, 0), (x, height)], fill=(200, 190, 170) if mode != "L" else 180, width=3)
    draw.rounded_rectangle([width * 0.35, height * 0.2, width * 0.65, height * 0.9], radius=30,
                           fill=(40, 110, 190) if mode != "L" else 90)
    draw.rectangle([width * 0.45, height * 0.08, width * 0.55, height * 0.2],
                   fill=(230, 60, 60) if mode != "L" else 60)
    draw.ellipse([width * 0.4, height * 0.45, width * 0.6, height * 0.65],
                 fill=(250, 250, 250) if mode != "L" else 250)
    return image


def _rational(pairs: tuple[tuple[int, int], ...]) -> bytes:
    return b"".join(struct.pack("<II", n, d) for n, d in pairs)


def _exif_with_gps_and_thumbnail(thumbnail: bytes) -> bytes:
    """A little-endian TIFF block: IFD0 (make, serial, orientation, GPS pointer), the GPS IFD
    (N 52°22'12.34", E 4°53'), and IFD1 pointing at an embedded JPEG thumbnail."""
    entries0 = 5
    ifd0 = 8
    gps_ifd = ifd0 + 2 + entries0 * 12 + 4
    gps_entries = 4
    ifd1 = gps_ifd + 2 + gps_entries * 12 + 4
    ifd1_entries = 3
    data_at = ifd1 + 2 + ifd1_entries * 12 + 4
    make = b"VidCam\x00\x00"
    serial = b"SN-4711-SECRET\x00\x00"
    lat, lon = _rational(GPS[0]), _rational(GPS[1])
    make_at = data_at
    serial_at = make_at + len(make)
    lat_at = serial_at + len(serial)
    lon_at = lat_at + len(lat)
    thumb_at = lon_at + len(lon)

    def entry(tag: int, kind: int, count: int, value: bytes) -> bytes:
        return struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")

    out = b"II*\x00" + struct.pack("<I", ifd0)
    out += struct.pack("<H", entries0)
    out += entry(0x010F, 2, len(make), struct.pack("<I", make_at))
    out += entry(0x0112, 3, 1, struct.pack("<H", 1))  # orientation: upright
    out += entry(0x0131, 2, 4, b"ed\x00\x00")  # software
    out += entry(0x8825, 4, 1, struct.pack("<I", gps_ifd))
    out += entry(0xA431, 2, len(serial), struct.pack("<I", serial_at))  # body serial number
    out += struct.pack("<I", ifd1)
    out += struct.pack("<H", gps_entries)
    out += entry(0x0001, 2, 2, b"N\x00")
    out += entry(0x0002, 5, 3, struct.pack("<I", lat_at))
    out += entry(0x0003, 2, 2, b"E\x00")
    out += entry(0x0004, 5, 3, struct.pack("<I", lon_at))
    out += struct.pack("<I", 0)
    out += struct.pack("<H", ifd1_entries)
    out += entry(0x0103, 3, 1, struct.pack("<H", 6))
    out += entry(0x0201, 4, 1, struct.pack("<I", thumb_at))
    out += entry(0x0202, 4, 1, struct.pack("<I", len(thumbnail)))
    out += struct.pack("<I", 0)
    assert len(out) == data_at
    return out + make + serial + lat + lon + thumbnail


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


XMP = (b"http://ns.adobe.com/xap/1.0/\x00<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
       b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/"
       b"22-rdf-syntax-ns#'><rdf:Description xmlns:xmpMM='http://ns.adobe.com/xap/1.0/mm/' "
       b"xmpMM:DocumentID='case-folder-S-001'/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>")


def jpeg_with_metadata(size: tuple[int, int] = (900, 600)) -> bytes:
    """A JPEG of shapes with EXIF (GPS, serial, thumbnail), XMP, ICC, IPTC and a comment."""
    thumb = io.BytesIO()
    shapes((160, 120)).save(thumb, "JPEG", quality=70)
    base = io.BytesIO()
    shapes(size).save(base, "JPEG", quality=92)
    body = base.getvalue()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    byline = b"iptc-byline-officer"
    record = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    extra = (_segment(0xE1, b"Exif\x00\x00" + _exif_with_gps_and_thumbnail(thumb.getvalue()))
             + _segment(0xE1, XMP)
             + _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + icc)
             + _segment(0xED, iptc)
             + _segment(0xFE, b"Europol-unit-comment"))
    return body[:2] + extra + body[2:]


def png_with_metadata(size: tuple[int, int] = (700, 500)) -> bytes:
    """A PNG of shapes with text chunks, an eXIf chunk with GPS, an ICC profile, a time."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "iptc-byline-officer")
    info.add_itxt("XML:com.adobe.xmp", XMP.split(b"\x00", 1)[1].decode())
    info.add_text("Comment", "Europol-unit-comment")
    buffer = io.BytesIO()
    exif = _exif_with_gps_and_thumbnail(b"")
    shapes(size, "RGBA").save(buffer, "PNG", pnginfo=info, exif=b"Exif\x00\x00" + exif,
                              icc_profile=ImageCms.ImageCmsProfile(
                                  ImageCms.createProfile("sRGB")).tobytes())
    return buffer.getvalue()
