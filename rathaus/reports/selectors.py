"""Reads of the Mängelmelder. Every selector takes the municipality; public ones show only what may be public."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, Q, QuerySet

from rathaus.accounts.models import StaffMembership, User
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.working_days import working_days_after

from . import geo
from .models import Area, Category, Report, ReportPhoto, ReportSubscription, ReportUpdate

GEOJSON_LIMIT = 500
NEARBY_METRES = 50


def account_email_verified(*, user: User | None, email: str = "") -> bool:
    """Whether ``user`` has verified ``email`` (default: the account's address); such reports count at once."""
    if user is None or not user.is_authenticated:
        return False
    address = (email or user.email).strip()
    return bool(address) and EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists()


# Categories and areas -----------------------------------------------------------------------------


def categories_public(*, municipality: Municipality) -> QuerySet[Category]:
    return Category.objects.filter(municipality=municipality, is_public=True).order_by("order", "name")


def categories_all(*, municipality: Municipality) -> QuerySet[Category]:
    return Category.objects.filter(municipality=municipality).select_related("office").order_by("order", "name")


def category_get(*, municipality: Municipality, category_id: Any) -> Category | None:
    return Category.objects.filter(municipality=municipality, pk=category_id).select_related("office").first()


def category_for_code(*, municipality: Municipality, service_code: str, public_only: bool = True) -> Category | None:
    categories = categories_public(municipality=municipality) if public_only else Category.objects.all()
    return categories.filter(municipality=municipality, service_code=service_code).select_related("office").first()


def areas_all(*, municipality: Municipality) -> QuerySet[Area]:
    return Area.objects.filter(municipality=municipality).select_related("office").prefetch_related("categories")


def area_get(*, municipality: Municipality, area_id: Any) -> Area | None:
    return areas_all(municipality=municipality).filter(pk=area_id).first()


# Public reports -------------------------------------------------------------------------------------


def reports_public(*, municipality: Municipality) -> QuerySet[Report]:
    """Confirmed reports staff have not hidden; what of them is shown is up to the templates' public fields."""
    return Report.objects.filter(municipality=municipality, is_public=True, confirmed_at__isnull=False)


def reports_public_filtered(
    *,
    municipality: Municipality,
    category: Category | None = None,
    status: str = "",
    bbox: geo.BoundingBox | None = None,
    area: Area | None = None,
) -> QuerySet[Report]:
    reports = reports_public(municipality=municipality).select_related("category")
    if category is not None:
        reports = reports.filter(category=category)
    if status == "offen":
        reports = reports.exclude(status__in=Report.CLOSED_STATUSES)
    elif status == "erledigt":
        reports = reports.filter(status__in=Report.CLOSED_STATUSES)
    elif status:
        reports = reports.filter(status=status)
    if area is not None:
        reports = reports.filter(area=area)
    if bbox is not None:
        reports = reports.filter(
            lat__gte=bbox.min_lat, lat__lte=bbox.max_lat, lon__gte=bbox.min_lon, lon__lte=bbox.max_lon
        )
    return reports.order_by("-created_at")


def report_public(*, municipality: Municipality, report_id: Any) -> Report | None:
    return (
        reports_public(municipality=municipality)
        .select_related("category", "duplicate_of")
        .prefetch_related(
            Prefetch("photos", queryset=ReportPhoto.objects.filter(hidden=False), to_attr="public_photos"),
            Prefetch("updates", queryset=ReportUpdate.objects.filter(public=True), to_attr="public_updates"),
        )
        .filter(pk=report_id)
        .first()
    )


def report_by_id(*, municipality: Municipality, report_id: Any) -> Report | None:
    """Any report of the municipality, public or not: for links that carry their own proof (signed tokens)."""
    return Report.objects.filter(municipality=municipality, pk=report_id).select_related("category").first()


def photo_public(*, municipality: Municipality, report_id: Any, photo_id: Any) -> ReportPhoto | None:
    return ReportPhoto.objects.filter(
        pk=photo_id,
        hidden=False,
        report_id=report_id,
        report__in=reports_public(municipality=municipality),
    ).first()


def reports_geojson(
    *,
    municipality: Municipality,
    bbox: geo.BoundingBox | None,
    category: Category | None = None,
    status: str = "",
    limit: int = GEOJSON_LIMIT,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the public reports with a point, newest first, at most ``limit``."""
    rows = (
        reports_public_filtered(municipality=municipality, category=category, status=status, bbox=bbox)
        .filter(lat__isnull=False, lon__isnull=False)
        .values_list("id", "lat", "lon", "status", "category__name", "public_location", "created_at")[:limit]
    )
    labels = dict(Report.Status.choices)
    features = [
        {
            "type": "Feature",
            "id": str(report_id),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "category": category_name,
                "status": status_key,
                "status_label": str(labels.get(status_key, status_key)),
                "location": public_location,
                "created_at": created_at.isoformat(),
            },
        }
        for report_id, lat, lon, status_key, category_name, public_location, created_at in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def reports_nearby_open(
    *,
    municipality: Municipality,
    category: Category,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    metres: float = NEARBY_METRES,
    limit: int = 5,
) -> list[Report]:
    """Open public reports of the same category within ``metres`` of the point, or at the same address."""
    reports = (
        reports_public(municipality=municipality)
        .filter(category=category, duplicate_of__isnull=True)
        .exclude(status__in=Report.CLOSED_STATUSES)
        .select_related("category")
    )
    found: list[Report] = []
    if lat is not None and lon is not None:
        box = geo.box_around(lat, lon, metres)
        near = reports.filter(lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon)
        with_distance = [
            (geo.distance_metres(lat, lon, report.lat, report.lon), report)
            for report in near[:200]
            if report.lat is not None and report.lon is not None
        ]
        found = [report for distance, report in sorted(with_distance, key=lambda pair: pair[0]) if distance <= metres]
    if address.strip():
        same_address = reports.filter(address__iexact=address.strip()).order_by("-created_at")[:limit]
        found += [report for report in same_address if report not in found]
    return found[:limit]


# Staff --------------------------------------------------------------------------------------------------


def _unit_ids(membership: StaffMembership) -> list[int]:
    return [unit.pk for unit in membership.units.all()]


def reports_for_staff(*, municipality: Municipality, membership: StaffMembership) -> QuerySet[Report]:
    """Reports of the offices ``membership`` works in (confirmed or not); other offices' reports are not there."""
    if membership.municipality_id != municipality.pk or not membership.is_active:
        return Report.objects.none()
    return Report.objects.filter(municipality=municipality, office_id__in=_unit_ids(membership)).select_related(
        "category", "office", "case", "area"
    )


def report_for_staff(*, municipality: Municipality, membership: StaffMembership, report_id: Any) -> Report | None:
    return (
        reports_for_staff(municipality=municipality, membership=membership)
        .select_related("duplicate_of", "reporter")
        .prefetch_related("photos", "duplicates")
        .filter(pk=report_id)
        .first()
    )


def report_updates(*, report: Report) -> QuerySet[ReportUpdate]:
    return report.updates.select_related("author").order_by("created_at", "id")


def report_subscriber_count(*, report: Report) -> int:
    return ReportSubscription.objects.filter(report=report, confirmed_at__isnull=False).count()


def report_due_date(*, report: Report) -> Any:
    """When the category's response target runs out: the case's deadline, else counted from the report."""
    if report.case is not None and report.case.due_date is not None:
        return report.case.due_date
    return working_days_after(report.created_at.date(), report.category.response_days)


def subscription_by_token(*, municipality: Municipality, token: str) -> ReportSubscription | None:
    return (
        ReportSubscription.objects.filter(token=token, report__municipality=municipality)
        .select_related("report__category")
        .first()
    )


def staff_search(reports: QuerySet[Report], *, query: str) -> QuerySet[Report]:
    query = query.strip()
    if not query:
        return reports
    return reports.filter(
        Q(description__icontains=query) | Q(address__icontains=query) | Q(case__reference__icontains=query)
    )
