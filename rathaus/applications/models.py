"""Online applications: forms and their versions, drafts in progress, submissions and hand-offs."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .storage import private_files


class ApplicationForm(models.Model):
    """The online application of one service: who may use it and where submissions go."""

    class Access(models.TextChoices):
        OPEN = "offen", _("Ohne Anmeldung möglich")
        LOGIN = "konto", _("Anmeldung erforderlich")
        TRUST_LEVEL = "vertrauensniveau", _("Anmeldung mit Mindest-Vertrauensniveau")

    class TrustLevel(models.TextChoices):
        LOW = "niedrig", _("niedrig (Konto mit bestätigter E-Mail-Adresse)")
        SUBSTANTIAL = "substantiell", _("substantiell (z. B. ELSTER-Zertifikat)")
        HIGH = "hoch", _("hoch (Online-Ausweisfunktion)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="application_forms", verbose_name=_("Kommune")
    )
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="application_form", verbose_name=_("Leistung")
    )
    responsible_unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application_forms",
        verbose_name=_("Bearbeitende Stelle"),
    )
    access = models.CharField(_("Zugang"), max_length=20, choices=Access.choices, default=Access.OPEN)
    minimum_trust_level = models.CharField(
        _("Mindest-Vertrauensniveau"), max_length=20, choices=TrustLevel.choices, default=TrustLevel.LOW
    )
    handoff_backends = models.JSONField(
        _("Übergabe an die Verwaltung"), default=list, blank=True, help_text=_("Kürzel der Übergabewege.")
    )
    handoff_email = models.EmailField(_("E-Mail-Adresse für die Übergabe"), blank=True)
    webhook_url = models.URLField(_("Webhook-Adresse"), blank=True)
    webhook_secret = models.CharField(_("Webhook-Schlüssel"), max_length=200, blank=True)
    resume_days = models.PositiveSmallIntegerField(
        _("Gültigkeit des Fortsetzungslinks (Tage)"), default=30, help_text=_("Wie lange ein Entwurf aufbewahrt wird.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Online-Antrag")
        verbose_name_plural = _("Online-Anträge")

    def __str__(self) -> str:
        return self.service.name


class FormVersion(models.Model):
    """One numbered version of a form definition; published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        PUBLISHED = "veroeffentlicht", _("veröffentlicht")
        RETIRED = "abgeloest", _("abgelöst")

    class Origin(models.TextChoices):
        EDITOR = "editor", _("Formulareditor")
        JSON = "json", _("JSON-Import")
        FIM = "fim", _("FIM-Import")
        DEMO = "demo", _("Demodaten")

    form = models.ForeignKey(ApplicationForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("Version"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("Herkunft"), max_length=10, choices=Origin.choices, default=Origin.EDITOR)
    definition = models.JSONField(_("Definition"))
    notes = models.JSONField(
        _("Hinweise"), default=list, blank=True, help_text=_("Was beim Import nicht übernommen werden konnte.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Formularversion")
        verbose_name_plural = _("Formularversionen")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="unique_form_version_number"),
            models.UniqueConstraint(fields=["form"], condition=Q(status="entwurf"), name="one_draft_version_per_form"),
            models.UniqueConstraint(
                fields=["form"], condition=Q(status="veroeffentlicht"), name="one_published_version_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


class ApplicationChannel(models.TextChoices):
    """How an application was filled in: by the citizen online, or by a clerk at the counter on their behalf."""

    ONLINE = "online", _("online")
    ASSISTED = "assistiert", _("am Schalter für die antragstellende Person")


class Draft(models.Model):
    """An application in progress: the answers so far, resumable by account or by emailed link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="application_drafts")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="application_drafts"
    )
    answers = models.JSONField(default=dict, blank=True)
    visited_pages = models.JSONField(default=list, blank=True)
    resume_email = models.EmailField(blank=True)
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(
        _("Eingangskanal"), max_length=20, choices=ApplicationChannel.choices, default=ApplicationChannel.ONLINE
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("am Schalter erfasst von"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    # The id of the draft's submission, or None while it is not sent: set by selectors.draft_get.
    submission_pk: "uuid.UUID | None"

    class Meta:
        verbose_name = _("Antragsentwurf")
        verbose_name_plural = _("Antragsentwürfe")
        indexes = [models.Index(fields=["expires_at"], name="draft_expiry")]

    def __str__(self) -> str:
        return f"{self.version} ({self.pk})"


def upload_path(instance: "Upload", filename: str) -> str:
    return f"applications/{instance.municipality_id}/{instance.id}/{filename}"


class Upload(models.Model):
    """A checked file attached to a draft and, once submitted, to the submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="application_uploads")
    draft = models.ForeignKey(Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads")
    submission = models.ForeignKey(
        "Submission", on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    field_key = models.CharField(max_length=63)
    file = models.FileField(upload_to=upload_path, max_length=300, storage=private_files)
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.file_name


class ReferenceSequence(models.Model):
    """The running number behind human-readable references like ES-2026-000123."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="one_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Submission(models.Model):
    """A submitted application, with the exact form version and answers it was made with."""

    Channel = ApplicationChannel

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="submissions")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    draft = models.OneToOneField(
        Draft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
        help_text=_("Ein Entwurf wird höchstens einmal eingereicht."),
    )
    reference = models.CharField(_("Aktenzeichen"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    language = models.CharField(max_length=10, default="de")
    portal_url = models.URLField(max_length=200, blank=True, help_text=_("Adresse des Portals für Links in E-Mails."))
    channel = models.CharField(_("Eingangskanal"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    answers = models.JSONField(_("Antworten"))
    fee_total = models.DecimalField(_("Gebühr"), max_digits=10, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(_("eingereicht am"))
    due_date = models.DateField(_("voraussichtlich bearbeitet bis"), null=True, blank=True)
    receipt = models.FileField(
        _("Empfangsbestätigung"), upload_to="applications/receipts/", blank=True, storage=private_files
    )
    receipt_created_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Alle Schritte nach dem Einreichen sind angestoßen.")
    )

    class Meta:
        verbose_name = _("Eingereichter Antrag")
        verbose_name_plural = _("Eingereichte Anträge")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["processed_at", "submitted_at"], name="submission_processing")]
        constraints = [
            # Reference prefixes are chosen per municipality and need not differ between them.
            models.UniqueConstraint(fields=["municipality", "reference"], name="unique_reference_per_municipality")
        ]

    def __str__(self) -> str:
        return self.reference


class Handoff(models.Model):
    """Delivery of one submission through one hand-off backend, retried until it succeeds."""

    class State(models.TextChoices):
        PENDING = "ausstehend", _("ausstehend")
        DELIVERED = "zugestellt", _("zugestellt")
        FAILED = "fehlgeschlagen", _("fehlgeschlagen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="handoffs")
    backend = models.CharField(_("Übergabeweg"), max_length=30)
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Übergabe")
        verbose_name_plural = _("Übergaben")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["submission", "backend"], name="one_handoff_per_backend")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="handoff_due")]

    def __str__(self) -> str:
        return f"{self.submission_id} → {self.backend}"
