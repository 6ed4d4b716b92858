"""The digitalisation roadmap: projects, their milestones, the municipality's weights and assumptions.

Figures ("Rathaus in Zahlen") are computed from other apps' records and have no model of their own.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

WEIGHT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


class RoadmapSettings(models.Model):
    """A municipality's weights for the priority score, its team capacity and the public switch."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="roadmap_settings", verbose_name=_("Kommune")
    )
    weight_benefit = models.PositiveSmallIntegerField(
        _("Gewicht Nutzen für Bürgerinnen und Bürger"), default=3, validators=WEIGHT_VALIDATORS
    )
    weight_hours = models.PositiveSmallIntegerField(
        _("Gewicht eingesparte Arbeitsstunden"), default=3, validators=WEIGHT_VALIDATORS
    )
    weight_legal = models.PositiveSmallIntegerField(
        _("Gewicht rechtliche Dringlichkeit"), default=2, validators=WEIGHT_VALIDATORS
    )
    weight_effort = models.PositiveSmallIntegerField(
        _("Gewicht Aufwand (mindert)"), default=1, validators=WEIGHT_VALIDATORS
    )
    weight_risk = models.PositiveSmallIntegerField(
        _("Gewicht Risiko (mindert)"), default=1, validators=WEIGHT_VALIDATORS
    )
    capacity_days = models.PositiveIntegerField(
        _("Kapazität des Teams je Quartal (Personentage)"),
        default=60,
        validators=[MaxValueValidator(100_000)],
    )
    start_year = models.PositiveSmallIntegerField(
        _("Beginn der Planung (Jahr)"), default=2027, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    start_quarter = models.PositiveSmallIntegerField(
        _("Beginn der Planung (Quartal)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    public_roadmap = models.BooleanField(
        _("Roadmap öffentlich zeigen"),
        default=False,
        help_text=_("Dann steht die Roadmap unter /roadmap/ für alle sichtbar im Portal."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Einstellungen der Roadmap")
        verbose_name_plural = _("Einstellungen der Roadmap")

    def __str__(self) -> str:
        return str(self.municipality)


class ServiceVolume(models.Model):
    """An assumed yearly number of requests for one service, used instead of the measured figure."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="roadmap_volume", verbose_name=_("Leistung")
    )
    yearly_volume = models.PositiveIntegerField(_("Angenommene Fallzahl je Jahr"))
    source = models.CharField(
        _("Quelle der Annahme"), max_length=200, blank=True, help_text=_("Zum Beispiel „Statistik Bürgeramt 2025“.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Angenommene Fallzahl")
        verbose_name_plural = _("Angenommene Fallzahlen")

    def __str__(self) -> str:
        return f"{self.service}: {self.yearly_volume}"


class Project(models.Model):
    """One digitalisation project of the roadmap."""

    class Status(models.TextChoices):
        IDEA = "idee", _("Idee")
        PLANNED = "geplant", _("geplant")
        IN_PROGRESS = "in_umsetzung", _("in Umsetzung")
        DONE = "abgeschlossen", _("abgeschlossen")
        ON_HOLD = "zurueckgestellt", _("zurückgestellt")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="roadmap_projects", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    services = models.ManyToManyField(
        Service, related_name="roadmap_projects", blank=True, verbose_name=_("Betroffene Leistungen")
    )
    legal_obligation = models.TextField(
        _("Rechtliche Verpflichtung"), blank=True, help_text=_("Zum Beispiel „OZG-Änderungsgesetz, § 1a“.")
    )
    legal_deadline = models.DateField(_("Gesetzliche Frist"), null=True, blank=True)
    effort_days = models.PositiveIntegerField(
        _("Aufwand (Personentage)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    risk = models.PositiveSmallIntegerField(
        _("Risiko (1 gering bis 5 hoch)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name=_("Setzt voraus"),
    )
    owning_unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_projects",
        verbose_name=_("Federführende Stelle"),
    )
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices, default=Status.IDEA)
    minutes_saved_per_case = models.PositiveIntegerField(
        _("Eingesparte Minuten je Fall (Annahme)"), default=0, validators=[MaxValueValidator(10_000)]
    )
    expected_volume = models.PositiveIntegerField(
        _("Erwartete Fallzahl je Jahr (ersetzt die gemessene)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["municipality", "status"], name="roadmap_project_status")]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A phase end or milestone of a project: a fixed date or a week counted from the project's start."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Bezeichnung"), max_length=200)
    date = models.DateField(_("Datum"), null=True, blank=True)
    week = models.PositiveSmallIntegerField(
        _("Woche nach Projektbeginn"), null=True, blank=True, validators=[MaxValueValidator(520)]
    )

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["date", "week", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(date__isnull=False, week__isnull=True) | Q(date__isnull=True, week__isnull=False)),
                name="roadmap_milestone_date_or_week",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    """A phase of a project (e.g. Konzeption, Umsetzung, Einführung) taking a share of its effort.

    Phases follow each other in ``order``; the timetable gives each the same share of the project's span.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("Bezeichnung"), max_length=200)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)
    effort_percent = models.PositiveSmallIntegerField(
        _("Anteil am Aufwand (Prozent)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effort_percent__gte=1, effort_percent__lte=100), name="roadmap_phase_percent_range"
            )
        ]

    def __str__(self) -> str:
        return self.title
