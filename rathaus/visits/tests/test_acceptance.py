"""Acceptance 4 of issue 6: walk-in ticket → called at a counter → on the call display → served → counted.

The clock is controlled: every service gets its moment explicitly, so the waiting time the statistics
report is the one the test set up (12 minutes from ticket to call, 8 minutes of service).
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, client_for
from rathaus.visits import selectors, services
from rathaus.visits.models import Visit


def _today_at(hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def test_a_walk_in_is_called_shown_served_and_counted(office, clerk, office_lead):
    drawn_at = _today_at(0, 1)

    ticket = services.visit_walk_in(location=office.location, services=[office.id_card], actor=clerk, now=drawn_at)
    called = services.visit_call_next(counter=office.counter_two, staff=clerk, now=drawn_at + timedelta(minutes=12))
    fragment = client_for(ESSLINGEN_HOST).get(reverse("visits:display_fragment", args=[office.location.slug]))
    services.visit_start(visit=ticket, staff=clerk, now=drawn_at + timedelta(minutes=13))
    services.visit_finish(visit=ticket, staff=clerk, now=drawn_at + timedelta(minutes=21))
    after = client_for(ESSLINGEN_HOST).get(reverse("visits:display_fragment", args=[office.location.slug]))
    statistics = client_for(ESSLINGEN_HOST, office_lead).get(
        reverse("visits:statistics"),
        {"first_day": timezone.localdate().isoformat(), "last_day": timezone.localdate().isoformat()},
    )

    assert ticket.display_number == "W 001"
    assert called == ticket
    newest = fragment.content.decode().split('id="aufruf-vorher"')[0]
    assert "W 001" in newest and "Schalter 2" in newest
    assert "W 001" not in after.content.decode()
    assert Visit.objects.get().state == Visit.State.FINISHED
    rows = selectors.statistics_tables(
        selectors.statistics_rows(
            municipality=office.location.municipality,
            locations=office.location.municipality.appointment_locations.all(),
            first_day=timezone.localdate(),
            last_day=timezone.localdate(),
        )
    )[0]["rows"]
    # Location, service, served, waiting median, waiting p90, service median, service p90.
    assert rows == [["Bürgerbüro Esslingen-Mitte", "Personalausweis beantragen", "1", "12,0", "12,0", "8,0", "8,0"]]
    page = statistics.content.decode()
    assert statistics.status_code == 200
    assert '<td class="kern-table__cell kern-table__cell--numeric">12,0</td>' in page
