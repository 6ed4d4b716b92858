"""Checks on the documents and photos a citizen attaches to an online application.

Every upload is recognised by its content (libmagic), not by the name the browser sends, and is
opened fully once so that a damaged file is refused while the citizen can still send a better one,
not weeks later when a case worker tries to read it. Photos are re-saved without metadata because
phone pictures carry the GPS position of the citizen's home and other data the office must not keep.
"""

import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import magic
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader

KIND_LABELS: dict[str, str] = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
CONTENT_TYPES: dict[str, str] = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

# The first extension of each kind is the one the stored file gets.
KIND_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "png": ("png",),
}

# Well below Pillow's own default (about 89 MP): a 50 MP photo is already more than any phone
# takes, and a decoded image of that size needs about 200 MB of memory.
MAX_IMAGE_PIXELS = 50_000_000
JPEG_QUALITY = 90
MAX_STEM_LENGTH = 100

# Megabytes as the citizen's file manager counts them (Windows shows MiB as "MB"), so a file the
# computer shows as "9,8 MB" is never refused by a 10 MB limit.
_BYTES_PER_MB = 1024 * 1024
_SNIFF_BYTES = 8192
_FALLBACK_STEM = "Dokument"
_KIND_BY_CONTENT_TYPE = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}
_KIND_BY_EXTENSION = {extension: kind for kind, extensions in KIND_EXTENSIONS.items() for extension in extensions}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "RGB", "RGBA"}
# Only a short run of letters and digits counts as an extension, so that "Scan 03.05.2024" or
# "Antrag v1.2" are read as names without extension instead of being refused as mismatching.
_EXTENSION_PATTERN = re.compile(r"^(?P<stem>.*)\.(?P<extension>[A-Za-z0-9]{1,5})$", re.DOTALL)
# Characters Windows does not allow in file names; case workers download the files there.
_UNSAFE_NAME_CHARACTERS = re.compile(r'[<>:"/\\|?*]')

_Result = TypeVar("_Result")


class UploadRefused(Exception):
    """An upload that is not stored; ``str(exc)`` is the German sentence shown to the citizen.

    ``reason`` is a short fixed code (for example ``"too_large"``) for code that reacts to the kind
    of refusal rather than to the wording.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    kind: str
    content_type: str
    file_name: str
    size: int
    sha256: str


def _display_name(name: str) -> str:
    base_name = re.split(r"[\\/]", name)[-1]
    return _clean_name_text(base_name)[: MAX_STEM_LENGTH + 10] or _FALLBACK_STEM


def upload_check_size(*, name: str, size: int, max_size_mb: float) -> None:
    """Refuse an upload by its announced size, before its content is read into memory."""
    _check_size(size, display_name=_display_name(name), max_size_mb=max_size_mb)


def upload_check(*, name: str, data: bytes, accept: Sequence[str], max_size_mb: float) -> CheckedUpload:
    """Check one uploaded file and return what may be stored, or raise ``UploadRefused``.

    ``accept`` holds kinds from ``KIND_LABELS``; ``max_size_mb`` is the limit per file.
    """
    _require_known_kinds(accept)
    base_name = re.split(r"[\\/]", name)[-1]
    stem, extension = _split_extension(base_name)
    display_name = _display_name(name)
    _check_size(len(data), display_name=display_name, max_size_mb=max_size_mb)
    kind = _detect_kind(data, display_name=display_name, extension=extension, accept=accept)
    if kind == "pdf":
        content = _checked_pdf(data, display_name=display_name)
    else:
        content = _image_without_metadata(data, kind=kind, display_name=display_name)
    return CheckedUpload(
        content=content,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        file_name=f"{_safe_stem(stem)}.{KIND_EXTENSIONS[kind][0]}",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def accepted_kinds_text(accept: Sequence[str]) -> str:
    """The accepted kinds for hints and messages, for example "PDF, JPEG oder PNG"."""
    labels = [label for kind, label in KIND_LABELS.items() if kind in accept]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s oder %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def _require_known_kinds(accept: Sequence[str]) -> None:
    # A form definition naming an unknown kind is a mistake of the form author, not of the citizen.
    unknown = set(accept) - KIND_LABELS.keys()
    if not accept or unknown:
        raise ValueError(f"accept must name kinds from {sorted(KIND_LABELS)}, got {list(accept)!r}")


def _split_extension(base_name: str) -> tuple[str, str]:
    match = _EXTENSION_PATTERN.match(base_name)
    if match is None or not any(character.isalpha() for character in match["extension"]):
        return base_name, ""
    return match["stem"], match["extension"].lower()


def _clean_name_text(text: str) -> str:
    # Category C covers control characters and also invisible format characters such as the
    # right-to-left override, which can make "gdp.exe" look like "exe.pdf".
    normalised = unicodedata.normalize("NFC", text)
    visible = "".join(character for character in normalised if not unicodedata.category(character).startswith("C"))
    return " ".join(visible.split())


def _safe_stem(stem: str) -> str:
    # Leading dots would hide the file on Linux; trailing dots and spaces are invalid on Windows.
    cleaned = _UNSAFE_NAME_CHARACTERS.sub("_", _clean_name_text(stem)).strip(" .")
    return cleaned[:MAX_STEM_LENGTH].rstrip(" .") or _FALLBACK_STEM


def _check_size(size: int, *, display_name: str, max_size_mb: float) -> None:
    if not size:
        raise UploadRefused(
            _("Die Datei „%(name)s“ ist leer. Bitte wählen Sie die richtige Datei aus.") % {"name": display_name},
            reason="empty",
        )
    if size > max_size_mb * _BYTES_PER_MB:
        # Rounded up, so a file just over the limit never shows the limit itself as its size.
        size_mb = math.ceil(size / _BYTES_PER_MB * 10) / 10
        raise UploadRefused(
            _("Die Datei „%(name)s“ ist zu groß (%(size)s MB). Erlaubt sind höchstens %(limit)s MB je Datei.")
            % {"name": display_name, "size": _german_number(size_mb), "limit": _german_number(max_size_mb)},
            reason="too_large",
        )


def _german_number(value: float) -> str:
    # Whole numbers without ",0"; Django formats for the active language, which is German by default.
    trimmed = f"{value:.2f}".rstrip("0").rstrip(".")
    return number_format(Decimal(trimmed), use_l10n=True)


def _detect_kind(data: bytes, *, display_name: str, extension: str, accept: Sequence[str]) -> str:
    content_type = str(magic.from_buffer(data[:_SNIFF_BYTES], mime=True))
    kind = _KIND_BY_CONTENT_TYPE.get(content_type)
    # A name claiming a kind the content is not is how malware and web pages are slipped in, so it
    # is refused even when the content itself would be acceptable.
    if kind is not None and extension and extension not in KIND_EXTENSIONS[kind]:
        raise _mismatch_refusal(display_name, extension)
    if kind is None and extension in _KIND_BY_EXTENSION:
        raise _mismatch_refusal(display_name, extension)
    if kind is None or kind not in accept:
        raise UploadRefused(
            _(
                "Die Datei „%(name)s“ hat ein Format, das hier nicht angenommen wird. "
                "Bitte laden Sie eine Datei im Format %(kinds)s hoch."
            )
            % {"name": display_name, "kinds": accepted_kinds_text(accept)},
            reason="kind_not_accepted",
        )
    return kind


def _mismatch_refusal(display_name: str, extension: str) -> UploadRefused:
    claimed = KIND_LABELS.get(_KIND_BY_EXTENSION.get(extension, ""), extension.upper())
    return UploadRefused(
        _(
            "Der Inhalt der Datei passt nicht zu ihrer Endung: „%(name)s“ ist keine echte %(claimed)s-Datei. "
            "Bitte laden Sie die Originaldatei hoch, ohne sie umzubenennen."
        )
        % {"name": display_name, "claimed": claimed},
        reason="extension_mismatch",
    )


def _damaged_refusal(display_name: str) -> UploadRefused:
    return UploadRefused(
        _(
            "Die Datei „%(name)s“ ist beschädigt oder unvollständig und lässt sich nicht öffnen. "
            "Bitte prüfen Sie die Datei und laden Sie sie erneut hoch."
        )
        % {"name": display_name},
        reason="damaged",
    )


def _too_many_pixels_refusal(display_name: str) -> UploadRefused:
    return UploadRefused(
        _(
            "Das Bild „%(name)s“ hat zu viele Bildpunkte. Erlaubt sind höchstens %(limit)s Megapixel; "
            "bitte laden Sie eine verkleinerte Fassung hoch."
        )
        % {"name": display_name, "limit": _german_number(MAX_IMAGE_PIXELS / 1_000_000)},
        reason="too_many_pixels",
    )


def _parsed(action: Callable[[], _Result], *, display_name: str) -> _Result:
    """Run one parsing step; whatever a parser raises on a broken file becomes a refusal."""
    try:
        return action()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels_refusal(display_name) from error
    except Exception as error:
        # Decoders raise many unrelated types on broken input (OSError, SyntaxError, ValueError,
        # struct.error, pypdf's own errors …); for the citizen they all mean the same.
        raise _damaged_refusal(display_name) from error


def _checked_pdf(data: bytes, *, display_name: str) -> bytes:
    reader = _parsed(lambda: PdfReader(io.BytesIO(data), strict=False), display_name=display_name)
    if _parsed(lambda: reader.is_encrypted, display_name=display_name):
        raise UploadRefused(
            _(
                "Die PDF-Datei „%(name)s“ ist mit einem Kennwort geschützt. Bitte laden Sie eine Fassung "
                "ohne Kennwortschutz hoch, damit die Verwaltung sie öffnen kann."
            )
            % {"name": display_name},
            reason="encrypted",
        )
    if _parsed(lambda: len(reader.pages), display_name=display_name) < 1:
        raise UploadRefused(
            _("Die PDF-Datei „%(name)s“ enthält keine Seiten.") % {"name": display_name},
            reason="no_pages",
        )
    # Stored byte for byte: a signed PDF would lose its valid signature if it were rewritten.
    return data


def _image_without_metadata(data: bytes, *, kind: str, display_name: str) -> bytes:
    image = _parsed(lambda: Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]), display_name=display_name)
    # Checked before decoding, so an image that would fill the server's memory is never decoded.
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels_refusal(display_name)
    _parsed(lambda: _load_completely(image), display_name=display_name)
    return _saved_without_metadata(_upright(image), kind=kind)


def _load_completely(image: Image.Image) -> None:
    # WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is imported; a cut-off
    # upload must still count as damaged here, so the flag is off while the pixels are decoded.
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _upright(image: Image.Image) -> Image.Image:
    # The orientation lives in the EXIF data that is removed, so it is applied to the pixels first.
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001
        # The pixels decoded fine; unreadable EXIF only costs the rotation hint, not the photo.
        return image.copy()


def _saved_without_metadata(image: Image.Image, *, kind: str) -> bytes:
    mode = _jpeg_mode(image) if kind == "jpeg" else _png_mode(image)
    # A CMYK colour profile does not describe the converted RGB pixels, so it is dropped.
    icc_profile = image.info.get("icc_profile") if image.mode != "CMYK" else None
    dots_per_inch = image.info.get("dpi")
    prepared = image.convert(mode) if mode != image.mode else image
    # Pillow copies some entries of ``info`` into the file on its own (the JPEG comment, PNG colour
    # profile); emptying it makes sure only the options below are written.
    prepared.info = {}
    options: dict[str, Any] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if dots_per_inch:
        # Kept because it is not personal and scans then print at their real size.
        options["dpi"] = dots_per_inch
    if kind == "jpeg":
        options.update(quality=JPEG_QUALITY, optimize=True)
    buffer = io.BytesIO()
    prepared.save(buffer, format=_PILLOW_FORMATS[kind], **options)
    return buffer.getvalue()


def _jpeg_mode(image: Image.Image) -> str:
    return image.mode if image.mode in {"L", "RGB"} else "RGB"


def _png_mode(image: Image.Image) -> str:
    # Palette transparency and a single transparent colour live in ``info``, which is emptied
    # before saving, so such images become RGBA to keep their see-through parts.
    if "transparency" in image.info or image.mode == "PA":
        return "RGBA"
    if image.mode in _PNG_MODES:
        return image.mode
    return "RGBA" if "A" in image.getbands() else "RGB"
