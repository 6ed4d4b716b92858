"""Upload test files, generated at runtime so that no binary fixtures live in the repository."""

import io
import random

from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from pypdf import PdfWriter

GPS_LATITUDE = (48.0, 44.0, 30.0)
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,44.5N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
JPEG_COMMENT = b"Aufgenommen in der Pliensaustrasse 12"
PNG_TEXT = "Erika Mustermann, Pliensaustrasse 12"


def _encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _noisy_image(width: int, height: int, mode: str = "RGB") -> Image.Image:
    # Noise does not compress, so the encoded file has enough bytes to cut off meaningfully.
    generator = random.Random(2026)
    return Image.frombytes(mode, (width, height), generator.randbytes(width * height * len(mode)))


def _exif_with_gps(orientation: int | None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Beispielkamera"
    exif[ExifTags.Base.Model] = "Modell 7"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 18.0, 36.0)
    return exif


def jpeg_photo(width: int = 20, height: int = 10) -> bytes:
    """A plain JPEG without metadata."""
    return _encoded(Image.new("RGB", (width, height), (200, 40, 40)), "JPEG")


def jpeg_with_gps_exif(width: int = 20, height: int = 10, orientation: int | None = None) -> bytes:
    """A phone-style photo: EXIF with camera and GPS position, an XMP packet and a comment.

    The left half is red and the right half blue, so a rotation can be seen in the pixels.
    """
    image = Image.new("RGB", (width, height), (220, 0, 0))
    image.paste((0, 0, 220), (width // 2, 0, width, height))
    return _encoded(image, "JPEG", exif=_exif_with_gps(orientation), xmp=XMP_PACKET, comment=JPEG_COMMENT, quality=95)


def jpeg_with_icc_profile() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _encoded(Image.new("RGB", (16, 16), (10, 120, 10)), "JPEG", icc_profile=profile)


def cmyk_jpeg() -> bytes:
    return _encoded(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")


def png_with_text_and_exif() -> bytes:
    """A PNG with tEXt, iTXt and eXIf chunks holding personal data."""
    text_chunks = PngImagePlugin.PngInfo()
    text_chunks.add_text("Author", PNG_TEXT)
    text_chunks.add_itxt("Description", "Wohnung von " + PNG_TEXT, lang="de")
    image = Image.new("RGBA", (12, 8), (0, 128, 255, 200))
    return _encoded(image, "PNG", pnginfo=text_chunks, exif=_exif_with_gps(orientation=None))


def png_picture() -> bytes:
    return _encoded(Image.new("RGB", (12, 8), (0, 128, 255)), "PNG")


def palette_png_with_transparency() -> bytes:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    return _encoded(image, "PNG", transparency=0)


def png_with_too_many_pixels() -> bytes:
    """60 megapixels, but only a few kilobytes: a one-bit picture of a single colour compresses well."""
    return _encoded(Image.new("1", (10_000, 6_000)), "PNG")


def small_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="geheim", owner_password="noch-geheimer", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_pdf() -> bytes:
    """Starts like a PDF (so libmagic says application/pdf) but holds no readable structure."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + random.Random(7).randbytes(4000)


def truncated_jpeg() -> bytes:
    """A JPEG cut off halfway through its picture data, as after an interrupted transfer."""
    complete = _encoded(_noisy_image(64, 64), "JPEG", quality=95)
    return complete[: len(complete) // 2]


def html_page() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html lang='de'><head><title>Rechnung</title></head>"
        b"<body><script>document.location='https://example.invalid/'</script></body></html>\n"
    )


def elf_executable() -> bytes:
    """The header of a 64-bit Linux program, enough for libmagic to recognise it."""
    identification = b"\x7fELF\x02\x01\x01\x00" + bytes(8)
    header_rest = b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(40)
    return identification + header_rest + bytes(256)


def windows_executable() -> bytes:
    """A DOS stub pointing to a PE header, enough for libmagic to recognise a Windows program."""
    dos_header = b"MZ\x90\x00\x03" + bytes(55) + (0x80).to_bytes(4, "little")
    padding = bytes(0x80 - len(dos_header))
    return dos_header + padding + b"PE\x00\x00\x4c\x01" + bytes(200)


def jpeg_padded_to(total_size: int) -> bytes:
    """A valid JPEG grown to exactly ``total_size`` bytes with data after its end marker."""
    picture = jpeg_photo()
    return picture + bytes(total_size - len(picture))
