"""Django forms of the form editor: they read what administrators type and turn it into definition parts.

The forms only parse and check input; changing the definition is left to the pure functions in
``editor`` and storing it to ``services.form_draft_save``.
"""

import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import OrganisationalUnit

from . import editor, editor_conditions
from .handoff import registry
from .models import ApplicationForm

MAX_IMPORT_BYTES = 1024 * 1024
TYPE_LABELS = {
    "text": gettext_lazy("Text, einzeilig"),
    "textarea": gettext_lazy("Text, mehrzeilig"),
    "number": gettext_lazy("Zahl"),
    "money": gettext_lazy("Geldbetrag"),
    "date": gettext_lazy("Datum"),
    "email": gettext_lazy("E-Mail-Adresse"),
    "phone": gettext_lazy("Telefonnummer"),
    "iban": gettext_lazy("IBAN"),
    "address": gettext_lazy("Anschrift"),
    "choice": gettext_lazy("Auswahl, eine Antwort"),
    "multichoice": gettext_lazy("Auswahl, mehrere Antworten"),
    "yesno": gettext_lazy("Ja/Nein-Frage"),
    "file": gettext_lazy("Datei hochladen"),
    "group": gettext_lazy("Wiederholbare Gruppe"),
    "info": gettext_lazy("Hinweistext ohne Eingabe"),
}


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def english_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=5000)


class ProblemForm(forms.Form):
    """A form without fields that carries messages, so pages without input still show the error summary."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(data={})
        self.full_clean()
        for problem in problems:
            self.add_error(None, problem)


class FormCreateForm(forms.Form):
    service = forms.ModelChoiceField(
        label=gettext_lazy("Leistung"),
        queryset=Service.objects.none(),
        empty_label=gettext_lazy("Bitte auswählen"),
        help_text=gettext_lazy("Leistungen Ihrer Kommune, die noch keinen Online-Antrag haben."),
    )
    title = forms.CharField(
        label=gettext_lazy("Titel des Antrags"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Zum Beispiel „Bewohnerparkausweis beantragen“. Leer: der Name der Leistung."),
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    """Texts of the definition (versioned with the draft) and settings of the form (in force at once)."""

    DEFINITION_FIELDS = (
        "title",
        "title_en",
        "intro",
        "intro_en",
        "declaration",
        "declaration_en",
        "next_steps",
        "next_steps_en",
        "processing_days",
    )

    title = forms.CharField(label=gettext_lazy("Titel des Antrags"), max_length=300)
    title_en = english_field(gettext_lazy("Titel auf Englisch"))
    intro = forms.CharField(
        label=gettext_lazy("Einleitung"),
        required=False,
        widget=textarea(),
        help_text=gettext_lazy("Erscheint auf der Startseite des Antrags."),
    )
    intro_en = forms.CharField(label=gettext_lazy("Einleitung auf Englisch"), required=False, widget=textarea())
    declaration = forms.CharField(
        label=gettext_lazy("Erklärung vor dem Absenden"),
        required=False,
        widget=textarea(2),
        help_text=gettext_lazy("Leer: „Ich versichere, dass meine Angaben richtig und vollständig sind.“"),
    )
    declaration_en = forms.CharField(label=gettext_lazy("Erklärung auf Englisch"), required=False, widget=textarea(2))
    next_steps = forms.CharField(
        label=gettext_lazy("Wie es weitergeht"),
        required=False,
        widget=textarea(),
        help_text=gettext_lazy("Erscheint auf der Bestätigungsseite nach dem Absenden."),
    )
    next_steps_en = forms.CharField(
        label=gettext_lazy("Wie es weitergeht, auf Englisch"), required=False, widget=textarea()
    )
    processing_days = forms.IntegerField(
        label=gettext_lazy("Bearbeitungszeit in Arbeitstagen"), required=False, min_value=0, max_value=365
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Zugang"), choices=ApplicationForm.Access.choices, widget=forms.RadioSelect
    )
    minimum_trust_level = forms.ChoiceField(
        label=gettext_lazy("Mindest-Vertrauensniveau"),
        choices=ApplicationForm.TrustLevel.choices,
        help_text=gettext_lazy("Gilt nur beim Zugang „Anmeldung mit Mindest-Vertrauensniveau“."),
    )
    resume_days = forms.IntegerField(
        label=gettext_lazy("Aufbewahrung nicht abgeschickter Anträge (Tage)"), min_value=1, max_value=365
    )
    responsible_unit = forms.ModelChoiceField(
        label=gettext_lazy("Bearbeitende Stelle"),
        queryset=OrganisationalUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("(keine)"),
    )
    handoff_backends = forms.MultipleChoiceField(
        label=gettext_lazy("Übergabe an die Verwaltung"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Ohne Auswahl gehen Anträge per E-Mail an die bearbeitende Stelle."),
    )
    handoff_email = forms.EmailField(
        max_length=254,
        label=gettext_lazy("E-Mail-Adresse für die Übergabe"),
        required=False,
        help_text=gettext_lazy("Leer: die E-Mail-Adresse der bearbeitenden Stelle."),
    )
    webhook_url = forms.URLField(label=gettext_lazy("Webhook-Adresse"), required=False, assume_scheme="https")
    webhook_secret = forms.CharField(
        label=gettext_lazy("Webhook-Schlüssel"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Leer lassen, um den gespeicherten Schlüssel zu behalten."),
    )

    def __init__(
        self,
        *args: Any,
        application_form: ApplicationForm,
        units: QuerySet[OrganisationalUnit],
        definition_editable: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application_form = application_form
        self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["handoff_backends"].choices = registry.choices()  # type: ignore[attr-defined]
        if not definition_editable:
            for name in self.DEFINITION_FIELDS:
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        # Ask each chosen backend about a copy with the new values, so nothing half-configured is saved.
        candidate = ApplicationForm(
            pk=self.application_form.pk,
            municipality_id=self.application_form.municipality_id,
            service_id=self.application_form.service_id,
            responsible_unit=cleaned.get("responsible_unit"),
            handoff_email=cleaned.get("handoff_email", ""),
            webhook_url=cleaned.get("webhook_url", ""),
            webhook_secret=cleaned.get("webhook_secret") or self.application_form.webhook_secret,
        )
        # Only backends ticked here: the e-mail fallback is reported on the overview instead of blocking every save.
        for key in cleaned.get("handoff_backends", []):
            for problem in registry.get(key).check_configuration(candidate):
                self.add_error(None, problem)
        return cleaned

    def definition_changes(self) -> dict[str, Any]:
        values = self.cleaned_data
        changes: dict[str, Any] = {
            name: editor.text_value(values[name], values[f"{name}_en"])
            for name in ("title", "intro", "declaration", "next_steps")
        }
        changes["processing_days"] = values["processing_days"]
        return changes

    def form_changes(self) -> dict[str, Any]:
        values = self.cleaned_data
        changes = {
            name: values[name]
            for name in ("access", "minimum_trust_level", "resume_days", "responsible_unit", "handoff_email")
        }
        changes["handoff_backends"] = list(values["handoff_backends"])
        changes["webhook_url"] = values["webhook_url"]
        if values["webhook_secret"]:
            changes["webhook_secret"] = values["webhook_secret"]
        return changes


def settings_initial(application_form: ApplicationForm, definition: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"processing_days": definition.get("processing_days")}
    for name in ("title", "intro", "declaration", "next_steps"):
        initial[name], initial[f"{name}_en"] = editor.text_parts(definition.get(name))
    for name in ("access", "minimum_trust_level", "resume_days", "handoff_backends", "handoff_email", "webhook_url"):
        initial[name] = getattr(application_form, name)
    initial["responsible_unit"] = application_form.responsible_unit_id
    return initial


# Conditions -----------------------------------------------------------------------------------


class ConditionForm(forms.Form):
    """A form with the simple condition builder: field, operator, value.

    A condition the builder cannot show (all/any/not, lists, other answers) is kept as it is:
    ``complex_condition`` holds it for display, and ``cleaned_data`` gets no "condition".
    """

    condition_required = False
    empty_choice_label = gettext_lazy("(keine Bedingung)")

    def add_condition_builder(self, candidates: list[dict[str, Any]], current: dict[str, Any] | None) -> None:
        self.complex_condition: dict[str, Any] | None = None
        parts = editor_conditions.simple_condition_parts(current)
        if current and parts is None:
            self.complex_condition = current
            return
        self.condition_candidates = {field["key"]: field for field in candidates}
        empty = _("Bitte auswählen") if self.condition_required else self.empty_choice_label
        choices: list[tuple[str, Any]] = [("", empty)]
        choices += [(field["key"], f"{editor.text_parts(field['label'])[0]} ({field['key']})") for field in candidates]
        self.fields["condition_field"] = forms.ChoiceField(
            label=_("Feld"),
            choices=choices,
            required=self.condition_required,
            error_messages={"required": _("Wählen Sie das Feld, nach dessen Antwort verzweigt wird.")},
        )
        self.fields["condition_operator"] = forms.ChoiceField(
            label=_("Bedingung"),
            choices=[
                (operator, editor_conditions.OPERATOR_LABELS[operator])
                for operator in editor_conditions.SIMPLE_OPERATORS
            ],
            initial="eq",
        )
        self.fields["condition_value"] = forms.CharField(
            label=_("Wert"),
            required=False,
            max_length=500,
            help_text=_(
                "Bei Ja/Nein-Fragen „ja“ oder „nein“, bei Auswahlfeldern der Wert oder die Beschriftung einer "
                "Option, ein Datum als TT.MM.JJJJ. Leer bei „ist beantwortet“ und „ist nicht beantwortet“."
            ),
        )
        if parts is not None:
            field_key, operator, value = parts
            if field_key not in self.condition_candidates:
                # A hand-made condition may read a later field; show it rather than lose it on saving.
                self.condition_candidates[field_key] = {"key": field_key, "type": "text", "label": field_key}
                self.fields["condition_field"].choices = [*choices, (field_key, field_key)]  # type: ignore[attr-defined]
            self.initial.update(
                {
                    "condition_field": field_key,
                    "condition_operator": operator,
                    "condition_value": editor_conditions.condition_value_text(value),
                }
            )

    def complex_condition_json(self) -> str:
        return json.dumps(getattr(self, "complex_condition", None), ensure_ascii=False, indent=2)

    def condition_builder_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("condition_field", "condition_operator", "condition_value") if name in self.fields
        ]

    def clean_condition(self, cleaned: dict[str, Any]) -> None:
        if "condition_field" not in self.fields:
            return
        field_key = cleaned.get("condition_field")
        operator = cleaned.get("condition_operator")
        if not field_key:
            if cleaned.get("condition_value") and not self.condition_required:
                self.add_error("condition_field", _("Wählen Sie das Feld, mit dem der Wert verglichen wird."))
            cleaned["condition"] = None
            return
        if not operator:
            return
        if operator in editor_conditions.OPERATORS_WITHOUT_VALUE:
            cleaned["condition"] = editor_conditions.condition_from_parts(field_key, operator, None)
            return
        text = cleaned.get("condition_value", "")
        if not text:
            self.add_error("condition_value", _("Geben Sie den Wert ein, mit dem verglichen wird."))
            return
        try:
            value = editor_conditions.condition_value(self.condition_candidates[field_key], text)
        except editor.EditRefused as refusal:
            self.add_error("condition_value", str(refusal))
            return
        cleaned["condition"] = editor_conditions.condition_from_parts(field_key, operator, value)


# Pages ----------------------------------------------------------------------------------------


class PageAddForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Überschrift der neuen Seite"), max_length=300)


class PageEditForm(ConditionForm):
    title = forms.CharField(label=gettext_lazy("Überschrift"), max_length=5000)
    title_en = english_field(gettext_lazy("Überschrift auf Englisch"))
    intro = forms.CharField(
        label=gettext_lazy("Einleitender Text"),
        required=False,
        widget=textarea(),
        help_text=gettext_lazy("Bei einer Ausstiegsseite: der Grund, warum der Antrag online nicht möglich ist."),
    )
    intro_en = forms.CharField(label=gettext_lazy("Einleitender Text auf Englisch"), required=False, widget=textarea())
    kind = forms.ChoiceField(
        label=gettext_lazy("Art der Seite"),
        choices=[
            ("questions", gettext_lazy("Fragen")),
            ("exit", gettext_lazy("Ausstieg: Der Antrag endet hier, weil er online nicht möglich ist")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, page: dict[str, Any], candidates: list[dict[str, Any]], **kwargs: Any) -> None:
        title, title_en = editor.text_parts(page["title"])
        intro, intro_en = editor.text_parts(page.get("intro"))
        initial = {"title": title, "title_en": title_en, "intro": intro, "intro_en": intro_en}
        kwargs["initial"] = {**initial, "kind": page.get("kind", "questions")}
        super().__init__(*args, **kwargs)
        self.add_condition_builder(candidates, page.get("condition"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_condition(cleaned)
        return cleaned

    def changes(self) -> dict[str, Any]:
        values = self.cleaned_data
        changes = {
            "title": editor.text_value(values["title"], values["title_en"]),
            "intro": editor.text_value(values["intro"], values["intro_en"]),
            "kind": values["kind"],
        }
        if "condition" in values:
            changes["condition"] = values["condition"]
        return changes


class BranchForm(ConditionForm):
    condition_required = True
    goto = forms.ChoiceField(label=gettext_lazy("weiter mit der Seite"))

    def __init__(
        self, *args: Any, later_pages: list[dict[str, Any]], candidates: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        kwargs["prefix"] = "verzweigung"
        super().__init__(*args, **kwargs)
        self.fields["goto"].choices = [  # type: ignore[attr-defined]
            (page["key"], editor.text_parts(page["title"])[0]) for page in later_pages
        ]
        self.add_condition_builder(candidates, None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_condition(cleaned)
        return cleaned


# Import ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("JSON-Datei mit der Formulardefinition"),
        help_text=gettext_lazy("Höchstens 1 MB, zum Beispiel eine zuvor exportierte und bearbeitete Datei."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 1 MB."))
        try:
            self.definition = json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("Die Datei ist nicht in UTF-8 kodiert.")) from error
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Die Datei ist kein gültiges JSON (Zeile %(line)s, Spalte %(column)s): %(message)s")
                % {"line": error.lineno, "column": error.colno, "message": error.msg}
            ) from error
        return upload
