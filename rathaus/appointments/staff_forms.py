"""Forms of the staff pages of appointments: configuration by administrators and booking by phone."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .config_services import Period, on_grain, opening_periods_problems
from .models import AppointmentService, BookingPolicy, Closure, Counter, Location, LotteryWindow, OpeningPeriod


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LocationForm(forms.ModelForm[Location]):
    class Meta:
        model = Location
        fields = [
            "name",
            "slug",
            "unit",
            "street",
            "postal_code",
            "city",
            "accessibility",
            "directions",
            "slot_minutes",
            "booking_min_days",
            "booking_max_days",
            "walk_in_share",
            "closed_on_public_holidays",
            "is_active",
            "position",
        ]
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3}), "directions": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, municipality: Municipality, units: QuerySet[OrganisationalUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        # An office lead may hand a location only to one of their own units.
        choices = units if units is not None else OrganisationalUnit.objects.all()
        unit_field.queryset = choices.filter(municipality=municipality).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        earliest, latest = cleaned.get("booking_min_days"), cleaned.get("booking_max_days")
        if earliest is not None and latest is not None and earliest > latest:
            self.add_error(
                "booking_max_days", _("Der späteste Termin muss nach dem frühesten liegen (oder am selben Tag).")
            )
        return cleaned

    def validate_unique(self) -> None:
        # The slug's uniqueness per municipality is checked by the service with a German message.
        pass


class OpeningPeriodForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Wochentag"), choices=[("", "–"), *OpeningPeriod.Weekday.choices], coerce=int, required=False
    )
    opens = forms.TimeField(label=_("von"), required=False, widget=TimeInput())
    closes = forms.TimeField(label=_("bis"), required=False, widget=TimeInput())
    remove = forms.BooleanField(label=_("entfernen"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove"):
            return cleaned
        given = [cleaned.get(name) not in (None, "") for name in ("weekday", "opens", "closes")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Bitte geben Sie Wochentag, Beginn und Ende an oder lassen Sie alle leer."))
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        for name, moment in (("opens", opens), ("closes", closes)):
            if moment is not None and not on_grain(moment):
                self.add_error(
                    name, _("Bitte geben Sie die Zeit in 5-Minuten-Schritten an, zum Beispiel 8:00 oder 8:05.")
                )
        if opens is not None and closes is not None and opens >= closes:
            self.add_error("closes", _("Das Ende muss nach dem Beginn liegen."))
        return cleaned

    def period(self) -> Period | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("remove") or data.get("weekday") in (None, "") or not data.get("opens") or not data.get("closes"):
            return None
        return Period(weekday=int(data["weekday"]), opens=data["opens"], closes=data["closes"])


class BaseOpeningPeriodFormSet(forms.BaseFormSet[OpeningPeriodForm]):
    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return
        problems = opening_periods_problems(self.periods())
        if problems:
            raise forms.ValidationError(problems)

    def periods(self) -> list[Period]:
        return [period for form in self.forms if (period := form.period()) is not None]


OpeningPeriodFormSet = forms.formset_factory(
    OpeningPeriodForm, formset=BaseOpeningPeriodFormSet, extra=3, max_num=60, validate_max=True
)


def opening_period_initial(location: Location) -> list[dict[str, Any]]:
    return [
        {"weekday": period.weekday, "opens": period.opens, "closes": period.closes}
        for period in location.opening_periods.all()
    ]


class ClosureForm(forms.ModelForm[Closure]):
    class Meta:
        model = Closure
        fields = ["first_day", "last_day", "reason"]
        widgets = {"first_day": DateInput(), "last_day": DateInput()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and first > last:
            self.add_error("last_day", _("Der letzte Schließtag darf nicht vor dem ersten liegen."))
        return cleaned


class CounterForm(forms.ModelForm[Counter]):
    class Meta:
        model = Counter
        fields = ["name", "services", "is_active", "position"]
        widgets = {"services": forms.CheckboxSelectMultiple()}

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services_field = self.fields["services"]
        assert isinstance(services_field, forms.ModelMultipleChoiceField)
        services_field.queryset = AppointmentService.objects.filter(municipality=municipality).select_related("service")


class AppointmentServiceForm(forms.ModelForm[AppointmentService]):
    class Meta:
        model = AppointmentService
        fields = ["duration_minutes", "max_quantity", "in_person_required", "fair_release", "is_bookable", "position"]


class AppointmentServiceCreateForm(AppointmentServiceForm):
    catalogue_service = forms.ModelChoiceField(
        label=_("Leistung aus dem Katalog"),
        queryset=Service.objects.none(),
        help_text=_("Angeboten werden veröffentlichte Leistungen, für die ein Termin nötig ist."),
    )

    class Meta(AppointmentServiceForm.Meta):
        fields = ["catalogue_service", *AppointmentServiceForm.Meta.fields]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        catalogue_field = self.fields["catalogue_service"]
        assert isinstance(catalogue_field, forms.ModelChoiceField)
        catalogue_field.queryset = (
            Service.objects.filter(municipality=municipality, appointment_available=True)
            .exclude(appointment_service__isnull=False)
            .order_by("name")
        )


class BookingPolicyForm(forms.ModelForm[BookingPolicy]):
    class Meta:
        model = BookingPolicy
        fields = ["hold_minutes", "reminder_hours", "max_open_per_email", "waitlist_offer_hours"]


class LotteryWindowForm(forms.ModelForm[LotteryWindow]):
    class Meta:
        model = LotteryWindow
        fields = ["location", "service", "collect_from", "collect_until", "first_day", "last_day"]
        widgets = {
            "collect_from": DateTimeInput(),
            "collect_until": DateTimeInput(),
            "first_day": DateInput(),
            "last_day": DateInput(),
        }

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location_field, service_field = self.fields["location"], self.fields["service"]
        assert isinstance(location_field, forms.ModelChoiceField)
        assert isinstance(service_field, forms.ModelChoiceField)
        location_field.queryset = Location.objects.filter(municipality=municipality)
        service_field.queryset = AppointmentService.objects.filter(
            municipality=municipality, fair_release=True
        ).select_related("service")
        service_field.help_text = _("Nur Leistungen mit eingeschalteter Vergabe im Losverfahren.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("collect_from"), cleaned.get("collect_until")
        if start and end and start >= end:
            self.add_error("collect_until", _("Das Ende der Sammelzeit muss nach ihrem Beginn liegen."))
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and first > last:
            self.add_error("last_day", _("Der letzte Tag darf nicht vor dem ersten liegen."))
        return cleaned


# Phone booking ----------------------------------------------------------------------------------------------


class PhoneSearchForm(forms.Form):
    """What the caller needs and where: sent with GET so that each step is a plain link."""

    standort = forms.ModelChoiceField(label=_("Standort"), queryset=Location.objects.none(), empty_label=None)
    leistung = forms.ModelChoiceField(label=_("Anliegen"), queryset=AppointmentService.objects.none())
    anzahl = forms.IntegerField(label=pgettext_lazy("Menge", "Anzahl"), min_value=1, max_value=10, initial=1)
    leistung2 = forms.ModelChoiceField(
        label=_("Weiteres Anliegen"), queryset=AppointmentService.objects.none(), required=False
    )
    anzahl2 = forms.IntegerField(label=_("Anzahl weiteres Anliegen"), min_value=1, max_value=10, required=False)
    tag = forms.DateField(label=_("Tag"), required=False, widget=DateInput())

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location_field = self.fields["standort"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = Location.objects.filter(municipality=municipality, is_active=True)
        services = AppointmentService.objects.filter(municipality=municipality).select_related("service")
        for name in ("leistung", "leistung2"):
            service_field = self.fields[name]
            assert isinstance(service_field, forms.ModelChoiceField)
            service_field.queryset = services

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for service_key, quantity_key in (("leistung", "anzahl"), ("leistung2", "anzahl2")):
            service, quantity = cleaned.get(service_key), cleaned.get(quantity_key) or 1
            if service is not None and quantity > service.max_quantity:
                self.add_error(
                    quantity_key,
                    _("Für „%(service)s“ sind höchstens %(count)s in einem Termin möglich.")
                    % {"service": service.service.name, "count": service.max_quantity},
                )
        if cleaned.get("leistung2") is not None and cleaned.get("leistung2") == cleaned.get("leistung"):
            self.add_error("leistung2", _("Bitte wählen Sie ein anderes Anliegen oder erhöhen Sie die Anzahl."))
        day = cleaned.get("tag")
        if day is not None and day < timezone.localdate():
            self.add_error("tag", _("Der Tag liegt in der Vergangenheit."))
        return cleaned


class PhoneBookingForm(forms.Form):
    """The caller's details and the chosen time, after the search."""

    beginn = forms.DateTimeField(label=_("Uhrzeit"), widget=forms.HiddenInput())
    name = forms.CharField(label=_("Name der anrufenden Person"), max_length=200)
    telefon = forms.CharField(label=_("Telefonnummer"), max_length=50, required=False)
    email = forms.EmailField(
        max_length=254,
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_("Wenn angegeben, bekommt die Person die Bestätigung mit Kalendereintrag per E-Mail."),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie den Namen an."))
        return name


class DayListForm(forms.Form):
    standort = forms.ModelChoiceField(label=_("Standort"), queryset=Location.objects.none(), empty_label=None)
    tag = forms.DateField(label=_("Tag"), widget=DateInput())

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location_field = self.fields["standort"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = Location.objects.filter(municipality=municipality)


def local_moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def next_days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(count)]
