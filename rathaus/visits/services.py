"""Writes of the counter side: check-in, walk-in tickets, calling, serving, no-shows.

Writes that hand out something (a number, the next person) lock the location row first
(``select_for_update``). That serialises them per waiting room, so two counters pressing "Nächste
Person aufrufen" at the same moment get two different people, and two tickets drawn at once get two
numbers; the unique constraint on (location, day, kind, number) stays as the database's last word.
Changes of one visit (recall, start, finish, left) lock only that visit's row.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.appointments.models import Appointment, AppointmentService, Counter, Location, SlotClaim
from rathaus.audit.services import audit_record

from .models import Visit
from .queue import next_visit_for

# A double click on "Erneut aufrufen" within this time counts as one call.
RECALL_DEBOUNCE = timedelta(seconds=10)
# Staff may mark a confirmed appointment as missed this long after its start (the recurring pass waits longer).
NO_SHOW_AFTER = timedelta(minutes=15)


class VisitRefused(Exception):
    """A counter action that cannot be done; ``message`` is German and shown to staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _lock_location(location_id: int) -> Location:
    return Location.objects.select_for_update().get(pk=location_id)


def _lock_visit(visit_id: int) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("location", "counter", "appointment")
        .get(pk=visit_id)
    )


def _next_number(*, location: Location, day: date, kind: str) -> int:
    highest = Visit.objects.filter(location=location, day=day, kind=kind).aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _audit(visit: Visit, *, actor: Any, action: str, **details: Any) -> None:
    audit_record(
        municipality_id=visit.municipality_id,
        actor=actor,
        action=action,
        object_type="visit",
        object_id=visit.pk,
        details={"number": visit.display_number, "location": visit.location_id, **details},
    )


def visit_check_in(*, appointment: Appointment, actor: Any = None, now: datetime | None = None) -> Visit:
    """Register the arrival of a confirmed appointment of today: CONFIRMED → CHECKED_IN, with a "T" number."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        location = _lock_location(appointment.location_id)
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        existing = Visit.objects.filter(appointment=appointment).first()
        if appointment.state == Appointment.State.CHECKED_IN and existing is not None:
            return existing
        if appointment.state != Appointment.State.CONFIRMED:
            raise VisitRefused(
                _("Dieser Termin kann nicht angemeldet werden; sein Status ist „%(state)s“.")
                % {"state": appointment.get_state_display()}
            )
        if timezone.localdate(appointment.starts_at) != today:
            raise VisitRefused(
                _("Dieser Termin ist am %(day)s, nicht heute. Anmelden geht nur am Tag des Termins.")
                % {"day": timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y")}
            )
        visit = Visit.objects.create(
            municipality_id=appointment.municipality_id,
            location=location,
            day=today,
            kind=Visit.Kind.APPOINTMENT,
            number=_next_number(location=location, day=today, kind=Visit.Kind.APPOINTMENT),
            appointment=appointment,
            arrived_at=now,
        )
        visit.services.set([item.service_id for item in appointment.items.all()])
        appointment.state = Appointment.State.CHECKED_IN
        appointment.checked_in_at = now
        appointment.save(update_fields=["state", "checked_in_at"])
        _audit(visit, actor=actor, action="visit.check_in", appointment=appointment.pk)
    return visit


def visit_walk_in(
    *,
    location: Location,
    services: Sequence[AppointmentService],
    actor: Any = None,
    now: datetime | None = None,
) -> Visit:
    """Draw a ticket ("W" number) for someone without an appointment."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not services:
        raise VisitRefused(_("Bitte wählen Sie mindestens ein Anliegen aus."))
    if any(service.municipality_id != location.municipality_id for service in services):
        raise VisitRefused(_("Dieses Anliegen gehört nicht zu dieser Kommune."))
    handled = set(
        AppointmentService.objects.filter(counters__location=location, counters__is_active=True).values_list(
            "pk", flat=True
        )
    )
    missing = [service for service in services if service.pk not in handled]
    if missing:
        raise VisitRefused(
            _("Für „%(service)s“ ist an diesem Standort heute kein Schalter besetzt.") % {"service": missing[0]}
        )
    with transaction.atomic():
        location = _lock_location(location.pk)
        visit = Visit.objects.create(
            municipality_id=location.municipality_id,
            location=location,
            day=today,
            kind=Visit.Kind.WALK_IN,
            number=_next_number(location=location, day=today, kind=Visit.Kind.WALK_IN),
            arrived_at=now,
        )
        visit.services.set(services)
        _audit(visit, actor=actor, action="visit.walk_in", services=sorted(service.pk for service in services))
    return visit


def visit_call_next(*, counter: Counter, staff: Any, now: datetime | None = None) -> Visit | None:
    """Call the next person for ``counter`` by the interleaving rule (docs/counter.md); None if nobody waits."""
    now = now or timezone.now()
    with transaction.atomic():
        location = _lock_location(counter.location_id)
        busy = (
            Visit.objects.filter(counter=counter, day=timezone.localdate(now), state__in=Visit.OPEN_STATES)
            .exclude(state=Visit.State.WAITING)
            .first()
        )
        if busy is not None:
            raise VisitRefused(
                _(
                    "Am %(counter)s ist noch %(number)s aufgerufen. Bitte schließen Sie den Besuch zuerst ab "
                    "oder vermerken Sie, dass die Person gegangen ist."
                )
                % {"counter": counter.name, "number": busy.display_number}
            )
        visit = next_visit_for(location=location, counter=counter, now=now)
        if visit is None:
            return None
        visit = _lock_visit(visit.pk)
        visit.state = Visit.State.CALLED
        visit.counter = counter
        visit.called_by = staff
        visit.called_at = now
        visit.first_called_at = visit.first_called_at or now
        visit.call_count += 1
        visit.save(update_fields=["state", "counter", "called_by", "called_at", "first_called_at", "call_count"])
        _audit(visit, actor=staff, action="visit.call", counter=counter.pk)
    return visit


def visit_recall(*, visit: Visit, staff: Any, now: datetime | None = None) -> Visit:
    """Call the same person again (shown anew on the display)."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _lock_visit(visit.pk)
        if visit.state != Visit.State.CALLED:
            raise VisitRefused(_("Nur eine aufgerufene Person kann erneut aufgerufen werden."))
        if visit.called_at is not None and now - visit.called_at < RECALL_DEBOUNCE:
            return visit
        visit.called_at = now
        visit.call_count += 1
        visit.save(update_fields=["called_at", "call_count"])
        _audit(visit, actor=staff, action="visit.recall", call_count=visit.call_count)
    return visit


def visit_start(*, visit: Visit, staff: Any, now: datetime | None = None) -> Visit:
    """The called person has arrived at the counter: service starts."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _lock_visit(visit.pk)
        if visit.state == Visit.State.IN_SERVICE:
            return visit
        if visit.state != Visit.State.CALLED:
            raise VisitRefused(_("Bedient werden kann nur eine aufgerufene Person."))
        visit.state = Visit.State.IN_SERVICE
        visit.service_started_at = now
        visit.save(update_fields=["state", "service_started_at"])
        _audit(visit, actor=staff, action="visit.start")
    return visit


def visit_finish(*, visit: Visit, staff: Any, now: datetime | None = None) -> Visit:
    """The visit is done; a visit with an appointment completes the appointment."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _lock_visit(visit.pk)
        if visit.state == Visit.State.FINISHED:
            return visit
        if visit.state not in (Visit.State.CALLED, Visit.State.IN_SERVICE):
            raise VisitRefused(_("Abschließen kann man nur einen Besuch, der aufgerufen oder in Bedienung ist."))
        # Someone served straight after the call: the service began with the call.
        visit.service_started_at = visit.service_started_at or visit.called_at or now
        visit.state = Visit.State.FINISHED
        visit.finished_at = now
        visit.save(update_fields=["state", "service_started_at", "finished_at"])
        if visit.appointment_id is not None:
            Appointment.objects.filter(pk=visit.appointment_id, state=Appointment.State.CHECKED_IN).update(
                state=Appointment.State.COMPLETED
            )
        _audit(visit, actor=staff, action="visit.finish")
    return visit


def visit_left(*, visit: Visit, staff: Any, now: datetime | None = None) -> Visit:
    """The person is gone (did not come to the counter after the call, or left the waiting room)."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _lock_visit(visit.pk)
        if visit.state == Visit.State.LEFT:
            return visit
        if visit.state not in (Visit.State.WAITING, Visit.State.CALLED):
            raise VisitRefused(_("Wer schon bedient wird oder fertig ist, kann nicht als gegangen gelten."))
        visit.state = Visit.State.LEFT
        visit.left_at = now
        visit.save(update_fields=["state", "left_at"])
        if visit.appointment_id is not None:
            _appointment_end_for_left_visit(
                appointment_id=visit.appointment_id, called=visit.first_called_at is not None, now=now
            )
        _audit(visit, actor=staff, action="visit.left")
    return visit


def _appointment_end_for_left_visit(*, appointment_id: int, called: bool, now: datetime) -> None:
    """A checked-in appointment whose person left: missed if never called, else done; its time ahead is free again.

    Never called, they did not get served: that counts as a no-show in the statistics. Called (and gone before
    or after a recall), the counter did its part: the appointment is done. Either way it stops holding time.
    """
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
    if appointment is None or appointment.state != Appointment.State.CHECKED_IN:
        return
    appointment.state = Appointment.State.COMPLETED if called else Appointment.State.NO_SHOW
    appointment.save(update_fields=["state"])
    SlotClaim.objects.filter(appointment_id=appointment_id, starts_at__gte=now).delete()


def appointments_mark_no_shows(*, location: Location, day: date, now: datetime | None = None) -> int:
    """Confirmed appointments of ``day`` whose time has passed without a check-in become NO_SHOW; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_location(location.pk)
        missed = list(
            Appointment.objects.select_for_update()
            .filter(location=location, state=Appointment.State.CONFIRMED, ends_at__lte=now, starts_at__date=day)
            .values_list("pk", flat=True)
        )
        if not missed:
            return 0
        Appointment.objects.filter(pk__in=missed).update(state=Appointment.State.NO_SHOW)
        audit_record(
            municipality_id=location.municipality_id,
            actor=None,
            action="visit.no_shows",
            object_type="visit",
            object_id=location.pk,
            details={"location": location.pk, "day": day.isoformat(), "appointments": missed},
        )
    return len(missed)


def appointment_mark_no_show(*, appointment: Appointment, staff: Any, now: datetime | None = None) -> Appointment:
    """Staff note that a confirmed appointment of today was missed, 15 minutes or more after its start."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.state == Appointment.State.NO_SHOW:
            return locked
        if locked.state != Appointment.State.CONFIRMED:
            raise VisitRefused(
                _("Dieser Termin kann nicht als „nicht erschienen“ gelten; sein Status ist „%(state)s“.")
                % {"state": locked.get_state_display()}
            )
        if timezone.localdate(locked.starts_at) != timezone.localdate(now):
            raise VisitRefused(_("Als „nicht erschienen“ lassen sich nur Termine von heute vermerken."))
        if now < locked.starts_at + NO_SHOW_AFTER:
            raise VisitRefused(
                _("Bitte warten Sie bis %(time)s Uhr: Erst 15 Minuten nach Beginn gilt ein Termin als versäumt.")
                % {"time": timezone.localtime(locked.starts_at + NO_SHOW_AFTER).strftime("%H:%M")}
            )
        locked.state = Appointment.State.NO_SHOW
        locked.save(update_fields=["state"])
        audit_record(
            municipality_id=locked.municipality_id,
            actor=staff,
            action="visit.no_show",
            object_type="appointment",
            object_id=locked.pk,
            details={"location": locked.location_id, "starts_at": locked.starts_at.isoformat()},
        )
    return locked


def visits_close_day(*, location: Location, day: date, now: datetime | None = None) -> int:
    """Visits of a past ``day`` still waiting or called when the office closed count as gone; returns how many."""
    now = now or timezone.now()
    if day >= timezone.localdate(now):
        return 0
    with transaction.atomic():
        _lock_location(location.pk)
        open_visits = list(
            Visit.objects.select_for_update()
            .filter(location=location, day=day, state__in=(Visit.State.WAITING, Visit.State.CALLED))
            .values_list("pk", flat=True)
        )
        if not open_visits:
            return 0
        Visit.objects.filter(pk__in=open_visits).update(state=Visit.State.LEFT, left_at=now)
        audit_record(
            municipality_id=location.municipality_id,
            actor=None,
            action="visit.day_closed",
            object_type="visit",
            object_id=location.pk,
            details={"location": location.pk, "day": day.isoformat(), "visits": open_visits},
        )
    return len(open_visits)
