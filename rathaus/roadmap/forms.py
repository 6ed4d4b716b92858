"""Forms of the figures and the roadmap; choices are limited to the request's municipality."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .figures import DEFAULT_MONTHS, PERIOD_CHOICES
from .models import Project, RoadmapSettings
from .services import dependency_cycle


class FiguresFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Zeitraum"),
        choices=[(str(months), _("letzte %(months)s Monate") % {"months": months}) for months in PERIOD_CHOICES],
        coerce=int,
        initial=str(DEFAULT_MONTHS),
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Leistung"), queryset=Service.objects.none(), required=False, empty_label=_("Alle Leistungen")
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(municipality=municipality).order_by("name")  # type: ignore[attr-defined]

    def months_value(self) -> int:
        return (self.cleaned_data.get("months") or DEFAULT_MONTHS) if self.is_valid() else DEFAULT_MONTHS

    def service_value(self) -> Service | None:
        return self.cleaned_data.get("service") if self.is_valid() else None


WEIGHT_FIELD_NAMES = ("weight_benefit", "weight_hours", "weight_legal", "weight_effort", "weight_risk")


class WeightsForm(forms.ModelForm[RoadmapSettings]):
    """The five weights; used for the what-if (GET, not saved) and for saving them (POST)."""

    class Meta:
        model = RoadmapSettings
        fields = WEIGHT_FIELD_NAMES
        widgets = {name: forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1}) for name in WEIGHT_FIELD_NAMES}
        help_texts = {name: _("0 bis 10") for name in WEIGHT_FIELD_NAMES}


class SettingsForm(forms.ModelForm[RoadmapSettings]):
    class Meta:
        model = RoadmapSettings
        fields = ("capacity_days", "start_year", "start_quarter", "public_roadmap")


class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields = (
            "title",
            "description",
            "status",
            "owning_unit",
            "services",
            "dependencies",
            "effort_days",
            "risk",
            "legal_obligation",
            "legal_deadline",
            "minutes_saved_per_case",
            "expected_volume",
        )
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "dependencies": forms.CheckboxSelectMultiple,
            "legal_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "legal_obligation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "effort_days": _("Personentage für Umsetzung und Einführung."),
            "minutes_saved_per_case": _("Wie viele Minuten Arbeitszeit je Fall wegfallen (Annahme)."),
            "expected_volume": _("Leer lassen: die Fallzahl der betroffenen Leistungen der letzten 12 Monate gilt."),
        }

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.filter(municipality=municipality).order_by("name")  # type: ignore[attr-defined]
        others = Project.objects.filter(municipality=municipality).order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["dependencies"].queryset = others  # type: ignore[attr-defined]
        self.fields["owning_unit"].queryset = OrganisationalUnit.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        ).order_by("name")

    def clean_dependencies(self) -> Any:
        dependencies = self.cleaned_data["dependencies"]
        if dependency_cycle(project=self.instance if self.instance.pk else None, dependencies=dependencies):
            raise ValidationError(
                _("Ein Projekt kann nicht von sich selbst abhängen, auch nicht über andere Projekte.")
            )
        return dependencies


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Bezeichnung"), max_length=200)
    date = forms.DateField(
        label=_("Datum"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    week = forms.IntegerField(label=_("oder: Woche nach Projektbeginn"), required=False, min_value=0, max_value=520)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("date") is None) == (cleaned.get("week") is None) and not self.errors:
            raise ValidationError(_("Geben Sie entweder ein Datum oder eine Woche nach Projektbeginn an."))
        return cleaned


class PhaseForm(forms.Form):
    title = forms.CharField(label=_("Bezeichnung der Phase"), max_length=200)
    effort_percent = forms.IntegerField(
        label=_("Anteil am Aufwand (Prozent)"),
        min_value=1,
        max_value=100,
        help_text=_("Alle Phasen zusammen höchstens 100 Prozent."),
    )


class ServiceVolumeForm(forms.Form):
    yearly_volume = forms.IntegerField(
        label=_("Angenommene Fallzahl je Jahr"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text=_("Leer lassen: die im Portal gezählten Fälle der letzten 12 Monate gelten."),
    )
    source = forms.CharField(label=_("Quelle der Annahme"), max_length=200, required=False)
