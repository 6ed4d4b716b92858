from datetime import timedelta

from django.utils import timezone

from rathaus.appointments.models import Appointment
from rathaus.visits.tasks import NO_SHOW_GRACE, no_shows_run

from .factories import appointment_at


def test_the_no_show_pass_leaves_late_comers_an_hour_and_may_run_twice(office):
    now = timezone.now()
    long_gone = appointment_at(
        counter=office.counter_one,
        starts_at=now - NO_SHOW_GRACE - timedelta(minutes=40),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
    )
    just_late = appointment_at(
        counter=office.counter_one,
        starts_at=now - timedelta(minutes=20),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
    )

    first, second = no_shows_run(), no_shows_run()

    long_gone.refresh_from_db()
    just_late.refresh_from_db()
    assert (first, second) == (1, 0)
    assert long_gone.state == Appointment.State.NO_SHOW
    assert just_late.state == Appointment.State.CONFIRMED
