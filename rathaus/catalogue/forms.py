"""Forms of the catalogue: the public search, and the back office's service descriptions, feed and uploads."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import xzufi
from .models import CatalogueFeed, Service
from .text import plain_text, sanitise_html

# The form's fields in the order of the page, grouped under headings.
SERVICE_FIELD_GROUPS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
    (_("Bezeichnung und Beschreibung"), ("name", "teaser", "short_text", "full_text")),
    (
        _("Voraussetzungen und Ablauf"),
        ("prerequisites", "required_documents", "procedure", "deadlines", "processing_time", "forms"),
    ),
    (_("Kosten"), ("fees", "fee_min", "fee_max")),
    (_("Rechtliches und weitere Hinweise"), ("legal_basis", "legal_remedy", "further_information", "hints")),
    (
        _("Englische Fassung"),
        (
            "name_en",
            "teaser_en",
            "short_text_en",
            "full_text_en",
            "prerequisites_en",
            "required_documents_en",
            "procedure_en",
            "fees_en",
            "deadlines_en",
            "processing_time_en",
        ),
    ),
    (_("Suche und Einordnung"), ("synonyms", "leika_key", "service_type", "is_published", "appointment_available")),
)
SERVICE_FORM_FIELDS = tuple(name for _heading, names in SERVICE_FIELD_GROUPS for name in names)
# Fields shown as plain text; every other text field holds the safe HTML subset of text.sanitise_html.
SERVICE_PLAIN_FIELDS = frozenset({"name", "name_en", "synonyms", "leika_key", "service_type"})
SERVICE_HTML_FIELDS = tuple(
    name
    for name in SERVICE_FORM_FIELDS
    if name not in SERVICE_PLAIN_FIELDS and name not in {"fee_min", "fee_max", "is_published", "appointment_available"}
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ServiceForm(forms.ModelForm):
    """A service's description as the municipality writes it. HTML is reduced to the safe subset."""

    class Meta:
        model = Service
        fields = list(SERVICE_FORM_FIELDS)
        # Amounts as written in German, e.g. "22,80".
        localized_fields = ("fee_min", "fee_max")
        widgets = {
            **{name: _textarea(3) for name in ("teaser", "teaser_en", "short_text", "short_text_en")},
            **{
                name: _textarea(6)
                for name in SERVICE_HTML_FIELDS
                if name not in {"teaser", "teaser_en", "short_text", "short_text_en"}
            },
            "synonyms": _textarea(3),
        }
        labels = {
            "is_published": _("Im Portal veröffentlicht"),
            "appointment_available": _("Termin buchbar"),
        }
        help_texts = {
            "name": _("So, wie Bürgerinnen und Bürger die Leistung suchen, z. B. „Personalausweis beantragen“."),
            "teaser": _("Ein bis zwei Sätze für Suchergebnisse und Übersichten."),
            "full_text": _(
                "Erlaubt sind Absätze, Listen, Hervorhebungen und Links. Text ohne HTML wird in Absätze umgewandelt."
            ),
            "required_documents": _("Am besten als Liste (<ul><li>…</li></ul>): daraus entsteht eine Checkliste."),
            "fee_min": _("Betrag in Euro, z. B. 22,80. Leer lassen, wenn keine Gebühr festgelegt ist."),
            "fee_max": _("Nur bei einer Spanne; sonst leer lassen oder denselben Betrag eintragen."),
        }
        error_messages = {
            "name": {"required": _("Bitte geben Sie die Leistungsbezeichnung an.")},
            "fee_min": {"invalid": _("Bitte geben Sie einen Betrag in Euro an, z. B. 22,80.")},
            "fee_max": {"invalid": _("Bitte geben Sie einen Betrag in Euro an, z. B. 37,00.")},
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        for name, value in list(cleaned_data.items()):
            if isinstance(value, str):
                value = value.replace("\r\n", "\n").replace("\r", "\n")
                if name in SERVICE_HTML_FIELDS:
                    value = sanitise_html(value)
                elif name in ("name", "name_en"):
                    value = plain_text(value)
                cleaned_data[name] = value.strip()
        fee_min, fee_max = cleaned_data.get("fee_min"), cleaned_data.get("fee_max")
        if fee_min is not None and fee_max is not None and fee_max < fee_min:
            self.add_error("fee_max", _("Die Gebühr bis darf nicht kleiner sein als die Gebühr ab."))
        return cleaned_data


class FeedForm(forms.ModelForm):
    """The XZuFi address the catalogue is imported from on a schedule."""

    url = forms.URLField(
        label=_("Adresse der XZuFi-Nachricht"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Die Internetadresse, unter der Ihre Redaktion die XZuFi-2.2.0-Nachricht bereitstellt."),
        error_messages={"required": _("Bitte geben Sie die Adresse der XZuFi-Nachricht an.")},
    )
    interval_hours = forms.IntegerField(
        label=_("Abstand in Stunden"),
        initial=24,
        min_value=1,
        max_value=24 * 30,
        help_text=_("Zum Beispiel 24 für einen Import am Tag."),
        error_messages={
            "required": _("Bitte geben Sie an, nach wie vielen Stunden erneut importiert wird."),
            "invalid": _("Bitte geben Sie eine ganze Zahl an."),
            "min_value": _("Der Abstand muss mindestens eine Stunde betragen."),
            "max_value": _("Der Abstand darf höchstens 720 Stunden (30 Tage) betragen."),
        },
    )

    class Meta:
        model = CatalogueFeed
        fields = ["url", "interval_hours", "is_enabled"]
        labels = {"is_enabled": _("Regelmäßig importieren")}


class CatalogueUploadForm(forms.Form):
    """An XZuFi message uploaded by an administrator for an import right now."""

    file = forms.FileField(
        label=_("XZuFi-Datei"),
        validators=[FileExtensionValidator(["xml"], message=_("Bitte wählen Sie eine XML-Datei (Endung .xml) aus."))],
        error_messages={
            "required": _("Bitte wählen Sie eine XZuFi-Datei aus."),
            "empty": _("Die ausgewählte Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine XZuFi-Datei aus."),
        },
        widget=forms.FileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Eine XML-Datei im Format XZuFi 2.2.0, höchstens %(limit)d MB.") % {
            "limit": xzufi.MAX_MESSAGE_BYTES // 2**20
        }

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > xzufi.MAX_MESSAGE_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(limit)d MB."),
                code="too_large",
                params={"limit": xzufi.MAX_MESSAGE_BYTES // 2**20},
            )
        return upload


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Was möchten Sie erledigen?"),
        max_length=200,
        help_text=_("Zum Beispiel „Personalausweis“, „Umzug“ oder „Hund anmelden“."),
        error_messages={
            "required": _("Bitte geben Sie einen Suchbegriff ein."),
            "max_length": _("Bitte fassen Sie sich kürzer: höchstens %(limit_value)d Zeichen."),
        },
    )

    def clean_q(self) -> str:
        query: str = self.cleaned_data["q"].replace("\x00", " ").strip()
        if not query:
            raise forms.ValidationError(_("Bitte geben Sie einen Suchbegriff ein."), code="required")
        return query
