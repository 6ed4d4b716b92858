"""Photos lose every piece of metadata (EXIF, GPS, XMP, comments) before they are stored (acceptance 2)."""

import io

import pytest
from PIL import Image

from rathaus.reports import services
from rathaus.reports.photos import PhotoRefused, photo_clean
from rathaus.reports.tests.conftest import jpeg_with_gps

METADATA_MARKERS = (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"xmpmeta", b"Beispielkamera", b"secret comment")


def assert_without_metadata(data: bytes) -> None:
    for marker in METADATA_MARKERS:
        assert marker not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.getexif().get_ifd(0x8825) == {}
        assert "exif" not in image.info
        assert "xmp" not in image.info
        assert "comment" not in image.info


def test_the_test_photo_really_carries_exif_gps_and_xmp():
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(0x8825)[1] == "N"
        assert "xmp" in image.info
    assert b"secret comment" in data


def test_cleaning_removes_exif_gps_xmp_and_comments_and_resizes():
    clean = photo_clean(jpeg_with_gps())

    assert (clean.width, clean.height) == (1600, 1200)
    assert_without_metadata(clean.image)
    assert_without_metadata(clean.thumbnail)
    with Image.open(io.BytesIO(clean.thumbnail)) as thumbnail:
        assert max(thumbnail.size) == 400


@pytest.mark.django_db
def test_stored_and_public_photo_files_have_no_metadata(esslingen, road_damage, esslingen_client):
    report = services.report_create(
        municipality=esslingen,
        category=road_damage,
        description="Schlagloch",
        lat=48.742,
        lon=9.308,
        photos=[photo_clean(jpeg_with_gps())],
        needs_confirmation=False,
    )
    photo = report.photos.get()
    with photo.image.open("rb") as stored:
        assert_without_metadata(stored.read())
    with photo.thumbnail.open("rb") as stored:
        assert_without_metadata(stored.read())

    for name in ("reports:photo", "reports:photo_thumbnail"):
        from django.urls import reverse

        response = esslingen_client.get(reverse(name, args=[report.pk, photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert_without_metadata(b"".join(response.streaming_content))


def test_a_file_that_is_not_a_photo_is_refused():
    with pytest.raises(PhotoRefused, match="kein lesbares Foto"):
        photo_clean(b"%PDF-1.7 not an image")


def test_a_gif_is_refused_with_the_formats_named():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(PhotoRefused, match="JPEG, PNG oder WebP"):
        photo_clean(buffer.getvalue())


def test_a_transparent_png_becomes_a_jpeg_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    clean = photo_clean(buffer.getvalue())
    with Image.open(io.BytesIO(clean.image)) as image:
        assert image.format == "JPEG"
        assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


def mpo_with_gps() -> bytes:
    """A multi-picture JPEG (MPO) as phones write it: a red photo, a blue second frame, EXIF with GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Beispielkamera"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 44.0, 30.0)
    first = Image.new("RGB", (800, 600), (200, 20, 20))
    second = Image.new("RGB", (800, 600), (20, 20, 200))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second], exif=exif.tobytes())
    return buffer.getvalue()


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_its_first_frame_without_metadata():
    data = mpo_with_gps()
    with Image.open(io.BytesIO(data)) as original:
        assert original.format == "MPO"
        assert original.n_frames == 2

    clean = photo_clean(data)

    assert_without_metadata(clean.image)
    with Image.open(io.BytesIO(clean.image)) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
        red, _green, blue = image.convert("RGB").getpixel((400, 300))
        assert red > 150 > blue
