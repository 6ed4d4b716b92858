"""Forms of the counter side."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import AppointmentService, Counter, Location

# A statistics period longer than this is refused: the page computes in Python.
MAX_PERIOD_DAYS = 366


class CounterField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Counter) -> str:  # type: ignore[override]
        return f"{obj.location.name}: {obj.name}"


class ServicesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: AppointmentService) -> str:  # type: ignore[override]
        return obj.service.name


class CounterChoiceForm(forms.Form):
    counter = CounterField(
        label=_("An welchem Schalter arbeiten Sie?"),
        queryset=Counter.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie Ihren Schalter aus."),
            "invalid_choice": _("Diesen Schalter gibt es an Ihren Standorten nicht."),
        },
    )

    def __init__(self, *args: Any, counters: QuerySet[Counter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["counter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = counters


class WalkInForm(forms.Form):
    services = ServicesField(
        label=_("Anliegen"),
        queryset=AppointmentService.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wählen Sie alles, was die Person heute erledigen möchte."),
        error_messages={
            "required": _("Bitte wählen Sie mindestens ein Anliegen aus."),
            "invalid_choice": _("Dieses Anliegen wird an diesem Standort nicht angeboten."),
        },
    )

    def __init__(self, *args: Any, services: QuerySet[AppointmentService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["services"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = services


class StatisticsForm(forms.Form):
    first_day = forms.DateField(
        label=_("Von"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Bitte geben Sie den ersten Tag an."), "invalid": _("Bitte ein Datum angeben.")},
    )
    last_day = forms.DateField(
        label=_("Bis einschließlich"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Bitte geben Sie den letzten Tag an."), "invalid": _("Bitte ein Datum angeben.")},
    )
    location = forms.ModelChoiceField(
        label=_("Standort"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("alle Standorte"),
        error_messages={"invalid_choice": _("Diesen Standort gibt es in Ihren Organisationseinheiten nicht.")},
    )

    def __init__(self, *args: Any, locations: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = locations

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first_day: date | None = cleaned.get("first_day")
        last_day: date | None = cleaned.get("last_day")
        if first_day and last_day:
            if first_day > last_day:
                self.add_error("last_day", _("Der letzte Tag liegt vor dem ersten."))
            elif last_day - first_day > timedelta(days=MAX_PERIOD_DAYS):
                self.add_error("last_day", _("Bitte wählen Sie höchstens ein Jahr."))
        return cleaned
