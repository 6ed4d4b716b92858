"""What the portal frame itself stores: feedback on accessibility (BITV 2.0 § 7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Municipality


class AccessibilityFeedback(models.Model):
    """A report of a barrier, sent through the form on the accessibility statement."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ANSWERED = "answered", _("beantwortet")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="accessibility_feedback", verbose_name=_("Kommune")
    )
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Beschreibung der Barriere"), max_length=5000)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse für eine Antwort"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Konto"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    staff_note = models.TextField(_("Vermerk der Verwaltung"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bearbeitet von"),
    )
    handled_at = models.DateTimeField(_("bearbeitet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "status", "-created_at"], name="feedback_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.municipality.short_name}: {self.message[:40]}"
