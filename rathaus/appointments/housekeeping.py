"""The recurring pass over appointments: lapsed holds and offers, reminders and due draws.

Each step handles a limited batch and may run twice without harm: every change is guarded by the
state it expects, so a second pass (or two workers at once) finds nothing left to do.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
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
    """Holds whose time ran out: mark them expired and remove their claims."""
    expired = list(
        Appointment.objects.filter(state=Appointment.State.HELD, hold_expires_at__lte=now)
        .order_by("hold_expires_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(appointment_expire(appointment_id=appointment_id, now=now) for appointment_id in expired)


def reminders_send(*, now: datetime) -> int:
    """Queue the reminder of each confirmed appointment that is now ``reminder_hours`` or less away."""
    hours_of = dict(BookingPolicy.objects.values_list("municipality_id", "reminder_hours"))
    longest = max([DEFAULT_REMINDER_HOURS, *hours_of.values()])
    candidates = Appointment.objects.filter(
        state=Appointment.State.CONFIRMED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=longest),
    ).exclude(email="")
    sent = 0
    for appointment_id, municipality_id, starts_at, confirmed_at in candidates.values_list(
        "pk", "municipality_id", "starts_at", "confirmed_at"
    )[:BATCH]:
        hours = hours_of.get(municipality_id, DEFAULT_REMINDER_HOURS)
        due_from = starts_at - timedelta(hours=hours)
        # Booked inside the reminder period: the confirmation was the reminder.
        if not hours or now < due_from or (confirmed_at is not None and confirmed_at >= due_from):
            continue
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
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
