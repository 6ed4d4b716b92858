"""The report being written, kept in the session between the steps (photos already cleaned, in private storage)."""

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.http import HttpRequest

from rathaus.applications.storage import private_storage

from .photos import CleanPhoto

SESSION_KEY = "reports_draft"
PENDING_FOLDER = "reports/pending/"


@dataclass
class Draft:
    municipality_id: int
    category: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    location_description: str = ""
    location_done: bool = False
    duplicates_done: bool = False
    description: str = ""
    photos: list[dict[str, Any]] = field(default_factory=list)
    contact_done: bool = False
    name: str = ""
    email: str = ""
    phone: str = ""


def draft_load(request: HttpRequest, municipality_id: int) -> Draft:
    raw = request.session.get(SESSION_KEY)
    if isinstance(raw, dict) and raw.get("municipality_id") == municipality_id:
        try:
            return Draft(**raw)
        except TypeError:
            pass
    return Draft(municipality_id=municipality_id)


def draft_save(request: HttpRequest, draft: Draft) -> None:
    request.session[SESSION_KEY] = asdict(draft)


def draft_clear(request: HttpRequest, draft: Draft) -> None:
    for photo in draft.photos:
        photo_discard(photo)
    request.session.pop(SESSION_KEY, None)


def photo_keep(photo: CleanPhoto) -> dict[str, Any]:
    """Store an already cleaned photo until the report is sent."""
    name = secrets.token_hex(16)
    image = private_storage.save(f"{PENDING_FOLDER}{name}.jpg", ContentFile(photo.image))
    thumbnail = private_storage.save(f"{PENDING_FOLDER}{name}-vorschau.jpg", ContentFile(photo.thumbnail))
    return {"image": image, "thumbnail": thumbnail, "width": photo.width, "height": photo.height}


def photo_load(kept: dict[str, Any]) -> CleanPhoto | None:
    try:
        with private_storage.open(kept["image"], "rb") as image, private_storage.open(kept["thumbnail"], "rb") as thumb:
            return CleanPhoto(image=image.read(), thumbnail=thumb.read(), width=kept["width"], height=kept["height"])
    except (OSError, KeyError):
        return None


def photo_discard(kept: dict[str, Any]) -> None:
    for key in ("image", "thumbnail"):
        name = kept.get(key)
        if isinstance(name, str) and name.startswith(PENDING_FOLDER):
            private_storage.delete(name)
