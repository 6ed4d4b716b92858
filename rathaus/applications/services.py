"""Writes for online applications: forms and versions, drafts, uploads and the submission itself."""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.page_cache import forget_cached_pages
from rathaus.municipalities.selectors import municipality_sender
from rathaus.municipalities.working_days import working_days_after

from .definition import definition_errors, iter_fields
from .engine import answers_on_path, ends_in_exit, fee_lines, fee_total, first_open_page, journey
from .fim import fim_parse
from .models import ApplicationForm, Draft, FormVersion, ReferenceSequence, Submission, Upload

if TYPE_CHECKING:
    from .uploads import CheckedUpload

# Forms and versions ---------------------------------------------------------------------------


def _checked(definition: Any) -> dict[str, Any]:
    errors = definition_errors(definition)
    if errors:
        raise ValidationError(errors)
    return dict(definition)


@transaction.atomic
def form_create(
    *,
    municipality: Municipality,
    service: Service,
    definition: dict[str, Any],
    origin: str = FormVersion.Origin.EDITOR,
    notes: list[str] | None = None,
    created_by: User | None = None,
) -> ApplicationForm:
    """Give a service an online application, starting with a draft version of the definition."""
    if service.municipality_id != municipality.pk:
        raise ValidationError(_("Die Leistung gehört nicht zu dieser Kommune."))
    form, _created = ApplicationForm.objects.get_or_create(
        service=service,
        defaults={"municipality": municipality, "responsible_unit": service.responsible_units.first()},
    )
    form_draft_save(form=form, definition=definition, origin=origin, notes=notes, created_by=created_by)
    return form


def form_draft_save(
    *,
    form: ApplicationForm,
    definition: dict[str, Any],
    origin: str = FormVersion.Origin.EDITOR,
    notes: list[str] | None = None,
    created_by: User | None = None,
) -> FormVersion:
    """Store a definition as the form's draft version: the existing draft is changed, or a new one opened."""
    definition = _checked(definition)
    with transaction.atomic():
        ApplicationForm.objects.select_for_update().get(pk=form.pk)
        draft = form.versions.filter(status=FormVersion.Status.DRAFT).first()
        if draft is not None:
            draft.definition = definition
            draft.origin = origin
            if notes is not None:
                draft.notes = notes
            draft.save(update_fields=["definition", "origin", "notes"])
            return draft
        last = form.versions.order_by("-number").values_list("number", flat=True).first() or 0
        return FormVersion.objects.create(
            form=form,
            number=last + 1,
            definition=definition,
            origin=origin,
            notes=notes or [],
            created_by=created_by,
        )


FORM_SETTINGS = (
    "access",
    "minimum_trust_level",
    "resume_days",
    "responsible_unit",
    "handoff_backends",
    "handoff_email",
    "webhook_url",
    "webhook_secret",
)


def form_settings_update(*, form: ApplicationForm, values: dict[str, Any]) -> ApplicationForm:
    """Change who may apply and where submissions go; not versioned, so it applies to the published form at once."""
    unknown = set(values) - set(FORM_SETTINGS)
    if unknown:
        raise ValueError(f"not a form setting: {sorted(unknown)}")
    for name, value in values.items():
        setattr(form, name, value)
    form.save(update_fields=list(values))
    return form


def form_import_fim(*, municipality: Municipality, service: Service, data: bytes) -> FormVersion:
    """Make a FIM XDatenfelder file the service's draft form; what could not be translated becomes notes."""
    imported = fim_parse(data)
    notes = [
        _("Aus FIM %(schema)s (XDatenfelder %(version)s) übernommen.")
        % {"schema": imported.schema_id, "version": imported.version}
    ]
    with transaction.atomic():
        form = form_create(
            municipality=municipality,
            service=service,
            definition=imported.definition,
            origin=FormVersion.Origin.FIM,
            notes=[*notes, *imported.notes],
        )
        return form.versions.get(status=FormVersion.Status.DRAFT)


def form_publish(*, form: ApplicationForm) -> FormVersion:
    """Publish the draft version; the previously published one is retired but kept for its submissions."""
    with transaction.atomic():
        ApplicationForm.objects.select_for_update().get(pk=form.pk)
        draft = form.versions.filter(status=FormVersion.Status.DRAFT).first()
        if draft is None:
            raise ValidationError(_("Es gibt keinen Entwurf, der veröffentlicht werden könnte."))
        _checked(draft.definition)
        form.versions.filter(status=FormVersion.Status.PUBLISHED).update(status=FormVersion.Status.RETIRED)
        draft.status = FormVersion.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save(update_fields=["status", "published_at"])
        # The service page now offers (or changes) its "Online beantragen" button.
        transaction.on_commit(forget_cached_pages)
        return draft


# Drafts ---------------------------------------------------------------------------------------

PREFILL_FROM_ACCOUNT = {
    "given_name": "given_name",
    "family_name": "family_name",
    "email": "email",
    "phone": "phone",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
}


def _prefill_value(source: str, user: User) -> Any:
    if source == "date_of_birth":
        return user.date_of_birth.isoformat() if user.date_of_birth else None
    if source == "address":
        if not (user.street or user.postal_code or user.city):
            return None
        # The account keeps street and number together; the form asks for them apart.
        street, _space, number = user.street.rpartition(" ")
        if not (number[:1].isdigit() and street):
            street, number = user.street, ""
        return {"street": street, "house_number": number, "postal_code": user.postal_code, "city": user.city}
    return getattr(user, PREFILL_FROM_ACCOUNT[source]) or None


def prefilled_answers(definition: dict[str, Any], user: User | None) -> dict[str, Any]:
    """Answers taken once from the account; the citizen sees them and may change them."""
    if user is None:
        return {}
    answers = {}
    for page in definition["pages"]:
        for field in page.get("fields", []):
            if field.get("prefill"):
                value = _prefill_value(field["prefill"], user)
                if value is not None:
                    answers[field["key"]] = value
    return answers


def draft_start(
    *,
    version: FormVersion,
    user: User | None,
    channel: str = Submission.Channel.ONLINE,
    assisted_by: User | None = None,
) -> Draft:
    """Open a new application on the published version, prefilled from the account.

    At the counter (``channel`` assistiert) a clerk fills the form for someone else: the draft is
    the clerk's, but nothing of the clerk's account may be filled into the citizen's answers.
    """
    assisted = channel == Submission.Channel.ASSISTED
    return Draft.objects.create(
        municipality_id=version.form.municipality_id,
        version=version,
        user=user,
        channel=channel,
        assisted_by=assisted_by if assisted else None,
        answers={} if assisted else prefilled_answers(version.definition, user),
        expires_at=timezone.now() + timedelta(days=version.form.resume_days),
    )


def _lock_draft(draft: Draft) -> "QuerySet[Draft]":
    # Only the draft's own row, and without blocking the foreign-key checks of other writers: the
    # form version, form and municipality are shared by every citizen applying at the same time,
    # and locking them too made concurrent submits deadlock on PostgreSQL.
    return Draft.objects.select_for_update(of=("self",), no_key=True).filter(pk=draft.pk)


def draft_save_page(
    *,
    draft: Draft,
    page_key: str,
    answers: dict[str, Any],
    new_uploads: "dict[str, list[CheckedUpload]] | None" = None,
    visited: bool = True,
) -> Draft:
    """Store the answers of one page, with its newly checked files, in one step.

    The answers are merged into the draft as the caller read it. Without new files that is one
    conditional UPDATE, made only if nobody has written the draft since (its ``updated_at``); every
    write of a draft's answers or its submission moves ``updated_at``. Otherwise the row is locked
    and read again, and the answers are merged into what it holds then.
    """
    if not new_uploads and draft.pk is not None:
        merged = {**draft.answers, **answers}
        visited_pages = (
            [*draft.visited_pages, page_key] if visited and page_key not in draft.visited_pages else draft.visited_pages
        )
        now = timezone.now()
        expires_at = now + timedelta(days=draft.version.form.resume_days)
        # The draft's own row only (no join): PostgreSQL then checks updated_at again on the row version
        # that a concurrent writer committed, and the update does not happen.
        if Draft.objects.filter(pk=draft.pk, updated_at=draft.updated_at).update(
            answers=merged, visited_pages=visited_pages, expires_at=expires_at, updated_at=now
        ):
            draft.answers, draft.visited_pages, draft.expires_at, draft.updated_at = (
                merged,
                visited_pages,
                expires_at,
                now,
            )
            return draft
    with transaction.atomic():
        locked = _lock_draft(draft).get()
        # Looked up after the lock, not joined into it: PostgreSQL would join the submission as of before the wait,
        # and a page saved while another tab submits would write answers and files back into the submitted draft.
        locked.submission_pk = next(iter(Submission.objects.filter(draft=locked).values_list("pk", flat=True)), None)
        if locked.submission_pk is not None:
            return locked
        # The version never changes under a draft: the caller's (cached) one saves joining it into the lock.
        locked.version = draft.version
        answers = dict(answers)
        for field_key, checked_files in (new_uploads or {}).items():
            stored = [
                str(upload_store(draft=locked, field_key=field_key, checked=checked).pk) for checked in checked_files
            ]
            # The page form stands in "neu:<n>" for files it checked but could not yet store.
            kept = [
                entry
                for entry in answers.get(field_key) or locked.answers.get(field_key) or []
                if not entry.startswith("neu:")
            ]
            answers[field_key] = kept + stored
        locked.answers = {**locked.answers, **answers}
        if visited and page_key not in locked.visited_pages:
            locked.visited_pages = [*locked.visited_pages, page_key]
        locked.expires_at = timezone.now() + timedelta(days=locked.version.form.resume_days)
        locked.save(update_fields=["answers", "visited_pages", "expires_at", "updated_at"])
        return locked


def draft_discard(*, draft: Draft) -> None:
    """Delete a draft the citizen no longer wants, with its files."""
    with transaction.atomic():
        uploads = list(Upload.objects.filter(draft=draft, submission__isnull=True))
        for upload in uploads:
            transaction.on_commit(partial(upload.file.delete, save=False))
        Upload.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
        Draft.objects.filter(pk=draft.pk, submission__isnull=True).delete()


def resume_link_send(*, draft: Draft, email: str, resume_url: str) -> None:
    """E-mail the link for continuing later.

    Sent at once rather than by the worker: the link holds a secret that must not be stored.
    """
    municipality = draft.municipality
    context = {
        "municipality": municipality,
        "service": draft.version.form.service,
        "resume_url": resume_url,
        "expires_at": draft.expires_at,
        "resume_days": draft.version.form.resume_days,
    }
    send_mail(
        subject=_("Ihr Antrag „%(service)s“: Link zum Fortsetzen") % {"service": draft.version.form.service.name},
        message=render_to_string("applications/email/resume_link.txt", context),
        from_email=municipality_sender(municipality=municipality),
        recipient_list=[email],
    )


def resume_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def draft_issue_resume_token(*, draft: Draft, email: str) -> str:
    """A new secret link for continuing later; an earlier link stops working."""
    token = secrets.token_urlsafe(32)
    Draft.objects.filter(pk=draft.pk).update(
        resume_token_hash=resume_token_hash(token),
        resume_email=email,
        expires_at=timezone.now() + timedelta(days=draft.version.form.resume_days),
    )
    return token


def draft_delete_expired(*, now: Any = None) -> int:
    """Remove drafts nobody came back to, with their files."""
    now = now or timezone.now()
    expired = Draft.objects.filter(expires_at__lt=now, submission__isnull=True)
    count = 0
    for upload in Upload.objects.filter(draft__in=expired, submission__isnull=True):
        upload.file.delete(save=False)
        upload.delete()
    count, _details = expired.delete()
    return count


# Uploads --------------------------------------------------------------------------------------


def upload_store(*, draft: Draft, field_key: str, checked: "CheckedUpload") -> Upload:
    """Keep a checked file for a draft."""
    upload = Upload(
        municipality_id=draft.municipality_id,
        draft=draft,
        field_key=field_key,
        file_name=checked.file_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    upload.file.save(checked.file_name, ContentFile(checked.content), save=False)
    upload.save()
    return upload


def upload_remove(*, draft: Draft, upload_id: str, field_key: str) -> None:
    """Take a file off a draft and out of its answer."""
    with transaction.atomic():
        locked = _lock_draft(draft).get(pk=draft.pk)
        upload = Upload.objects.filter(draft=locked, pk=upload_id, submission__isnull=True).first()
        if upload is None:
            return
        current = locked.answers.get(field_key) or []
        locked.answers = {**locked.answers, field_key: [entry for entry in current if entry != str(upload.pk)]}
        locked.save(update_fields=["answers", "updated_at"])
        transaction.on_commit(lambda: upload.file.delete(save=False))
        upload.delete()


# Submitting -----------------------------------------------------------------------------------


def reference_next(*, municipality: Municipality, year: int) -> str:
    """The next reference of the year (ES-2026-000123), shared by online submissions and cases opened by staff.

    One statement takes the next number (``UPDATE … RETURNING``, PostgreSQL and SQLite alike): the row stays
    locked until the caller's transaction ends, so numbers are never given twice. The year's first reference
    creates the row.
    """
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 (the table name is the model's)
                "WHERE municipality_id = %s AND year = %s RETURNING last_number",
                [municipality.pk, year],
            )
            row = cursor.fetchone()
        if row is not None:
            return f"{municipality.reference_prefix}-{year}-{row[0]:06d}"
        ReferenceSequence.objects.get_or_create(municipality=municipality, year=year)
    raise RuntimeError(f"no reference sequence for {municipality.slug} {year}")


class SubmissionRefused(Exception):
    """The draft cannot be submitted as it stands; the message says why, for the citizen."""


def _file_keys(definition: dict[str, Any]) -> list[str]:
    return [
        field["key"]
        for page in definition["pages"]
        for field in iter_fields(page.get("fields", []))
        if field["type"] == "file"
    ]


def application_submit(
    *, draft: Draft, language: str, portal_url: str, channel: str = Submission.Channel.ONLINE
) -> Submission:
    """Submit a draft exactly once: a repeated call returns the submission made the first time."""
    from .tasks import submission_process

    with transaction.atomic():
        locked = _lock_draft(draft).get()
        # Looked up after the lock, not joined into it (see draft_save_page).
        existing = Submission.objects.filter(draft=locked).order_by()[:1]
        if existing:
            return existing[0]
        # The version and municipality the caller read with the draft (a draft never changes either).
        if locked.version_id == draft.version_id:
            locked.version = draft.version
        locked.municipality = draft.municipality
        definition = locked.version.definition
        path = journey(definition, locked.answers)
        if ends_in_exit(path):
            raise SubmissionRefused(_("Dieser Antrag kann mit Ihren Angaben nicht online gestellt werden."))
        if first_open_page(definition, locked.answers, locked.visited_pages) is not None:
            raise SubmissionRefused(_("Es fehlen noch Angaben. Bitte beantworten Sie alle Fragen."))
        answers = answers_on_path(definition, locked.answers)
        now = timezone.now()
        processing_days = definition.get("processing_days")
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    municipality=locked.municipality,
                    version=locked.version,
                    draft=locked,
                    reference=reference_next(municipality=locked.municipality, year=timezone.localdate(now).year),
                    # At the counter the draft is the clerk's account, but the application is not.
                    user=None if channel == Submission.Channel.ASSISTED else locked.user,
                    email=_applicant_email(locked, answers),
                    language=language,
                    portal_url=portal_url,
                    channel=channel,
                    answers=answers,
                    fee_total=fee_total(fee_lines(definition, answers)) or Decimal("0.00"),
                    submitted_at=now,
                    due_date=working_days_after(timezone.localdate(now), processing_days) if processing_days else None,
                )
        except IntegrityError:
            # A concurrent request may have submitted the same draft first; anything else is a real fault.
            concurrent = Submission.objects.filter(draft=locked).first()
            if concurrent is None:
                raise
            return concurrent
        kept_uploads = {upload_id for key in _file_keys(definition) for upload_id in answers.get(key) or []}
        Upload.objects.filter(draft=locked, pk__in=kept_uploads).update(submission=submission)
        # The draft stays as the marker that it was submitted; answers and files of branches not
        # taken are not kept beyond the submission.
        for unused in Upload.objects.filter(draft=locked, submission__isnull=True):
            transaction.on_commit(partial(unused.file.delete, save=False))
            unused.delete()
        # Moving updated_at makes a page save that read the draft before this submit fail and look again.
        Draft.objects.filter(pk=locked.pk).update(answers={}, visited_pages=[], updated_at=now)
        submission_id = str(submission.pk)
        transaction.on_commit(lambda: submission_process.enqueue(submission_id=submission_id))
        return submission


def _applicant_email(draft: Draft, answers: dict[str, Any]) -> str:
    for page in draft.version.definition["pages"]:
        for field in page.get("fields", []):
            if field["type"] == "email" and field.get("prefill") == "email" and answers.get(field["key"]):
                return str(answers[field["key"]])
    if draft.user is not None and draft.channel != Submission.Channel.ASSISTED:
        return draft.user.email
    return draft.resume_email
