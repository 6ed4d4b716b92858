"""The service catalogue: services (Leistungen), their online offers, life situations and imports."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import ImportedRecord, Municipality, OrganisationalUnit

leika_key_validator = RegexValidator(r"^\d{14}$", _("Ein LeiKa-Schlüssel hat genau 14 Ziffern."))


class Topic(models.Model):
    """A way into the catalogue: a life situation (Lebenslage) or a subject category."""

    class Kind(models.TextChoices):
        LIFE_SITUATION = "lebenslage", _("Lebenslage")
        CATEGORY = "kategorie", _("Kategorie")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="topics", verbose_name=_("Kommune")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("Kürzel"))
    name = models.CharField(_("Name"), max_length=200)
    name_en = models.CharField(_("Name (Englisch)"), max_length=200, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "slug"], name="unique_topic_slug_per_municipality")
        ]

    def __str__(self) -> str:
        return self.name


class Service(ImportedRecord):
    """A service of the administration (Leistung), described by the XZuFi text modules."""

    class Origin(models.TextChoices):
        LOCAL = "lokal", _("Eigene Beschreibung der Kommune")
        XZUFI = "xzufi", _("Import (XZuFi)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="services", verbose_name=_("Kommune")
    )
    slug = models.SlugField(_("Kürzel"), max_length=120)
    origin = models.CharField(_("Herkunft"), max_length=10, choices=Origin.choices, default=Origin.LOCAL)
    leika_key = models.CharField(_("LeiKa-Schlüssel"), max_length=14, blank=True, validators=[leika_key_validator])
    service_type = models.CharField(
        _("Typisierung"), max_length=10, blank=True, help_text=_("LeiKa-Typ 1 bis 5, z. B. „1“ oder „2/3“.")
    )
    is_published = models.BooleanField(_("veröffentlicht"), default=True)
    appointment_available = models.BooleanField(
        _("Termin buchbar"), default=False, help_text=_("Für diese Leistung ist ein Besuch mit Termin nötig.")
    )
    written_form_required = models.BooleanField(_("Schriftform erforderlich"), default=False)

    name = models.CharField(_("Leistungsbezeichnung"), max_length=300)
    name_en = models.CharField(_("Leistungsbezeichnung (Englisch)"), max_length=300, blank=True)
    teaser = models.TextField(_("Teaser"), blank=True)
    teaser_en = models.TextField(_("Teaser (Englisch)"), blank=True)
    short_text = models.TextField(_("Kurztext"), blank=True)
    short_text_en = models.TextField(_("Kurztext (Englisch)"), blank=True)
    full_text = models.TextField(_("Volltext"), blank=True)
    full_text_en = models.TextField(_("Volltext (Englisch)"), blank=True)
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    prerequisites_en = models.TextField(_("Voraussetzungen (Englisch)"), blank=True)
    required_documents = models.TextField(_("Erforderliche Unterlagen"), blank=True)
    required_documents_en = models.TextField(_("Erforderliche Unterlagen (Englisch)"), blank=True)
    procedure = models.TextField(_("Verfahrensablauf"), blank=True)
    procedure_en = models.TextField(_("Verfahrensablauf (Englisch)"), blank=True)
    fees = models.TextField(_("Kosten"), blank=True)
    fees_en = models.TextField(_("Kosten (Englisch)"), blank=True)
    fee_min = models.DecimalField(_("Gebühr ab (Euro)"), max_digits=10, decimal_places=2, null=True, blank=True)
    fee_max = models.DecimalField(_("Gebühr bis (Euro)"), max_digits=10, decimal_places=2, null=True, blank=True)
    deadlines = models.TextField(_("Fristen"), blank=True)
    deadlines_en = models.TextField(_("Fristen (Englisch)"), blank=True)
    processing_time = models.TextField(_("Bearbeitungsdauer"), blank=True)
    processing_time_en = models.TextField(_("Bearbeitungsdauer (Englisch)"), blank=True)
    legal_basis = models.TextField(_("Rechtsgrundlagen"), blank=True)
    legal_basis_en = models.TextField(_("Rechtsgrundlagen (Englisch)"), blank=True)
    legal_remedy = models.TextField(_("Rechtsbehelf"), blank=True)
    legal_remedy_en = models.TextField(_("Rechtsbehelf (Englisch)"), blank=True)
    forms = models.TextField(_("Formulare"), blank=True)
    forms_en = models.TextField(_("Formulare (Englisch)"), blank=True)
    further_information = models.TextField(_("Weiterführende Informationen"), blank=True)
    further_information_en = models.TextField(_("Weiterführende Informationen (Englisch)"), blank=True)
    hints = models.TextField(_("Hinweise"), blank=True)
    hints_en = models.TextField(_("Hinweise (Englisch)"), blank=True)
    responsible_note = models.TextField(_("Zuständige Stelle (Text)"), blank=True)
    responsible_note_en = models.TextField(_("Zuständige Stelle (Text, Englisch)"), blank=True)
    synonyms = models.TextField(
        _("Suchbegriffe"), blank=True, help_text=_("Ein Begriff pro Zeile, z. B. „Perso“ für Personalausweis.")
    )
    valid_regions = models.JSONField(
        _("Gültig für Gebiete (ARS)"), default=list, blank=True, help_text=_("Leer heißt: überall gültig.")
    )

    responsible_units = models.ManyToManyField(
        OrganisationalUnit, related_name="services", blank=True, verbose_name=_("Zuständige Stellen")
    )
    topics = models.ManyToManyField(Topic, related_name="services", blank=True, verbose_name=_("Themen"))
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_service_slug_per_municipality"),
            models.UniqueConstraint(
                fields=["municipality", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_service_source_per_municipality",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_min__isnull=True)
                | models.Q(fee_max__isnull=True)
                | models.Q(fee_max__gte=models.F("fee_min")),
                name="service_fee_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OnlineService(ImportedRecord):
    """A way to apply online (Onlinedienst): an external portal link or, later, our own form."""

    class TrustLevel(models.TextChoices):
        NONE = "keins", _("ohne Anmeldung")
        LOW = "niedrig", _("Basisregistrierung (niedrig)")
        SUBSTANTIAL = "substantiell", _("substanziell, z. B. ELSTER-Zertifikat")
        HIGH = "hoch", _("hoch, z. B. Online-Ausweis")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="online_services", verbose_name=_("Kommune")
    )
    name = models.CharField(_("Bezeichnung"), max_length=300)
    name_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=300, blank=True)
    url = models.URLField(_("Adresse"), max_length=500)
    trust_level = models.CharField(
        _("Nötiges Vertrauensniveau"), max_length=20, choices=TrustLevel.choices, default=TrustLevel.NONE
    )
    is_enabled = models.BooleanField(
        _("angeboten"), default=True, help_text=_("Ausgeschaltete Online-Angebote erscheinen nicht im Portal.")
    )
    services = models.ManyToManyField(Service, related_name="online_services", blank=True, verbose_name=_("Leistungen"))

    class Meta:
        verbose_name = _("Online-Dienst")
        verbose_name_plural = _("Online-Dienste")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_online_service_source_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceSearchEntry(models.Model):
    """Normalised search terms of one service in one language (stemmed, umlauts folded).

    PostgreSQL indexes ``name_terms`` and ``body_terms`` in a generated tsvector column; SQLite
    mirrors them into an FTS5 table. Both are created by the migrations of this app.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_entries")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=5)
    name_terms = models.TextField()
    body_terms = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="unique_search_entry_per_language")]
        indexes = [models.Index(fields=["municipality", "language"], name="search_entry_tenant")]

    def __str__(self) -> str:
        return f"{self.service_id} ({self.language})"


class SearchWord(models.Model):
    """A normalised word that occurs in a municipality's catalogue: the vocabulary for typo correction."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "word"], name="unique_search_word")]

    def __str__(self) -> str:
        return self.word


class CatalogueFeed(models.Model):
    """An XZuFi source (URL) the worker imports from on a schedule."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="catalogue_feeds", verbose_name=_("Kommune")
    )
    url = models.URLField(_("Adresse der XZuFi-Nachricht"), max_length=500)
    interval_hours = models.PositiveSmallIntegerField(_("Abstand in Stunden"), default=24)
    is_enabled = models.BooleanField(_("regelmäßig importieren"), default=True)
    next_run_at = models.DateTimeField(_("nächster Import"), null=True, blank=True)
    scheduled_task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("Katalog-Quelle")
        verbose_name_plural = _("Katalog-Quellen")
        constraints = [models.UniqueConstraint(fields=["municipality", "url"], name="unique_feed_per_municipality")]

    def __str__(self) -> str:
        return self.url


class ImportRun(models.Model):
    """One XZuFi import with its outcome, for the administrators' import history."""

    class Status(models.TextChoices):
        SUCCEEDED = "erfolgreich", _("erfolgreich")
        FAILED = "fehlgeschlagen", _("fehlgeschlagen")

    class Trigger(models.TextChoices):
        COMMAND = "befehl", _("Befehl auf dem Server")
        SCHEDULE = "zeitplan", _("Zeitplan")
        STAFF = "verwaltung", _("Verwaltung")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="import_runs", verbose_name=_("Kommune")
    )
    source = models.CharField(_("Quelle"), max_length=500)
    trigger = models.CharField(_("Anlass"), max_length=20, choices=Trigger.choices)
    status = models.CharField(_("Ergebnis"), max_length=20, choices=Status.choices)
    started_at = models.DateTimeField(_("begonnen"))
    finished_at = models.DateTimeField(_("beendet"))
    created = models.PositiveIntegerField(_("neu"), default=0)
    updated = models.PositiveIntegerField(_("geändert"), default=0)
    unchanged = models.PositiveIntegerField(_("unverändert"), default=0)
    skipped = models.PositiveIntegerField(_("übersprungen"), default=0)
    details = models.JSONField(_("Einzelheiten"), default=list, blank=True)
    error = models.TextField(_("Fehler"), blank=True)

    class Meta:
        verbose_name = _("Katalog-Import")
        verbose_name_plural = _("Katalog-Importe")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"
