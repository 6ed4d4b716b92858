"""Routing by category and area, with overlapping areas and points outside every area (acceptance 4)."""

import pytest

from rathaus.municipalities.tests.factories import OrganisationalUnitFactory
from rathaus.reports import geo, services
from rathaus.reports.routing import route
from rathaus.reports.tests.factories import square

pytestmark = pytest.mark.django_db

OLD_TOWN = (48.7420, 9.3080)
PARK = (48.7450, 9.3110)  # inside the old town square, inside the park square too
OUTSIDE = (48.7000, 9.2000)


@pytest.fixture
def green_office(esslingen):
    return OrganisationalUnitFactory(municipality=esslingen, slug="gruenflaechenamt", name="Grünflächenamt")


@pytest.fixture
def depot(esslingen):
    return OrganisationalUnitFactory(municipality=esslingen, slug="betriebshof-mitte", name="Betriebshof Mitte")


@pytest.fixture
def old_town(esslingen, depot, municipality_admin):
    return services.area_save(
        municipality=esslingen,
        actor=municipality_admin,
        name="Innenstadt",
        office=depot,
        polygon=square(*OLD_TOWN, 0.01),
        priority=0,
    )


@pytest.fixture
def park(esslingen, green_office, municipality_admin):
    return services.area_save(
        municipality=esslingen,
        actor=municipality_admin,
        name="Stadtpark",
        office=green_office,
        polygon=square(*PARK, 0.002),
        priority=10,
    )


def test_a_point_outside_every_area_goes_to_the_category_office(esslingen, road_damage, old_town, park):
    routing = route(municipality=esslingen, category=road_damage, lat=OUTSIDE[0], lon=OUTSIDE[1])
    assert routing.office == road_damage.office
    assert routing.area is None


def test_a_report_without_a_point_goes_to_the_category_office(esslingen, road_damage, old_town):
    routing = route(municipality=esslingen, category=road_damage, lat=None, lon=None)
    assert routing.office == road_damage.office


def test_without_any_areas_the_category_office_gets_the_report(esslingen, road_damage):
    routing = route(municipality=esslingen, category=road_damage, lat=OLD_TOWN[0], lon=OLD_TOWN[1])
    assert routing.office == road_damage.office


def test_a_point_inside_one_area_goes_to_that_areas_office(esslingen, road_damage, old_town, park, depot):
    routing = route(municipality=esslingen, category=road_damage, lat=48.7350, lon=9.3010)
    assert routing.office == depot
    assert routing.area == old_town


def test_where_areas_overlap_the_higher_priority_wins(esslingen, road_damage, old_town, park, green_office):
    routing = route(municipality=esslingen, category=road_damage, lat=PARK[0], lon=PARK[1])
    assert routing.area == park
    assert routing.office == green_office


def test_with_equal_priority_the_smaller_area_wins(esslingen, road_damage, old_town, park, municipality_admin):
    services.area_save(
        municipality=esslingen,
        actor=municipality_admin,
        name="Stadtpark",
        office=park.office,
        polygon=park.polygon,
        priority=0,
        area=park,
    )
    routing = route(municipality=esslingen, category=road_damage, lat=PARK[0], lon=PARK[1])
    assert routing.area == park


def test_an_area_limited_to_other_categories_is_passed_over(
    esslingen, road_damage, street_lighting, old_town, park, municipality_admin, depot
):
    services.area_save(
        municipality=esslingen,
        actor=municipality_admin,
        name="Stadtpark",
        office=park.office,
        polygon=park.polygon,
        priority=10,
        categories=[street_lighting],
        area=park,
    )
    assert route(municipality=esslingen, category=road_damage, lat=PARK[0], lon=PARK[1]).area == old_town
    assert route(municipality=esslingen, category=street_lighting, lat=PARK[0], lon=PARK[1]).area == park


def test_a_point_in_a_hole_of_the_polygon_is_outside(esslingen, road_damage, municipality_admin, depot):
    outer = square(*OLD_TOWN, 0.01)["coordinates"][0]
    hole = square(*OLD_TOWN, 0.002)["coordinates"][0]
    services.area_save(
        municipality=esslingen,
        actor=municipality_admin,
        name="Ring",
        office=depot,
        polygon={"type": "Polygon", "coordinates": [outer, hole]},
    )
    assert route(municipality=esslingen, category=road_damage, lat=OLD_TOWN[0], lon=OLD_TOWN[1]).area is None
    assert route(municipality=esslingen, category=road_damage, lat=48.7350, lon=9.3010).office == depot


def test_areas_of_another_municipality_do_not_count(
    esslingen, road_damage, musterhausen, musterhausen_office, musterhausen_admin
):
    services.area_save(
        municipality=musterhausen,
        actor=musterhausen_admin,
        name="Überall",
        office=musterhausen_office,
        polygon=square(*OLD_TOWN, 1),
        priority=99,
    )
    assert route(municipality=esslingen, category=road_damage, lat=OLD_TOWN[0], lon=OLD_TOWN[1]).area is None


def test_a_report_lands_in_the_winning_offices_case_inbox(esslingen, road_damage, old_town, park, green_office):
    report = services.report_create(
        municipality=esslingen,
        category=road_damage,
        description="Schlagloch",
        lat=PARK[0],
        lon=PARK[1],
        needs_confirmation=False,
    )
    assert report.office == green_office
    assert report.case.unit == green_office


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ({"type": "Point", "coordinates": [9.3, 48.7]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[9.3, 48.7], [9.4, 48.7], [9.4, 48.8]]]}, "mindestens vier"),
        ({"type": "Polygon", "coordinates": [[[9.3, 48.7], [9.4, 48.7], [9.4, 48.8], [9.3, 48.9]]]}, "geschlossen"),
        ({"type": "Polygon", "coordinates": [[[9.3, 48.7], [9.4, 48.7], [999, 48.8], [9.3, 48.7]]]}, "außerhalb"),
        ("kein json", "GeoJSON"),
    ],
)
def test_unusable_polygons_are_refused_with_a_reason(esslingen, depot, municipality_admin, polygon, message):
    with pytest.raises(services.ReportRefused, match=message):
        services.area_save(municipality=esslingen, actor=municipality_admin, name="X", office=depot, polygon=polygon)


def test_ray_casting_on_a_concave_polygon():
    # An L shape: the notch at the top right is outside.
    ring = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]
    polygons = geo.polygons_of({"type": "Polygon", "coordinates": [ring]})
    assert geo.contains(polygons, lat=0.5, lon=1.5)
    assert geo.contains(polygons, lat=1.5, lon=0.5)
    assert not geo.contains(polygons, lat=1.5, lon=1.5)
