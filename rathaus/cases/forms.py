"""Forms of the staff side of cases: the inbox filters, opening a case by hand, notes, assigning, workflow steps."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import User
from rathaus.catalogue.models import Service

from . import inbox
from .models import Case

MANUAL_CHANNELS = [
    (Case.Channel.PHONE, Case.Channel.PHONE.label),
    (Case.Channel.LETTER, Case.Channel.LETTER.label),
    (Case.Channel.EMAIL, Case.Channel.EMAIL.label),
    (Case.Channel.COUNTER, Case.Channel.COUNTER.label),
]

SORT_CHOICES = [
    (inbox.SORT_NEWEST, _("Eingang: neueste zuerst")),
    (inbox.SORT_OLDEST, _("Eingang: älteste zuerst")),
    (inbox.SORT_DUE, _("Frist: früheste zuerst")),
    (inbox.SORT_REFERENCE, _("Aktenzeichen")),
]


def person_label(user: User) -> str:
    name = user.get_full_name()
    return name if name == user.email else f"{name} ({user.email})"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# A day a case can have come in on; the ends of the calendar would overflow the day's bounds in the query.
RECEIVED_DAY_VALIDATORS = [
    MinValueValidator(date(1900, 1, 1), message=_("Bitte geben Sie ein Datum ab dem Jahr 1900 an.")),
    MaxValueValidator(date(2999, 12, 31), message=_("Bitte geben Sie ein Datum vor dem Jahr 3000 an.")),
]


class InboxFilterForm(forms.Form):
    """The inbox's filters, sent with GET so that a filtered list can be bookmarked and works without JavaScript."""

    q = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=200,
        help_text=_("Aktenzeichen, Name oder E-Mail-Adresse der antragstellenden Person"),
    )
    status = forms.ChoiceField(label=_("Stand"), required=False)
    leistung = forms.TypedChoiceField(label=_("Leistung"), required=False, coerce=int, empty_value=None)
    zustaendig = forms.ChoiceField(label=_("Zuständig"), required=False)
    ueberfaellig = forms.BooleanField(label=_("Nur Vorgänge mit überschrittener Frist"), required=False)
    von = forms.DateField(
        label=_("Eingegangen ab"), required=False, widget=DateInput(), validators=RECEIVED_DAY_VALIDATORS
    )
    bis = forms.DateField(
        label=_("Eingegangen bis"), required=False, widget=DateInput(), validators=RECEIVED_DAY_VALIDATORS
    )
    sortierung = forms.ChoiceField(label=_("Sortierung"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        *args: Any,
        states: Iterable[tuple[str, str]],
        services: Iterable[Service],
        colleagues: Iterable[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("alle")), *states]  # type: ignore[attr-defined]
        self.fields["leistung"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            *[(service.pk, service.name) for service in services],
        ]
        self.fields["zustaendig"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            (inbox.ASSIGNEE_ME, _("ich")),
            (inbox.ASSIGNEE_NOBODY, _("niemand")),
            *[(str(colleague.pk), person_label(colleague)) for colleague in colleagues],
        ]

    def filters(self) -> inbox.InboxFilters:
        """The valid part of what was asked; a wrong value in one field does not empty the whole inbox."""
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        return inbox.InboxFilters(
            search=values.get("q") or "",
            state=values.get("status") or "",
            service_id=values.get("leistung"),
            assignee=values.get("zustaendig") or "",
            overdue=bool(values.get("ueberfaellig")),
            received_from=values.get("von"),
            received_to=values.get("bis"),
            sort=values.get("sortierung") or inbox.SORT_NEWEST,
        )


class CaseOpenForm(forms.Form):
    """A request that came by phone, letter, e-mail or in person, recorded by a clerk."""

    service = forms.ModelChoiceField(
        label=_("Leistung"), queryset=Service.objects.none(), empty_label=_("Bitte wählen")
    )
    channel = forms.ChoiceField(label=_("Eingangskanal"), choices=MANUAL_CHANNELS)
    applicant_name = forms.CharField(label=_("Name der antragstellenden Person"), max_length=200)
    applicant_email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_("Mit einem Konto zu dieser bestätigten Adresse sieht die Person den Vorgang im Portal."),
    )
    applicant_phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    applicant_address = forms.CharField(label=_("Anschrift"), max_length=300, required=False)
    description = forms.CharField(label=_("Anliegen"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label=_("Eingegangen am"), widget=DateInput())

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.queryset = Service.objects.filter(pk__in=[service.pk for service in services]).order_by("name")  # type: ignore[attr-defined]
        if not services:
            field.help_text = _("In Ihren Organisationseinheiten wird keine Leistung bearbeitet.")

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("Das Eingangsdatum darf nicht in der Zukunft liegen."))
        return received_on


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Interne Notiz"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=100)
    reason = forms.CharField(label=_("Begründung"), max_length=1000, required=False)
