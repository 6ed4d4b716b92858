"""Which confirmations of online applications offer booking the visit the service needs."""

import pytest

from rathaus.appointments.selectors import books_after_application
from rathaus.appointments.tests.factories import AppointmentServiceFactory


@pytest.mark.parametrize(
    ("in_person_required", "is_bookable", "offered"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_booking_is_offered_only_for_a_visit_that_is_needed_and_bookable_online(
    esslingen, in_person_required, is_bookable, offered
):
    appointment_service = AppointmentServiceFactory(
        municipality=esslingen, in_person_required=in_person_required, is_bookable=is_bookable
    )

    assert books_after_application(municipality=esslingen, service_id=appointment_service.service_id) is offered


def test_booking_is_not_offered_for_a_service_without_appointments(esslingen):
    from rathaus.catalogue.tests.factories import ServiceFactory

    assert (
        books_after_application(municipality=esslingen, service_id=ServiceFactory(municipality=esslingen).pk) is False
    )


def test_another_municipalitys_appointment_service_offers_nothing_here(esslingen, musterhausen):
    theirs = AppointmentServiceFactory(municipality=musterhausen, in_person_required=True)

    assert books_after_application(municipality=esslingen, service_id=theirs.service_id) is False
