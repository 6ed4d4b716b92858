"""Visits: the people in a location's waiting room today, from arrival to the end of their visit.

An arrival is either a checked-in appointment (kind "termin", numbers "T 001", "T 002", ...) or a
walk-in who drew a ticket (kind "spontan", numbers "W 001", ...). Numbers start at 1 per location,
day and kind; the database refuses a number twice. The call display shows only numbers and counter
names, never names: the visit itself stores no personal data beyond its link to the appointment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Appointment, AppointmentService, Counter, Location
from rathaus.municipalities.models import Municipality


class Visit(models.Model):
    """One person (or family) in the waiting room of a location on one day."""

    class Kind(models.TextChoices):
        APPOINTMENT = "termin", _("mit Termin")
        WALK_IN = "spontan", _("ohne Termin")

    class State(models.TextChoices):
        WAITING = "wartend", _("wartet")
        CALLED = "aufgerufen", _("aufgerufen")
        IN_SERVICE = "in_bedienung", _("wird bedient")
        FINISHED = "erledigt", _("erledigt")
        LEFT = "gegangen", _("gegangen")

    # A visit in these states still holds a place in the queue or at a counter.
    OPEN_STATES = (State.WAITING, State.CALLED, State.IN_SERVICE)
    PREFIXES = {Kind.APPOINTMENT: "T", Kind.WALK_IN: "W"}

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="visits", verbose_name=_("Kommune")
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="visits", verbose_name=_("Standort"))
    day = models.DateField(_("Tag"))
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(_("Nummer"))
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit",
        verbose_name=_("Termin"),
    )
    services = models.ManyToManyField(AppointmentService, related_name="+", verbose_name=_("Anliegen"))
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.WAITING)
    arrived_at = models.DateTimeField(_("angekommen um"))
    first_called_at = models.DateTimeField(_("zuerst aufgerufen um"), null=True, blank=True)
    called_at = models.DateTimeField(_("zuletzt aufgerufen um"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("Anzahl der Aufrufe"), default=0)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name=_("Schalter")
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aufgerufen von"),
    )
    service_started_at = models.DateTimeField(_("Bedienung ab"), null=True, blank=True)
    finished_at = models.DateTimeField(_("erledigt um"), null=True, blank=True)
    left_at = models.DateTimeField(_("gegangen um"), null=True, blank=True)

    class Meta:
        verbose_name = _("Besuch")
        verbose_name_plural = _("Besuche")
        ordering = ["day", "arrived_at", "id"]
        indexes = [
            models.Index(fields=["location", "day", "state"], name="visit_queue_idx"),
            models.Index(fields=["location", "day", "first_called_at"], name="visit_calls_idx"),
            models.Index(fields=["municipality", "day"], name="visit_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["location", "day", "kind", "number"], name="visits_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} ({self.day:%d.%m.%Y})"

    @property
    def display_number(self) -> str:
        """What the ticket and the display show, e.g. "W 012"."""
        return f"{self.PREFIXES[self.Kind(self.kind)]} {self.number:03d}"
