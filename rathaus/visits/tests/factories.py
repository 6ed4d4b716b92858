"""Factories for the counter side: a location with counters and services, appointments of a day, visits."""

from datetime import datetime, timedelta

import factory

from rathaus.appointments.models import Appointment, AppointmentItem, AppointmentService, Counter, Location
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.tests.factories import MunicipalityFactory, OrganisationalUnitFactory


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    municipality = factory.SubFactory(MunicipalityFactory)
    unit = factory.SubFactory(OrganisationalUnitFactory, municipality=factory.SelfAttribute("..municipality"))
    slug = factory.Sequence(lambda number: f"buergerbuero-{number}")
    name = factory.Sequence(lambda number: f"Bürgerbüro {number}")
    street = "Ritterstraße 17"
    postal_code = "73728"
    city = "Esslingen am Neckar"


class AppointmentServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentService

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(ServiceFactory, municipality=factory.SelfAttribute("..municipality"))
    duration_minutes = 10


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter
        skip_postgeneration_save = True

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda number: f"Schalter {number}")

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)  # type: ignore[attr-defined]


def appointment_at(
    *, counter: Counter, starts_at: datetime, services: list[AppointmentService], state: str, code: str = ""
) -> Appointment:
    """A booked appointment as booking leaves it (claims are not needed by the counter side)."""
    location = counter.location
    appointment = Appointment.objects.create(
        municipality=location.municipality,
        location=location,
        counter=counter,
        code=code or f"T{Appointment.objects.count() + 1:05d}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=sum(service.duration_minutes for service in services)),
        state=state,
        channel=Appointment.Channel.ONLINE,
        name="Erika Mustermann",
        email="erika@example.org",
    )
    for service in services:
        AppointmentItem.objects.create(appointment=appointment, service=service)
    return appointment
