"""Staff pages of appointments under /verwaltung/termine/.

Configuration (locations, opening hours, closures, counters, bookable services, booking policy, lottery windows)
is for municipality administrators; office leads may look after the locations of their own units (details,
opening hours, closures, counters), but not create locations or change services and rules. Booking for a caller
on the phone, the day list and cancelling from it are for clerks of the unit that runs the location (administrators
everywhere): a clerk of the Tiefbauamt has no business with the Bürgeramt's callers and their names.
"""

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.municipalities.http import StaffRequest

from . import availability, config_services, services
from .availability import BookingItem
from .models import Appointment, AppointmentService, Closure, Counter, Location, LotteryWindow
from .staff_forms import (
    AppointmentServiceCreateForm,
    AppointmentServiceForm,
    BaseOpeningPeriodFormSet,
    BookingPolicyForm,
    ClosureForm,
    CounterForm,
    DayListForm,
    LocationForm,
    LotteryWindowForm,
    OpeningPeriodFormSet,
    PhoneBookingForm,
    PhoneSearchForm,
    opening_period_initial,
)

CLERK = StaffMembership.Role.CLERK
LEAD = StaffMembership.Role.OFFICE_LEAD
ADMIN = StaffMembership.Role.MUNICIPALITY_ADMIN
# How far ahead the phone booking shows days with free times at once.
PHONE_DAYS_SHOWN = 28


def _editable_locations(request: StaffRequest) -> Any:
    """The locations run by the person's own units; municipality administrators have all of them."""
    locations = Location.objects.filter(municipality=request.municipality)
    if request.staff_membership.is_municipality_admin:
        return locations
    return locations.filter(unit__in=request.staff_membership.units.all())


def _location_or_404(request: StaffRequest, location_id: int) -> Location:
    # An office lead sees only the locations of their own units; others do not exist for them.
    location = _editable_locations(request).filter(pk=location_id).first()
    if location is None:
        raise Http404
    return location


def _unit_choices(request: StaffRequest) -> Any:
    if request.staff_membership.is_municipality_admin:
        return None
    return request.staff_membership.units.all()


def held_back_sentence(location: Location) -> str:
    """What the walk-in share means for this location's counters today, in one German sentence."""
    active = location.counters.filter(is_active=True).count()
    held = config_services.held_back_counters(active_counters=active, walk_in_share=location.walk_in_share)
    if active == 0:
        return _("Dieser Standort hat noch keinen besetzten Schalter; ohne Schalter gibt es keine freien Termine.")
    return ngettext(
        "Von %(active)s besetzten Schalter bleiben %(held)s für Spontankunden und Telefon frei; "
        "online buchbar sind %(online)s.",
        "Von %(active)s besetzten Schaltern bleiben %(held)s für Spontankunden und Telefon frei; "
        "online buchbar sind %(online)s.",
        active,
    ) % {"active": active, "held": held, "online": active - held}


def _form_page(request: StaffRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "appointments/staff/form.html", context)


# Locations --------------------------------------------------------------------------------------------------


@staff_required(LEAD)
@require_http_methods(["GET"])
def location_list(request: StaffRequest) -> HttpResponse:
    locations = (
        _editable_locations(request)
        .select_related("unit")
        .annotate(
            active_counters=Count("counters", filter=Q(counters__is_active=True), distinct=True),
            periods=Count("opening_periods", distinct=True),
        )
    )
    rows = [{"location": location, "held_back": held_back_sentence(location)} for location in locations]
    return render(request, "appointments/staff/location_list.html", {"rows": rows})


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def location_create(request: StaffRequest) -> HttpResponse:
    form = LocationForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            location = config_services.location_create(
                municipality=request.municipality, actor=request.user, values=form.cleaned_data
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Der Standort ist angelegt. Legen Sie jetzt Öffnungszeiten und Schalter fest."))
            return redirect("appointments:staff_location_edit", location.pk)
    return _form_page(
        request,
        {
            "title": _("Standort anlegen"),
            "form": form,
            "submit": _("Standort anlegen"),
            "back_url": reverse("appointments:staff_location_list"),
            "back_label": _("Zurück zu den Standorten"),
        },
    )


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def location_edit(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    form = LocationForm(
        request.POST or None, instance=location, municipality=request.municipality, units=_unit_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            config_services.location_update(location=location, actor=request.user, values=form.cleaned_data)
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Die Angaben zum Standort sind gespeichert."))
            return redirect("appointments:staff_location_edit", location.pk)
    if request.method == "POST":
        location.refresh_from_db()  # the bound form copied the refused values onto it
    return render(
        request,
        "appointments/staff/location_edit.html",
        {"location": location, "form": form, "held_back": held_back_sentence(location)},
    )


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def opening_hours(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    if request.method == "POST":
        formset = OpeningPeriodFormSet(request.POST, prefix="zeiten")
        if formset.is_valid():
            try:
                config_services.opening_periods_set(
                    location=location, actor=request.user, periods=cast(BaseOpeningPeriodFormSet, formset).periods()
                )
            except config_services.ConfigurationRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Die Öffnungszeiten sind gespeichert."))
                return redirect("appointments:staff_opening_hours", location.pk)
    else:
        formset = OpeningPeriodFormSet(initial=opening_period_initial(location), prefix="zeiten")
    errors: list[dict[str, str]] = [{"text": str(error), "target": ""} for error in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        for field_name, field_errors in form.errors.items():
            target = f"{form.prefix}-{field_name}" if field_name != "__all__" else f"{form.prefix}-weekday"
            errors.extend(
                {"text": _("Zeile %(number)s: %(error)s") % {"number": number, "error": error}, "target": target}
                for error in field_errors
            )
    return render(
        request,
        "appointments/staff/opening_hours.html",
        {
            "location": location,
            "formset": formset,
            "errors": errors,
        },
    )


# Closures ---------------------------------------------------------------------------------------------------


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def closures(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.closure_add(
                location=location,
                actor=request.user,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Der Schließtag ist eingetragen."))
            return redirect("appointments:staff_closures", location.pk)
    return render(
        request,
        "appointments/staff/closures.html",
        {
            "location": location,
            "form": form,
            "closures": location.closures.filter(last_day__gte=timezone.localdate() - timedelta(days=30)),
        },
    )


@staff_required(LEAD)
@require_POST
def closure_delete(request: StaffRequest, location_id: int, closure_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    closure = Closure.objects.filter(location=location, pk=closure_id).first()
    if closure is None:
        raise Http404
    config_services.closure_delete(closure=closure, actor=request.user)
    messages.success(request, _("Der Schließtag ist gelöscht."))
    return redirect("appointments:staff_closures", location.pk)


# Counters ---------------------------------------------------------------------------------------------------


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def counters(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    form = CounterForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.counter_create(
                location=location,
                actor=request.user,
                name=form.cleaned_data["name"],
                services=form.cleaned_data["services"],
                is_active=form.cleaned_data["is_active"],
                position=form.cleaned_data["position"],
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Der Schalter ist angelegt."))
            return redirect("appointments:staff_counters", location.pk)
    return render(
        request,
        "appointments/staff/counters.html",
        {
            "location": location,
            "form": form,
            "counters": location.counters.prefetch_related("services__service"),
            "held_back": held_back_sentence(location),
        },
    )


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def counter_edit(request: StaffRequest, location_id: int, counter_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    counter = Counter.objects.filter(location=location, pk=counter_id).first()
    if counter is None:
        raise Http404
    form = CounterForm(request.POST or None, instance=counter, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.counter_update(
                counter=counter,
                actor=request.user,
                name=form.cleaned_data["name"],
                services=form.cleaned_data["services"],
                is_active=form.cleaned_data["is_active"],
                position=form.cleaned_data["position"],
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Der Schalter ist gespeichert."))
            return redirect("appointments:staff_counters", location.pk)
    return _form_page(
        request,
        {
            "title": _("Schalter „%(name)s“ bearbeiten") % {"name": counter.name},
            "form": form,
            "submit": _("Speichern"),
            "back_url": reverse("appointments:staff_counters", args=[location.pk]),
            "back_label": _("Zurück zu den Schaltern"),
        },
    )


# Bookable services ------------------------------------------------------------------------------------------


@staff_required(ADMIN)
@require_http_methods(["GET"])
def service_list(request: StaffRequest) -> HttpResponse:
    appointment_services = AppointmentService.objects.filter(municipality=request.municipality).select_related(
        "service"
    )
    return render(request, "appointments/staff/service_list.html", {"appointment_services": appointment_services})


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def service_create(request: StaffRequest) -> HttpResponse:
    form = AppointmentServiceCreateForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.appointment_service_create(
                municipality=request.municipality,
                actor=request.user,
                service=form.cleaned_data["catalogue_service"],
                values=form.cleaned_data,
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Die Leistung ist buchbar. Ordnen Sie sie jetzt den Schaltern zu, die sie bearbeiten.")
            )
            return redirect("appointments:staff_service_list")
    return _form_page(
        request,
        {
            "title": _("Leistung für Termine freischalten"),
            "form": form,
            "submit": _("Freischalten"),
            "back_url": reverse("appointments:staff_service_list"),
            "back_label": _("Zurück zu den Terminleistungen"),
        },
    )


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def service_edit(request: StaffRequest, service_id: int) -> HttpResponse:
    appointment_service = (
        AppointmentService.objects.filter(municipality=request.municipality, pk=service_id)
        .select_related("service")
        .first()
    )
    if appointment_service is None:
        raise Http404
    form = AppointmentServiceForm(request.POST or None, instance=appointment_service)
    if request.method == "POST" and form.is_valid():
        config_services.appointment_service_update(
            appointment_service=appointment_service, actor=request.user, values=form.cleaned_data
        )
        messages.success(request, _("Die Terminregeln der Leistung sind gespeichert."))
        return redirect("appointments:staff_service_list")
    return _form_page(
        request,
        {
            "title": _("Termine für „%(name)s“") % {"name": appointment_service.service.name},
            "form": form,
            "submit": _("Speichern"),
            "back_url": reverse("appointments:staff_service_list"),
            "back_label": _("Zurück zu den Terminleistungen"),
            "documents": appointment_service.service.required_documents,
            "documents_shown": True,
        },
    )


# Booking policy ---------------------------------------------------------------------------------------------


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def policy_edit(request: StaffRequest) -> HttpResponse:
    policy = config_services.booking_policy_for(municipality=request.municipality)
    form = BookingPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        config_services.booking_policy_update(
            municipality=request.municipality, actor=request.user, values=form.cleaned_data
        )
        messages.success(request, _("Die Buchungsregeln sind gespeichert."))
        return redirect("appointments:staff_policy")
    return _form_page(
        request,
        {
            "title": _("Buchungsregeln"),
            "intro": _("Diese Regeln gelten für alle Standorte Ihrer Kommune."),
            "form": form,
            "submit": _("Speichern"),
            "back_url": reverse("appointments:staff_location_list"),
            "back_label": _("Zurück zu den Standorten"),
        },
    )


# Lottery windows --------------------------------------------------------------------------------------------


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def lottery_list(request: StaffRequest) -> HttpResponse:
    form = LotteryWindowForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.lottery_window_create(
                municipality=request.municipality, actor=request.user, **form.cleaned_data
            )
        except config_services.ConfigurationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Das Losverfahren ist angelegt."))
            return redirect("appointments:staff_lottery_list")
    windows = (
        LotteryWindow.objects.filter(municipality=request.municipality)
        .select_related("location", "service__service")
        .annotate(entry_count=Count("entries"))
    )
    return render(request, "appointments/staff/lottery_list.html", {"form": form, "windows": windows})


# Phone booking and day list ---------------------------------------------------------------------------------


def _items(data: dict[str, Any]) -> list[BookingItem]:
    items = [BookingItem(service=data["leistung"], quantity=data.get("anzahl") or 1)]
    if data.get("leistung2") is not None:
        items.append(BookingItem(service=data["leistung2"], quantity=data.get("anzahl2") or 1))
    return items


def _limit_locations(request: StaffRequest, form: PhoneSearchForm | DayListForm, *, active_only: bool) -> None:
    """Offer (and accept) only the locations of the person's own units; another unit's is an invalid choice."""
    locations = _editable_locations(request)
    field = form.fields["standort"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = locations.filter(is_active=True) if active_only else locations


@staff_required(CLERK)
@require_http_methods(["GET", "POST"])
def phone_booking(request: StaffRequest) -> HttpResponse:
    search = PhoneSearchForm(request.GET or None, municipality=request.municipality)
    _limit_locations(request, search, active_only=True)
    context: dict[str, Any] = {
        "search": search,
        "form": None,
        "has_locations": _editable_locations(request).exists(),
    }
    if not search.is_valid():
        return render(request, "appointments/staff/phone.html", context)
    location: Location = search.cleaned_data["standort"]
    items = _items(search.cleaned_data)
    first_day, last_day = availability.booking_window(location=location, staff=True)
    days = availability.days_with_free_times(
        location=location,
        items=items,
        first_day=first_day,
        last_day=min(last_day, first_day + timedelta(days=PHONE_DAYS_SHOWN - 1)),
        staff=True,
    )
    day: date | None = search.cleaned_data.get("tag")
    query = request.GET.copy()
    query.pop("tag", None)
    context.update(
        {
            "location": location,
            "items": items,
            "days": [(free_day, count) for free_day, count in sorted(days.items())],
            "day": day,
            "querystring": query.urlencode(),
        }
    )
    if day is None:
        return render(request, "appointments/staff/phone.html", context)
    times = availability.free_times(location=location, items=items, day=day, staff=True)
    form = PhoneBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_hold(
                municipality=request.municipality,
                location=location,
                items=items,
                starts_at=form.cleaned_data["beginn"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["telefon"],
                channel=Appointment.Channel.PHONE,
                booked_by=request.user,
            )
            appointment = services.appointment_confirm(appointment=appointment)
        except services.BookingRefused as refusal:
            form.add_error(None, str(refusal.message))
            times = availability.free_times(location=location, items=items, day=day, staff=True)
        else:
            messages.success(
                request,
                _("Der Termin ist gebucht: %(when)s Uhr, Buchungsnummer %(code)s.")
                % {
                    "when": timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y %H:%M"),
                    "code": appointment.code,
                },
            )
            return redirect(reverse("appointments:staff_day_list") + f"?standort={location.pk}&tag={day.isoformat()}")
    chosen = form["beginn"].value() if form.is_bound else None
    context.update(
        {
            "form": form,
            "times": [(moment.isoformat(), timezone.localtime(moment)) for moment in times],
            "chosen": str(chosen or ""),
        }
    )
    return render(request, "appointments/staff/phone.html", context)


@staff_required(CLERK)
@require_http_methods(["GET"])
def day_list(request: StaffRequest) -> HttpResponse:
    data = request.GET.copy()
    if "tag" not in data:
        data["tag"] = timezone.localdate().isoformat()
    if "standort" not in data:
        first = _editable_locations(request).first()
        data["standort"] = str(first.pk) if first else ""
    form = DayListForm(data, municipality=request.municipality)
    _limit_locations(request, form, active_only=False)
    appointments: list[Appointment] = []
    if form.is_valid():
        day: date = form.cleaned_data["tag"]
        appointments = list(
            Appointment.objects.filter(
                municipality=request.municipality,
                location=form.cleaned_data["standort"],
                starts_at__date=day,
            )
            .exclude(state=Appointment.State.EXPIRED)
            .select_related("counter")
            .prefetch_related("items__service__service")
            .order_by("starts_at", "counter__position")
        )
    return render(
        request,
        "appointments/staff/day_list.html",
        {
            "form": form,
            "appointments": appointments,
            "active_states": Appointment.ACTIVE_STATES,
            "querystring": request.GET.urlencode(),
            "has_locations": _editable_locations(request).exists(),
        },
    )


@staff_required(CLERK)
@require_POST
def appointment_cancel(request: StaffRequest, appointment_id: str) -> HttpResponse:
    # An appointment at a location of another unit does not exist for this clerk.
    appointment = Appointment.objects.filter(
        municipality=request.municipality, location__in=_editable_locations(request), uuid=appointment_id
    ).first()
    if appointment is None:
        raise Http404
    reason = request.POST.get("grund", "").strip()[:200] or _("von der Verwaltung abgesagt")
    services.appointment_cancel(appointment=appointment, actor=request.user, reason=reason)
    messages.success(
        request, _("Der Termin %(code)s ist storniert; die Zeit ist wieder frei.") % {"code": appointment.code}
    )
    day = timezone.localtime(appointment.starts_at).date().isoformat()
    return redirect(reverse("appointments:staff_day_list") + f"?standort={appointment.location_id}&tag={day}")
