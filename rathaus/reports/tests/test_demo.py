"""The Esslingen demo: categories in the real demo offices, areas, and reports in every status, loaded twice."""

import pytest

from rathaus.cases.models import Case
from rathaus.municipalities.demo import load_municipalities
from rathaus.reports.demo import load_reports
from rathaus.reports.models import Area, Category, Report

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_again_without_duplicates():
    esslingen = next(item for item in load_municipalities() if item.slug == "esslingen")

    first = load_reports(esslingen)
    second = load_reports(esslingen)

    assert first == second == 20
    assert Category.objects.filter(municipality=esslingen).count() == 7
    assert Area.objects.filter(municipality=esslingen).count() == 2
    assert {report.status for report in Report.objects.all()} == set(Report.Status.values)
    assert Case.objects.filter(report__isnull=False).count() == 20
    litter = Report.objects.get(address="Bahnhofstraße 3")
    assert litter.area.name == "Altstadt und Bahnhof"
    assert litter.office.slug == "ordnungsamt"
    assert Category.objects.get(service_code="strassenschaden").office.slug == "tiefbauamt"
