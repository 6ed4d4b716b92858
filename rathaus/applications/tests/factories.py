import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from rathaus.applications.models import ApplicationForm, Draft, FormVersion, Submission, Upload
from rathaus.catalogue.tests.factories import ServiceFactory
from rathaus.municipalities.tests.factories import MunicipalityFactory

SMALL_DEFINITION = {
    "schema_version": 1,
    "title": "Testantrag",
    "pages": [
        {
            "key": "person",
            "title": "Ihre Angaben",
            "fields": [
                {"key": "name", "type": "text", "label": "Name", "required": True, "max_length": 100},
                {"key": "email", "type": "email", "label": "E-Mail", "required": True, "prefill": "email"},
            ],
        },
        {
            "key": "anliegen",
            "title": "Ihr Anliegen",
            "fields": [{"key": "nachricht", "type": "textarea", "label": "Nachricht"}],
        },
    ],
    "fees": [{"label": "Gebühr", "amount": "12.50"}],
    "processing_days": 5,
}


class ApplicationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationForm

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(ServiceFactory, municipality=factory.SelfAttribute("..municipality"))


class FormVersionFactory(factory.django.DjangoModelFactory):
    """A published version of a small two-page form."""

    class Meta:
        model = FormVersion

    form = factory.SubFactory(ApplicationFormFactory)
    number = factory.Sequence(lambda number: number + 1)
    status = FormVersion.Status.PUBLISHED
    definition = factory.LazyFunction(lambda: dict(SMALL_DEFINITION))
    published_at = factory.LazyFunction(timezone.now)


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft

    version = factory.SubFactory(FormVersionFactory)
    municipality = factory.LazyAttribute(lambda draft: draft.version.form.municipality)
    answers = factory.LazyFunction(lambda: {"name": "Erika Mustermann", "email": "erika@example.org"})
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=30))


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A stored submission as the submit service leaves it, before any background step ran."""

    class Meta:
        model = Submission

    version = factory.SubFactory(FormVersionFactory)
    municipality = factory.LazyAttribute(lambda submission: submission.version.form.municipality)
    reference = factory.Sequence(lambda number: f"ES-2026-{number + 1:06d}")
    email = "erika@example.org"
    answers = factory.LazyFunction(
        lambda: {"name": "Erika Mustermann", "email": "erika@example.org", "nachricht": "Bitte bearbeiten."}
    )
    fee_total = "12.50"
    submitted_at = factory.LazyFunction(timezone.now)


def submission_upload_add(
    submission: Submission, file_name: str, content: bytes, field_key: str = "nachweis"
) -> Upload:
    """A stored PDF upload of ``submission``, as the upload check leaves it."""
    upload = Upload(
        municipality=submission.municipality,
        submission=submission,
        field_key=field_key,
        file_name=file_name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    upload.file.save(file_name, ContentFile(content), save=False)
    upload.save()
    return upload
