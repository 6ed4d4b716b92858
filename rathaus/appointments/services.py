"""Writes on appointments: hold, confirm, cancel, move, waitlist and fair release.

The database guards the capacity: every appointment that holds time owns one ``SlotClaim`` per time
unit, and the unique constraint on (counter, start) refuses a second claim. A hold therefore reads
the free counters for the asked time, then tries to insert its claims counter by counter, each try
in its own savepoint, so that losing a race only means trying the next counter. The audit entry is
written last in every transaction: it locks the municipality's audit chain, and taking that lock
only after all claims are in keeps concurrent holds from waiting on each other in a circle.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rathaus.audit.services import audit_record
from rathaus.municipalities.models import Municipality

from .availability import (
    BookingItem,
    booking_window,
    epoch_minute,
    local_zone,
    plan_load,
)
from .models import (
    GRAIN_MINUTES,
    Appointment,
    AppointmentItem,
    AppointmentService,
    BookingEmailLock,
    BookingPolicy,
    Location,
    LotteryEntry,
    LotteryWindow,
    SlotClaim,
    WaitlistEntry,
)

STAFF_CHANNELS = (Appointment.Channel.PHONE, Appointment.Channel.COUNTER)
# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: a code read out on the phone cannot be misheard or mistyped.
CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
CODE_LENGTH = 6


class BookingRefused(Exception):
    """A booking request that cannot be met; ``message`` is German, user-facing and translated."""

    def __init__(self, message: "str | Promise") -> None:
        super().__init__(str(message))
        self.message = message


def policy_for(*, municipality: Municipality) -> BookingPolicy:
    """The municipality's booking rules; the defaults when none are stored yet."""
    policy = BookingPolicy.objects.filter(municipality=municipality).first()
    return policy if policy is not None else BookingPolicy(municipality=municipality)


def normalised_email(email: str) -> str:
    return email.strip().lower()


def _language() -> str:
    return (translation.get_language() or "de").split("-")[0]


def _enqueue(task_name: str, *args: Any) -> None:
    from . import tasks

    getattr(tasks, task_name).enqueue(*args)


def _after_commit(task_name: str, *args: Any) -> None:
    transaction.on_commit(partial(_enqueue, task_name, *args))


def _audit(appointment: Appointment, actor: Any, action: str, **details: Any) -> None:
    audit_record(
        municipality_id=appointment.municipality_id,
        actor=actor,
        action=action,
        object_type="appointment",
        object_id=appointment.pk,
        details={"location": appointment.location_id, "starts_at": appointment.starts_at.isoformat(), **details},
    )


def _new_code(municipality: Municipality) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
        if not Appointment.objects.filter(municipality=municipality, code=code).exists():
            return code


def _check_items(*, municipality: Municipality, items: Sequence[BookingItem], staff: bool) -> None:
    if not items:
        raise BookingRefused(_("Bitte wählen Sie mindestens ein Anliegen."))
    seen: set[int] = set()
    for item in items:
        service = item.service
        if service.municipality_id != municipality.pk or service.pk in seen:
            raise BookingRefused(_("Diese Auswahl an Anliegen ist nicht möglich."))
        seen.add(service.pk)
        if not staff and not service.is_bookable:
            raise BookingRefused(
                _("Für „%(service)s“ können Sie keinen Termin online buchen.") % {"service": service.service.name}
            )
        if item.quantity < 1 or item.quantity > service.max_quantity:
            raise BookingRefused(
                _("Für „%(service)s“ sind in einem Termin höchstens %(count)d Anliegen möglich.")
                % {"service": service.service.name, "count": service.max_quantity}
            )


def _check_contact(*, name: str, email: str, email_required: bool) -> None:
    if not name.strip():
        raise BookingRefused(_("Bitte geben Sie Ihren Namen an."))
    if email_required and not email.strip():
        raise BookingRefused(_("Bitte geben Sie Ihre E-Mail-Adresse an."))
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise BookingRefused(
                _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.")
            ) from error


def _check_location(*, municipality: Municipality, location: Location) -> None:
    if location.municipality_id != municipality.pk or not location.is_active:
        raise BookingRefused(_("An diesem Standort können Sie keinen Termin buchen."))


def _check_window(*, location: Location, starts_at: datetime, now: datetime, staff: bool) -> None:
    if timezone.is_naive(starts_at):
        raise BookingRefused(_("Bitte wählen Sie eine Uhrzeit aus der Liste der freien Termine."))
    first_day, last_day = booking_window(location=location, now=now, staff=staff)
    day = timezone.localdate(starts_at, local_zone())
    if day < first_day or day > last_day or starts_at <= now:
        raise BookingRefused(
            _("Termine gibt es vom %(first)s bis zum %(last)s. Bitte wählen Sie einen Tag in dieser Zeit.")
            % {"first": first_day.strftime("%d.%m.%Y"), "last": last_day.strftime("%d.%m.%Y")}
        )


def open_appointment_count(*, municipality: Municipality, email: str, now: datetime | None = None) -> int:
    """Upcoming appointments (confirmed or held) booked with ``email``."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            municipality=municipality,
            email__iexact=email.strip(),
            state__in=Appointment.ACTIVE_STATES,
            starts_at__gt=now,
        )
        .exclude(state=Appointment.State.HELD, hold_expires_at__lte=now)
        .count()
    )


def scoped_idempotency_key(*, key: str, email: str) -> str:
    """A key bound to the e-mail address that sent it, stored when another address already used ``key``."""
    return salted_hmac(
        "rathaus.appointments.idempotency", f"{normalised_email(email)}\n{key}", algorithm="sha256"
    ).hexdigest()


def _idempotent_request(*, municipality: Municipality, key: str, email: str) -> tuple[Appointment | None, str]:
    """The appointment an earlier request with ``key`` from the same e-mail address made, and the key to store.

    A key counts only for the address that sent it: another client that happens to send the same key (or
    guesses it) makes a new request under a key scoped to its own address, and never receives someone
    else's appointment.
    """
    scoped = scoped_idempotency_key(key=key, email=email)
    earlier = list(Appointment.objects.filter(municipality=municipality, idempotency_key__in=[key, scoped]))
    for appointment in earlier:
        if normalised_email(appointment.email) == normalised_email(email):
            return appointment, appointment.idempotency_key or key
    return None, scoped if earlier else key


def _lock_email(*, municipality: Municipality, email: str) -> None:
    """Make holds for the same address take turns until the transaction ends, so two cannot both pass the cap."""
    email_hash = salted_hmac("rathaus.appointments.email-lock", normalised_email(email), algorithm="sha256").hexdigest()
    # get_or_create may race on the first hold of an address: the unique constraint then refuses the second
    # insert and the loser takes the row the winner made.
    with transaction.atomic():
        BookingEmailLock.objects.get_or_create(municipality=municipality, email_hash=email_hash)
    BookingEmailLock.objects.select_for_update().get(municipality=municipality, email_hash=email_hash)


def _release_stale_holds(
    *, location: Location, counter_ids: Sequence[int], starts_at: datetime, ends_at: datetime, now: datetime
) -> None:
    stale = list(
        Appointment.objects.filter(
            location=location,
            counter_id__in=counter_ids,
            state=Appointment.State.HELD,
            hold_expires_at__lte=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).values_list("pk", flat=True)
    )
    if stale:
        Appointment.objects.filter(pk__in=stale, state=Appointment.State.HELD).update(state=Appointment.State.EXPIRED)
        SlotClaim.objects.filter(appointment_id__in=stale).delete()
    # Only active appointments own their time. A no-show marked while its time still runs (or a visit finished
    # early) may leave claims on units a same-day booking now wants; the appointment itself keeps its times.
    SlotClaim.objects.filter(counter_id__in=counter_ids, starts_at__gte=starts_at, starts_at__lt=ends_at).exclude(
        appointment__state__in=Appointment.ACTIVE_STATES
    ).delete()


def _free_counters(
    *,
    location: Location,
    items: Sequence[BookingItem],
    starts_at: datetime,
    now: datetime,
    staff: bool,
    ignore_fair_release: bool,
    exclude_appointment_id: int | None = None,
) -> tuple[list[int], datetime]:
    """The counters on which ``starts_at`` looks free, and when such an appointment ends."""
    day = timezone.localdate(starts_at, local_zone())
    plan = plan_load(
        location=location,
        items=items,
        first_day=day,
        last_day=day,
        now=now,
        staff=staff,
        ignore_fair_release=ignore_fair_release,
        exclude_appointment_id=exclude_appointment_id,
    )
    counters = plan.starts_of_day(day).get(epoch_minute(starts_at), [])
    if starts_at.second or starts_at.microsecond or not counters:
        raise BookingRefused(_("Diese Uhrzeit ist leider nicht mehr frei. Bitte wählen Sie eine andere."))
    return counters, starts_at + timedelta(minutes=plan.units * plan.slot)


def slot_claims_for(appointment: Appointment) -> list[SlotClaim]:
    """One claim per 5-minute grain of the appointment's time, on the epoch's grain grid.

    The grain is the same everywhere, so any two overlapping appointments of one counter want at least one
    common claim and the unique constraint refuses the second, whatever the location's grid was at booking.
    """
    grain = GRAIN_MINUTES * 60
    first = int(appointment.starts_at.timestamp()) // grain * grain
    end = int(appointment.ends_at.timestamp())
    return [
        SlotClaim(
            counter_id=appointment.counter_id,
            starts_at=datetime.fromtimestamp(second, tz=UTC),
            appointment=appointment,
        )
        for second in range(first, end, grain)
    ]


def _hold(
    *,
    municipality: Municipality,
    location: Location,
    items: Sequence[BookingItem],
    starts_at: datetime,
    fields: dict[str, Any],
    now: datetime,
    staff: bool,
    ignore_fair_release: bool,
    idempotency_key: str | None,
) -> Appointment | None:
    """Create the appointment on a free counter; ``None`` when the idempotency key was used meanwhile."""
    counters, ends_at = _free_counters(
        location=location,
        items=items,
        starts_at=starts_at,
        now=now,
        staff=staff,
        ignore_fair_release=ignore_fair_release,
    )
    _release_stale_holds(location=location, counter_ids=counters, starts_at=starts_at, ends_at=ends_at, now=now)
    # Start at a random free counter: in a rush, people asking for the same time then race on different
    # counters instead of all queueing behind the first one.
    first = secrets.randbelow(len(counters))
    for counter_id in counters[first:] + counters[:first]:
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    municipality=municipality,
                    location=location,
                    counter_id=counter_id,
                    code=_new_code(municipality),
                    starts_at=starts_at,
                    ends_at=ends_at,
                    idempotency_key=idempotency_key,
                    **fields,
                )
                AppointmentItem.objects.bulk_create(
                    AppointmentItem(appointment=appointment, service=item.service, quantity=item.quantity)
                    for item in items
                )
                SlotClaim.objects.bulk_create(slot_claims_for(appointment))
                return appointment
        except IntegrityError:
            if (
                idempotency_key
                and Appointment.objects.filter(municipality=municipality, idempotency_key=idempotency_key).exists()
            ):
                return None
            continue  # someone else took this counter at this time a moment ago
    raise BookingRefused(_("Diese Uhrzeit ist leider nicht mehr frei. Bitte wählen Sie eine andere."))


def appointment_hold(
    *,
    municipality: Municipality,
    location: Location,
    items: Sequence[BookingItem],
    starts_at: datetime,
    name: str,
    email: str,
    phone: str = "",
    user: Any = None,
    channel: str = Appointment.Channel.ONLINE,
    booked_by: Any = None,
    idempotency_key: str | None = None,
    case: Any = None,
    now: datetime | None = None,
) -> Appointment:
    """Reserve a time for a few minutes until the person confirms it (double opt-in)."""
    now = now or timezone.now()
    if idempotency_key:
        existing, idempotency_key = _idempotent_request(municipality=municipality, key=idempotency_key, email=email)
        if existing is not None:
            return existing
    staff = channel in STAFF_CHANNELS
    _check_location(municipality=municipality, location=location)
    _check_items(municipality=municipality, items=items, staff=staff)
    _check_contact(name=name, email=email, email_required=not staff)
    _check_window(location=location, starts_at=starts_at, now=now, staff=staff)
    policy = policy_for(municipality=municipality)
    fields = {
        "state": Appointment.State.HELD,
        "channel": channel,
        "hold_expires_at": now + timedelta(minutes=policy.hold_minutes),
        "name": name.strip(),
        "email": email.strip(),
        "phone": phone.strip(),
        "user": user if user is not None and getattr(user, "is_authenticated", False) else None,
        "booked_by": booked_by,
        "case": case,
        "language": _language(),
    }
    with transaction.atomic():
        if not staff:
            _lock_email(municipality=municipality, email=email)
            if open_appointment_count(municipality=municipality, email=email, now=now) >= policy.max_open_per_email:
                raise BookingRefused(
                    _(
                        "Mit dieser E-Mail-Adresse sind schon %(count)d Termine gebucht. Bitte sagen Sie einen ab, "
                        "bevor Sie einen weiteren buchen."
                    )
                    % {"count": policy.max_open_per_email}
                )
        appointment = _hold(
            municipality=municipality,
            location=location,
            items=items,
            starts_at=starts_at,
            fields=fields,
            now=now,
            staff=staff,
            ignore_fair_release=False,
            idempotency_key=idempotency_key,
        )
        if appointment is None:
            # The same key was stored meanwhile: the same caller's retry gets its appointment, anyone else nothing.
            raced = Appointment.objects.get(municipality=municipality, idempotency_key=idempotency_key)
            if normalised_email(raced.email) != normalised_email(email):
                raise BookingRefused(_("Bitte versuchen Sie es noch einmal."))
            return raced
        _audit(
            appointment,
            booked_by or user,
            "appointment.held",
            channel=channel,
            services=[item.service.pk for item in items],
        )
        if channel == Appointment.Channel.ONLINE and appointment.email:
            _after_commit("appointment_email", appointment.pk, "confirm_link")
    return appointment


def _confirm(*, appointment: Appointment, now: datetime, notify: bool) -> Appointment:
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.state in (Appointment.State.CONFIRMED, Appointment.State.CHECKED_IN, Appointment.State.COMPLETED):
            return locked
        if locked.state != Appointment.State.HELD or (
            locked.hold_expires_at is not None and locked.hold_expires_at <= now
        ):
            raise BookingRefused(_("Die Reservierung ist abgelaufen und der Termin wieder frei. Bitte buchen Sie neu."))
        locked.state = Appointment.State.CONFIRMED
        locked.confirmed_at = now
        locked.hold_expires_at = None
        locked.save(update_fields=["state", "confirmed_at", "hold_expires_at"])
        WaitlistEntry.objects.filter(offered_appointment=locked, state=WaitlistEntry.State.OFFERED).update(
            state=WaitlistEntry.State.BOOKED
        )
        _audit(locked, locked.user, "appointment.confirmed", channel=locked.channel)
        if notify and locked.email:
            _after_commit("appointment_email", locked.pk, "confirmed")
    return locked


def appointment_confirm(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Turn a hold into a booking; sends the confirmation with the calendar file."""
    return _confirm(appointment=appointment, now=now or timezone.now(), notify=True)


def _is_staff(*, actor: Any, municipality_id: int) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.staff_memberships.filter(municipality_id=municipality_id).exists())


def _check_changeable(*, appointment: Appointment, now: datetime, staff: bool, refusal: "str | Promise") -> None:
    """Citizens change only appointments that still lie ahead and have not begun at the counter."""
    if staff:
        return
    if appointment.state == Appointment.State.CHECKED_IN:
        raise BookingRefused(
            _("Sie sind für diesen Termin schon vor Ort angemeldet. Bitte wenden Sie sich an den Schalter.")
        )
    if appointment.state not in (Appointment.State.HELD, Appointment.State.CONFIRMED) or appointment.starts_at <= now:
        raise BookingRefused(refusal)


def appointment_cancel(
    *,
    appointment: Appointment,
    actor: Any = None,
    reason: str = "",
    by_staff: bool | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel an appointment: its time is free at once and offered to the waitlist.

    Citizens may cancel only while the appointment lies ahead and is not checked in; staff (``by_staff``,
    or by default an ``actor`` with a staff membership of the municipality) may cancel any active one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.state in (Appointment.State.CANCELLED, Appointment.State.EXPIRED):
            return locked
        if locked.state not in Appointment.ACTIVE_STATES:
            raise BookingRefused(_("Dieser Termin ist schon vorbei und kann nicht mehr abgesagt werden."))
        staff = by_staff if by_staff is not None else _is_staff(actor=actor, municipality_id=locked.municipality_id)
        _check_changeable(
            appointment=locked,
            now=now,
            staff=staff,
            refusal=_("Dieser Termin ist schon vorbei und kann nicht mehr abgesagt werden."),
        )
        was_confirmed = locked.state != Appointment.State.HELD
        locked.state = Appointment.State.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason.strip()[:200]
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        SlotClaim.objects.filter(appointment=locked).delete()
        WaitlistEntry.objects.filter(offered_appointment=locked, state=WaitlistEntry.State.OFFERED).update(
            state=WaitlistEntry.State.WITHDRAWN
        )
        _audit(locked, actor, "appointment.cancelled", was_confirmed=was_confirmed)
        if was_confirmed and locked.email:
            _after_commit("appointment_email", locked.pk, "cancelled")
        if locked.starts_at > now:
            _after_commit("waitlist_offer", locked.pk)
    return locked


def appointment_move(
    *,
    appointment: Appointment,
    starts_at: datetime,
    location: Location | None = None,
    actor: Any = None,
    by_staff: bool | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment with the same services to another time; the old time stays until the new one is taken.

    The new time follows the appointment's own channel rules, as on the booking pages: an online appointment
    may not move onto the counters held back for walk-ins or before the online booking window. Its own old
    time does not count as taken, so a move by a few minutes that overlaps it is fine.
    """
    now = now or timezone.now()
    target = location or appointment.location
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().select_related("municipality").get(pk=appointment.pk)
        staff = locked.channel in STAFF_CHANNELS
        acting_staff = (
            by_staff if by_staff is not None else _is_staff(actor=actor, municipality_id=locked.municipality_id)
        )
        held_out = locked.state == Appointment.State.HELD and (
            locked.hold_expires_at is not None and locked.hold_expires_at <= now
        )
        if locked.state not in (Appointment.State.HELD, Appointment.State.CONFIRMED) or held_out:
            raise BookingRefused(_("Dieser Termin kann nicht mehr verschoben werden."))
        _check_changeable(
            appointment=locked,
            now=now,
            staff=acting_staff,
            refusal=_("Dieser Termin ist schon vorbei und kann nicht mehr verschoben werden."),
        )
        _check_location(municipality=locked.municipality, location=target)
        _check_window(location=target, starts_at=starts_at, now=now, staff=staff)
        old_location_id, old_starts_at, old_ends_at = locked.location_id, locked.starts_at, locked.ends_at
        items = [
            BookingItem(service=item.service, quantity=item.quantity)
            for item in locked.items.select_related("service__service")
        ]
        counters, ends_at = _free_counters(
            location=target,
            items=items,
            starts_at=starts_at,
            now=now,
            staff=staff,
            ignore_fair_release=locked.channel == Appointment.Channel.LOTTERY,
            exclude_appointment_id=locked.pk,
        )
        _release_stale_holds(location=target, counter_ids=counters, starts_at=starts_at, ends_at=ends_at, now=now)
        # Inside this transaction: if no counter can be claimed, the refusal rolls the deletion back too.
        SlotClaim.objects.filter(appointment=locked).delete()
        locked.location = target
        locked.starts_at = starts_at
        locked.ends_at = ends_at
        for counter_id in counters:
            locked.counter_id = counter_id
            try:
                with transaction.atomic():
                    SlotClaim.objects.bulk_create(slot_claims_for(locked))
                break
            except IntegrityError:
                continue
        else:
            raise BookingRefused(_("Diese Uhrzeit ist leider nicht mehr frei. Bitte wählen Sie eine andere."))
        locked.reminder_sent_at = None
        locked.save(update_fields=["location", "counter", "starts_at", "ends_at", "reminder_sent_at"])
        _audit(locked, actor if actor is not None else locked.user, "appointment.moved")
        if locked.state == Appointment.State.CONFIRMED and locked.email:
            _after_commit("appointment_email", locked.pk, "moved")
        if old_starts_at > now and (old_location_id, old_starts_at) != (locked.location_id, locked.starts_at):
            _after_commit(
                "waitlist_offer_moved",
                locked.pk,
                old_location_id,
                old_starts_at.isoformat(),
                old_ends_at.isoformat(),
            )
    return locked


def appointment_expire(*, appointment_id: int, offer_to_waitlist: bool = False, now: datetime | None = None) -> bool:
    """End a hold whose time ran out and free its time; returns whether it did.

    With ``offer_to_waitlist`` a time that still lies ahead goes to the first matching person waiting,
    like the time of a cancellation (offers from the waitlist pass their time on themselves).
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = Appointment.objects.filter(
            pk=appointment_id, state=Appointment.State.HELD, hold_expires_at__lte=now
        ).update(state=Appointment.State.EXPIRED)
        SlotClaim.objects.filter(appointment_id=appointment_id, appointment__state=Appointment.State.EXPIRED).delete()
        if changed:
            appointment = Appointment.objects.get(pk=appointment_id)
            _audit(appointment, None, "appointment.expired")
            if offer_to_waitlist and appointment.starts_at > now:
                _after_commit("waitlist_offer", appointment.pk)
    return bool(changed)


def _stored_items(municipality: Municipality, raw: Any) -> list[BookingItem]:
    wanted = {int(row["service"]): int(row.get("quantity", 1)) for row in raw or []}
    services = AppointmentService.objects.select_related("service").filter(municipality=municipality, pk__in=wanted)
    return [BookingItem(service=service, quantity=wanted[service.pk]) for service in services]


def waitlist_join(
    *,
    municipality: Municipality,
    location: Location | None,
    items: Sequence[BookingItem],
    earliest_day: date,
    latest_day: date,
    name: str,
    email: str,
    phone: str = "",
) -> WaitlistEntry:
    """Put someone on the waitlist; freed times are offered in the order people joined."""
    if location is not None:
        _check_location(municipality=municipality, location=location)
    _check_items(municipality=municipality, items=items, staff=False)
    _check_contact(name=name, email=email, email_required=True)
    today = timezone.localdate(timezone.now(), local_zone())
    if earliest_day > latest_day or latest_day < today or latest_day > today + timedelta(days=365):
        raise BookingRefused(_("Bitte geben Sie einen Zeitraum von heute bis höchstens ein Jahr im Voraus an."))
    policy = policy_for(municipality=municipality)
    waiting = WaitlistEntry.objects.filter(
        municipality=municipality, email__iexact=email.strip(), state=WaitlistEntry.State.WAITING
    ).count()
    if waiting >= policy.max_open_per_email:
        raise BookingRefused(_("Mit dieser E-Mail-Adresse stehen Sie schon mehrfach auf der Warteliste."))
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            municipality=municipality,
            location=location,
            items=[{"service": item.service.pk, "quantity": item.quantity} for item in items],
            earliest_day=max(earliest_day, today),
            latest_day=latest_day,
            name=name.strip(),
            email=email.strip(),
            phone=phone.strip(),
            language=_language(),
        )
        audit_record(
            municipality_id=municipality.pk,
            actor=None,
            action="appointment.waitlist_joined",
            object_type="appointment",
            object_id=None,
            details={"waitlist_entry": entry.pk, "location": location.pk if location else None},
        )
    return entry


def _covers(entry_items: Sequence[BookingItem], freed: dict[int, int], freed_minutes: int) -> bool:
    if not entry_items or not {item.service.pk for item in entry_items} <= set(freed):
        return False
    return sum(item.service.duration_minutes * item.quantity for item in entry_items) <= freed_minutes


def waitlist_offer_freed_time(*, appointment_id: int, now: datetime | None = None) -> WaitlistEntry | None:
    """Offer the time of a cancelled or lapsed appointment to the first matching person on the waitlist."""
    now = now or timezone.now()
    source = (
        Appointment.objects.select_related("location", "municipality")
        .prefetch_related("items__service")
        .filter(pk=appointment_id)
        .first()
    )
    if source is None or source.state not in (Appointment.State.CANCELLED, Appointment.State.EXPIRED):
        return None
    if WaitlistEntry.objects.filter(
        offered_from=source, state__in=(WaitlistEntry.State.OFFERED, WaitlistEntry.State.BOOKED)
    ).exists():
        return None
    return _offer_time(
        source=source, location=source.location, starts_at=source.starts_at, ends_at=source.ends_at, now=now
    )


def waitlist_offer_moved_time(
    *,
    appointment_id: int,
    location_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime | None = None,
) -> WaitlistEntry | None:
    """Offer the time an appointment left behind when it was moved, like the time of a cancellation."""
    now = now or timezone.now()
    source = (
        Appointment.objects.select_related("municipality")
        .prefetch_related("items__service")
        .filter(pk=appointment_id)
        .first()
    )
    location = Location.objects.filter(pk=location_id).first()
    if source is None or location is None or location.municipality_id != source.municipality_id:
        return None
    # Run twice, the second run finds the time taken by the first offer and offers nothing.
    return _offer_time(source=source, location=location, starts_at=starts_at, ends_at=ends_at, now=now)


def _offer_time(
    *, source: Appointment, location: Location, starts_at: datetime, ends_at: datetime, now: datetime
) -> WaitlistEntry | None:
    """Hold the freed time for the first waiting person it fits, and tell them; ``None`` when nobody gets it."""
    if starts_at <= now:
        return None
    freed = {item.service_id: item.quantity for item in source.items.all()}
    freed_minutes = int((ends_at - starts_at).total_seconds() // 60)
    day = timezone.localdate(starts_at, local_zone())
    candidates = (
        WaitlistEntry.objects.filter(
            municipality_id=source.municipality_id,
            state=WaitlistEntry.State.WAITING,
            earliest_day__lte=day,
            latest_day__gte=day,
        )
        .filter(Q(location__isnull=True) | Q(location_id=location.pk))
        .order_by("created_at", "id")
    )
    policy = policy_for(municipality=source.municipality)
    for entry in candidates:
        items = _stored_items(source.municipality, entry.items)
        if not _covers(items, freed, freed_minutes):
            continue
        fields = {
            "state": Appointment.State.HELD,
            "channel": Appointment.Channel.WAITLIST,
            "hold_expires_at": now + timedelta(hours=policy.waitlist_offer_hours),
            "name": entry.name,
            "email": entry.email,
            "phone": entry.phone,
            "language": entry.language,
        }
        try:
            with transaction.atomic():
                offer = _hold(
                    municipality=source.municipality,
                    location=location,
                    items=items,
                    starts_at=starts_at,
                    fields=fields,
                    now=now,
                    staff=False,
                    ignore_fair_release=True,
                    idempotency_key=None,
                )
                assert offer is not None  # no idempotency key, so a hold or a refusal
                claimed = WaitlistEntry.objects.filter(pk=entry.pk, state=WaitlistEntry.State.WAITING).update(
                    state=WaitlistEntry.State.OFFERED, offered_appointment=offer, offered_at=now, offered_from=source
                )
                if not claimed:
                    raise BookingRefused(_("Dieser Eintrag der Warteliste ist nicht mehr offen."))
                _audit(offer, None, "appointment.waitlist_offered", waitlist_entry=entry.pk)
                _after_commit("appointment_email", offer.pk, "waitlist_offer")
        except BookingRefused:
            return None  # the time was taken meanwhile: nothing to offer
        entry.refresh_from_db()
        return entry
    return None


def waitlist_offer_lapse(*, entry_id: int, now: datetime | None = None) -> WaitlistEntry | None:
    """End an offer that was not confirmed in time and pass the time on to the next person."""
    now = now or timezone.now()
    entry = WaitlistEntry.objects.filter(pk=entry_id, state=WaitlistEntry.State.OFFERED).first()
    if entry is None or entry.offered_appointment_id is None:
        return None
    if not appointment_expire(appointment_id=entry.offered_appointment_id, now=now):
        offered = Appointment.objects.filter(pk=entry.offered_appointment_id).values_list("state", flat=True).first()
        if offered not in (Appointment.State.EXPIRED, Appointment.State.CANCELLED, None):
            return None
    WaitlistEntry.objects.filter(pk=entry.pk, state=WaitlistEntry.State.OFFERED).update(
        state=WaitlistEntry.State.EXPIRED
    )
    if entry.offered_from_id is None:
        return None
    source_state = Appointment.objects.filter(pk=entry.offered_from_id).values_list("state", flat=True).first()
    if source_state in Appointment.ACTIVE_STATES:
        # The time came from a moved appointment, which still lives at its new time: the lapsed offer itself
        # now stands for the freed time.
        return waitlist_offer_freed_time(appointment_id=entry.offered_appointment_id, now=now)
    return waitlist_offer_freed_time(appointment_id=entry.offered_from_id, now=now)


def lottery_enter(
    *,
    window: LotteryWindow,
    name: str,
    email: str,
    phone: str = "",
    quantity: int = 1,
    now: datetime | None = None,
) -> LotteryEntry:
    """Take part in a fair release; one request per e-mail address and window."""
    now = now or timezone.now()
    if window.state != LotteryWindow.State.COLLECTING or not (window.collect_from <= now < window.collect_until):
        raise BookingRefused(_("Für diese Verlosung nehmen wir gerade keine Anfragen an."))
    _check_contact(name=name, email=email, email_required=True)
    if quantity < 1 or quantity > window.service.max_quantity:
        raise BookingRefused(
            _("Für „%(service)s“ sind in einem Termin höchstens %(count)d Anliegen möglich.")
            % {"service": window.service.service.name, "count": window.service.max_quantity}
        )
    try:
        with transaction.atomic():
            entry = LotteryEntry.objects.create(
                window=window,
                name=name.strip(),
                email=normalised_email(email),
                phone=phone.strip(),
                quantity=quantity,
                language=_language(),
            )
            audit_record(
                municipality_id=window.municipality_id,
                actor=None,
                action="appointment.lottery_entered",
                object_type="appointment",
                object_id=None,
                details={"lottery_window": window.pk, "lottery_entry": entry.pk},
            )
    except IntegrityError as error:
        raise BookingRefused(_("Mit dieser E-Mail-Adresse nehmen Sie an dieser Verlosung schon teil.")) from error
    return entry


def lottery_rank(seed: str, email: str) -> str:
    """An entry's place in the draw: depends on the seed and the address only, never on when it came in."""
    return hmac.new(seed.encode(), normalised_email(email).encode(), hashlib.sha256).hexdigest()


def lottery_draw(*, window: LotteryWindow, seed: str | None = None, now: datetime | None = None) -> list[LotteryEntry]:
    """Share the window's free times among its requests by lot; returns the entries in drawn order."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            LotteryWindow.objects.select_for_update()
            .select_related("location", "municipality", "service__service")
            .get(pk=window.pk)
        )
        if locked.state == LotteryWindow.State.DRAWN:
            return sorted(locked.entries.all(), key=lambda entry: lottery_rank(locked.seed, entry.email))
        if now < locked.collect_until:
            raise BookingRefused(_("Die Verlosung beginnt erst, wenn keine Anfragen mehr angenommen werden."))
        locked.seed = seed or secrets.token_hex(16)
        locked.state = LotteryWindow.State.DRAWN
        locked.drawn_at = now
        locked.save(update_fields=["seed", "state", "drawn_at"])
        entries = sorted(
            locked.entries.filter(state=LotteryEntry.State.PENDING),
            key=lambda entry: lottery_rank(locked.seed, entry.email),
        )
        for entry in entries:
            appointment = _lottery_allocate(window=locked, entry=entry, now=now)
            entry.state = LotteryEntry.State.WON if appointment else LotteryEntry.State.LOST
            entry.appointment = appointment
            entry.save(update_fields=["state", "appointment"])
            _after_commit("lottery_result", entry.pk)
        audit_record(
            municipality_id=locked.municipality_id,
            actor=None,
            action="appointment.lottery_drawn",
            object_type="appointment",
            object_id=None,
            details={
                "lottery_window": locked.pk,
                "entries": len(entries),
                "won": sum(1 for entry in entries if entry.state == LotteryEntry.State.WON),
            },
        )
    return entries


def _lottery_allocate(*, window: LotteryWindow, entry: LotteryEntry, now: datetime) -> Appointment | None:
    items = [BookingItem(service=window.service, quantity=entry.quantity)]
    plan = plan_load(
        location=window.location,
        items=items,
        first_day=window.first_day,
        last_day=window.last_day,
        now=now,
        ignore_fair_release=True,
    )
    day = plan.first_day
    # A winner gets a hold to confirm like a waitlist offer (double opt-in); an unconfirmed one lapses and
    # housekeeping passes the time on to the waitlist.
    policy = policy_for(municipality=window.municipality)
    fields = {
        "state": Appointment.State.HELD,
        "channel": Appointment.Channel.LOTTERY,
        "hold_expires_at": now + timedelta(hours=policy.waitlist_offer_hours),
        "name": entry.name,
        "email": entry.email,
        "phone": entry.phone,
        "language": entry.language,
    }
    while day <= plan.last_day:
        for minute in plan.starts_of_day(day):
            starts_at = datetime.fromtimestamp(minute * 60, tz=local_zone())
            try:
                with transaction.atomic():
                    held = _hold(
                        municipality=window.municipality,
                        location=window.location,
                        items=items,
                        starts_at=starts_at,
                        fields=fields,
                        now=now,
                        staff=False,
                        ignore_fair_release=True,
                        idempotency_key=None,
                    )
            except BookingRefused:
                continue
            assert held is not None  # no idempotency key, so a hold or a refusal
            _audit(held, None, "appointment.held", channel=held.channel, services=[window.service_id])
            return held
        day += timedelta(days=1)
    return None
