"""The Mängelmelder in "Meine Daten herunterladen" and in account deletion."""

import pytest

from rathaus.reports import services
from rathaus.reports.models import Report, ReportSubscription
from rathaus.reports.personal_data_reports import provider

pytestmark = pytest.mark.django_db


def test_reports_and_subscriptions_are_exported_and_the_reporter_is_erased(esslingen, road_damage, citizen):
    report = services.report_create(
        municipality=esslingen,
        category=road_damage,
        description="Schlagloch",
        address="Marktplatz 1",
        reporter=citizen,
        reporter_name="Erika Mustermann",
        reporter_phone="0711 1",
    )
    exported = provider.export(citizen)
    assert exported["reports"][0]["description"] == "Schlagloch"
    assert exported["subscriptions"][0]["email"] == citizen.email
    assert provider.retention_notice(citizen)

    provider.erase(citizen)

    report = Report.objects.get(pk=report.pk)
    assert (report.reporter, report.reporter_name, report.reporter_email, report.reporter_phone) == (None, "", "", "")
    assert not ReportSubscription.objects.exists()
    assert provider.retention_notice(citizen) == ""
