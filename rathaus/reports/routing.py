"""Which office a report goes to.

1. Areas of the municipality whose polygon contains the point and that apply to the category (an area without
   categories applies to all) are candidates; the one with the highest priority wins (ties: the smaller area,
   then the name), and its office gets the report.
2. Otherwise (no point given, or the point lies outside every area) the category's own office gets it: that is
   the default office for the category.
"""

from dataclasses import dataclass

from django.db.models import Q

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import geo
from .models import Area, Category


@dataclass(frozen=True)
class Routing:
    office: OrganisationalUnit
    area: Area | None


def _size(area: Area) -> float:
    return (area.max_lat - area.min_lat) * (area.max_lon - area.min_lon)


def areas_containing(*, municipality: Municipality, category: Category, lat: float, lon: float) -> list[Area]:
    """The areas that contain the point and apply to the category, the winner first."""
    candidates = (
        Area.objects.filter(
            municipality=municipality, min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
        )
        .filter(Q(categories=None) | Q(categories=category))
        .select_related("office")
        .distinct()
    )
    matching = []
    for area in candidates:
        try:
            polygons = geo.polygons_of(area.polygon)
        except geo.GeometryError:
            continue
        if geo.contains(polygons, lat, lon):
            matching.append(area)
    return sorted(matching, key=lambda area: (-area.priority, _size(area), area.name))


def route(*, municipality: Municipality, category: Category, lat: float | None, lon: float | None) -> Routing:
    """The office (and area) responsible for a report of ``category`` at the point."""
    if lat is not None and lon is not None:
        areas = areas_containing(municipality=municipality, category=category, lat=lat, lon=lon)
        if areas:
            return Routing(office=areas[0].office, area=areas[0])
    return Routing(office=category.office, area=None)
