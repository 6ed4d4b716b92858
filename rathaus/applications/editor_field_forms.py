"""Forms of the form editor for one field: adding it, and editing everything its type allows.

The edit form shows only the settings of one type. Without JavaScript a change of type therefore
takes one round trip: the page is shown again with the new type's settings before anything is saved.
"""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import editor, editor_lines
from .editor_forms import TYPE_LABELS, ConditionForm, english_field, textarea

PREFILL_CHOICES = [
    ("", gettext_lazy("(nicht vorbelegen)")),
    ("given_name", gettext_lazy("Vorname")),
    ("family_name", gettext_lazy("Nachname")),
    ("email", gettext_lazy("E-Mail-Adresse")),
    ("date_of_birth", gettext_lazy("Geburtsdatum")),
    ("street", gettext_lazy("Straße und Hausnummer")),
    ("postal_code", gettext_lazy("Postleitzahl")),
    ("city", gettext_lazy("Ort")),
    ("phone", gettext_lazy("Telefonnummer")),
    ("address", gettext_lazy("Anschrift")),
]
PREFILL_TYPES = {"text", "email", "phone", "date", "address"}
ACCEPT_CHOICES = [("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG")]
COMMON_TEXT_NAMES = ("key", "label", "label_en", "help", "help_en", "text", "text_en", "prefill")
# Pairs of settings where the first must not be larger than the second.
BOUNDS = [
    ("min_length", "max_length"),
    ("min", "max"),
    ("min_days", "max_days"),
    ("min_choices", "max_choices"),
    ("min_items", "max_items"),
]
key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,62}$",
    gettext_lazy("Der Schlüssel beginnt mit einem Kleinbuchstaben und enthält nur a–z, 0–9 und _."),
)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _keep_english(previous: Any, german: str) -> Any:
    """A German-only input: the stored English version stays while the German text is unchanged."""
    if german and editor.text_parts(previous)[0] == german:
        return previous
    return german or None


class FieldAddForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Art des Feldes"), choices=list(TYPE_LABELS.items()))
    label = forms.CharField(
        label=gettext_lazy("Frage oder Beschriftung"),
        max_length=5000,
        help_text=gettext_lazy("Alles Weitere stellen Sie auf der nächsten Seite ein."),
    )


def _type_settings(kind: str) -> dict[str, forms.Field]:
    """The inputs for the settings of one field type."""
    integer = forms.IntegerField
    if kind in ("text", "textarea"):
        return {
            "min_length": integer(label=_("Mindestlänge (Zeichen)"), required=False, min_value=0),
            "max_length": integer(label=_("Höchstlänge (Zeichen)"), required=False, min_value=1, max_value=100000),
            "pattern": forms.CharField(
                label=_("Muster (regulärer Ausdruck)"),
                required=False,
                max_length=500,
                help_text=_("Zum Beispiel ^[A-Z]{2}[0-9]{4}$ für zwei Großbuchstaben und vier Ziffern."),
            ),
            "pattern_message": forms.CharField(
                label=_("Meldung, wenn das Muster nicht passt"), required=False, max_length=5000
            ),
        }
    if kind in ("number", "money"):
        bounds: dict[str, forms.Field] = {
            "min": forms.DecimalField(label=_("Kleinster Wert"), required=False, localize=True),
            "max": forms.DecimalField(label=_("Größter Wert"), required=False, localize=True),
        }
        if kind == "number":
            bounds["decimal_places"] = integer(
                label=_("Nachkommastellen"), required=False, min_value=0, max_value=6, help_text=_("Leer: 0.")
            )
        return bounds
    if kind == "date":
        hint = _("In Tagen ab heute; negativ für Tage in der Vergangenheit. Leer: keine Grenze.")
        return {
            "min_days": integer(label=_("Frühestes Datum"), required=False, help_text=hint),
            "max_days": integer(label=_("Spätestes Datum"), required=False, help_text=hint),
        }
    if kind in ("choice", "multichoice"):
        settings: dict[str, forms.Field] = {
            "options": forms.CharField(
                label=_("Optionen"),
                widget=textarea(6),
                help_text=_(
                    "Eine Option je Zeile: Wert|Beschriftung, optional |Beschriftung auf Englisch. "
                    "Der Wert wird gespeichert, die Beschriftung angezeigt."
                ),
            )
        }
        if kind == "choice":
            settings["widget"] = forms.ChoiceField(
                label=_("Darstellung"),
                choices=[("radio", _("Optionsfelder (bis etwa sieben Optionen)")), ("select", _("Auswahlliste"))],
                widget=forms.RadioSelect,
            )
        else:
            settings["min_choices"] = integer(label=_("Mindestens anzukreuzen"), required=False, min_value=0)
            settings["max_choices"] = integer(label=_("Höchstens anzukreuzen"), required=False, min_value=1)
        return settings
    if kind == "file":
        return {
            "accept": forms.MultipleChoiceField(
                label=_("Erlaubte Dateiarten"), choices=ACCEPT_CHOICES, widget=forms.CheckboxSelectMultiple
            ),
            "max_size_mb": forms.DecimalField(
                label=_("Höchste Dateigröße (MB)"),
                required=False,
                min_value=Decimal("0.1"),
                max_value=50,
                localize=True,
                help_text=_("Leer: 10 MB."),
            ),
            "max_files": integer(
                label=_("Höchstzahl Dateien"), required=False, min_value=1, max_value=20, help_text=_("Leer: 1.")
            ),
        }
    if kind == "group":
        return {
            "members": forms.CharField(
                label=_("Felder jedes Eintrags"),
                widget=textarea(6),
                help_text=_(
                    "Ein Feld je Zeile: schluessel|typ|Beschriftung|pflicht (pflicht oder leer). Auswahlfelder "
                    "bekommen dahinter ihre Optionen: |a=Erste Option; b=Zweite Option. Mögliche Typen: %(kinds)s."
                )
                % {"kinds": ", ".join(editor.GROUP_MEMBER_TYPES)},
            ),
            "min_items": integer(label=_("Mindestzahl Einträge"), required=False, min_value=0),
            "max_items": integer(label=_("Höchstzahl Einträge"), required=False, min_value=1, max_value=50),
            "item_label": forms.CharField(
                label=_("Bezeichnung eines Eintrags"),
                required=False,
                max_length=5000,
                help_text=_("Zum Beispiel „Kind“; Leer: „Eintrag“."),
            ),
        }
    return {}


def field_initial(field: dict[str, Any], kind: str) -> dict[str, Any]:
    """What the edit form shows for a stored field (read with the settings of ``kind``)."""
    initial: dict[str, Any] = {"type": kind, "key": field["key"], "required": field.get("required", False)}
    for name in ("label", "help", "text"):
        initial[name], initial[f"{name}_en"] = editor.text_parts(field.get(name))
    for name in ("pattern_message", "item_label"):
        initial[name] = editor.text_parts(field.get(name))[0]
    for name in ("min_length", "max_length", "pattern", "min", "max", "decimal_places", "min_days", "max_days"):
        initial[name] = field.get(name)
    for name in ("min_choices", "max_choices", "max_size_mb", "max_files", "min_items", "max_items"):
        initial[name] = field.get(name)
    initial["prefill"] = field.get("prefill", "")
    initial["widget"] = field.get("widget", "radio")
    initial["accept"] = field.get("accept", [value for value, _label in ACCEPT_CHOICES])
    initial["options"] = editor_lines.options_to_text(field.get("options", []))
    initial["members"] = editor_lines.group_members_to_text(field.get("fields", []))
    return initial


class FieldEditForm(ConditionForm):
    """Everything about one field: what it asks, how it is checked, and when it is shown."""

    def __init__(
        self,
        *args: Any,
        field: dict[str, Any],
        kind: str,
        candidates: list[dict[str, Any]],
        key_locked: bool,
        extra_initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs["initial"] = {**field_initial(field, kind), **(extra_initial or {})}
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.stored = field
        self.key_locked = key_locked
        self.fields["type"] = forms.ChoiceField(
            label=_("Art des Feldes"),
            choices=list(TYPE_LABELS.items()),
            help_text=_(
                "Nach einem Wechsel zeigt „Art übernehmen“ die passenden Einstellungen, noch ohne zu speichern."
            ),
        )
        self.fields["key"] = forms.CharField(
            label=_("Schlüssel"),
            max_length=63,
            validators=[key_validator],
            disabled=key_locked,
            help_text=_("Der Antrag ist mit diesem Schlüssel veröffentlicht; er bleibt deshalb unverändert.")
            if key_locked
            else _("Name der Antwort in den gespeicherten und übergebenen Daten."),
        )
        self.fields["label"] = forms.CharField(
            label=_("Überschrift") if kind == "info" else _("Frage oder Beschriftung"), max_length=5000
        )
        self.fields["label_en"] = english_field(
            _("Überschrift auf Englisch") if kind == "info" else _("Frage oder Beschriftung auf Englisch")
        )
        if kind == "info":
            self.fields["text"] = forms.CharField(
                label=_("Hinweistext"), required=False, widget=textarea(4), max_length=5000
            )
            self.fields["text_en"] = forms.CharField(
                label=_("Hinweistext auf Englisch"), required=False, widget=textarea(4), max_length=5000
            )
        else:
            self.fields["help"] = forms.CharField(
                label=_("Hilfetext"), required=False, widget=textarea(2), max_length=5000
            )
            self.fields["help_en"] = forms.CharField(
                label=_("Hilfetext auf Englisch"), required=False, widget=textarea(2), max_length=5000
            )
        if kind not in ("info", "group"):
            self.fields["required"] = forms.BooleanField(label=_("Pflichtfeld"), required=False)
        if kind in PREFILL_TYPES:
            self.fields["prefill"] = forms.ChoiceField(
                label=_("Aus dem Konto vorbelegen"),
                choices=PREFILL_CHOICES,
                required=False,
                help_text=_("Angemeldete Personen sehen den Wert aus ihrem Konto und können ihn ändern."),
            )
        self.setting_names = list(_type_settings(kind))
        self.fields.update(_type_settings(kind))
        self.add_condition_builder(candidates, field.get("condition"))

    def basic_fields(self) -> list[forms.BoundField]:
        names = ["type", "key", "label", "label_en", "text", "text_en", "help", "help_en", "required", "prefill"]
        return [self[name] for name in names if name in self.fields]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.setting_names]

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data.get("pattern", "")
        try:
            re.compile(pattern)
        except re.error as error:
            raise forms.ValidationError(
                _("Das Muster ist kein gültiger regulärer Ausdruck: %(error)s") % {"error": error}
            ) from error
        return pattern

    def clean_options(self) -> list[dict[str, Any]]:
        try:
            return editor_lines.options_from_text(self.cleaned_data.get("options", ""))
        except editor.EditRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal

    def clean_members(self) -> list[dict[str, Any]]:
        try:
            return editor_lines.group_members_from_text(
                self.cleaned_data.get("members", ""), self.stored.get("fields", [])
            )
        except editor.EditRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for lower, upper in BOUNDS:
            if cleaned.get(lower) is not None and cleaned.get(upper) is not None and cleaned[lower] > cleaned[upper]:
                self.add_error(
                    upper,
                    _("Dieser Wert darf nicht kleiner sein als „%(label)s“.") % {"label": self.fields[lower].label},
                )
        self.clean_condition(cleaned)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The field's properties as the form sets them; None removes one."""
        values = self.cleaned_data
        changes: dict[str, Any] = {"type": self.kind, "label": editor.text_value(values["label"], values["label_en"])}
        if not self.key_locked:
            changes["key"] = values["key"]
        if self.kind == "info":
            changes["text"] = editor.text_value(values["text"], values["text_en"])
        else:
            changes["help"] = editor.text_value(values["help"], values["help_en"])
        changes["required"] = values.get("required", False)
        if "prefill" in self.fields:
            changes["prefill"] = values["prefill"] or None
        for name in self.setting_names:
            value = values.get(name)
            if name == "members":
                changes["fields"] = value
            elif name in ("pattern_message", "item_label"):
                changes[name] = _keep_english(self.stored.get(name), value or "")
            elif isinstance(value, Decimal):
                changes[name] = _number(value)
            else:
                changes[name] = value
        if "condition" in values:
            changes["condition"] = values["condition"]
        return changes


def posted_basics(data: Any) -> dict[str, Any]:
    """What was typed into the basic inputs, to keep it when the page is shown again for another type."""
    basics = {name: data.get(name) for name in COMMON_TEXT_NAMES if data.get(name) is not None}
    basics["required"] = bool(data.get("required"))
    return basics
