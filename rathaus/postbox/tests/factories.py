"""Factories for the postbox: messages in a case's thread."""

import factory

from rathaus.cases.tests.factories import CaseFactory
from rathaus.postbox.models import Message


class MessageFactory(factory.django.DjangoModelFactory):
    """A message from the administration to the applicant unless ``direction`` says otherwise."""

    class Meta:
        model = Message

    case = factory.SubFactory(CaseFactory)
    municipality = factory.LazyAttribute(lambda message: message.case.municipality)
    direction = Message.Direction.TO_CITIZEN
    kind = Message.Kind.MESSAGE
    subject = factory.Sequence(lambda number: f"Nachricht {number + 1}")
    body = "Guten Tag, wir haben eine Frage zu Ihrem Antrag."
