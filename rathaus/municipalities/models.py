"""Municipalities (tenants) and their organisational units (offices)."""

import json
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ags_validator = RegexValidator(r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern."))
ars_validator = RegexValidator(r"^\d{12}$", _("Der Amtliche Regionalschlüssel hat genau 12 Ziffern."))
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
colour_validator = RegexValidator(_HEX_COLOUR, _("Bitte eine Farbe im Format #RRGGBB angeben, zum Beispiel #004B87."))


def _relative_luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of ``colour`` (#RRGGBB) against white."""
    return 1.05 / (_relative_luminance(colour) + 0.05)


def validate_accent_colour_contrast(colour: str) -> None:
    # The accent colour carries white text (the logo mark), so it needs WCAG AA contrast (4.5:1).
    if _HEX_COLOUR.match(colour) and contrast_with_white(colour) < 4.5:
        raise ValidationError(
            _(
                "Diese Farbe ist zu hell: Weiße Schrift darauf wäre schlecht lesbar (Kontrast %(ratio).1f:1, nötig 4,5:1)."
            ),
            params={"ratio": contrast_with_white(colour)},
        )


postal_code_validator = RegexValidator(r"^\d{5}$", _("Eine Postleitzahl hat genau 5 Ziffern."))


def as_imported_value(value: object) -> object:
    """``value`` as ``imported_values`` stores it (JSON: decimals and dates as text)."""
    if value is None or isinstance(value, str | bool | int | list | dict):
        return value
    return str(value)


class ImportedRecord(models.Model):
    """A record that may come from an outside catalogue (XZuFi) and may be edited locally.

    ``imported_values`` keeps what the last import delivered for each field; ``local_overrides``
    names the fields a clerk has changed since. A later import updates the other fields and
    leaves the overridden ones as the clerk wrote them.
    """

    source_id = models.CharField(_("Kennung in der Quelle"), max_length=200, blank=True)
    imported_values = models.JSONField(_("Importierte Werte"), default=dict, blank=True)
    local_overrides = models.JSONField(_("Lokal geänderte Felder"), default=list, blank=True)
    last_imported_at = models.DateTimeField(_("Zuletzt importiert"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_imported(self) -> bool:
        return bool(self.source_id)

    def mark_local_changes(self, fields: Iterable[str]) -> None:
        """After ``fields`` were changed: those now differing from the last import become local
        overrides, those set back to the imported value stop being overrides."""
        overrides = set(self.local_overrides)
        for field in fields:
            if field not in self.imported_values:
                continue
            if as_imported_value(getattr(self, field)) == self.imported_values[field]:
                overrides.discard(field)
            else:
                overrides.add(field)
        self.local_overrides = sorted(overrides)


class Municipality(models.Model):
    """One town or city served by this installation."""

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(
        _("Kurzname"), max_length=100, help_text=_("Wird im Kopf der Seite gezeigt, z. B. „Esslingen am Neckar“.")
    )
    slug = models.SlugField(_("Kürzel"), unique=True)
    ags = models.CharField(_("Amtlicher Gemeindeschlüssel (AGS)"), max_length=8, validators=[ags_validator])
    ars = models.CharField(
        _("Amtlicher Regionalschlüssel (ARS)"), max_length=12, unique=True, validators=[ars_validator]
    )
    reference_prefix = models.CharField(
        _("Kürzel für Aktenzeichen"), max_length=4, help_text=_("Zum Beispiel „ES“ für ES-2026-000123.")
    )
    accent_colour = models.CharField(
        _("Akzentfarbe"),
        max_length=7,
        default="#004B87",
        validators=[colour_validator, validate_accent_colour_contrast],
    )
    logo = models.FileField(_("Logo"), upload_to="municipalities/logos/", blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon"), max_length=50)
    email = models.EmailField(_("E-Mail"))
    website = models.URLField(_("Internetseite"), blank=True)
    represented_by = models.CharField(
        _("Vertreten durch"),
        max_length=200,
        help_text=_("Zum Beispiel der Oberbürgermeister oder die Bürgermeisterin."),
    )
    supervisory_authority = models.CharField(_("Aufsichtsbehörde"), max_length=200, blank=True)
    vat_id = models.CharField(_("Umsatzsteuer-Identifikationsnummer"), max_length=20, blank=True)
    data_protection_officer = models.CharField(
        _("Behördliche Datenschutzbeauftragte"), max_length=300, help_text=_("Name oder Stelle mit Anschrift.")
    )
    data_protection_email = models.EmailField(_("E-Mail für Datenschutzfragen"))
    accessibility_contact_email = models.EmailField(
        _("E-Mail für Rückmeldungen zur Barrierefreiheit"),
        help_text=_("Neue Rückmeldungen aus dem Formular werden hierhin gemeldet."),
    )
    accessibility_statement_date = models.DateField(_("Datum der Erklärung zur Barrierefreiheit"))
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # What the page header and footer show of the municipality: the cached chrome (templates/base.html)
    # varies on it, so that an edit shows at once wherever the edited municipality is loaded again.
    CHROME_FIELDS = (
        "pk",
        "name",
        "short_name",
        "reference_prefix",
        "logo",
        "street",
        "postal_code",
        "city",
        "phone",
        "email",
    )

    @property
    def chrome_key(self) -> str:
        return json.dumps([str(getattr(self, name)) for name in self.CHROME_FIELDS])


class HostName(models.Model):
    """A host name under which a municipality's portal is reached."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="host_names", verbose_name=_("Kommune")
    )
    name = models.CharField(
        _("Hostname"), max_length=253, unique=True, help_text=_("Ohne Schema und Port, z. B. rathaus.esslingen.de.")
    )

    class Meta:
        verbose_name = _("Hostname")
        verbose_name_plural = _("Hostnamen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationalUnit(ImportedRecord):
    """An office of the administration (Organisationseinheit): Bürgerbüro, Ordnungsamt, ..."""

    class Kind(models.TextChoices):
        CITIZENS_OFFICE = "buergerbuero", _("Bürgerbüro")
        DEPARTMENT = "amt", _("Amt")
        UNIT = "stelle", _("Stelle")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="organisational_units", verbose_name=_("Kommune")
    )
    slug = models.SlugField(_("Kürzel"))
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    description = models.TextField(_("Beschreibung"), blank=True)
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Internetseite"), blank=True)
    accessibility = models.TextField(_("Barrierefreiheit des Gebäudes"), blank=True)
    accessibility_en = models.TextField(_("Barrierefreiheit des Gebäudes (Englisch)"), blank=True)
    opening_hours_note = models.CharField(_("Hinweis zu den Öffnungszeiten"), max_length=300, blank=True)
    opening_hours_note_en = models.CharField(_("Hinweis zu den Öffnungszeiten (Englisch)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_unit_slug_per_municipality"),
            models.UniqueConstraint(
                fields=["municipality", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_unit_source_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval on a weekday; several per day are allowed (e.g. morning and afternoon)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Montag")
        TUESDAY = 1, _("Dienstag")
        WEDNESDAY = 2, _("Mittwoch")
        THURSDAY = 3, _("Donnerstag")
        FRIDAY = 4, _("Freitag")
        SATURDAY = 5, _("Samstag")
        SUNDAY = 6, _("Sonntag")

    unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("Organisationseinheit"),
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("öffnet"))
    closes = models.TimeField(_("schließt"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="opening_closes_after_opens")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"
