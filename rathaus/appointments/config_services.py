"""Writes of the appointment configuration (locations, opening hours, closures, counters, services, policy,
lottery windows), used by the staff configuration pages.

Every function owns its transaction and records an audit entry without personal data. Invalid input is refused
with ``ConfigurationRefused`` carrying a German message, before anything is written.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.audit.services import audit_record
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import (
    GRAIN_MINUTES,
    AppointmentService,
    BookingPolicy,
    Closure,
    Counter,
    Location,
    LotteryWindow,
    OpeningPeriod,
)

LOCATION_FIELDS = (
    "unit",
    "slug",
    "name",
    "street",
    "postal_code",
    "city",
    "accessibility",
    "directions",
    "slot_minutes",
    "booking_min_days",
    "booking_max_days",
    "walk_in_share",
    "closed_on_public_holidays",
    "is_active",
    "position",
)
SERVICE_FIELDS = (
    "duration_minutes",
    "max_quantity",
    "in_person_required",
    "fair_release",
    "is_bookable",
    "position",
)
POLICY_FIELDS = ("hold_minutes", "reminder_hours", "max_open_per_email", "waitlist_offer_hours")


class ConfigurationRefused(Exception):
    """The configuration change was not made; ``message`` says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    weekday: int
    opens: time
    closes: time


def _audit(
    municipality_id: int, actor: User | None, action: str, object_type: str, object_id: int, **details: Any
) -> None:
    audit_record(
        municipality_id=municipality_id,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def held_back_counters(*, active_counters: int, walk_in_share: int) -> int:
    """How many of ``active_counters`` take no online bookings (the booking contract's rule)."""
    return round(active_counters * walk_in_share / 100)


# Locations --------------------------------------------------------------------------------------------------


def _check_location(municipality: Municipality, values: dict[str, Any], location: Location | None) -> None:
    unit = values.get("unit")
    if not isinstance(unit, OrganisationalUnit) or unit.municipality_id != municipality.pk:
        raise ConfigurationRefused(_("Bitte wählen Sie eine Organisationseinheit Ihrer Kommune."))
    if int(values["booking_min_days"]) > int(values["booking_max_days"]):
        raise ConfigurationRefused(
            _("Der früheste Termin muss vor dem spätesten liegen: Bitte prüfen Sie das Buchungsfenster.")
        )
    slugs = Location.objects.filter(municipality=municipality, slug=values["slug"])
    if location is not None:
        slugs = slugs.exclude(pk=location.pk)
    if slugs.exists():
        raise ConfigurationRefused(_("Dieses Kürzel hat schon ein anderer Standort. Bitte wählen Sie ein anderes."))


def location_create(*, municipality: Municipality, actor: User, values: dict[str, Any]) -> Location:
    """Create a location of ``municipality`` from the form's ``values``."""
    _check_location(municipality, values, None)
    with transaction.atomic():
        location = Location(municipality=municipality, **{key: values[key] for key in LOCATION_FIELDS if key in values})
        location.full_clean()
        location.save()
        _audit(municipality.pk, actor, "appointment_location.created", "appointment_location", location.pk)
    return location


def location_update(*, location: Location, actor: User, values: dict[str, Any]) -> Location:
    """Change a location's address, notes, booking window, walk-in share and state."""
    _check_location(location.municipality, values, location)
    with transaction.atomic():
        # Compared with the stored row: a bound ModelForm has already copied the new values onto ``location``.
        stored = Location.objects.select_for_update().get(pk=location.pk)
        changed = [key for key in LOCATION_FIELDS if key in values and getattr(stored, key) != values[key]]
        if not changed:
            return stored
        for key in changed:
            setattr(stored, key, values[key])
        stored.full_clean()
        stored.save(update_fields=changed)
        _audit(
            stored.municipality_id,
            actor,
            "appointment_location.updated",
            "appointment_location",
            stored.pk,
            fields=sorted(changed),
        )
    return stored


# Opening hours ----------------------------------------------------------------------------------------------


def on_grain(moment: time) -> bool:
    """Whether a time of day lies on the 5-minute grain that appointments claim (8:05 yes, 8:07 no)."""
    return moment.minute % GRAIN_MINUTES == 0 and moment.second == 0 and moment.microsecond == 0


def opening_periods_problems(periods: Iterable[Period]) -> list[str]:
    """German descriptions of what is wrong with a week's opening periods (empty if nothing)."""
    problems: list[str] = []
    by_day: dict[int, list[Period]] = {}
    for period in periods:
        if period.opens >= period.closes:
            problems.append(
                _("%(day)s %(opens)s Uhr: Das Ende muss nach dem Beginn liegen.")
                % {"day": OpeningPeriod.Weekday(period.weekday).label, "opens": f"{period.opens:%H:%M}"}
            )
        if not (on_grain(period.opens) and on_grain(period.closes)):
            problems.append(
                _(
                    "%(day)s %(opens)s Uhr: Bitte geben Sie Zeiten in 5-Minuten-Schritten an, zum Beispiel 8:00 oder 8:05."
                )
                % {"day": OpeningPeriod.Weekday(period.weekday).label, "opens": f"{period.opens:%H:%M}"}
            )
        by_day.setdefault(period.weekday, []).append(period)
    for weekday, day_periods in sorted(by_day.items()):
        ordered = sorted(day_periods, key=lambda period: period.opens)
        for earlier, later in pairwise(ordered):
            if later.opens < earlier.closes:
                problems.append(
                    _("%(day)s: Die Zeiten %(first)s und %(second)s überschneiden sich.")
                    % {
                        "day": OpeningPeriod.Weekday(weekday).label,
                        "first": f"{earlier.opens:%H:%M}–{earlier.closes:%H:%M}",
                        "second": f"{later.opens:%H:%M}–{later.closes:%H:%M}",
                    }
                )
    return problems


def opening_periods_set(*, location: Location, actor: User, periods: Sequence[Period]) -> list[OpeningPeriod]:
    """Replace a location's weekly opening periods with ``periods`` (several per weekday allowed)."""
    problems = opening_periods_problems(periods)
    if problems:
        raise ConfigurationRefused(" ".join(problems))
    with transaction.atomic():
        Location.objects.select_for_update().filter(pk=location.pk).first()
        location.opening_periods.all().delete()
        created = OpeningPeriod.objects.bulk_create(
            OpeningPeriod(location=location, weekday=period.weekday, opens=period.opens, closes=period.closes)
            for period in sorted(periods, key=lambda period: (period.weekday, period.opens))
        )
        _audit(
            location.municipality_id,
            actor,
            "appointment_location.opening_hours_set",
            "appointment_location",
            location.pk,
            periods=len(created),
        )
    return created


# Closures ---------------------------------------------------------------------------------------------------


def closure_add(*, location: Location, actor: User, first_day: date, last_day: date, reason: str) -> Closure:
    """Close a location from ``first_day`` to ``last_day`` (inclusive); booked appointments stay as they are."""
    if first_day > last_day:
        raise ConfigurationRefused(_("Der erste Schließtag muss vor dem letzten liegen oder derselbe Tag sein."))
    if not reason.strip():
        raise ConfigurationRefused(_("Bitte geben Sie einen Grund an."))
    with transaction.atomic():
        closure = Closure.objects.create(
            location=location, first_day=first_day, last_day=last_day, reason=reason.strip()
        )
        _audit(location.municipality_id, actor, "appointment_closure.created", "appointment_closure", closure.pk)
    return closure


def closure_delete(*, closure: Closure, actor: User) -> None:
    """Open a location again on the days of ``closure``."""
    with transaction.atomic():
        municipality_id = closure.location.municipality_id
        closure_id = closure.pk
        closure.delete()
        _audit(municipality_id, actor, "appointment_closure.deleted", "appointment_closure", closure_id)


# Counters ---------------------------------------------------------------------------------------------------


def _check_services(location: Location, services: Iterable[AppointmentService]) -> list[AppointmentService]:
    chosen = list(services)
    if any(service.municipality_id != location.municipality_id for service in chosen):
        raise ConfigurationRefused(_("Bitte wählen Sie nur Terminleistungen Ihrer Kommune."))
    return chosen


def counter_create(
    *,
    location: Location,
    actor: User,
    name: str,
    services: Iterable[AppointmentService],
    is_active: bool = True,
    position: int = 0,
) -> Counter:
    """Add a counter to ``location`` serving ``services``."""
    chosen = _check_services(location, services)
    if not name.strip():
        raise ConfigurationRefused(_("Bitte geben Sie eine Bezeichnung an."))
    with transaction.atomic():
        counter = Counter.objects.create(location=location, name=name.strip(), is_active=is_active, position=position)
        counter.services.set(chosen)
        _audit(
            location.municipality_id,
            actor,
            "appointment_counter.created",
            "appointment_counter",
            counter.pk,
            services=len(chosen),
        )
    return counter


def counter_update(
    *,
    counter: Counter,
    actor: User,
    name: str,
    services: Iterable[AppointmentService],
    is_active: bool,
    position: int,
) -> Counter:
    """Change a counter's name, services, state and order; booked appointments keep their counter."""
    chosen = _check_services(counter.location, services)
    if not name.strip():
        raise ConfigurationRefused(_("Bitte geben Sie eine Bezeichnung an."))
    with transaction.atomic():
        counter.name = name.strip()
        counter.is_active = is_active
        counter.position = position
        counter.save(update_fields=["name", "is_active", "position"])
        counter.services.set(chosen)
        _audit(
            counter.location.municipality_id,
            actor,
            "appointment_counter.updated",
            "appointment_counter",
            counter.pk,
            services=len(chosen),
            active=is_active,
        )
    return counter


# Bookable services ------------------------------------------------------------------------------------------


def appointment_service_create(
    *, municipality: Municipality, actor: User, service: Service, values: dict[str, Any]
) -> AppointmentService:
    """Make a catalogue service of ``municipality`` bookable by appointment."""
    if service.municipality_id != municipality.pk:
        raise ConfigurationRefused(_("Bitte wählen Sie eine Leistung Ihrer Kommune."))
    if AppointmentService.objects.filter(service=service).exists():
        raise ConfigurationRefused(_("Für diese Leistung gibt es schon Terminregeln."))
    with transaction.atomic():
        appointment_service = AppointmentService(
            municipality=municipality, service=service, **{key: values[key] for key in SERVICE_FIELDS if key in values}
        )
        appointment_service.full_clean()
        appointment_service.save()
        _audit(municipality.pk, actor, "appointment_service.created", "appointment_service", appointment_service.pk)
    return appointment_service


def appointment_service_update(
    *, appointment_service: AppointmentService, actor: User, values: dict[str, Any]
) -> AppointmentService:
    """Change duration, quantity, fair release and whether a service is bookable; booked appointments stay."""
    with transaction.atomic():
        # Compared with the stored row: a bound ModelForm has already copied the new values onto the instance.
        stored = AppointmentService.objects.select_for_update().get(pk=appointment_service.pk)
        changed = [key for key in SERVICE_FIELDS if key in values and getattr(stored, key) != values[key]]
        if not changed:
            return stored
        for key in changed:
            setattr(stored, key, values[key])
        stored.full_clean()
        stored.save(update_fields=changed)
        _audit(
            stored.municipality_id,
            actor,
            "appointment_service.updated",
            "appointment_service",
            stored.pk,
            fields=sorted(changed),
        )
    return stored


# Booking policy ---------------------------------------------------------------------------------------------


def booking_policy_for(*, municipality: Municipality) -> BookingPolicy:
    """The municipality's policy; an unsaved one with the defaults when none was stored yet."""
    policy = BookingPolicy.objects.filter(municipality=municipality).first()
    return policy if policy is not None else BookingPolicy(municipality=municipality)


def booking_policy_update(*, municipality: Municipality, actor: User, values: dict[str, Any]) -> BookingPolicy:
    """Store the municipality's hold time, reminder, cap per e-mail address and waitlist offer time."""
    with transaction.atomic():
        policy, _created = BookingPolicy.objects.select_for_update().get_or_create(municipality=municipality)
        for key in POLICY_FIELDS:
            if key in values:
                setattr(policy, key, values[key])
        policy.full_clean()
        policy.save()
        _audit(
            municipality.pk,
            actor,
            "appointment_policy.updated",
            "appointment_policy",
            policy.pk,
            **{key: getattr(policy, key) for key in POLICY_FIELDS},
        )
    return policy


# Lottery windows --------------------------------------------------------------------------------------------


def lottery_window_create(
    *,
    municipality: Municipality,
    actor: User,
    location: Location,
    service: AppointmentService,
    collect_from: datetime,
    collect_until: datetime,
    first_day: date,
    last_day: date,
) -> LotteryWindow:
    """Open a fair release: requests for ``service`` at ``location`` are collected, then drawn by lot."""
    if location.municipality_id != municipality.pk or service.municipality_id != municipality.pk:
        raise ConfigurationRefused(_("Bitte wählen Sie Standort und Leistung Ihrer Kommune."))
    if not service.fair_release:
        raise ConfigurationRefused(
            _("Für diese Leistung ist die Vergabe im Losverfahren nicht eingeschaltet. Bitte ändern Sie das zuerst.")
        )
    if collect_from >= collect_until:
        raise ConfigurationRefused(_("Das Ende der Sammelzeit muss nach ihrem Beginn liegen."))
    if first_day > last_day:
        raise ConfigurationRefused(_("Der erste vergebene Tag muss vor dem letzten liegen oder derselbe Tag sein."))
    if first_day <= collect_until.date():
        raise ConfigurationRefused(_("Die vergebenen Termine müssen nach dem Ende der Sammelzeit liegen."))
    overlapping = LotteryWindow.objects.filter(
        location=location,
        service=service,
        state=LotteryWindow.State.COLLECTING,
        first_day__lte=last_day,
        last_day__gte=first_day,
    )
    if overlapping.exists():
        raise ConfigurationRefused(
            _("Für diese Leistung und diesen Standort gibt es schon ein Losverfahren für diese Tage.")
        )
    with transaction.atomic():
        window = LotteryWindow.objects.create(
            municipality=municipality,
            location=location,
            service=service,
            collect_from=collect_from,
            collect_until=collect_until,
            first_day=first_day,
            last_day=last_day,
        )
        _audit(municipality.pk, actor, "appointment_lottery.created", "appointment_lottery", window.pk)
    return window
