"""Forms of the citizen booking: what is needed, contact details, waitlist, fair release, moving."""

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AppointmentService


def quantity_field_name(service: AppointmentService) -> str:
    return f"anzahl_{service.pk}"


class ServicesForm(forms.Form):
    """One quantity per bookable service (0 = not needed); together they make one combined appointment."""

    def __init__(self, *args: Any, services: Sequence[AppointmentService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for service in self.services:
            choices = [(0, _("nicht nötig"))] + [(number, str(number)) for number in range(1, service.max_quantity + 1)]
            self.fields[quantity_field_name(service)] = forms.TypedChoiceField(
                label=service.service.name,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=0,
                help_text=_("Dauer etwa %(minutes)s Minuten je Anliegen.") % {"minutes": service.duration_minutes},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(cleaned.get(quantity_field_name(service)) for service in self.services):
            raise forms.ValidationError(_("Bitte wählen Sie mindestens ein Anliegen und die Anzahl."))
        return cleaned

    def chosen(self) -> list[tuple[AppointmentService, int]]:
        return [
            (service, self.cleaned_data[quantity_field_name(service)])
            for service in self.services
            if self.cleaned_data.get(quantity_field_name(service))
        ]


class ContactForm(forms.Form):
    """Who the appointment is for; the bot protection travels in hidden fields."""

    name = forms.CharField(
        label=_("Vor- und Nachname"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse senden wir den Link, mit dem Sie den Termin bestätigen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Telefonnummer"),
        max_length=50,
        required=False,
        help_text=_("Nur für Rückfragen, wenn ein Termin ausfallen muss."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_name(self) -> str:
        return " ".join(str(self.cleaned_data["name"]).split())


class WaitlistForm(forms.Form):
    """Who waits for which days; the bot protection travels in a hidden field and the ALTCHA widget."""

    name = forms.CharField(
        label=_("Vor- und Nachname"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        help_text=_("Wird ein passender Termin frei, bieten wir ihn Ihnen per E-Mail an."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Telefonnummer"), max_length=50, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    earliest_day = forms.DateField(
        label=_("Frühestens am"), help_text=_("Zum Beispiel 14.12.2026"), widget=forms.DateInput(attrs={"type": "date"})
    )
    latest_day = forms.DateField(
        label=_("Spätestens am"), help_text=_("Zum Beispiel 31.01.2027"), widget=forms.DateInput(attrs={"type": "date"})
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        earliest: datetime.date | None = cleaned.get("earliest_day")
        latest: datetime.date | None = cleaned.get("latest_day")
        if earliest and latest and latest < earliest:
            self.add_error("latest_day", _("Das Datum „spätestens“ muss nach dem Datum „frühestens“ liegen."))
        return cleaned


class LotteryForm(forms.Form):
    """A request in a fair release; the bot protection travels in a hidden field and the ALTCHA widget."""

    name = forms.CharField(
        label=_("Vor- und Nachname"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        help_text=_("Nach der Verlosung schreiben wir Ihnen, ob Sie einen Termin bekommen haben."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Telefonnummer"), max_length=50, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, max_quantity: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = forms.TypedChoiceField(
            label=pgettext_lazy("Menge", "Anzahl"),
            choices=[(number, str(number)) for number in range(1, max_quantity + 1)],
            coerce=int,
        )


class MoveForm(forms.Form):
    """The new start time, chosen from the free times of one day."""

    starts_at = forms.ChoiceField(label=_("Neue Uhrzeit"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, times: Sequence[datetime.datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.times = {moment.isoformat(): moment for moment in times}
        field = self.fields["starts_at"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, f"{moment:%H:%M}") for key, moment in self.times.items()]

    def chosen_time(self) -> datetime.datetime:
        return self.times[self.cleaned_data["starts_at"]]
