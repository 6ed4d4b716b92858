"""Counter side pages (staff, under /verwaltung/schalter/) and the public call display (/aufruf/<location>/)."""

import csv
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.models import StaffMembership
from rathaus.accounts.permissions import staff_required
from rathaus.appointments.models import Counter, Location
from rathaus.municipalities.http import MunicipalityRequest, StaffRequest

from . import selectors, services
from .forms import CounterChoiceForm, StatisticsForm, WalkInForm
from .models import Visit

CLERK = StaffMembership.Role.CLERK
OFFICE_LEAD = StaffMembership.Role.OFFICE_LEAD
SESSION_COUNTER = "visits_counter_id"


def _location_or_404(request: StaffRequest, location_id: int) -> Location:
    location = selectors.location_for_staff(
        municipality=request.municipality, membership=request.staff_membership, location_id=location_id
    )
    if location is None:
        raise Http404
    return location


def _visit_or_404(request: StaffRequest, visit_id: int) -> Visit:
    visit = selectors.visit_for_staff(
        municipality=request.municipality, membership=request.staff_membership, visit_id=visit_id
    )
    if visit is None:
        raise Http404
    return visit


def _my_counter(request: StaffRequest, location: Location) -> Counter | None:
    counter_id = request.session.get(SESSION_COUNTER)
    if counter_id is None:
        return None
    counter = selectors.counter_for_staff(
        municipality=request.municipality, membership=request.staff_membership, counter_id=counter_id
    )
    return counter if counter is not None and counter.location_id == location.pk else None


def _day_url(location_id: int) -> str:
    return reverse("visits:day", args=[location_id])


# Choosing the counter -------------------------------------------------------------------------


@staff_required(CLERK)
@require_http_methods(["GET", "POST"])
def counter_choose(request: StaffRequest) -> HttpResponse:
    locations = selectors.locations_for_staff(municipality=request.municipality, membership=request.staff_membership)
    counters = selectors.counters_of_locations(locations=locations)
    form = CounterChoiceForm(
        request.POST if request.method == "POST" else None,
        counters=counters,
        initial={"counter": request.session.get(SESSION_COUNTER)},
    )
    if request.method == "POST" and form.is_valid():
        counter: Counter = form.cleaned_data["counter"]
        request.session[SESSION_COUNTER] = counter.pk
        messages.success(request, _("Sie arbeiten jetzt am %(counter)s.") % {"counter": counter.name})
        return redirect(_day_url(counter.location_id))
    return render(request, "visits/choose.html", {"form": form, "locations": locations})


# Day view -------------------------------------------------------------------------------------


@require_GET
@staff_required(CLERK)
def day_view(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    counter = _my_counter(request, location)
    now = timezone.now()
    today = timezone.localdate(now)
    visits = list(selectors.visits_of_day(location=location, day=today))
    current = None
    if counter is not None:
        current = next(
            (
                visit
                for visit in visits
                if visit.counter_id == counter.pk and visit.state in (Visit.State.CALLED, Visit.State.IN_SERVICE)
            ),
            None,
        )
    return render(
        request,
        "visits/day.html",
        {
            "location": location,
            "counter": counter,
            "current": current,
            "today": today,
            "appointments": selectors.appointments_of_day(location=location, day=today),
            "waiting": [visit for visit in visits if visit.state == Visit.State.WAITING],
            "at_counters": [visit for visit in visits if visit.state in (Visit.State.CALLED, Visit.State.IN_SERVICE)],
            "done": [visit for visit in visits if visit.state in (Visit.State.FINISHED, Visit.State.LEFT)],
            "estimate": selectors.location_estimate(location=location, now=now),
            "no_show_before": now - services.NO_SHOW_AFTER,
        },
    )


@staff_required(CLERK)
@require_POST
def check_in(request: StaffRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for_staff(
        municipality=request.municipality, membership=request.staff_membership, appointment_id=appointment_id
    )
    if appointment is None:
        raise Http404
    try:
        visit = services.visit_check_in(appointment=appointment, actor=request.user)
    except services.VisitRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Termin %(code)s ist angemeldet. Wartenummer: %(number)s.")
            % {"code": appointment.code, "number": visit.display_number},
        )
    return redirect(_day_url(appointment.location_id))


@staff_required(CLERK)
@require_POST
def no_show(request: StaffRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for_staff(
        municipality=request.municipality, membership=request.staff_membership, appointment_id=appointment_id
    )
    if appointment is None:
        raise Http404
    try:
        services.appointment_mark_no_show(appointment=appointment, staff=request.user)
    except services.VisitRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Termin %(code)s ist als „nicht erschienen“ vermerkt.") % {"code": appointment.code}
        )
    return redirect(_day_url(appointment.location_id))


# Walk-ins -------------------------------------------------------------------------------------


@staff_required(CLERK)
@require_http_methods(["GET", "POST"])
def walk_in(request: StaffRequest, location_id: int) -> HttpResponse:
    location = _location_or_404(request, location_id)
    form = WalkInForm(
        request.POST if request.method == "POST" else None, services=selectors.location_services(location=location)
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_walk_in(
                location=location, services=list(form.cleaned_data["services"]), actor=request.user
            )
        except services.VisitRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("visits:ticket", visit.pk)
    return render(request, "visits/walk_in.html", {"location": location, "form": form})


@require_GET
@staff_required(CLERK)
def ticket(request: StaffRequest, visit_id: int) -> HttpResponse:
    visit = _visit_or_404(request, visit_id)
    estimate = selectors.walk_in_estimate(visit=visit) if visit.state == Visit.State.WAITING else None
    return render(request, "visits/ticket.html", {"visit": visit, "location": visit.location, "estimate": estimate})


# Calling and serving --------------------------------------------------------------------------


@staff_required(CLERK)
@require_POST
def call_next(request: StaffRequest, counter_id: int) -> HttpResponse:
    counter = selectors.counter_for_staff(
        municipality=request.municipality, membership=request.staff_membership, counter_id=counter_id
    )
    if counter is None:
        raise Http404
    request.session[SESSION_COUNTER] = counter.pk
    try:
        visit = services.visit_call_next(counter=counter, staff=request.user)
    except services.VisitRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if visit is None:
            messages.info(request, _("Für diesen Schalter wartet gerade niemand."))
        else:
            messages.success(request, _("%(number)s ist aufgerufen.") % {"number": visit.display_number})
    return redirect(_day_url(counter.location_id))


def _visit_action(action: Callable[..., Visit], success: str) -> Callable[[StaffRequest, int], HttpResponse]:
    @staff_required(CLERK)
    @require_POST
    def view(request: StaffRequest, visit_id: int) -> HttpResponse:
        visit = _visit_or_404(request, visit_id)
        try:
            action(visit=visit, staff=request.user)
        except services.VisitRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _(success) % {"number": visit.display_number})
        return redirect(_day_url(visit.location_id))

    return view  # type: ignore[return-value]


# Marked for translation here, translated when shown.
_RECALLED = gettext_noop("%(number)s ist erneut aufgerufen.")
_STARTED = gettext_noop("Die Bedienung von %(number)s hat begonnen.")
_FINISHED = gettext_noop("Der Besuch von %(number)s ist abgeschlossen.")
_LEFT = gettext_noop("%(number)s ist als gegangen vermerkt.")

recall = _visit_action(services.visit_recall, _RECALLED)
start = _visit_action(services.visit_start, _STARTED)
finish = _visit_action(services.visit_finish, _FINISHED)
left = _visit_action(services.visit_left, _LEFT)


# Statistics -----------------------------------------------------------------------------------


def _statistics(request: StaffRequest) -> tuple[StatisticsForm, list[dict[str, Any]], date, date]:
    locations = selectors.locations_for_staff(municipality=request.municipality, membership=request.staff_membership)
    first_day, last_day = selectors.default_period(timezone.localdate())
    form = StatisticsForm(
        request.GET if "first_day" in request.GET else None,
        locations=locations,
        initial={"first_day": first_day, "last_day": last_day},
    )
    if form.is_bound and form.is_valid():
        first_day, last_day = form.cleaned_data["first_day"], form.cleaned_data["last_day"]
        if form.cleaned_data["location"] is not None:
            locations = locations.filter(pk=form.cleaned_data["location"].pk)
    elif form.is_bound:
        return form, [], first_day, last_day
    rows = selectors.statistics_rows(
        municipality=request.municipality, locations=locations, first_day=first_day, last_day=last_day
    )
    return form, selectors.statistics_tables(rows), first_day, last_day


@require_GET
@staff_required(OFFICE_LEAD)
def statistics(request: StaffRequest) -> HttpResponse:
    form, tables, first_day, last_day = _statistics(request)
    return render(
        request,
        "visits/statistics.html",
        {
            "form": form,
            "tables": tables,
            "first_day": first_day,
            "last_day": last_day,
            "querystring": request.GET.urlencode(),
        },
    )


@require_GET
@staff_required(OFFICE_LEAD)
def statistics_csv(request: StaffRequest) -> HttpResponse:
    _form, tables, first_day, last_day = _statistics(request)
    wanted = request.GET.get("tabelle", "zeiten")
    table = next((table for table in tables if table["key"] == wanted), None)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schalter-{wanted}-{first_day}-{last_day}.csv"'
    # Excel in German locales expects a semicolon and a byte order mark to read UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(table["headers"])
    writer.writerows(table["rows"])
    return response


# The call display (public, no personal data) --------------------------------------------------


def _display_state(request: MunicipalityRequest, location_slug: str) -> selectors.DisplayState:
    state = selectors.display_state(municipality=request.municipality, location_slug=location_slug)
    if state is None:
        raise Http404
    return state


@never_cache
@require_GET
def display(request: MunicipalityRequest, location_slug: str) -> HttpResponse:
    return render(request, "visits/display.html", {"display": _display_state(request, location_slug)})


@never_cache
@require_GET
def display_fragment(request: MunicipalityRequest, location_slug: str) -> HttpResponse:
    return render(request, "visits/_display_content.html", {"display": _display_state(request, location_slug)})
