"""Reads for Open311: clients by key, services (report categories) and public service requests."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.reports.models import Category, Open311Client, Report, ReportPhoto, ReportUpdate


def open311_client_list(*, municipality: Municipality) -> QuerySet[Open311Client]:
    return Open311Client.objects.filter(municipality=municipality).select_related("created_by").order_by("name", "pk")


def open311_client_get(*, municipality: Municipality, client_id: int) -> Open311Client:
    return Open311Client.objects.get(municipality=municipality, pk=client_id)


def open311_client_for_key(*, municipality: Municipality, api_key: str) -> Open311Client | None:
    """The active client of ``municipality`` holding ``api_key``; a key of another municipality is no key here."""
    if not api_key:
        return None
    return Open311Client.objects.filter(
        municipality=municipality, api_key_hash=Open311Client.hash_api_key(api_key), is_active=True
    ).first()


def service_list(*, municipality: Municipality) -> QuerySet[Category]:
    """The categories citizens may choose, as Open311 services."""
    return Category.objects.filter(municipality=municipality, is_public=True).order_by("order", "name")


def service_get(*, municipality: Municipality, service_code: str) -> Category:
    return service_list(municipality=municipality).get(service_code=service_code)


def public_service_requests(*, municipality: Municipality) -> QuerySet[Report]:
    """Reports anyone may see: confirmed and not hidden by staff."""
    return (
        Report.objects.filter(municipality=municipality, is_public=True, confirmed_at__isnull=False)
        .select_related("category", "office")
        .prefetch_related(
            Prefetch("updates", queryset=ReportUpdate.objects.filter(public=True), to_attr="public_notes"),
            Prefetch("photos", queryset=ReportPhoto.objects.filter(hidden=False), to_attr="public_photos"),
        )
        .order_by("-created_at", "id")
    )


def service_requests_by_id(*, municipality: Municipality, ids: list[object]) -> QuerySet[Report]:
    return public_service_requests(municipality=municipality).filter(pk__in=ids)


def service_requests_filtered(
    *,
    municipality: Municipality,
    service_codes: list[str],
    statuses: set[str] | None,
    start: datetime,
    end: datetime,
    limit: int,
) -> list[Report]:
    reports = public_service_requests(municipality=municipality).filter(created_at__gte=start, created_at__lte=end)
    if service_codes:
        reports = reports.filter(category__service_code__in=service_codes)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    return list(reports[:limit])


def service_request_for_token(*, municipality: Municipality, token: str) -> Report:
    """Only public reports, like ``requests/{id}``: an unconfirmed or hidden one is not there for a client."""
    return (
        Report.objects.filter(municipality=municipality, is_public=True, confirmed_at__isnull=False)
        .only("id", "token")
        .get(token=token)
    )
