"""The recurring pass over appointments: lapsed holds and offers, reminders and due draws.

Each step handles a limited batch and may run twice without harm: every change is guarded by the
state it expects, so a second pass (or two workers at once) finds nothing left to do.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Appointment, BookingPolicy, LotteryWindow, WaitlistEntry
from .services import (
    BookingRefused,
    _after_commit,
    appointment_expire,
    lottery_draw,
    waitlist_offer_lapse,
)

logger = logging.getLogger(__name__)

BATCH = 500
DEFAULT_REMINDER_HOURS = BookingPolicy._meta.get_field("reminder_hours").get_default()


def waitlist_offers_lapse(*, now: datetime) -> int:
    """Offers from the waitlist nobody confirmed in time: free the time and offer it to the next person."""
    lapsed = list(
        WaitlistEntry.objects.filter(state=WaitlistEntry.State.OFFERED, offered_appointment__hold_expires_at__lte=now)
        .exclude(offered_appointment__state=Appointment.State.CONFIRMED)
        .order_by("offered_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    lapsed += list(
        WaitlistEntry.objects.filter(
            state=WaitlistEntry.State.OFFERED,
            offered_appointment__state__in=(Appointment.State.EXPIRED, Appointment.State.CANCELLED),
        )
        .exclude(pk__in=lapsed)
        .values_list("pk", flat=True)[:BATCH]
    )
    for entry_id in lapsed:
        waitlist_offer_lapse(entry_id=entry_id, now=now)
    return len(lapsed)


def holds_expire(*, now: datetime) -> int:
    """Holds whose time ran out: mark them expired, remove their claims, offer a time ahead to the waitlist.

    Offers from the waitlist are passed on by ``waitlist_offers_lapse`` to the next person instead.
    """
    expired = list(
        Appointment.objects.filter(state=Appointment.State.HELD, hold_expires_at__lte=now)
        .order_by("hold_expires_at")
        .values_list("pk", "channel")[:BATCH]
    )
    return sum(
        appointment_expire(
            appointment_id=appointment_id, offer_to_waitlist=channel != Appointment.Channel.WAITLIST, now=now
        )
        for appointment_id, channel in expired
    )


def reminders_send(*, now: datetime) -> int:
    """Queue the reminder of each confirmed appointment that is now ``reminder_hours`` or less away.

    Due appointments are chosen in the database, earliest first, so a batch is never filled with ones that
    are not due yet. An appointment confirmed inside its reminder period needs none (the confirmation was
    the reminder): it is marked as reminded without an e-mail, which takes it out of the candidates.
    """
    hours_of = dict(BookingPolicy.objects.values_list("municipality_id", "reminder_hours"))
    # Per municipality, the start times that are due now: those within its reminder period.
    windows: dict[int, list[int]] = {}
    for municipality_id, hours in hours_of.items():
        windows.setdefault(hours, []).append(municipality_id)
    conditions = Q()
    for hours, municipality_ids in windows.items():
        if hours:
            conditions |= Q(municipality_id__in=municipality_ids, starts_at__lte=now + timedelta(hours=hours))
    if DEFAULT_REMINDER_HOURS:
        conditions |= ~Q(municipality_id__in=list(hours_of)) & Q(
            starts_at__lte=now + timedelta(hours=DEFAULT_REMINDER_HOURS)
        )
    if not conditions:
        return 0
    candidates = (
        Appointment.objects.filter(state=Appointment.State.CONFIRMED, reminder_sent_at__isnull=True, starts_at__gt=now)
        .filter(conditions)
        .exclude(email="")
        .order_by("starts_at")
    )
    sent = 0
    for appointment_id, municipality_id, starts_at, confirmed_at in candidates.values_list(
        "pk", "municipality_id", "starts_at", "confirmed_at"
    )[:BATCH]:
        due_from = starts_at - timedelta(hours=hours_of.get(municipality_id, DEFAULT_REMINDER_HOURS))
        needs_reminder = confirmed_at is None or confirmed_at < due_from
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed and needs_reminder:
                _after_commit("appointment_email", appointment_id, "reminder")
                sent += 1
    return sent


def lotteries_draw(*, now: datetime) -> int:
    """Draw every fair release whose collection period has ended."""
    drawn = 0
    for window in LotteryWindow.objects.filter(state=LotteryWindow.State.COLLECTING, collect_until__lte=now)[:BATCH]:
        try:
            lottery_draw(window=window, now=now)
            drawn += 1
        except BookingRefused:
            logger.warning("Lottery window %s could not be drawn", window.pk)
    return drawn


def waitlist_entries_expire(*, now: datetime) -> int:
    """Waiting entries whose latest day has passed."""
    return WaitlistEntry.objects.filter(
        state=WaitlistEntry.State.WAITING, latest_day__lt=timezone.localdate(now)
    ).update(state=WaitlistEntry.State.EXPIRED)


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """One pass of every step; returns how much each did."""
    now = now or timezone.now()
    return {
        "waitlist_offers_lapsed": waitlist_offers_lapse(now=now),
        "holds_expired": holds_expire(now=now),
        "reminders": reminders_send(now=now),
        "lotteries_drawn": lotteries_draw(now=now),
        "waitlist_entries_expired": waitlist_entries_expire(now=now),
    }
