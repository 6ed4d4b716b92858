"""Missed appointments marked by staff, and a waiting room that empties itself overnight."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, client_for
from rathaus.appointments.models import Appointment
from rathaus.audit.models import AuditEntry
from rathaus.visits import services
from rathaus.visits.models import Visit
from rathaus.visits.tasks import day_close_run

from .conftest import local
from .factories import appointment_at

pytestmark = pytest.mark.django_db


def confirmed(office, starts_at):
    return appointment_at(
        counter=office.counter_one, starts_at=starts_at, services=[office.id_card], state=Appointment.State.CONFIRMED
    )


def test_staff_mark_an_appointment_missed_fifteen_minutes_after_its_start_and_not_earlier(office, clerk):
    appointment = confirmed(office, local(24, 9))

    with pytest.raises(services.VisitRefused, match="09:15"):
        services.appointment_mark_no_show(appointment=appointment, staff=clerk, now=local(24, 9, 14))
    marked = services.appointment_mark_no_show(appointment=appointment, staff=clerk, now=local(24, 9, 15))
    again = services.appointment_mark_no_show(appointment=appointment, staff=clerk, now=local(24, 9, 16))

    assert marked.state == again.state == Appointment.State.NO_SHOW
    assert AuditEntry.objects.filter(action="visit.no_show", object_id=str(appointment.pk)).count() == 1


def test_only_a_confirmed_appointment_of_today_can_be_marked_missed(office, clerk):
    yesterday = confirmed(office, local(23, 9))
    checked_in = appointment_at(
        counter=office.counter_one,
        starts_at=local(24, 9),
        services=[office.id_card],
        state=Appointment.State.CHECKED_IN,
    )

    with pytest.raises(services.VisitRefused, match="nur Termine von heute"):
        services.appointment_mark_no_show(appointment=yesterday, staff=clerk, now=local(24, 10))
    with pytest.raises(services.VisitRefused, match="vor Ort angemeldet"):
        services.appointment_mark_no_show(appointment=checked_in, staff=clerk, now=local(24, 10))


def test_the_day_view_offers_nicht_erschienen_only_for_late_appointments_and_the_button_works(office, clerk):
    now = timezone.now()
    late = confirmed(office, now - timedelta(minutes=20))
    soon = confirmed(office, now + timedelta(minutes=30))
    client = client_for(ESSLINGEN_HOST, clerk)

    page = client.get(reverse("visits:day", args=[office.location.pk])).content.decode()
    response = client.post(reverse("visits:no_show", args=[late.pk]), follow=True)
    refused = client.post(reverse("visits:no_show", args=[soon.pk]), follow=True)

    assert reverse("visits:no_show", args=[late.pk]) in page
    assert reverse("visits:no_show", args=[soon.pk]) not in page
    assert "ist als „nicht erschienen“ vermerkt" in response.content.decode()
    assert "Bitte warten Sie bis" in refused.content.decode()
    late.refresh_from_db()
    soon.refresh_from_db()
    assert (late.state, soon.state) == (Appointment.State.NO_SHOW, Appointment.State.CONFIRMED)


def test_a_clerk_of_another_office_cannot_mark_an_appointment_missed(office, other_office_clerk):
    late = confirmed(office, timezone.now() - timedelta(minutes=20))

    response = client_for(ESSLINGEN_HOST, other_office_clerk).post(reverse("visits:no_show", args=[late.pk]))

    assert response.status_code == 404
    late.refresh_from_db()
    assert late.state == Appointment.State.CONFIRMED


def test_visits_still_waiting_or_called_at_the_end_of_a_day_count_as_gone_and_the_pass_may_run_twice(office, clerk):
    yesterday = timezone.now() - timedelta(days=1)
    waiting = services.visit_walk_in(location=office.location, services=[office.id_card], now=yesterday)
    called = services.visit_walk_in(location=office.location, services=[office.id_card], now=yesterday)
    Visit.objects.filter(pk=called.pk).update(state=Visit.State.CALLED, counter=office.counter_one)
    served = services.visit_walk_in(location=office.location, services=[office.id_card], now=yesterday)
    Visit.objects.filter(pk=served.pk).update(state=Visit.State.IN_SERVICE, counter=office.counter_two)
    today = services.visit_walk_in(location=office.location, services=[office.id_card])

    first, second = day_close_run(), day_close_run()

    states = dict(Visit.objects.values_list("pk", "state"))
    assert (first, second) == (2, 0)
    assert states[waiting.pk] == states[called.pk] == Visit.State.LEFT
    assert states[served.pk] == Visit.State.IN_SERVICE
    assert states[today.pk] == Visit.State.WAITING
    assert Visit.objects.get(pk=waiting.pk).left_at is not None


def test_closing_today_or_a_later_day_closes_nothing(office):
    waiting = services.visit_walk_in(location=office.location, services=[office.id_card])

    closed = services.visits_close_day(location=office.location, day=waiting.day)

    waiting.refresh_from_db()
    assert closed == 0
    assert waiting.state == Visit.State.WAITING
