"""Housekeeping: photos of abandoned drafts and reports whose confirmation ran out are removed."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.applications.storage import private_storage
from rathaus.reports import draft, housekeeping, services
from rathaus.reports.models import Report
from rathaus.reports.photos import photo_clean
from rathaus.reports.tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_old_pending_photos_go_new_ones_stay():
    old = draft.photo_keep(photo_clean(jpeg_with_gps()))
    new = draft.photo_keep(photo_clean(jpeg_with_gps()))
    two_days_ago = time.time() - 2 * 24 * 3600
    for name in (old["image"], old["thumbnail"]):
        os.utime(private_storage.path(name), (two_days_ago, two_days_ago))

    assert housekeeping.pending_photos_purge() == 2

    assert not private_storage.exists(old["image"])
    assert private_storage.exists(new["image"])


def test_unconfirmed_reports_go_after_the_link_expired_confirmed_ones_stay(esslingen, road_damage):
    expired = services.report_create(
        municipality=esslingen,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        reporter_email="anna@example.org",
        photos=[photo_clean(jpeg_with_gps())],
    )
    photo_name = expired.photos.get().image.name
    fresh = services.report_create(
        municipality=esslingen,
        category=road_damage,
        description="x",
        address="Marktplatz 1",
        reporter_email="b@example.org",
    )
    counted = services.report_create(
        municipality=esslingen, category=road_damage, description="x", address="Markt 2", needs_confirmation=False
    )
    Report.objects.filter(pk__in=[expired.pk, counted.pk]).update(created_at=timezone.now() - timedelta(days=15))

    assert housekeeping.unconfirmed_reports_purge() == 1

    assert set(Report.objects.values_list("pk", flat=True)) == {fresh.pk, counted.pk}
    assert not private_storage.exists(photo_name)
