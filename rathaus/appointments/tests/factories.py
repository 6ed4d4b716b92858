"""Factories for appointments: a location open on weekdays, counters, bookable services, appointments with claims."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    AppointmentService,
    BookingPolicy,
    Closure,
    Counter,
    Location,
    LotteryWindow,
    OpeningPeriod,
    SlotClaim,
    WaitlistEntry,
)
from rathaus.appointments.services import slot_claims_for
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.tests.factories import MunicipalityFactory, OrganisationalUnitFactory


class BookingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingPolicy
        django_get_or_create = ("municipality",)

    municipality = factory.SubFactory(MunicipalityFactory)


class LocationFactory(factory.django.DjangoModelFactory):
    """A Bürgerbüro open Monday to Friday 8–12 and Thursday also 14–18; no counters held back unless asked."""

    class Meta:
        model = Location
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    unit = factory.SubFactory(
        OrganisationalUnitFactory, municipality=factory.SelfAttribute("..municipality"), kind="buergerbuero"
    )
    slug = factory.Sequence(lambda number: f"buergerbuero-{number}")
    name = factory.Sequence(lambda number: f"Bürgerbüro {number}")
    street = "Ritterstraße 17"
    postal_code = "73728"
    city = "Esslingen am Neckar"
    accessibility = "Eingang ebenerdig, Aufzug vorhanden."
    slot_minutes = 10
    booking_min_days = 1
    booking_max_days = 60
    walk_in_share = 0

    @factory.post_generation
    def with_hours(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for weekday in range(5):
            OpeningPeriod.objects.create(location=self, weekday=weekday, opens=time(8, 0), closes=time(12, 0))
        OpeningPeriod.objects.create(location=self, weekday=3, opens=time(14, 0), closes=time(18, 0))


class OpeningPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningPeriod

    location = factory.SubFactory(LocationFactory, with_hours=False)
    weekday = 0
    opens = time(8, 0)
    closes = time(12, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    location = factory.SubFactory(LocationFactory)
    first_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    last_day = factory.SelfAttribute("first_day")
    reason = "Betriebsausflug"


class AppointmentServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentService

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(
        ServiceFactory,
        municipality=factory.SelfAttribute("..municipality"),
        required_documents="Gültiger Personalausweis oder Reisepass\nein biometrisches Passfoto",
    )
    duration_minutes = 10
    max_quantity = 4


class CounterFactory(factory.django.DjangoModelFactory):
    """An active counter; pass ``services=[...]`` for the services it handles."""

    class Meta:
        model = Counter
        skip_postgeneration_save = True

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda number: f"Platz {number + 1}")
    position = factory.Sequence(lambda number: number)

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)  # type: ignore[attr-defined]


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A confirmed appointment written straight to the tables, with its items and claims (for data, not flows).

    Pass ``services=[...]`` for the items; the claims cover ``starts_at`` to ``ends_at`` in the location's units.
    """

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    counter = factory.SubFactory(CounterFactory)
    location = factory.SelfAttribute("counter.location")
    municipality = factory.SelfAttribute("location.municipality")
    code = factory.Sequence(lambda number: f"T{number:07d}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda appointment: appointment.starts_at + timedelta(minutes=10))
    state = Appointment.State.CONFIRMED
    name = "Erika Mustermann"
    email = factory.Sequence(lambda number: f"person{number}@example.org")

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if not create:
            return
        for service in extracted or []:
            AppointmentItem.objects.create(appointment=self, service=service, quantity=1)
        if self.state in Appointment.ACTIVE_STATES:  # type: ignore[attr-defined]
            SlotClaim.objects.bulk_create(slot_claims_for(self))  # type: ignore[arg-type]


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    municipality = factory.SubFactory(MunicipalityFactory)
    location = None
    items = factory.List([])
    earliest_day = factory.LazyFunction(timezone.localdate)
    latest_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    name = "Max Muster"
    email = factory.Sequence(lambda number: f"wartend{number}@example.org")


class LotteryWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotteryWindow

    location = factory.SubFactory(LocationFactory)
    municipality = factory.SelfAttribute("location.municipality")
    service = factory.SubFactory(AppointmentServiceFactory, municipality=factory.SelfAttribute("..municipality"))
    collect_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    collect_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    first_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    last_day = factory.SelfAttribute("first_day")
