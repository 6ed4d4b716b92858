"""Clearing up what nobody will finish: photos of abandoned drafts and reports whose confirmation link expired."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.applications.storage import private_storage
from rathaus.audit.services import audit_record

from .draft import PENDING_FOLDER
from .links import CONFIRM_MAX_AGE
from .models import Report

PENDING_MAX_AGE = timedelta(days=1)


def pending_photos_purge(*, older_than: timedelta = PENDING_MAX_AGE) -> int:
    """Delete cleaned photos of drafts that were never sent; returns how many files went."""
    folder = PENDING_FOLDER.rstrip("/")
    try:
        _folders, names = private_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{folder}/{name}"
        if private_storage.get_modified_time(path) < limit:
            private_storage.delete(path)
            removed += 1
    return removed


def unconfirmed_reports_purge() -> int:
    """Delete reports whose confirmation link has run out: they never counted and nobody can confirm them now."""
    limit = timezone.now() - timedelta(seconds=CONFIRM_MAX_AGE)
    removed = 0
    for report in Report.objects.filter(confirmed_at__isnull=True, created_at__lt=limit).prefetch_related("photos")[
        :500
    ]:
        with transaction.atomic():
            for photo in report.photos.all():
                photo.image.delete(save=False)
                if photo.thumbnail:
                    photo.thumbnail.delete(save=False)
            audit_record(
                municipality_id=report.municipality_id,
                actor=None,
                action="report.expired",
                object_type="report",
                object_id=report.pk,
            )
            report.delete()
            removed += 1
    return removed


def housekeeping_run() -> dict[str, int]:
    return {"pending_photos": pending_photos_purge(), "unconfirmed_reports": unconfirmed_reports_purge()}
