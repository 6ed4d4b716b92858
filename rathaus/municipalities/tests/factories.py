from datetime import date, time

import factory

from rathaus.municipalities.models import HostName, Municipality, OpeningHours, OrganisationalUnit


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda number: f"Gemeinde Beispiel {number}")
    short_name = factory.LazyAttribute(lambda municipality: municipality.name.replace("Gemeinde ", ""))
    slug = factory.Sequence(lambda number: f"beispiel-{number}")
    # The key is 8 digits whatever the sequence reaches; only the regional key must be unique.
    ags = factory.Sequence(lambda number: f"08999{number % 1000:03d}")
    ars = factory.Sequence(lambda number: f"0899{number:08d}")
    reference_prefix = "BS"
    accent_colour = "#004B87"
    street = "Marktplatz 1"
    postal_code = "73999"
    city = "Beispielstadt"
    phone = "+49 7000 1234-0"
    email = "rathaus@beispiel.example.org"
    represented_by = "Bürgermeisterin Beispiel"
    data_protection_officer = "Datenschutzbeauftragte, Marktplatz 1"
    data_protection_email = "datenschutz@beispiel.example.org"
    accessibility_contact_email = "barrierefreiheit@beispiel.example.org"
    accessibility_statement_date = date(2026, 11, 24)

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        for host in extracted or []:
            HostName.objects.get_or_create(name=host, defaults={"municipality": self})


class OrganisationalUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationalUnit
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    slug = factory.Sequence(lambda number: f"amt-{number}")
    name = factory.Sequence(lambda number: f"Amt {number}")
    kind = OrganisationalUnit.Kind.DEPARTMENT
    street = "Marktplatz 1"
    postal_code = "73999"
    city = "Beispielstadt"
    phone = "+49 7000 1234-0"
    email = "amt@beispiel.example.org"

    @factory.post_generation
    def with_hours(self, create, extracted, **kwargs):
        for weekday in range(5):
            OpeningHours.objects.create(
                unit=self,  # type: ignore[misc]
                weekday=weekday,
                opens=time(8, 0),
                closes=time(12, 0),
            )
