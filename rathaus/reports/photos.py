"""Photos of reports: checked, resized and re-encoded, so that no metadata (EXIF, GPS, XMP, comments) survives."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_EDGE = 1600
THUMBNAIL_EDGE = 400
MAX_PHOTOS = 3
# MPO: the multi-picture JPEGs many phones write (photo plus depth or preview frames); only the first frame is kept.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
# Decompression bombs: refuse images whose pixel count alone would exhaust memory.
MAX_PIXELS = 60_000_000


class PhotoRefused(ValueError):
    """The upload is not a usable photo; the message says why, for the person uploading."""


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image: Image.Image, edge: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # A fresh JPEG written from pixels only: no exif, icc_profile or comment is passed, so none is written.
    copy.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue(), copy.width, copy.height


def photo_clean(data: bytes) -> CleanPhoto:
    """The photo as a JPEG of at most 1600 pixels per side without any metadata, plus a thumbnail."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused(_("Das Foto ist zu groß. Erlaubt sind bis zu 10 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(_("Bitte laden Sie ein Foto im Format JPEG, PNG oder WebP hoch."))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(_("Das Foto hat zu viele Bildpunkte."))
            # Multi-frame files (MPO): the first frame is the photo; the others are not read at all.
            probe.seek(0)
            probe.load()
            # Turn the pixels the way the camera meant them before the orientation tag is thrown away.
            upright = ImageOps.exif_transpose(probe)
            pixels = Image.new("RGB", upright.size, (255, 255, 255))
            if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
                rgba = upright.convert("RGBA")
                pixels.paste(rgba, mask=rgba.getchannel("A"))
            else:
                pixels.paste(upright.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise PhotoRefused(_("Die Datei ist kein lesbares Foto.")) from error
    image, width, height = _encode(pixels, MAX_EDGE)
    thumbnail, _width, _height = _encode(pixels, THUMBNAIL_EDGE)
    return CleanPhoto(image=image, thumbnail=thumbnail, width=width, height=height)
