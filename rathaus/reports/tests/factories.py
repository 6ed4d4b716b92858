"""Factories for the Mängelmelder: categories, areas and confirmed reports around Esslingen's old town."""

import factory
from django.utils import timezone

from rathaus.municipalities.tests.factories import MunicipalityFactory, OrganisationalUnitFactory
from rathaus.reports.models import Area, Category, Report

OLD_TOWN = (48.7420, 9.3080)


def square(lat: float, lon: float, half_side: float) -> dict[str, object]:
    """A GeoJSON square polygon centred on the point (``half_side`` in degrees)."""
    ring = [
        [lon - half_side, lat - half_side],
        [lon + half_side, lat - half_side],
        [lon + half_side, lat + half_side],
        [lon - half_side, lat + half_side],
        [lon - half_side, lat - half_side],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    municipality = factory.SubFactory(MunicipalityFactory)
    service_code = factory.Sequence(lambda number: f"kategorie-{number}")
    name = factory.Sequence(lambda number: f"Kategorie {number}")
    office = factory.SubFactory(OrganisationalUnitFactory, municipality=factory.SelfAttribute("..municipality"))
    response_days = 5


class AreaFactory(factory.django.DjangoModelFactory):
    """A square area around the old town; pass ``polygon`` and the bbox fields together, or use ``area_save``."""

    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda number: f"Gebiet {number}")
    office = factory.SubFactory(OrganisationalUnitFactory, municipality=factory.SelfAttribute("..municipality"))
    polygon = factory.LazyFunction(lambda: square(*OLD_TOWN, 0.01))
    min_lat = OLD_TOWN[0] - 0.01
    max_lat = OLD_TOWN[0] + 0.01
    min_lon = OLD_TOWN[1] - 0.01
    max_lon = OLD_TOWN[1] + 0.01


class ReportFactory(factory.django.DjangoModelFactory):
    """A confirmed public report without a case (use ``report_create`` for the full path)."""

    class Meta:
        model = Report

    category = factory.SubFactory(CategoryFactory)
    municipality = factory.LazyAttribute(lambda report: report.category.municipality)
    office = factory.LazyAttribute(lambda report: report.category.office)
    lat = OLD_TOWN[0]
    lon = OLD_TOWN[1]
    description = "Tiefes Schlagloch am Straßenrand."
    confirmed_at = factory.LazyFunction(timezone.now)
