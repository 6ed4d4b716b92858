"""The administrator's form for a case type: office, deadlines, four eyes, retention, letter, workflow."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Municipality, OrganisationalUnit

from . import workflow as flow
from .letters import LETTER_VARIABLES, letter_template_errors
from .models import Case, CaseType


def default_workflow_json() -> str:
    return json.dumps(flow.DEFAULT_WORKFLOW, ensure_ascii=False, indent=2)


class CaseTypeForm(forms.Form):
    responsible_unit = forms.ModelChoiceField(
        label=_("Bearbeitende Stelle"),
        queryset=OrganisationalUnit.objects.none(),
        help_text=_("Neue Vorgänge dieser Leistung kommen in den Posteingang dieser Stelle."),
    )
    processing_days = forms.IntegerField(
        label=_("Bearbeitungsfrist (Arbeitstage)"),
        min_value=1,
        max_value=1000,
        help_text=_("Gezählt ab dem Eingang, ohne Wochenenden und Feiertage in Baden-Württemberg."),
    )
    reminder_days = forms.IntegerField(
        label=_("Erinnerung vor Fristende (Arbeitstage)"),
        min_value=0,
        max_value=1000,
        help_text=_("So viele Arbeitstage vor Fristende erhält die zuständige Person eine E-Mail. 0 schaltet sie ab."),
    )
    four_eyes = forms.BooleanField(
        label=_("Vier-Augen-Prinzip: Bescheide gibt eine zweite Person frei"),
        required=False,
        help_text=_("Eine Kollegin oder ein Kollege der Stelle oder die Amtsleitung prüft und versendet den Bescheid."),
    )
    retention_days = forms.IntegerField(
        label=_("Aufbewahrung nach Abschluss (Tage)"),
        min_value=1,
        max_value=36500,
        help_text=_(
            "Danach werden die personenbezogenen Daten des Vorgangs gelöscht, zum Beispiel 730 für zwei Jahre."
        ),
    )
    letter_template = forms.CharField(
        label=_("Vorlage für den Bescheid"),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    workflow = forms.CharField(
        label=_("Ablauf (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Leer lassen für den Standardablauf. Der Standardablauf steht unten als Vorlage."),
    )

    def __init__(self, *args: Any, municipality: Municipality, case_type: CaseType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_type = case_type
        self.fields["letter_template"].help_text = gettext(
            "Platzhalter: %(variables)s. Bedingungen wie {%% if gebuehr %%} … {%% endif %%} sind möglich."
        ) % {"variables": ", ".join("{{ " + name + " }}" for name in LETTER_VARIABLES)}
        self.fields["responsible_unit"].queryset = OrganisationalUnit.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        ).order_by("name")

    @classmethod
    def initial_for(cls, case_type: CaseType) -> dict[str, Any]:
        return {
            "responsible_unit": case_type.responsible_unit_id,
            "processing_days": case_type.processing_days,
            "reminder_days": case_type.reminder_days,
            "four_eyes": case_type.four_eyes,
            "retention_days": case_type.retention_days,
            "letter_template": case_type.letter_template,
            "workflow": json.dumps(case_type.workflow, ensure_ascii=False, indent=2) if case_type.workflow else "",
        }

    def clean_letter_template(self) -> str:
        source: str = self.cleaned_data["letter_template"]
        errors = letter_template_errors(source)
        if errors:
            raise forms.ValidationError(errors)
        return source

    def clean_workflow(self) -> dict[str, Any]:
        text = self.cleaned_data["workflow"].strip()
        definition: dict[str, Any] = {}
        if text:
            try:
                definition = json.loads(text)
            except json.JSONDecodeError as error:
                raise forms.ValidationError(
                    _("Der Ablauf ist kein gültiges JSON (Zeile %(line)s, Spalte %(column)s: %(message)s).")
                    % {"line": error.lineno, "column": error.colno, "message": error.msg}
                ) from None
            errors = flow.workflow_errors(definition)
            if errors:
                raise forms.ValidationError(errors)
        if self.case_type.pk is not None:
            keys = {state["key"] for state in (definition or flow.DEFAULT_WORKFLOW)["states"]}
            missing = sorted(
                set(Case.objects.filter(case_type=self.case_type).values_list("state", flat=True).distinct()) - keys
            )
            if missing:
                raise forms.ValidationError(
                    _(
                        "Vorgänge dieser Leistung stehen noch in diesen Zuständen, die der Ablauf behalten muss: %(keys)s."
                    )
                    % {"keys": ", ".join(missing)}
                )
        return definition
