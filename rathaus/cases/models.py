"""Cases (Vorgänge): every request the administration processes, whatever channel it came by."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.applications.models import Submission
from rathaus.applications.storage import private_files
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

DEFAULT_LETTER_TEMPLATE = """Sehr geehrte(r) {{ antragsteller }},

über Ihren Antrag „{{ leistung }}“ vom {{ eingegangen_am }} (Aktenzeichen {{ aktenzeichen }}) haben wir entschieden:

{{ entscheidung }}

{% if gebuehr %}Für diese Entscheidung wird eine Gebühr von {{ gebuehr }} Euro erhoben.
{% endif %}
Mit freundlichen Grüßen
{{ stelle }}"""


class CaseType(models.Model):
    """How the cases of one service are processed: workflow, deadlines, letters and retention."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="case_types", verbose_name=_("Kommune")
    )
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="case_type", verbose_name=_("Leistung")
    )
    responsible_unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.PROTECT,
        related_name="case_types",
        verbose_name=_("Bearbeitende Stelle"),
    )
    workflow = models.JSONField(_("Ablauf"), default=dict, blank=True, help_text=_("Leer: der Standardablauf."))
    processing_days = models.PositiveSmallIntegerField(_("Bearbeitungsfrist (Arbeitstage)"), default=20)
    reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung vor Fristende (Arbeitstage)"), default=3, help_text=_("0 schaltet die Erinnerung ab.")
    )
    four_eyes = models.BooleanField(
        _("Vier-Augen-Prinzip"), default=False, help_text=_("Bescheide gibt eine zweite Person frei.")
    )
    retention_days = models.PositiveIntegerField(
        _("Aufbewahrung nach Abschluss (Tage)"),
        default=730,
        help_text=_("Danach werden die personenbezogenen Daten des Vorgangs gelöscht."),
    )
    letter_template = models.TextField(_("Vorlage für den Bescheid"), default=DEFAULT_LETTER_TEMPLATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Vorgangsart")
        verbose_name_plural = _("Vorgangsarten")

    def __str__(self) -> str:
        return self.service.name


class Case(models.Model):
    """One request being processed (Vorgang), from receipt to closure."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        ASSISTED = "assistiert", _("am Schalter online erfasst")
        COUNTER = "schalter", _("persönlich am Schalter")
        PHONE = "telefon", _("Telefon")
        LETTER = "brief", _("Brief")
        EMAIL = "email", _("E-Mail")

    class Outcome(models.TextChoices):
        APPROVED = "bewilligt", _("bewilligt")
        PARTLY_APPROVED = "teilweise_bewilligt", _("teilweise bewilligt")
        REJECTED = "abgelehnt", _("abgelehnt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("Leistung"))
    unit = models.ForeignKey(
        OrganisationalUnit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("Bearbeitende Stelle")
    )
    reference = models.CharField(_("Aktenzeichen"), max_length=30)
    submission = models.OneToOneField(Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="case")
    channel = models.CharField(_("Eingangskanal"), max_length=20, choices=Channel.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("Konto der antragstellenden Person"),
    )
    applicant_name = models.CharField(_("Antragsteller/in"), max_length=200, blank=True)
    applicant_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    applicant_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    applicant_address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    description = models.TextField(_("Anliegen"), blank=True)
    state = models.CharField(_("Stand"), max_length=40)
    outcome = models.CharField(_("Entscheidung"), max_length=30, choices=Outcome.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("zuständig"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("eingegangen am"))
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    needs_attention = models.BooleanField(
        _("Neue Antwort"), default=False, help_text=_("Die antragstellende Person hat geantwortet.")
    )
    reminded_for = models.DateField(null=True, blank=True, help_text=_("Frist, an die zuletzt erinnert wurde."))
    escalated_for = models.DateField(null=True, blank=True, help_text=_("Frist, deren Überschreitung gemeldet wurde."))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personenbezogene Daten gelöscht am"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="unique_case_reference_per_municipality")
        ]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="case_inbox_received"),
            models.Index(fields=["unit", "state", "received_at"], name="case_inbox_state"),
            models.Index(fields=["unit", "due_date"], name="case_inbox_due"),
            models.Index(fields=["assignee", "received_at"], name="case_inbox_assignee"),
            models.Index(fields=["service", "received_at"], name="case_by_service"),
            models.Index(fields=["closed_at"], name="case_retention"),
            models.Index(fields=["applicant_email"], name="case_applicant_email"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(models.Model):
    """One step in a case's history; ``public`` events form the citizen's timeline."""

    class Kind(models.TextChoices):
        CREATED = "eingegangen", _("Eingang")
        TRANSITION = "status", _("Statuswechsel")
        ASSIGNED = "zugewiesen", _("Zuweisung")
        NOTE = "notiz", _("Interne Notiz")
        MESSAGE_SENT = "nachricht_gesendet", _("Nachricht an die antragstellende Person")
        MESSAGE_RECEIVED = "nachricht_erhalten", _("Nachricht der antragstellenden Person")
        REQUEST = "rueckfrage", _("Rückfrage")
        ANSWER = "antwort", _("Antwort auf Rückfrage")
        DECISION_DRAFTED = "bescheid_entwurf", _("Bescheid entworfen")
        DECISION_SUBMITTED = "bescheid_zur_freigabe", _("Bescheid zur Freigabe")
        DECISION_RETURNED = "bescheid_zurueck", _("Bescheid zurückgegeben")
        DECISION_SENT = "bescheid_versandt", _("Bescheid versandt")
        REMINDER = "erinnerung", _("Erinnerung an die Frist")
        ESCALATION = "eskalation", _("Frist überschritten")
        WITHDRAWN = "zurueckgezogen", _("Zurückgezogen")
        ANONYMISED = "anonymisiert", _("Personenbezogene Daten gelöscht")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    public = models.BooleanField(default=False)
    state_from = models.CharField(max_length=40, blank=True)
    state_to = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Ereignis")
        verbose_name_plural = _("Ereignisse")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Decision(models.Model):
    """The decision letter (Bescheid) of a case, from draft through optional approval to sending."""

    class State(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        AWAITING_APPROVAL = "zur_freigabe", _("wartet auf Freigabe")
        SENT = "versandt", _("versandt")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    state = models.CharField(_("Stand"), max_length=20, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(_("Entscheidung"), max_length=30, choices=Case.Outcome.choices)
    letter_text = models.TextField(_("Text des Bescheids"))
    fee = models.DecimalField(_("Gebühr (Euro)"), max_digits=10, decimal_places=2, default=0)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(_("Anmerkung bei Rückgabe"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    document = models.FileField(upload_to="cases/decisions/", blank=True, storage=private_files)

    class Meta:
        verbose_name = _("Bescheid")
        verbose_name_plural = _("Bescheide")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"
