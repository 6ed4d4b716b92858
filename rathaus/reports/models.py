"""Mängelmelder: reports of defects in public space (potholes, broken lamps, litter), their categories,
routing areas, photos, subscriptions and updates, and the Open311 clients that may submit them."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.applications.storage import private_files
from rathaus.cases.models import Case
from rathaus.municipalities.models import Municipality, OrganisationalUnit


def new_public_token() -> str:
    """An unguessable token for public links and Open311 ``tokens/{token}``."""
    return secrets.token_urlsafe(24)


class Category(models.Model):
    """What can be reported (Straßenschaden, Straßenbeleuchtung, ...); one Open311 service each."""

    class Datatype(models.TextChoices):
        STRING = "string", _("kurzer Text")
        NUMBER = "number", _("Zahl")
        TEXT = "text", _("langer Text")
        SINGLE = "singlevaluelist", _("Auswahl (ein Wert)")
        MULTI = "multivaluelist", _("Auswahl (mehrere Werte)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="report_categories", verbose_name=_("Kommune")
    )
    service_code = models.SlugField(
        _("Kennung"),
        max_length=50,
        help_text=_("Feste Kennung, auch für die Open311-Schnittstelle. Nach dem Anlegen nicht mehr ändern."),
    )
    name = models.CharField(_("Name"), max_length=100)
    name_en = models.CharField(_("Name (Englisch)"), max_length=100, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    group = models.CharField(_("Gruppe"), max_length=100, blank=True)
    keywords = models.CharField(_("Suchbegriffe"), max_length=300, blank=True, help_text=_("Durch Komma getrennt."))
    office = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.PROTECT,
        related_name="report_categories",
        verbose_name=_("Zuständige Stelle"),
        help_text=_("Bearbeitet Meldungen, die in keinem Gebiet liegen."),
    )
    response_days = models.PositiveSmallIntegerField(
        _("Reaktionsziel (Arbeitstage)"), default=5, help_text=_("Bis dahin soll die Meldung bearbeitet sein.")
    )
    questions = models.JSONField(
        _("Zusatzfragen"),
        default=list,
        blank=True,
        help_text=_("Liste von Fragen: code, label, datatype, required, values."),
    )
    is_public = models.BooleanField(_("öffentlich wählbar"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service_code"], name="unique_report_category_code_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A polygon (district, park, depot area) whose reports go to its office; higher priority wins on overlap."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="report_areas", verbose_name=_("Kommune")
    )
    name = models.CharField(_("Name"), max_length=100)
    office = models.ForeignKey(
        OrganisationalUnit, on_delete=models.PROTECT, related_name="report_areas", verbose_name=_("Zuständige Stelle")
    )
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="areas",
        verbose_name=_("Kategorien"),
        help_text=_("Leer: das Gebiet gilt für alle Kategorien."),
    )
    polygon = models.JSONField(_("Fläche (GeoJSON)"), default=dict)
    priority = models.IntegerField(_("Vorrang"), default=0, help_text=_("Bei Überschneidung gewinnt der höhere Wert."))
    min_lat = models.FloatField(default=0)
    max_lat = models.FloatField(default=0)
    min_lon = models.FloatField(default=0)
    max_lon = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Gebiet")
        verbose_name_plural = _("Gebiete")
        ordering = ["-priority", "name"]
        indexes = [models.Index(fields=["municipality", "min_lat", "max_lat"], name="report_area_bbox")]

    def __str__(self) -> str:
        return self.name


class Open311Client(models.Model):
    """An outside application allowed to submit reports through Open311; only the key's hash is kept."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="open311_clients", verbose_name=_("Kommune")
    )
    name = models.CharField(_("Name"), max_length=200)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    api_key_hash = models.CharField(max_length=64, unique=True)
    api_key_prefix = models.CharField(_("Schlüsselanfang"), max_length=12, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311-Zugang")
        verbose_name_plural = _("Open311-Zugänge")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_api_key(api_key: str) -> str:
        """SHA-256 is enough: keys are long random strings, not passwords people choose."""
        return hashlib.sha256(api_key.encode()).hexdigest()


class Report(models.Model):
    """One reported defect; once confirmed it is processed as a case of the responsible office."""

    class Status(models.TextChoices):
        REPORTED = "gemeldet", _("gemeldet")
        CHECKING = "in_pruefung", _("in Prüfung")
        IN_PROGRESS = "in_bearbeitung", _("in Bearbeitung")
        PLANNED = "geplant", _("geplant")
        DONE = "erledigt", _("erledigt")
        DONE_WITHOUT_ACTION = "erledigt_ohne_massnahme", _("erledigt ohne Maßnahme")
        FORWARDED = "weitergeleitet", _("weitergeleitet")
        REOPENED = "wieder_eroeffnet", _("wieder eröffnet")

    class Source(models.TextChoices):
        WEB = "web", _("Mängelmelder")
        OPEN311 = "open311", _("Open311-Schnittstelle")
        STAFF = "verwaltung", _("Verwaltung")

    CLOSED_STATUSES = frozenset({Status.DONE, Status.DONE_WITHOUT_ACTION, Status.FORWARDED})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Kategorie")
    )
    case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="report")
    office = models.ForeignKey(
        OrganisationalUnit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Zuständige Stelle")
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("Gebiet")
    )
    source = models.CharField(_("Eingang"), max_length=20, choices=Source.choices, default=Source.WEB)
    api_client = models.ForeignKey(
        Open311Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    status = models.CharField(_("Stand"), max_length=30, choices=Status.choices, default=Status.REPORTED)
    planned_for = models.DateField(_("geplant für"), null=True, blank=True)
    closing_reason = models.TextField(_("Begründung"), blank=True)
    forwarded_to = models.CharField(_("weitergeleitet an"), max_length=200, blank=True)
    lat = models.FloatField(_("Breitengrad"), null=True, blank=True)
    lon = models.FloatField(_("Längengrad"), null=True, blank=True)
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    location_description = models.TextField(
        _("Beschreibung des Orts"), blank=True, help_text=_("Freier Text der meldenden Person; nur intern.")
    )
    public_location = models.CharField(
        _("Öffentliche Ortsangabe"),
        max_length=300,
        blank=True,
        help_text=_("Von der Verwaltung geprüft (Straße, Platz); nur diese Ortsangabe ist öffentlich."),
    )
    description = models.TextField(_("Beschreibung"))
    public_description = models.TextField(
        _("Öffentliche Beschreibung"),
        blank=True,
        help_text=_("Von der Verwaltung geprüft; nur dieser Text ist öffentlich."),
    )
    answers = models.JSONField(_("Antworten auf Zusatzfragen"), default=dict, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reporter_name = models.CharField(_("Name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    reporter_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    confirmed_at = models.DateTimeField(
        _("bestätigt am"), null=True, blank=True, help_text=_("Leer: wartet auf die Bestätigung per E-Mail.")
    )
    is_public = models.BooleanField(_("öffentlich sichtbar"), default=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Doppelte Meldung von"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    # The address the report was made on, for links in e-mails (a municipality may have several hosts).
    portal_url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("gemeldet am"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-created_at"]
        indexes = [
            # The public map's bounding-box query; partial so that hidden and unconfirmed reports cost nothing.
            models.Index(
                fields=["municipality", "lat", "lon"],
                name="report_public_bbox",
                condition=Q(is_public=True, confirmed_at__isnull=False),
            ),
            models.Index(fields=["municipality", "category", "status"], name="report_category_status"),
            models.Index(fields=["municipality", "created_at"], name="report_created"),
            models.Index(fields=["office", "status", "created_at"], name="report_office_status"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.id}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ReportPhoto(models.Model):
    """A photo of a report, re-encoded without any metadata; staff can hide it from the public."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="reports/photos/", storage=private_files)
    thumbnail = models.FileField(upload_to="reports/thumbnails/", storage=private_files, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(_("verborgen"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.pk}"


class ReportSubscription(models.Model):
    """Someone who wants to hear about a report's progress (the reporter or "betrifft mich auch")."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(_("E-Mail-Adresse"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        constraints = [models.UniqueConstraint(fields=["report", "email"], name="unique_report_subscription")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.pk}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ReportUpdate(models.Model):
    """One step in a report's history: a status change, a public note, or an internal note."""

    class Kind(models.TextChoices):
        CREATED = "gemeldet", _("Meldung eingegangen")
        STATUS = "status", _("Statuswechsel")
        PUBLIC_NOTE = "hinweis", _("Öffentlicher Hinweis")
        INTERNAL_NOTE = "notiz", _("Interne Notiz")
        REOPENED = "wieder_eroeffnet", _("Nicht behoben gemeldet")
        MERGED = "zusammengefuehrt", _("Doppelte Meldung zusammengeführt")
        MODERATED = "moderiert", _("Öffentliche Angaben geändert")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    public = models.BooleanField(default=False)
    status_from = models.CharField(max_length=30, blank=True)
    status_to = models.CharField(max_length=30, blank=True)
    text = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when subscribers were told (claimed before sending), so a task that runs twice sends once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlaufseinträge")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="report_update_timeline")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.kind}"

    @property
    def status_to_label(self) -> str:
        if self.status_to in Report.Status.values:
            return str(Report.Status(self.status_to).label)
        return self.status_to
