import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.appointments.models import Appointment
from rathaus.visits import services
from rathaus.visits.models import Visit
from rathaus.visits.views import SESSION_COUNTER

from .factories import appointment_at


def _at_counter(user, counter):
    client = client_for(ESSLINGEN_HOST, user)
    session = client.session
    session[SESSION_COUNTER] = counter.pk
    session.save()
    return client


def test_clerk_chooses_a_counter_and_lands_on_the_day_view(office, clerk):
    client = client_for(ESSLINGEN_HOST, clerk)

    page = client.get(reverse("visits:choose"))
    response = client.post(reverse("visits:choose"), {"counter": office.counter_two.pk})

    assert "An welchem Schalter arbeiten Sie?" in page.content.decode()
    assert "Bürgerbüro Esslingen-Mitte: Schalter 2" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:day", args=[office.location.pk])
    assert client.session[SESSION_COUNTER] == office.counter_two.pk
    day = client.get(response["Location"]).content.decode()
    assert "Sie arbeiten am Schalter 2" in day
    assert "Nächste Person aufrufen" in day


def test_choosing_no_counter_shows_an_error(office, clerk):
    response = client_for(ESSLINGEN_HOST, clerk).post(reverse("visits:choose"), {})

    assert response.status_code == 200
    assert "Bitte wählen Sie Ihren Schalter aus." in response.content.decode()


def test_clerk_of_another_office_sees_no_counters_and_may_not_choose_one(office, other_office_clerk):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)

    page = client.get(reverse("visits:choose")).content.decode()
    response = client.post(reverse("visits:choose"), {"counter": office.counter_one.pk})

    assert "Schalter 1" not in page
    assert "Diesen Schalter gibt es an Ihren Standorten nicht." in response.content.decode()
    assert SESSION_COUNTER not in client.session


def test_clerk_of_another_office_is_refused_on_every_page_of_the_location(office, other_office_clerk, clerk):
    visit = services.visit_walk_in(location=office.location, services=[office.id_card], actor=clerk)
    appointment = appointment_at(
        counter=office.counter_one,
        starts_at=timezone.now(),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
    )
    client = client_for(ESSLINGEN_HOST, other_office_clerk)

    responses = [
        client.get(reverse("visits:day", args=[office.location.pk])),
        client.get(reverse("visits:walk_in", args=[office.location.pk])),
        client.post(reverse("visits:walk_in", args=[office.location.pk]), {"services": [office.id_card.pk]}),
        client.get(reverse("visits:ticket", args=[visit.pk])),
        client.post(reverse("visits:check_in", args=[appointment.pk])),
        client.post(reverse("visits:call_next", args=[office.counter_one.pk])),
        *[
            client.post(reverse(name, args=[visit.pk]))
            for name in ("visits:recall", "visits:start", "visits:finish", "visits:left")
        ],
    ]

    assert [response.status_code for response in responses] == [404] * 10
    visit.refresh_from_db()
    appointment.refresh_from_db()
    assert (visit.state, appointment.state) == (Visit.State.WAITING, Appointment.State.CONFIRMED)
    assert Visit.objects.count() == 1


def test_municipality_admin_may_work_at_every_location(office, municipality_admin):
    response = client_for(ESSLINGEN_HOST, municipality_admin).get(reverse("visits:day", args=[office.location.pk]))

    assert response.status_code == 200


def test_the_day_view_lists_the_appointments_of_the_day_and_checks_them_in(office, clerk):
    appointment = appointment_at(
        counter=office.counter_one,
        starts_at=timezone.now(),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
        code="K7QX2M",
    )
    client = _at_counter(clerk, office.counter_one)

    before = client.get(reverse("visits:day", args=[office.location.pk])).content.decode()
    response = client.post(reverse("visits:check_in", args=[appointment.pk]), follow=True)

    assert "K7QX2M" in before and "Erika Mustermann" in before
    assert "Termin K7QX2M ist angemeldet. Wartenummer: T 001." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CHECKED_IN


def test_check_in_of_an_appointment_of_another_day_is_refused_with_a_message(office, clerk):
    appointment = appointment_at(
        counter=office.counter_one,
        starts_at=timezone.now() + timezone.timedelta(days=2),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
    )

    response = _at_counter(clerk, office.counter_one).post(
        reverse("visits:check_in", args=[appointment.pk]), follow=True
    )

    assert "nicht heute" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_walk_in_ticket_shows_number_and_estimate_but_no_personal_data(office, clerk):
    client = _at_counter(clerk, office.counter_one)

    response = client.post(reverse("visits:walk_in", args=[office.location.pk]), {"services": [office.id_card.pk]})
    ticket = client.get(response["Location"]).content.decode()

    visit = Visit.objects.get()
    assert response["Location"] == reverse("visits:ticket", args=[visit.pk])
    assert "W 001" in ticket
    assert "Sie sind gleich an der Reihe." in ticket
    assert "clerk@esslingen" not in ticket.split('id="wartenummer"')[1].split("</div>")[0]


def test_a_walk_in_without_a_service_is_refused_with_an_error_summary(office, clerk):
    response = _at_counter(clerk, office.counter_one).post(reverse("visits:walk_in", args=[office.location.pk]), {})

    assert "Bitte wählen Sie mindestens ein Anliegen aus." in response.content.decode()
    assert not Visit.objects.exists()


def test_calling_with_nobody_waiting_says_so(office, clerk):
    response = _at_counter(clerk, office.counter_one).post(
        reverse("visits:call_next", args=[office.counter_one.pk]), follow=True
    )

    assert "Für diesen Schalter wartet gerade niemand." in response.content.decode()


def test_a_refused_action_explains_itself(office, clerk):
    visit = services.visit_walk_in(location=office.location, services=[office.id_card], actor=clerk)

    response = _at_counter(clerk, office.counter_one).post(reverse("visits:start", args=[visit.pk]), follow=True)

    assert "Bedient werden kann nur eine aufgerufene Person." in response.content.decode()


def test_the_call_display_is_public_and_shows_no_names(office, clerk):
    appointment = appointment_at(
        counter=office.counter_one,
        starts_at=timezone.now(),
        services=[office.id_card],
        state=Appointment.State.CONFIRMED,
    )
    services.visit_check_in(appointment=appointment, actor=clerk)
    services.visit_call_next(counter=office.counter_one, staff=clerk)
    anonymous = client_for(ESSLINGEN_HOST)

    page = anonymous.get(reverse("visits:display", args=["buergerbuero-mitte"]))
    fragment = anonymous.get(reverse("visits:display_fragment", args=["buergerbuero-mitte"]))

    assert page.status_code == fragment.status_code == 200
    for content in (page.content.decode(), fragment.content.decode()):
        assert "T 001" in content and "Schalter 1" in content
        assert "Mustermann" not in content and appointment.code not in content
    assert 'hx-trigger="every 3s"' in page.content.decode()
    assert '<meta http-equiv="refresh"' in page.content.decode().split("<noscript>")[1]
    assert "<html" not in fragment.content.decode()
    assert "no-cache" in fragment["Cache-Control"]


def test_the_call_display_of_an_unknown_or_foreign_location_is_not_found(office, musterhausen):
    assert client_for(ESSLINGEN_HOST).get(reverse("visits:display", args=["gibt-es-nicht"])).status_code == 404
    assert (
        client_for(MUSTERHAUSEN_HOST).get(reverse("visits:display_fragment", args=["buergerbuero-mitte"])).status_code
        == 404
    )


def test_statistics_period_must_be_in_order(office, office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).get(
        reverse("visits:statistics"), {"first_day": "2026-11-20", "last_day": "2026-11-01"}
    )

    assert "Der letzte Tag liegt vor dem ersten." in response.content.decode()


def test_office_lead_of_another_office_sees_no_figures_of_this_location(office, esslingen, civil_works_office, clerk):
    from conftest import _staff

    lead = _staff("lead.tiefbau@esslingen.example.org", esslingen, "office_lead", [civil_works_office])
    visit = services.visit_walk_in(location=office.location, services=[office.id_card], actor=clerk)
    called = services.visit_call_next(counter=office.counter_one, staff=clerk)
    assert called == visit
    services.visit_finish(visit=visit, staff=clerk)

    page = client_for(ESSLINGEN_HOST, lead).get(reverse("visits:statistics")).content.decode()
    wrong_location = client_for(ESSLINGEN_HOST, lead).get(
        reverse("visits:statistics"),
        {"first_day": "2026-01-01", "last_day": "2026-12-31", "location": office.location.pk},
    )

    assert "Bürgerbüro Esslingen-Mitte" not in page
    assert "Diesen Standort gibt es in Ihren Organisationseinheiten nicht." in wrong_location.content.decode()


@pytest.mark.parametrize("table", ["zeiten", "nichterscheinen"])
def test_statistics_download_as_csv(office, office_lead, table):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("visits:statistics_csv"), {"tabelle": table})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[0] == "Standort"


def test_an_unknown_statistics_table_is_not_found(office, office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).get(
        reverse("visits:statistics_csv"), {"tabelle": "gibt-es-nicht"}
    )

    assert response.status_code == 404
