"""Plain-Python geometry for routing areas: GeoJSON polygons, bounding boxes, point-in-polygon, distances.

No PostGIS: areas are few and small, so ray casting after a bounding-box prefilter is fast enough.
Coordinates follow GeoJSON: ``[longitude, latitude]``.
"""

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

Ring = list[tuple[float, float]]
EARTH_RADIUS_METRES = 6_371_000


class GeometryError(ValueError):
    """A polygon that cannot be used; the message says why, in German for administrators."""


@dataclass(frozen=True)
class BoundingBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def _ring(raw: Any) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise GeometryError(_("Jede Fläche braucht mindestens vier Punkte (der letzte gleich dem ersten)."))
    ring: Ring = []
    for point in raw:
        if (
            not isinstance(point, list | tuple)
            or len(point) < 2
            or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in point[:2])
        ):
            raise GeometryError(_("Jeder Punkt muss aus Längen- und Breitengrad bestehen, z. B. [9.31, 48.74]."))
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryError(_("Ein Punkt liegt außerhalb der gültigen Koordinaten."))
        ring.append((lon, lat))
    if ring[0] != ring[-1]:
        raise GeometryError(_("Eine Fläche muss geschlossen sein: der letzte Punkt gleich dem ersten."))
    return ring


def polygons_of(geometry: Any) -> list[list[Ring]]:
    """The polygons (outer ring first, then holes) of a GeoJSON Polygon, MultiPolygon or Feature."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        raise GeometryError(_("Bitte geben Sie ein GeoJSON-Objekt vom Typ „Polygon“ oder „MultiPolygon“ an."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    raw_polygons: list[Any] | None
    if kind == "Polygon":
        raw_polygons = [coordinates]
    elif kind == "MultiPolygon":
        raw_polygons = coordinates if isinstance(coordinates, list) else None
    else:
        raise GeometryError(_("Bitte geben Sie ein GeoJSON-Objekt vom Typ „Polygon“ oder „MultiPolygon“ an."))
    if not raw_polygons or not all(isinstance(polygon, list) and polygon for polygon in raw_polygons):
        raise GeometryError(_("Die Fläche hat keine Koordinaten."))
    return [[_ring(ring) for ring in polygon] for polygon in raw_polygons]


def bounding_box(polygons: list[list[Ring]]) -> BoundingBox:
    points = [point for polygon in polygons for point in polygon[0]]
    return BoundingBox(
        min_lon=min(lon for lon, _lat in points),
        min_lat=min(lat for _lon, lat in points),
        max_lon=max(lon for lon, _lat in points),
        max_lat=max(lat for _lon, lat in points),
    )


def _in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Ray casting: a ray from the point eastwards crosses the ring's edges an odd number of times inside."""
    inside = False
    previous_lon, previous_lat = ring[-1]
    for current_lon, current_lat in ring:
        if (current_lat > lat) != (previous_lat > lat):
            crossing_lon = (previous_lon - current_lon) * (lat - current_lat) / (
                previous_lat - current_lat
            ) + current_lon
            if lon < crossing_lon:
                inside = not inside
        previous_lon, previous_lat = current_lon, current_lat
    return inside


def contains(polygons: list[list[Ring]], lat: float, lon: float) -> bool:
    """Whether the point lies inside one of the polygons and outside its holes."""
    for outer, *holes in polygons:
        if _in_ring(lat, lon, outer) and not any(_in_ring(lat, lon, hole) for hole in holes):
            return True
    return False


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); exact enough for "within 50 metres"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    delta_phi = math.radians(lat2 - lat1)
    delta_lambda = math.radians(lon2 - lon1)
    a = math.sin(delta_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def box_around(lat: float, lon: float, metres: float) -> BoundingBox:
    """A box that certainly contains every point within ``metres`` of the given one."""
    delta_lat = math.degrees(metres / EARTH_RADIUS_METRES)
    delta_lon = math.degrees(metres / (EARTH_RADIUS_METRES * max(math.cos(math.radians(lat)), 0.01)))
    return BoundingBox(
        min_lon=lon - delta_lon, min_lat=lat - delta_lat, max_lon=lon + delta_lon, max_lat=lat + delta_lat
    )


def parse_bbox(raw: str) -> BoundingBox | None:
    """``min_lon,min_lat,max_lon,max_lat`` (the order Leaflet's ``toBBoxString`` writes); None when unusable."""
    parts = raw.split(",")
    if len(parts) != 4:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        return None
    if not all(math.isfinite(value) for value in (min_lon, min_lat, max_lon, max_lat)):
        return None
    if min_lon > max_lon or min_lat > max_lat:
        return None
    return BoundingBox(min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)
