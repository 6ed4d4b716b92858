"""Staff pages of appointments: configuration by administrators, booking by phone and the day list."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ESSLINGEN_HOST, MUSTERHAUSEN_HOST, client_for
from rathaus.appointments import config_services
from rathaus.appointments.availability import public_holidays
from rathaus.appointments.models import (
    GRAIN_MINUTES,
    Appointment,
    AppointmentService,
    BookingPolicy,
    Closure,
    Counter,
    Location,
    LotteryWindow,
    SlotClaim,
)
from rathaus.appointments.staff_views import held_back_sentence
from rathaus.audit.models import AuditEntry
from rathaus.catalogue.tests.factories import ServiceFactory

from .factories import AppointmentServiceFactory, CounterFactory, LocationFactory


def _working_day(days_ahead: int) -> date:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += timedelta(days=1)
    return day


@pytest.fixture
def location(esslingen, citizens_office):
    return LocationFactory(municipality=esslingen, unit=citizens_office, name="Bürgerbüro Mitte")


@pytest.fixture
def id_card(esslingen):
    return AppointmentServiceFactory(
        municipality=esslingen,
        service=ServiceFactory(
            municipality=esslingen,
            name="Personalausweis beantragen",
            appointment_available=True,
            required_documents="Ein aktuelles biometrisches Passfoto",
        ),
        duration_minutes=10,
        max_quantity=4,
    )


@pytest.fixture
def admin_client(municipality_admin):
    return client_for(ESSLINGEN_HOST, municipality_admin)


# Configuration: refusals ------------------------------------------------------------------------------------


def test_clerk_is_refused_the_location_configuration(clerk, location):
    response = client_for(ESSLINGEN_HOST, clerk).get(reverse("appointments:staff_location_edit", args=[location.pk]))

    assert response.status_code == 403


def test_office_lead_is_refused_the_booking_policy(office_lead):
    response = client_for(ESSLINGEN_HOST, office_lead).post(reverse("appointments:staff_policy"), {"hold_minutes": 30})

    assert response.status_code == 403
    assert not BookingPolicy.objects.exists()


def test_administrator_of_another_municipality_cannot_open_an_esslingen_location(musterhausen_admin, location):
    on_esslingen = client_for(ESSLINGEN_HOST, musterhausen_admin)
    on_musterhausen = client_for(MUSTERHAUSEN_HOST, musterhausen_admin)

    assert on_esslingen.get(reverse("appointments:staff_location_list")).status_code == 403
    assert on_musterhausen.get(reverse("appointments:staff_location_edit", args=[location.pk])).status_code == 404
    assert on_musterhausen.get(reverse("appointments:staff_counters", args=[location.pk])).status_code == 404


def test_administrator_of_another_municipality_cannot_delete_an_esslingen_closure(musterhausen_admin, location):
    closure = Closure.objects.create(
        location=location, first_day=date(2030, 1, 7), last_day=date(2030, 1, 7), reason="Umbau"
    )

    response = client_for(MUSTERHAUSEN_HOST, musterhausen_admin).post(
        reverse("appointments:staff_closure_delete", args=[location.pk, closure.pk])
    )

    assert response.status_code == 404
    assert Closure.objects.filter(pk=closure.pk).exists()


# Configuration: locations -----------------------------------------------------------------------------------


def test_administrator_creates_a_location_and_the_change_is_audited(admin_client, citizens_office):
    response = admin_client.post(
        reverse("appointments:staff_location_create"),
        {
            "name": "Bürgerbüro Berkheim",
            "slug": "berkheim",
            "unit": citizens_office.pk,
            "street": "Beispielstraße 1",
            "postal_code": "73734",
            "city": "Esslingen am Neckar",
            "slot_minutes": 10,
            "booking_min_days": 1,
            "booking_max_days": 60,
            "walk_in_share": 25,
            "closed_on_public_holidays": "on",
            "is_active": "on",
            "position": 0,
        },
    )

    location = Location.objects.get(slug="berkheim")
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:staff_location_edit", args=[location.pk])
    assert AuditEntry.objects.filter(action="appointment_location.created", object_id=str(location.pk)).exists()


def test_location_with_a_booking_window_that_ends_before_it_starts_is_refused(admin_client, location):
    response = admin_client.post(
        reverse("appointments:staff_location_edit", args=[location.pk]),
        {
            "name": location.name,
            "slug": location.slug,
            "unit": location.unit_id,
            "street": location.street,
            "postal_code": location.postal_code,
            "city": location.city,
            "slot_minutes": 10,
            "booking_min_days": 20,
            "booking_max_days": 10,
            "walk_in_share": 25,
            "position": 0,
        },
    )

    location.refresh_from_db()
    assert response.status_code == 200
    assert "Der späteste Termin muss nach dem frühesten liegen" in response.content.decode()
    assert location.booking_min_days == 1


def test_location_page_says_how_many_counters_are_held_back_for_walk_ins(admin_client, location, id_card):
    location.walk_in_share = 25
    location.save()
    for _number in range(4):
        CounterFactory(location=location, services=[id_card])

    response = admin_client.get(reverse("appointments:staff_location_edit", args=[location.pk]))

    assert "Von 4 besetzten Schaltern bleiben 1 für Spontankunden und Telefon frei; online buchbar sind 3." in (
        response.content.decode()
    )


def test_a_location_without_counters_is_told_it_has_no_free_times(location):
    assert "noch keinen besetzten Schalter" in held_back_sentence(location)


# Configuration: opening hours -------------------------------------------------------------------------------


def _hours(rows: list[tuple[str, str, str]]) -> dict[str, object]:
    data: dict[str, object] = {"zeiten-TOTAL_FORMS": len(rows), "zeiten-INITIAL_FORMS": 0}
    for index, (weekday, opens, closes) in enumerate(rows):
        data.update(
            {f"zeiten-{index}-weekday": weekday, f"zeiten-{index}-opens": opens, f"zeiten-{index}-closes": closes}
        )
    return data


def test_administrator_sets_two_opening_periods_on_one_weekday(admin_client, location):
    response = admin_client.post(
        reverse("appointments:staff_opening_hours", args=[location.pk]),
        _hours([("0", "08:00", "12:00"), ("0", "14:00", "18:00"), ("", "", "")]),
    )

    assert response.status_code == 302
    assert list(location.opening_periods.values_list("weekday", "opens", "closes")) == [
        (0, time(8), time(12)),
        (0, time(14), time(18)),
    ]


def test_overlapping_opening_periods_are_refused_in_german_and_nothing_changes(admin_client, location):
    before = list(location.opening_periods.values_list("weekday", "opens", "closes"))

    response = admin_client.post(
        reverse("appointments:staff_opening_hours", args=[location.pk]),
        _hours([("1", "08:00", "12:00"), ("1", "11:00", "13:00")]),
    )

    assert response.status_code == 200
    assert "Dienstag: Die Zeiten 08:00–12:00 und 11:00–13:00 überschneiden sich." in response.content.decode()
    assert list(location.opening_periods.values_list("weekday", "opens", "closes")) == before


def test_an_opening_period_that_ends_before_it_begins_is_refused(admin_client, location):
    response = admin_client.post(
        reverse("appointments:staff_opening_hours", args=[location.pk]), _hours([("2", "12:00", "08:00")])
    )

    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()


def test_opening_periods_service_refuses_overlaps(location, municipality_admin):
    periods = [
        config_services.Period(weekday=4, opens=time(8), closes=time(12)),
        config_services.Period(weekday=4, opens=time(9), closes=time(10)),
    ]

    with pytest.raises(config_services.ConfigurationRefused, match="überschneiden sich"):
        config_services.opening_periods_set(location=location, actor=municipality_admin, periods=periods)

    assert location.opening_periods.count() == 6


# Configuration: closures, counters, services, policy, lottery -----------------------------------------------


def test_administrator_adds_and_deletes_a_closure(admin_client, location):
    day = timezone.localdate() + timedelta(days=10)
    admin_client.post(
        reverse("appointments:staff_closures", args=[location.pk]),
        {"first_day": day.isoformat(), "last_day": day.isoformat(), "reason": "Betriebsausflug"},
    )
    closure = Closure.objects.get(location=location)

    admin_client.post(reverse("appointments:staff_closure_delete", args=[location.pk, closure.pk]))

    assert not Closure.objects.filter(location=location).exists()
    assert AuditEntry.objects.filter(action="appointment_closure.deleted").exists()


def test_a_closure_that_ends_before_it_starts_is_refused(admin_client, location):
    response = admin_client.post(
        reverse("appointments:staff_closures", args=[location.pk]),
        {"first_day": "2030-05-10", "last_day": "2030-05-01", "reason": "Umbau"},
    )

    assert response.status_code == 200
    assert "Der letzte Schließtag darf nicht vor dem ersten liegen." in response.content.decode()
    assert not Closure.objects.exists()


def test_administrator_adds_a_counter_with_its_services(admin_client, location, id_card):
    admin_client.post(
        reverse("appointments:staff_counters", args=[location.pk]),
        {"name": "Schalter 1", "services": [id_card.pk], "is_active": "on", "position": 1},
    )

    counter = Counter.objects.get(location=location)
    assert list(counter.services.all()) == [id_card]


def test_a_counter_cannot_handle_another_municipalitys_service(location, municipality_admin, musterhausen):
    foreign = AppointmentServiceFactory(municipality=musterhausen)

    with pytest.raises(config_services.ConfigurationRefused):
        config_services.counter_create(
            location=location, actor=municipality_admin, name="Schalter 9", services=[foreign]
        )

    assert not Counter.objects.filter(location=location).exists()


def test_administrator_makes_a_catalogue_service_bookable(admin_client, esslingen):
    passport = ServiceFactory(municipality=esslingen, name="Reisepass beantragen", appointment_available=True)

    admin_client.post(
        reverse("appointments:staff_service_create"),
        {
            "catalogue_service": passport.pk,
            "duration_minutes": 15,
            "max_quantity": 4,
            "is_bookable": "on",
            "position": 0,
        },
    )

    assert AppointmentService.objects.get(service=passport).duration_minutes == 15


def test_service_page_shows_the_documents_to_bring_from_the_catalogue(admin_client, id_card):
    response = admin_client.get(reverse("appointments:staff_service_edit", args=[id_card.pk]))

    assert "Ein aktuelles biometrisches Passfoto" in response.content.decode()
    assert "required_documents" not in response.content.decode()


def test_administrator_changes_the_booking_policy(admin_client, esslingen):
    admin_client.post(
        reverse("appointments:staff_policy"),
        {"hold_minutes": 15, "reminder_hours": 48, "max_open_per_email": 2, "waitlist_offer_hours": 6},
    )

    policy = BookingPolicy.objects.get(municipality=esslingen)
    assert (policy.hold_minutes, policy.reminder_hours, policy.max_open_per_email) == (15, 48, 2)


def test_a_lottery_window_needs_a_fair_release_service(location, id_card, municipality_admin, esslingen):
    now = timezone.now()

    with pytest.raises(config_services.ConfigurationRefused, match="Losverfahren nicht eingeschaltet"):
        config_services.lottery_window_create(
            municipality=esslingen,
            actor=municipality_admin,
            location=location,
            service=id_card,
            collect_from=now,
            collect_until=now + timedelta(days=2),
            first_day=timezone.localdate() + timedelta(days=10),
            last_day=timezone.localdate() + timedelta(days=12),
        )


def test_administrator_creates_a_lottery_window_and_sees_it_listed(admin_client, location, id_card):
    id_card.fair_release = True
    id_card.save()
    today = timezone.localdate()

    admin_client.post(
        reverse("appointments:staff_lottery_list"),
        {
            "location": location.pk,
            "service": id_card.pk,
            "collect_from": f"{today.isoformat()}T08:00",
            "collect_until": f"{(today + timedelta(days=2)).isoformat()}T08:00",
            "first_day": (today + timedelta(days=10)).isoformat(),
            "last_day": (today + timedelta(days=11)).isoformat(),
        },
    )
    response = admin_client.get(reverse("appointments:staff_lottery_list"))

    assert LotteryWindow.objects.filter(location=location, service=id_card).count() == 1
    assert "nimmt Anfragen an" in response.content.decode()


# Phone booking and day list ---------------------------------------------------------------------------------


@pytest.fixture
def held_back_counter(location, id_card):
    """The location's only counter, held back for walk-ins and phone: online booking may not use it."""
    location.walk_in_share = 100
    location.save()
    return CounterFactory(location=location, name="Schalter 1", services=[id_card])


def test_clerk_books_a_caller_on_a_held_back_counter_and_it_is_confirmed_at_once(
    clerk, location, id_card, held_back_counter
):
    client = client_for(ESSLINGEN_HOST, clerk)
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=2&tag={day.isoformat()}"
    page = client.get(reverse("appointments:staff_phone_booking") + query)
    assert page.status_code == 200
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(9, 0)))

    response = client.post(
        reverse("appointments:staff_phone_booking") + query,
        {"beginn": starts_at.isoformat(), "name": "Hans Beispiel", "telefon": "0711 000000", "email": ""},
    )

    appointment = Appointment.objects.get(name="Hans Beispiel")
    assert response.status_code == 302
    assert (appointment.state, appointment.channel, appointment.counter) == (
        Appointment.State.CONFIRMED,
        Appointment.Channel.PHONE,
        held_back_counter,
    )
    assert appointment.booked_by == clerk
    # Two ID cards of 10 minutes: the claims cover 20 minutes on that counter, grain by grain.
    assert appointment.claims.count() * GRAIN_MINUTES == 20


def test_phone_booking_refuses_more_than_the_services_maximum(clerk, location, id_card, held_back_counter):
    response = client_for(ESSLINGEN_HOST, clerk).get(
        reverse("appointments:staff_phone_booking") + f"?standort={location.pk}&leistung={id_card.pk}&anzahl=5"
    )

    assert "höchstens 4 in einem Termin möglich" in response.content.decode()


def test_phone_booking_of_a_taken_time_is_refused_with_a_german_message(clerk, location, id_card, held_back_counter):
    client = client_for(ESSLINGEN_HOST, clerk)
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=1&tag={day.isoformat()}"
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(9, 0)))
    client.post(
        reverse("appointments:staff_phone_booking") + query, {"beginn": starts_at.isoformat(), "name": "Erste Person"}
    )

    response = client.post(
        reverse("appointments:staff_phone_booking") + query, {"beginn": starts_at.isoformat(), "name": "Zweite Person"}
    )

    assert response.status_code == 200
    assert 'class="kern-alert kern-alert--danger' in response.content.decode()
    assert Appointment.objects.filter(state=Appointment.State.CONFIRMED).count() == 1


def test_day_list_shows_the_days_appointments_and_cancelling_frees_the_time(
    clerk, location, id_card, held_back_counter
):
    client = client_for(ESSLINGEN_HOST, clerk)
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=1&tag={day.isoformat()}"
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(10, 0)))
    client.post(
        reverse("appointments:staff_phone_booking") + query, {"beginn": starts_at.isoformat(), "name": "Petra Probe"}
    )
    appointment = Appointment.objects.get(name="Petra Probe")

    listing = client.get(reverse("appointments:staff_day_list") + f"?standort={location.pk}&tag={day.isoformat()}")
    client.post(reverse("appointments:staff_appointment_cancel", args=[appointment.uuid]))

    appointment.refresh_from_db()
    assert "Petra Probe" in listing.content.decode()
    assert appointment.state == Appointment.State.CANCELLED
    assert not SlotClaim.objects.filter(appointment=appointment).exists()


def test_clerk_of_another_municipality_cannot_cancel_an_esslingen_appointment(
    musterhausen_admin, location, id_card, held_back_counter, clerk
):
    client = client_for(ESSLINGEN_HOST, clerk)
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=1&tag={day.isoformat()}"
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(11, 0)))
    client.post(
        reverse("appointments:staff_phone_booking") + query, {"beginn": starts_at.isoformat(), "name": "Tim Testfall"}
    )
    appointment = Appointment.objects.get(name="Tim Testfall")

    response = client_for(MUSTERHAUSEN_HOST, musterhausen_admin).post(
        reverse("appointments:staff_appointment_cancel", args=[appointment.uuid])
    )

    appointment.refresh_from_db()
    assert response.status_code == 404
    assert appointment.state == Appointment.State.CONFIRMED


def test_citizen_is_refused_the_phone_booking(citizen):
    response = client_for(ESSLINGEN_HOST, citizen).get(reverse("appointments:staff_phone_booking"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("url_name", "needs_location"),
    [
        ("appointments:staff_location_list", False),
        ("appointments:staff_location_create", False),
        ("appointments:staff_location_edit", True),
        ("appointments:staff_opening_hours", True),
        ("appointments:staff_closures", True),
        ("appointments:staff_counters", True),
        ("appointments:staff_service_list", False),
        ("appointments:staff_service_create", False),
        ("appointments:staff_policy", False),
        ("appointments:staff_lottery_list", False),
        ("appointments:staff_phone_booking", False),
        ("appointments:staff_day_list", False),
    ],
)
def test_administrator_opens_every_appointments_page(admin_client, location, id_card, url_name, needs_location):
    CounterFactory(location=location, services=[id_card])

    response = admin_client.get(reverse(url_name, args=[location.pk] if needs_location else []))

    assert response.status_code == 200
    assert location.name in response.content.decode() or url_name.endswith(("create", "service_list", "policy"))


def test_administrator_edits_a_counter_and_can_take_it_out_of_service(admin_client, location, id_card):
    counter = CounterFactory(location=location, services=[id_card])

    admin_client.post(
        reverse("appointments:staff_counter_edit", args=[location.pk, counter.pk]),
        {"name": "Schalter 7", "services": [id_card.pk], "position": 3},
    )

    counter.refresh_from_db()
    assert (counter.name, counter.is_active, counter.position) == ("Schalter 7", False, 3)


def test_administrator_changes_the_duration_of_a_bookable_service(admin_client, id_card):
    admin_client.post(
        reverse("appointments:staff_service_edit", args=[id_card.pk]),
        {"duration_minutes": 20, "max_quantity": 2, "is_bookable": "on", "position": 0},
    )

    id_card.refresh_from_db()
    assert (id_card.duration_minutes, id_card.max_quantity) == (20, 2)
    assert AuditEntry.objects.filter(action="appointment_service.updated", object_id=str(id_card.pk)).exists()


def test_administrator_changes_the_walk_in_share_and_the_change_is_audited(admin_client, location):
    admin_client.post(
        reverse("appointments:staff_location_edit", args=[location.pk]),
        {
            "name": location.name,
            "slug": location.slug,
            "unit": location.unit_id,
            "street": location.street,
            "postal_code": location.postal_code,
            "city": location.city,
            "slot_minutes": 10,
            "booking_min_days": 1,
            "booking_max_days": 60,
            "walk_in_share": 50,
            "accessibility": location.accessibility,
            "is_active": "on",
            "position": 0,
        },
    )

    location.refresh_from_db()
    entry = AuditEntry.objects.get(action="appointment_location.updated", object_id=str(location.pk))
    assert location.walk_in_share == 50
    assert entry.details["fields"] == ["closed_on_public_holidays", "walk_in_share"]


def test_a_slug_taken_by_another_location_is_refused(admin_client, location, esslingen, citizens_office):
    LocationFactory(municipality=esslingen, unit=citizens_office, slug="berkheim")

    response = admin_client.post(
        reverse("appointments:staff_location_edit", args=[location.pk]),
        {
            "name": location.name,
            "slug": "berkheim",
            "unit": location.unit_id,
            "street": location.street,
            "postal_code": location.postal_code,
            "city": location.city,
            "slot_minutes": 10,
            "booking_min_days": 1,
            "booking_max_days": 60,
            "walk_in_share": 0,
            "position": 0,
        },
    )

    location.refresh_from_db()
    assert "Dieses Kürzel hat schon ein anderer Standort." in response.content.decode()
    assert location.slug != "berkheim"


# Office leads and their own locations -------------------------------------------------------------------------


def test_office_lead_sets_the_opening_hours_of_a_location_of_their_own_unit(office_lead, location):
    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("appointments:staff_opening_hours", args=[location.pk]), _hours([("4", "07:30", "12:30")])
    )

    assert response.status_code == 302
    assert list(location.opening_periods.values_list("weekday", "opens", "closes")) == [(4, time(7, 30), time(12, 30))]


def test_office_lead_cannot_open_a_location_of_another_unit(office_lead, esslingen, civil_works_office):
    other = LocationFactory(municipality=esslingen, unit=civil_works_office, name="Technisches Rathaus")
    client = client_for(ESSLINGEN_HOST, office_lead)

    listing = client.get(reverse("appointments:staff_location_list"))

    assert client.get(reverse("appointments:staff_location_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("appointments:staff_counters", args=[other.pk])).status_code == 404
    assert "Technisches Rathaus" not in listing.content.decode()


def test_office_lead_cannot_hand_their_location_to_another_unit(office_lead, location, civil_works_office):
    response = client_for(ESSLINGEN_HOST, office_lead).post(
        reverse("appointments:staff_location_edit", args=[location.pk]),
        {
            "name": location.name,
            "slug": location.slug,
            "unit": civil_works_office.pk,
            "street": location.street,
            "postal_code": location.postal_code,
            "city": location.city,
            "slot_minutes": 10,
            "booking_min_days": 1,
            "booking_max_days": 60,
            "walk_in_share": 0,
            "position": 0,
        },
    )

    location.refresh_from_db()
    assert response.status_code == 200
    assert location.unit_id != civil_works_office.pk


def test_office_lead_cannot_create_a_location(office_lead, citizens_office):
    response = client_for(ESSLINGEN_HOST, office_lead).get(reverse("appointments:staff_location_create"))

    assert response.status_code == 403


# Office scoping of the phone booking, the day list and cancelling ----------------------------------------------


@pytest.fixture
def phone_booked(clerk, location, id_card, held_back_counter):
    """A confirmed phone booking at the Bürgeramt's location, made by one of its clerks."""
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=1&tag={day.isoformat()}"
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(10, 0)))
    client_for(ESSLINGEN_HOST, clerk).post(
        reverse("appointments:staff_phone_booking") + query,
        {"beginn": starts_at.isoformat(), "name": "Petra Probe"},
    )
    return Appointment.objects.get(name="Petra Probe")


def test_clerk_of_another_office_does_not_see_the_names_in_the_day_list(other_office_clerk, location, phone_booked):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)
    day = timezone.localtime(phone_booked.starts_at).date()

    named = client.get(reverse("appointments:staff_day_list") + f"?standort={location.pk}&tag={day.isoformat()}")
    default = client.get(reverse("appointments:staff_day_list") + f"?tag={day.isoformat()}")

    assert named.status_code == 200 and default.status_code == 200
    assert "Petra Probe" not in named.content.decode()
    assert "Petra Probe" not in default.content.decode()
    assert location.name not in default.content.decode()
    assert "Ihrer Einheit ist kein Standort zugeordnet" in default.content.decode()


def test_clerk_of_another_office_cannot_cancel_an_appointment_of_the_buergeramt(other_office_clerk, phone_booked):
    response = client_for(ESSLINGEN_HOST, other_office_clerk).post(
        reverse("appointments:staff_appointment_cancel", args=[phone_booked.uuid])
    )

    phone_booked.refresh_from_db()
    assert response.status_code == 404
    assert phone_booked.state == Appointment.State.CONFIRMED
    assert SlotClaim.objects.filter(appointment=phone_booked).exists()


def test_clerk_of_another_office_cannot_book_a_caller_at_the_buergeramt(
    other_office_clerk, location, id_card, held_back_counter
):
    client = client_for(ESSLINGEN_HOST, other_office_clerk)
    day = _working_day(3)
    query = f"?standort={location.pk}&leistung={id_card.pk}&anzahl=1&tag={day.isoformat()}"
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(9, 0)))

    page = client.get(reverse("appointments:staff_phone_booking") + query)
    response = client.post(
        reverse("appointments:staff_phone_booking") + query, {"beginn": starts_at.isoformat(), "name": "Fremd Buchung"}
    )

    assert location.name not in page.content.decode()
    assert response.status_code == 200
    assert not Appointment.objects.filter(name="Fremd Buchung").exists()


def test_administrator_sees_and_cancels_at_every_location(municipality_admin, location, phone_booked):
    client = client_for(ESSLINGEN_HOST, municipality_admin)
    day = timezone.localtime(phone_booked.starts_at).date()

    listing = client.get(reverse("appointments:staff_day_list") + f"?standort={location.pk}&tag={day.isoformat()}")
    client.post(reverse("appointments:staff_appointment_cancel", args=[phone_booked.uuid]))

    phone_booked.refresh_from_db()
    assert "Petra Probe" in listing.content.decode()
    assert phone_booked.state == Appointment.State.CANCELLED
