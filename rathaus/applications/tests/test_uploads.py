import hashlib
import io

import pytest
from PIL import ExifTags, Image

from rathaus.applications.tests import upload_samples
from rathaus.applications.uploads import (
    KIND_LABELS,
    UploadRefused,
    accepted_kinds_text,
    upload_check,
)

ALL_KINDS = ["pdf", "jpeg", "png"]
MEGABYTE = 1024 * 1024


def _check(name, data, accept=ALL_KINDS, max_size_mb=10):
    return upload_check(name=name, data=data, accept=accept, max_size_mb=max_size_mb)


def _refusal(name, data, accept=ALL_KINDS, max_size_mb=10):
    with pytest.raises(UploadRefused) as caught:
        _check(name, data, accept=accept, max_size_mb=max_size_mb)
    return caught.value


def _stored_image(upload):
    return Image.open(io.BytesIO(upload.content))


# Accepted files


def test_a_valid_pdf_is_accepted_and_stored_byte_for_byte():
    data = upload_samples.small_pdf(pages=2)

    upload = _check("Mietvertrag.pdf", data)

    assert upload.content == data
    assert upload.kind == "pdf"
    assert upload.content_type == "application/pdf"
    assert upload.file_name == "Mietvertrag.pdf"
    assert upload.size == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_a_valid_jpeg_is_accepted_as_a_jpeg_picture():
    upload = _check("Foto.jpeg", upload_samples.jpeg_photo())

    assert upload.kind == "jpeg"
    assert upload.content_type == "image/jpeg"
    assert upload.file_name == "Foto.jpg"
    assert _stored_image(upload).format == "JPEG"


def test_a_valid_png_is_accepted_as_a_png_picture():
    upload = _check("Grundriss.png", upload_samples.png_picture())

    assert upload.kind == "png"
    assert upload.content_type == "image/png"
    assert upload.file_name == "Grundriss.png"
    assert _stored_image(upload).size == (12, 8)


def test_size_and_checksum_describe_the_stored_content_not_the_upload():
    upload = _check("Foto.jpg", upload_samples.jpeg_with_gps_exif())

    assert upload.size == len(upload.content)
    assert upload.sha256 == hashlib.sha256(upload.content).hexdigest()


def test_a_file_without_extension_is_accepted_by_its_content():
    upload = _check("Personalausweis", upload_samples.small_pdf())

    assert upload.kind == "pdf"
    assert upload.file_name == "Personalausweis.pdf"


def test_a_name_with_dots_but_no_extension_keeps_its_dots():
    upload = _check("Scan 03.05.2024", upload_samples.small_pdf())

    assert upload.file_name == "Scan 03.05.2024.pdf"


def test_an_upper_case_extension_matches_its_content():
    assert _check("FOTO.JPG", upload_samples.jpeg_photo()).file_name == "FOTO.jpg"


def test_a_file_exactly_at_the_size_limit_is_accepted():
    upload = _check("Foto.jpg", upload_samples.jpeg_padded_to(MEGABYTE), max_size_mb=1)

    assert upload.kind == "jpeg"


# Metadata removal


def test_a_jpeg_with_gps_exif_is_stored_without_any_exif():
    original = upload_samples.jpeg_with_gps_exif()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    upload = _check("Foto.jpg", original)

    stored = _stored_image(upload)
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif\x00\x00" not in upload.content


def test_a_jpeg_loses_its_xmp_packet_and_comment():
    upload = _check("Foto.jpg", upload_samples.jpeg_with_gps_exif())

    assert b"adobe:ns:meta" not in upload.content
    assert upload_samples.JPEG_COMMENT not in upload.content
    assert "comment" not in _stored_image(upload).info


def test_the_exif_orientation_is_applied_before_the_exif_is_removed():
    upload = _check("Hochformat.jpg", upload_samples.jpeg_with_gps_exif(width=20, height=10, orientation=6))

    stored = _stored_image(upload).convert("RGB")
    assert stored.size == (10, 20)
    # The red left half of the sensor image is on top once the picture stands upright.
    top_red, _top_green, top_blue = stored.getpixel((5, 2))
    assert top_red > 150 > top_blue


def test_a_png_loses_its_text_and_exif_chunks():
    original = upload_samples.png_with_text_and_exif()
    assert upload_samples.PNG_TEXT.encode() in original

    upload = _check("Skizze.png", original)

    stored = _stored_image(upload)
    assert stored.text == {}
    assert not stored.getexif()
    for chunk_type in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
        assert chunk_type not in upload.content
    assert stored.mode == "RGBA"


def test_a_colour_profile_is_kept_because_it_is_not_personal():
    upload = _check("Farbe.jpg", upload_samples.jpeg_with_icc_profile())

    assert _stored_image(upload).info.get("icc_profile")


def test_a_cmyk_jpeg_is_stored_as_rgb():
    assert _stored_image(_check("Druck.jpg", upload_samples.cmyk_jpeg())).mode == "RGB"


def test_a_palette_png_keeps_its_transparent_parts():
    stored = _stored_image(_check("Logo.png", upload_samples.palette_png_with_transparency()))

    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0)) == (255, 0, 0, 255)


# Safe file names


def test_the_stored_name_drops_the_path_the_browser_sent():
    upload = _check("C:\\Users\\erika\\Desktop\\Antrag.pdf", upload_samples.small_pdf())

    assert upload.file_name == "Antrag.pdf"


def test_the_stored_name_drops_control_and_direction_characters():
    upload = _check("Rech\x00nung\u202egdp.pdf", upload_samples.small_pdf())

    assert upload.file_name == "Rechnunggdp.pdf"


def test_the_stored_name_is_shortened_to_a_hundred_characters_plus_extension():
    upload = _check("A" * 300 + ".pdf", upload_samples.small_pdf())

    assert upload.file_name == "A" * 100 + ".pdf"


def test_a_name_without_usable_characters_gets_a_neutral_name():
    assert _check("../.pdf", upload_samples.small_pdf()).file_name == "Dokument.pdf"


# Refusals


def test_an_empty_file_is_refused():
    refusal = _refusal("Leer.pdf", b"")

    assert "„Leer.pdf“ ist leer" in str(refusal)
    assert refusal.reason == "empty"


def test_a_file_over_the_limit_is_refused_naming_the_limit_in_megabytes():
    refusal = _refusal("Foto.jpg", upload_samples.jpeg_padded_to(MEGABYTE + 1), max_size_mb=1)

    assert "„Foto.jpg“ ist zu groß (1,1 MB)" in str(refusal)
    assert "höchstens 1 MB" in str(refusal)
    assert refusal.reason == "too_large"


def test_a_fractional_limit_is_written_with_a_decimal_comma():
    refusal = _refusal("Foto.jpg", upload_samples.jpeg_padded_to(MEGABYTE), max_size_mb=0.5)

    assert "höchstens 0,5 MB" in str(refusal)


def test_a_png_is_refused_where_only_pdf_is_accepted():
    refusal = _refusal("Foto.png", upload_samples.png_picture(), accept=["pdf"])

    assert "„Foto.png“ hat ein Format, das hier nicht angenommen wird" in str(refusal)
    assert "im Format PDF hoch" in str(refusal)
    assert refusal.reason == "kind_not_accepted"


def test_an_unknown_format_is_refused_naming_all_accepted_kinds():
    refusal = _refusal("Notiz.txt", b"Nur ein bisschen Text.\n")

    assert "im Format PDF, JPEG oder PNG hoch" in str(refusal)


def test_a_corrupt_jpeg_is_refused_as_damaged():
    refusal = _refusal("Foto.jpg", upload_samples.truncated_jpeg())

    assert "„Foto.jpg“ ist beschädigt oder unvollständig" in str(refusal)
    assert refusal.reason == "damaged"


def test_a_corrupt_pdf_is_refused_as_damaged():
    refusal = _refusal("Bescheid.pdf", upload_samples.corrupt_pdf())

    assert "„Bescheid.pdf“ ist beschädigt oder unvollständig" in str(refusal)
    assert refusal.reason == "damaged"


def test_an_encrypted_pdf_is_refused_because_case_workers_cannot_open_it():
    refusal = _refusal("Kontoauszug.pdf", upload_samples.encrypted_pdf())

    assert "„Kontoauszug.pdf“ ist mit einem Kennwort geschützt" in str(refusal)
    assert refusal.reason == "encrypted"


@pytest.mark.parametrize(
    "data",
    [upload_samples.html_page(), upload_samples.elf_executable(), upload_samples.windows_executable()],
    ids=["html", "elf", "windows-exe"],
)
def test_a_web_page_or_program_named_pdf_is_refused_as_mismatching_its_extension(data):
    refusal = _refusal("rechnung.pdf", data)

    assert "Der Inhalt der Datei passt nicht zu ihrer Endung" in str(refusal)
    assert "„rechnung.pdf“ ist keine echte PDF-Datei" in str(refusal)
    assert refusal.reason == "extension_mismatch"


def test_a_png_named_jpg_is_refused_even_though_png_is_accepted():
    refusal = _refusal("Foto.jpg", upload_samples.png_picture(), accept=["jpeg", "png"])

    assert "Der Inhalt der Datei passt nicht zu ihrer Endung" in str(refusal)
    assert "keine echte JPEG-Datei" in str(refusal)


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    refusal = _refusal("Panorama.png", upload_samples.png_with_too_many_pixels())

    assert "„Panorama.png“ hat zu viele Bildpunkte" in str(refusal)
    assert "höchstens 50 Megapixel" in str(refusal)
    assert refusal.reason == "too_many_pixels"


def test_a_message_shows_the_file_name_without_its_path():
    refusal = _refusal("/home/erika/Leer.pdf", b"")

    assert "„Leer.pdf“" in str(refusal)
    assert "/home" not in str(refusal)


def test_an_unknown_kind_in_the_form_definition_is_a_programming_error():
    with pytest.raises(ValueError, match="accept"):
        _check("Antrag.pdf", upload_samples.small_pdf(), accept=["docx"])


# Hints


def test_accepted_kinds_read_as_a_german_list_in_a_fixed_order():
    assert accepted_kinds_text(["png", "pdf", "jpeg"]) == "PDF, JPEG oder PNG"
    assert accepted_kinds_text(["png", "pdf"]) == "PDF oder PNG"
    assert accepted_kinds_text(["jpeg"]) == KIND_LABELS["jpeg"]
