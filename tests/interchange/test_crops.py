"""A crop that carried GPS EXIF, XMP, ICC, IPTC, a comment and a thumbnail comes out clean."""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from tests.worlds.crops import (
    SECRET_WORDS,
    jpeg_with_metadata,
    png_with_metadata,
    shapes,
)
from vidtask.interchange import crops
from vidtask.interchange.crops import CropRejected, metadata_blocks, sanitise_crop

PILLOW_METADATA = {"exif", "xmp", "icc_profile", "comment", "photoshop", "XML:com.adobe.xmp",
                   "Author", "Comment", "dpi", "transparency"}


def test_the_synthetic_jpeg_really_carries_what_must_go() -> None:
    data = jpeg_with_metadata()
    image = Image.open(io.BytesIO(data))
    gps = image.getexif().get_ifd(0x8825)
    assert gps[1] == "N" and gps[2] == (52.0, 22.0, 12.34) and gps[3] == "E"
    assert {"exif", "xmp", "icc_profile", "comment", "photoshop"} <= image.info.keys()
    assert metadata_blocks(data) == ["APP1 Exif", "APP1 http://ns.adobe.com/xap/1.0/",
                                     "APP2 ICC_PROFILE", "APP13 Photoshop 3.0", "COM"]
    assert b"\xff\xd8\xff" in data[200:]  # the EXIF thumbnail: a second JPEG inside


@pytest.mark.parametrize("make", [jpeg_with_metadata, png_with_metadata])
def test_every_metadata_block_is_stripped(make) -> None:  # type: ignore[no-untyped-def]
    original = make()
    crop = sanitise_crop(original)
    assert metadata_blocks(crop.data) == []
    assert not [word for word in SECRET_WORDS if word in crop.data]
    assert crop.data.count(b"\xff\xd8\xff") <= 1  # no embedded thumbnail
    image = Image.open(io.BytesIO(crop.data))
    assert not PILLOW_METADATA & image.info.keys() - {"jfif", "jfif_version", "jfif_unit",
                                                      "jfif_density"}
    assert not image.getexif()
    assert image.size == (crop.width, crop.height) == Image.open(io.BytesIO(original)).size
    assert crop.mime == ("image/png" if original.startswith(b"\x89PNG") else "image/jpeg")


def test_the_pixels_survive_and_the_longest_side_is_capped() -> None:
    big = io.BytesIO()
    shapes((4000, 1000)).save(big, "PNG")
    crop = sanitise_crop(big.getvalue())
    assert (crop.width, crop.height) == (crops.LONGEST_SIDE, 400)
    image = Image.open(io.BytesIO(crop.data)).convert("RGB")
    assert image.getpixel((800, 200)) == (250, 250, 250)  # the white label, still there


def test_a_crop_too_large_for_the_limit_is_scaled_down_until_it_fits() -> None:
    noise = Image.effect_noise((500, 500), 100).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    crop = sanitise_crop(buffer.getvalue(), max_bytes=150_000)
    assert len(crop.data) <= 150_000 and crop.width < 500


def test_exif_orientation_is_applied_before_the_exif_goes() -> None:
    image = shapes((300, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    crop = sanitise_crop(buffer.getvalue())
    assert (crop.width, crop.height) == (100, 300)


@pytest.mark.parametrize(("data", "words"), [
    (b"GIF89a" + b"\x00" * 100, "only PNG and JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "only PNG and JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "cannot be read"),
])
def test_other_files_are_refused_in_one_sentence(data: bytes, words: str) -> None:
    with pytest.raises(CropRejected, match=words) as caught:
        sanitise_crop(data)
    assert str(caught.value).startswith("crop: ")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    Image.new("L", (3000, 3000)).save(buffer, "PNG")
    monkeypatch.setattr(crops, "MAX_INPUT_PIXELS", 1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CropRejected, match="more than 1,000,000 pixels"):
            sanitise_crop(buffer.getvalue())
    monkeypatch.setattr(crops, "MAX_INPUT_BYTES", 1000)
    with pytest.raises(CropRejected, match="larger than"):
        sanitise_crop(buffer.getvalue())
