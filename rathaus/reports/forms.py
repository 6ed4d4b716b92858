"""Forms of the Mängelmelder: the reporting steps for citizens, the filters, and the staff's work on reports."""

import json
import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import OrganisationalUnit

from . import geo, questions
from .models import Area, Category, Report

Status = Report.Status


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Citizens: reporting -------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    kategorie = forms.ModelChoiceField(
        label=_("Was möchten Sie melden?"),
        queryset=Category.objects.none(),
        to_field_name="service_code",
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie aus, was Sie melden möchten.")},
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kategorie"]
        field.queryset = categories  # type: ignore[attr-defined]
        field.label_from_instance = lambda category: (  # type: ignore[attr-defined]
            f"{category.name} – {category.description}" if category.description else category.name
        )


def question_field(question: dict[str, Any]) -> forms.Field:
    datatype = question.get("datatype", "string")
    common: dict[str, Any] = {
        "label": question["label"],
        "required": bool(question.get("required")),
        "help_text": question.get("description", ""),
    }
    choices = [(str(value["key"]), str(value["name"])) for value in question.get("values") or []]
    if datatype == Category.Datatype.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if datatype == Category.Datatype.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if datatype == Category.Datatype.NUMBER:
        return forms.DecimalField(localize=True, **common)
    if datatype == Category.Datatype.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    return forms.CharField(max_length=200, **common)


class QuestionsForm(forms.Form):
    """The category's extra questions, one field each, named by the question's code."""

    def __init__(self, *args: Any, category: Category, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        for question in category.questions or []:
            self.fields[question["code"]] = question_field(question)

    def answers(self) -> dict[str, Any]:
        raw = {code: str(value) if hasattr(value, "as_tuple") else value for code, value in self.cleaned_data.items()}
        answers, _errors = questions.answers_clean(self.category, raw)
        return answers


class CoordinateInput(forms.TextInput):
    def __init__(self) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "reports-coordinate"})


class LocationForm(forms.Form):
    """Where the defect is: a point (set on the map, or typed), an address, or words; one is enough."""

    lat = forms.FloatField(label=_("Breitengrad"), required=False, widget=CoordinateInput(), localize=False)
    lon = forms.FloatField(label=_("Längengrad"), required=False, widget=CoordinateInput(), localize=False)
    address = forms.CharField(
        label=_("Straße und Hausnummer"),
        required=False,
        max_length=300,
        help_text=_("Zum Beispiel: Marktplatz 1. Gibt es keine Hausnummer, nennen Sie die nächste."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    location_description = forms.CharField(
        label=_("Beschreibung des Orts"),
        required=False,
        max_length=1000,
        help_text=_("Zum Beispiel: gegenüber dem Spielplatz, am Ende der Treppe."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if self.errors:
            return data
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Bitte geben Sie Breiten- und Längengrad zusammen an."))
        if lat is not None and lon is not None:
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(_("Die Koordinaten sind ungültig."))
        elif not data.get("address", "").strip() and not data.get("location_description", "").strip():
            self.add_error(
                "address",
                _("Bitte nennen Sie eine Adresse oder beschreiben Sie den Ort (oder setzen Sie eine Markierung)."),
            )
        return data


class PhotoInput(forms.ClearableFileInput):
    def __init__(self) -> None:
        super().__init__(attrs={"accept": "image/jpeg,image/png,image/webp"})


class DescriptionForm(forms.Form):
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Was ist kaputt oder stört? Bitte nennen Sie keine Namen anderer Menschen."),
        error_messages={"required": _("Bitte beschreiben Sie den Mangel.")},
    )
    foto_1 = forms.FileField(label=_("Foto 1"), required=False, widget=PhotoInput())
    foto_2 = forms.FileField(label=_("Foto 2"), required=False, widget=PhotoInput())
    foto_3 = forms.FileField(label=_("Foto 3"), required=False, widget=PhotoInput())

    def __init__(self, *args: Any, free_slots: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(free_slots + 1, 4):
            del self.fields[f"foto_{number}"]


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), required=False, max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_(
            "Ihre E-Mail-Adresse brauchen wir nur, um die Meldung zu bestätigen und Sie über den Stand zu "
            "informieren. Sie wird nicht veröffentlicht."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=50,
        help_text=_("Für Rückfragen."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args: Any, email_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without a verified account the e-mail link is the only proof that a person stands behind the report.
        self.fields["email"].required = email_required
        self.fields["email"].error_messages["required"] = _(
            "Bitte geben Sie Ihre E-Mail-Adresse an. Wir brauchen sie, um die Meldung zu bestätigen."
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        label=_("Ihre E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Bitte geben Sie Ihre E-Mail-Adresse an.")},
    )


class ReopenForm(forms.Form):
    text = forms.CharField(
        label=_("Was ist noch nicht in Ordnung?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur die Verwaltung sieht diesen Text."),
    )


class PublicFilterForm(forms.Form):
    """Filters of the public list, sent with GET (bookmarkable, no JavaScript needed)."""

    kategorie = forms.ChoiceField(label=_("Kategorie"), required=False)
    stand = forms.ChoiceField(label=_("Stand"), required=False)
    gebiet = forms.ChoiceField(label=_("Gebiet"), required=False)
    bbox = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kategorie"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            *((category.service_code, category.name) for category in categories),
        ]
        self.fields["stand"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            ("offen", _("offen")),
            ("erledigt", _("abgeschlossen")),
            *Status.choices,
        ]
        self.fields["gebiet"].choices = [("", _("alle")), *((str(area.pk), area.name) for area in areas)]  # type: ignore[attr-defined]

    def clean_bbox(self) -> geo.BoundingBox | None:
        raw = self.cleaned_data.get("bbox") or ""
        return geo.parse_bbox(raw) if raw else None


# Staff -----------------------------------------------------------------------------------------------


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Suche"), required=False, max_length=200, help_text=_("Text, Adresse oder Aktenzeichen")
    )
    stand = forms.ChoiceField(label=_("Stand"), required=False)
    kategorie = forms.TypedChoiceField(label=_("Kategorie"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stand"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            ("offen", _("offen")),
            ("unbestaetigt", _("noch nicht bestätigt")),
            *Status.choices,
        ]
        self.fields["kategorie"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            *((category.pk, category.name) for category in categories),
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Stand"), choices=Status.choices)
    planned_for = forms.DateField(
        label=_("Geplant für"), required=False, widget=DateInput(), help_text=_("Nur bei „geplant“.")
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nur bei „erledigt ohne Maßnahme“; wird veröffentlicht."),
    )
    forwarded_to = forms.CharField(
        label=_("Weitergeleitet an"),
        required=False,
        max_length=200,
        help_text=_("Nur bei „weitergeleitet“, zum Beispiel: Regierungspräsidium Stuttgart."),
    )
    public_text = forms.CharField(
        label=_("Öffentlicher Hinweis"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Erscheint auf der Seite der Meldung und geht an alle, die sie verfolgen."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status == Status.PLANNED and not data.get("planned_for"):
            self.add_error("planned_for", _("Bitte geben Sie an, wann die Arbeiten geplant sind."))
        if status == Status.DONE_WITHOUT_ACTION and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Bitte begründen Sie, warum nichts getan wird."))
        if status == Status.FORWARDED and not (data.get("forwarded_to") or "").strip():
            self.add_error("forwarded_to", _("Bitte geben Sie an, an wen die Meldung weitergeleitet wurde."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(
        label=_("Öffentlich: auf der Seite der Meldung zeigen und an alle schicken, die sie verfolgen"),
        required=False,
    )


class ModerationForm(forms.Form):
    public_description = forms.CharField(
        label=_("Öffentliche Beschreibung"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur dieser Text ist öffentlich. Leer: es wird nur die Kategorie gezeigt."),
    )
    public_location = forms.CharField(
        label=_("Öffentliche Ortsangabe"),
        required=False,
        max_length=300,
        help_text=_(
            "Nur Straße oder Platz, ggf. mit Hausnummer – keine Beschreibung von Personen oder Grundstücken. "
            "Leer: öffentlich wird nur die Markierung auf der Karte gezeigt."
        ),
    )
    is_public = forms.BooleanField(label=_("Meldung öffentlich zeigen"), required=False)


class RouteForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Zuständige Stelle"), queryset=OrganisationalUnit.objects.none())
    note = forms.CharField(label=_("Anmerkung"), required=False, max_length=500, help_text=_("Nur intern sichtbar."))

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = OrganisationalUnit.objects.filter(municipality=municipality).order_by("name")  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    master = forms.UUIDField(
        label=_("Kennung der Hauptmeldung"),
        help_text=_("Diese Meldung wird als doppelt geschlossen; wer sie verfolgt, verfolgt dann die Hauptmeldung."),
    )


class CategoryAdminForm(forms.ModelForm):
    questions_json = forms.CharField(
        label=_("Zusatzfragen (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            'Liste, z. B. [{"code": "groesse", "label": "Wie groß?", "datatype": "singlevaluelist", '
            '"required": false, "values": [{"key": "klein", "name": "klein"}]}]'
        ),
    )

    class Meta:
        model = Category
        fields = [
            "service_code",
            "name",
            "name_en",
            "description",
            "description_en",
            "group",
            "keywords",
            "office",
            "response_days",
            "is_public",
            "order",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = OrganisationalUnit.objects.filter(municipality=municipality).order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["service_code"].disabled = True
        self.initial.setdefault(
            "questions_json", json.dumps(self.instance.questions or [], ensure_ascii=False, indent=1)
        )

    def clean_questions_json(self) -> list[Any]:
        raw = self.cleaned_data.get("questions_json") or "[]"
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Das ist kein gültiges JSON.")) from error
        errors = questions.question_errors(value)
        if errors:
            raise forms.ValidationError(errors)
        return list(value)

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        values["questions"] = self.cleaned_data["questions_json"]
        return values


class AreaAdminForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    office = forms.ModelChoiceField(label=_("Zuständige Stelle"), queryset=OrganisationalUnit.objects.none())
    priority = forms.IntegerField(
        label=_("Vorrang"), initial=0, help_text=_("Überschneiden sich Gebiete, gewinnt der höhere Wert.")
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Kategorien"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Keine Auswahl: das Gebiet gilt für alle Kategorien."),
    )
    polygon = forms.CharField(
        label=_("Fläche (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "reports-geojson"}),
        help_text=_('Ein GeoJSON-Polygon, Punkte als [Längengrad, Breitengrad], z. B. {"type": "Polygon", ...}'),
    )

    def __init__(self, *args: Any, municipality: Any, area: Area | None = None, **kwargs: Any) -> None:
        if area is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": area.name,
                    "office": area.office,
                    "priority": area.priority,
                    "categories": list(area.categories.all()),
                    "polygon": json.dumps(area.polygon, ensure_ascii=False),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = OrganisationalUnit.objects.filter(municipality=municipality).order_by("name")  # type: ignore[attr-defined]
        self.fields["categories"].queryset = Category.objects.filter(municipality=municipality)  # type: ignore[attr-defined]

    def clean_polygon(self) -> Any:
        try:
            value = json.loads(self.cleaned_data["polygon"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Das ist kein gültiges JSON.")) from error
        try:
            geo.polygons_of(value)
        except geo.GeometryError as error:
            raise forms.ValidationError(str(error)) from error
        return value
