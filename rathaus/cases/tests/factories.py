"""Factories for cases: a case type per service, cases in its responsible office, and case events."""

from datetime import timedelta

import factory
from django.utils import timezone

from rathaus.cases import workflow as flow
from rathaus.cases.models import Case, CaseEvent, CaseType
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.tests.factories import MunicipalityFactory, OrganisationalUnitFactory


class CaseTypeFactory(factory.django.DjangoModelFactory):
    """A case type with the default workflow; pass ``responsible_unit`` to put it in a given office."""

    class Meta:
        model = CaseType

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(ServiceFactory, municipality=factory.SelfAttribute("..municipality"))
    responsible_unit = factory.SubFactory(
        OrganisationalUnitFactory, municipality=factory.SelfAttribute("..municipality")
    )
    processing_days = 20


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as it arrives (state ``eingegangen``) in the case type's responsible office.

    ``CaseFactory(case_type=...)`` is the usual call; municipality, service and unit follow it.
    """

    class Meta:
        model = Case

    case_type = factory.SubFactory(CaseTypeFactory)
    municipality = factory.LazyAttribute(lambda case: case.case_type.municipality)
    service = factory.LazyAttribute(lambda case: case.case_type.service)
    unit = factory.LazyAttribute(lambda case: case.case_type.responsible_unit)
    reference = factory.Sequence(lambda number: f"VG-2026-{number + 1:06d}")
    channel = Case.Channel.PHONE
    applicant_name = "Erika Mustermann"
    applicant_email = "erika@example.org"
    description = "Bitte um Bearbeitung."
    state = flow.RECEIVED
    received_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyAttribute(lambda case: timezone.localdate(case.received_at) + timedelta(days=28))


class CaseEventFactory(factory.django.DjangoModelFactory):
    """An internal note on a case unless ``kind``/``public`` say otherwise."""

    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.NOTE
    public = False
    text = "Eine interne Notiz."
