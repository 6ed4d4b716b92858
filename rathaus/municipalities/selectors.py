"""Reads for municipalities and their offices. Every read that returns tenant data takes the
municipality explicitly."""

import time
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, QuerySet

from .models import HostName, Municipality, OpeningHours, OrganisationalUnit

_host_cache: dict[str, tuple[float, Municipality | None]] = {}


def municipality_for_host(*, host: str) -> Municipality | None:
    """The active municipality served under ``host`` (without port), or the configured default."""
    host = host.split(":", 1)[0].lower().rstrip(".")
    ttl = settings.RATHAUS_MUNICIPALITY_CACHE_SECONDS
    now = time.monotonic()
    cached = _host_cache.get(host)
    if ttl and cached and cached[0] > now:
        return cached[1]
    municipality = _lookup_host(host)
    if ttl:
        _host_cache[host] = (now + ttl, municipality)
    return municipality


def _lookup_host(host: str) -> Municipality | None:
    entry = HostName.objects.select_related("municipality").filter(name=host, municipality__is_active=True).first()
    if entry is not None:
        return entry.municipality
    default_slug = settings.RATHAUS_DEFAULT_MUNICIPALITY
    if default_slug:
        return Municipality.objects.filter(slug=default_slug, is_active=True).first()
    return None


def municipality_sender(*, municipality: Municipality) -> str:
    """The From address of e-mails on behalf of ``municipality``: its name with the system address."""
    address = settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip()
    return f"{municipality.name} <{address}>"


def forget_cached_hosts() -> None:
    """Drop this process's host cache, so changed host names or branding show at once."""
    _host_cache.clear()


def municipality_list_active() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_active=True).prefetch_related("host_names")


def unit_list(*, municipality: Municipality) -> QuerySet[OrganisationalUnit]:
    return (
        OrganisationalUnit.objects.filter(municipality=municipality)
        .prefetch_related(Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")))
        .order_by("kind", "name")
    )


def unit_get(*, municipality: Municipality, slug: str) -> OrganisationalUnit:
    """The office with ``slug`` in ``municipality``; raises DoesNotExist for any other municipality's office."""
    return unit_list(municipality=municipality).get(slug=slug)


def unit_opening_days(*, unit: OrganisationalUnit, today: datetime | None = None) -> list[dict[str, object]]:
    """Opening hours grouped per weekday (Monday first), with today's day marked."""
    weekday_today = (today or datetime.now()).weekday()
    days: list[dict[str, object]] = []
    intervals = list(unit.opening_hours.all())
    for value, label in OpeningHours.Weekday.choices:
        day_intervals = [interval for interval in intervals if interval.weekday == value]
        days.append({"weekday": value, "label": label, "intervals": day_intervals, "is_today": value == weekday_today})
    return days


def unit_search(*, municipality: Municipality, query: str) -> QuerySet[OrganisationalUnit]:
    """Offices whose name or description mentions every word of ``query``."""
    units = unit_list(municipality=municipality)
    for word in query.split()[:8]:
        units = units.filter(models.Q(name__icontains=word) | models.Q(description__icontains=word))
    return units


def citizens_offices_today(*, municipality: Municipality, weekday: int) -> list[dict[str, object]]:
    """Each Bürgerbüro of ``municipality`` with its opening intervals on ``weekday``."""
    units = unit_list(municipality=municipality).filter(kind=OrganisationalUnit.Kind.CITIZENS_OFFICE)
    return [
        {"unit": unit, "intervals": [hours for hours in unit.opening_hours.all() if hours.weekday == weekday]}
        for unit in units
    ]
