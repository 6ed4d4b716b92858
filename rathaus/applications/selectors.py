"""Reads for online applications. Every selector takes the municipality explicitly."""

import threading
import time
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet, TextField

from rathaus.accounts.models import User
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .engine import answer_rows, fee_lines
from .models import ApplicationForm, Draft, FormVersion, Handoff, Submission, Upload

DATA_FORMAT = "rathaus-antrag/1"

# The service's long descriptions are not shown on application pages; not loading them halves the row.
_SERVICE_TEXTS = [
    f"form__service__{field.name}" for field in Service._meta.get_fields() if isinstance(field, TextField)
]
# Nor the responsible office's: the pages show its name and phone number.
_UNIT_TEXTS = [
    f"form__responsible_unit__{field.name}"
    for field in OrganisationalUnit._meta.get_fields()
    if isinstance(field, TextField)
]


def published_version_for_service(*, municipality: Municipality, service: Service) -> FormVersion | None:
    """The published form version of a service, if it has an online application."""
    return (
        FormVersion.objects.select_related("form__service", "form__responsible_unit")
        .filter(
            form__municipality=municipality,
            form__service=service,
            status=FormVersion.Status.PUBLISHED,
        )
        .first()
    )


def _one(queryset: QuerySet[Any]) -> Any:
    """The row of a query that matches one row at most (a unique key), without an ORDER BY."""
    found = list(queryset.order_by()[:1])
    return found[0] if found else None


def services_with_online_application(*, municipality: Municipality) -> set[int]:
    """Ids of the services that can be applied for online here."""
    return set(
        FormVersion.objects.filter(form__municipality=municipality, status=FormVersion.Status.PUBLISHED).values_list(
            "form__service_id", flat=True
        )
    )


# Published and retired versions never change, and every page of every journey needs one: each process keeps
# them for a while instead of joining version, form, service and responsible unit into every read of a draft
# or submission. Saving or deleting a version, form, service or office in this process empties the cache
# (signals in apps.py); other processes see such an edit (a name, the resume period) after at most
# VERSION_CACHE_SECONDS. Callers never change these objects.
VERSION_CACHE_SECONDS = 60.0
VERSION_CACHE_SIZE = 256
_VERSION_RELATED = ("form__service", "form__responsible_unit")
_version_cache: dict[int, tuple[float, FormVersion]] = {}
_version_cache_lock = threading.Lock()


def _version_cache_empty() -> None:
    with _version_cache_lock:
        _version_cache.clear()


def version_cache_clear(**_signal: Any) -> None:
    """Empty the cache at once and again when the saving transaction commits: a read between the two, in this
    process, may have cached what the transaction had not yet committed (or later rolled back)."""
    _version_cache_empty()
    transaction.on_commit(_version_cache_empty)


def form_version_for_pages(*, version_id: int) -> FormVersion:
    """The version with its form and service, as the citizen's pages read them (never changed by callers)."""
    now = time.monotonic()
    cached = _version_cache.get(version_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    version = (
        FormVersion.objects.select_related(*_VERSION_RELATED).defer(*_SERVICE_TEXTS, *_UNIT_TEXTS).get(pk=version_id)
    )
    if version.status != FormVersion.Status.DRAFT:
        with _version_cache_lock:
            if len(_version_cache) >= VERSION_CACHE_SIZE:
                _version_cache.clear()
            _version_cache[version_id] = (now + VERSION_CACHE_SECONDS, version)
    return version


def published_version_for_service_slug(*, municipality: Municipality, slug: str) -> FormVersion | None:
    """The published version of the online application of the published service ``slug``, in one query.

    Read afresh every time, not from the per-process cache: a version just published, a service just withdrawn or
    a form's access rules just tightened count at once, in every process.
    """
    # One published version per form and one service per slug and municipality: at most one row.
    return _one(  # type: ignore[no-any-return]
        FormVersion.objects.select_related("form__service")
        .defer(*_SERVICE_TEXTS)
        .filter(
            form__municipality=municipality,
            form__service__slug=slug,
            form__service__is_published=True,
            status=FormVersion.Status.PUBLISHED,
        )
    )


def _draft_sql() -> str:
    """The draft row and its submission's id, by the draft's id and municipality."""
    quote = connection.ops.quote_name
    draft, submission = quote(Draft._meta.db_table), quote(Submission._meta.db_table)
    return (
        f"SELECT {draft}.*, {submission}.{quote('id')} AS submission_pk FROM {draft} "  # noqa: S608 (the models' names)
        f"LEFT OUTER JOIN {submission} ON {submission}.{quote('draft_id')} = {draft}.{quote('id')} "
        f"WHERE {draft}.{quote('id')} = %s AND {draft}.{quote('municipality_id')} = %s"
    )


def draft_get(*, municipality: Municipality, draft_id: Any) -> Draft | None:
    """The draft with its form version from the per-process cache and ``submission_pk``, its submission's id or None.

    Every page of a journey reads it, so it reads the draft row and of the submission only its id, with SQL
    written once from the models' names: the same query through ``filter().annotate()`` took twice the CPU,
    most of it in building the query again for every page.
    """
    found = list(
        Draft.objects.raw(_draft_sql(), [Draft._meta.pk.get_db_prep_value(draft_id, connection), municipality.pk])
    )
    if not found:
        return None
    draft: Draft = found[0]
    # A column beside the model's fields comes as the database has it (on SQLite, hex digits).
    draft.submission_pk = Submission._meta.pk.to_python(draft.submission_pk)
    draft.municipality = municipality
    draft.version = form_version_for_pages(version_id=draft.version_id)
    return draft


def draft_for_resume_token(*, municipality: Municipality, token_hash: str) -> Draft | None:
    return Draft.objects.filter(municipality=municipality, resume_token_hash=token_hash).first()


def draft_uploads(*, draft: Draft) -> QuerySet[Upload]:
    return Upload.objects.filter(draft=draft, municipality_id=draft.municipality_id)


def drafts_of_user(*, municipality: Municipality, user: User) -> QuerySet[Draft]:
    return (
        Draft.objects.select_related("version__form__service")
        .filter(municipality=municipality, user=user, submission__isnull=True)
        .order_by("-updated_at")
    )


def submissions_of_user(*, municipality: Municipality, user: User) -> QuerySet[Submission]:
    return Submission.objects.select_related("version__form__service").filter(municipality=municipality, user=user)


def submission_get(*, municipality: Municipality, submission_id: Any) -> Submission | None:
    """The submission row, with its version, form, service and responsible unit from the per-process cache."""
    submission: Submission | None = _one(Submission.objects.filter(municipality=municipality, pk=submission_id))
    if submission is None:
        return None
    submission.municipality = municipality
    submission.version = form_version_for_pages(version_id=submission.version_id)
    return submission


def upload_names(*, uploads: Any) -> dict[str, str]:
    return {str(upload.pk): upload.file_name for upload in uploads}


def submission_data(*, submission: Submission) -> dict[str, Any]:
    """The machine-readable record of a submission: embedded in the receipt and sent on hand-off."""
    version = submission.version
    service = version.form.service
    uploads = list(submission.uploads.all())
    definition = version.definition
    return {
        "format": DATA_FORMAT,
        "reference": submission.reference,
        "submission_id": str(submission.pk),
        "submitted_at": submission.submitted_at.isoformat(),
        "channel": submission.channel,
        "language": submission.language,
        "municipality": {"slug": submission.municipality.slug, "ags": submission.municipality.ags},
        "service": {"slug": service.slug, "name": service.name, "leika_key": service.leika_key},
        "form": {"title": definition["title"], "version": version.number, "source": definition.get("source", {})},
        "applicant_email": submission.email,
        "answers": submission.answers,
        "fees": [
            {"label": line.label, "amount": str(line.amount), "quantity": line.quantity, "total": str(line.total)}
            for line in fee_lines(definition, submission.answers)
        ],
        "fee_total": str(submission.fee_total),
        "attachments": [
            {
                "id": str(upload.pk),
                "field": upload.field_key,
                "file_name": upload.file_name,
                "content_type": upload.content_type,
                "size": upload.size,
                "sha256": upload.sha256,
            }
            for upload in uploads
        ],
    }


def submission_answer_rows(*, submission: Submission) -> list[Any]:
    names = upload_names(uploads=submission.uploads.all())
    return answer_rows(submission.version.definition, submission.answers, submission.language, names)


def forms_of_municipality(*, municipality: Municipality) -> QuerySet[ApplicationForm]:
    return (
        ApplicationForm.objects.select_related("service", "responsible_unit")
        .prefetch_related("versions")
        .filter(municipality=municipality)
        .order_by("service__name")
    )


def handoffs_of_municipality(*, municipality: Municipality) -> QuerySet[Handoff]:
    return (
        Handoff.objects.select_related("submission__version__form__service")
        .filter(submission__municipality=municipality)
        .order_by("-created_at")
    )
