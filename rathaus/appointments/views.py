"""Citizen pages of the booking: what → where → day → time → contact → hold → confirm, and managing by link.

The state of an unfinished booking travels in the query string (``anliegen``, ``beginn``), so every step is a
plain link or GET form that works without JavaScript and can be bookmarked or shared. Only held appointments
are remembered in the session, so that the "reserviert" page shows them to the person who held them.
"""

import calendar
import datetime
import secrets
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.applications import access as application_access
from rathaus.applications.models import Submission
from rathaus.applications.selectors import submission_get
from rathaus.cases.models import Case
from rathaus.municipalities.http import AuthenticatedRequest, MunicipalityRequest
from rathaus.municipalities.models import Municipality

from . import antibot, availability, selectors, services, tokens
from .availability import BookingItem
from .forms import ContactForm, LotteryForm, MoveForm, ServicesForm, WaitlistForm, quantity_field_name
from .models import Appointment, AppointmentService, Location, LotteryWindow

SESSION_HELD = "appointments_held"
ITEMS_PARAM = "anliegen"
START_PARAM = "beginn"
MONTH_PARAM = "monat"
# The online application a booking follows (its submission's id), so the appointment joins the case.
APPLICATION_PARAM = "antrag"

HOLD_RAN_OUT = gettext_lazy("Die Reservierung ist abgelaufen und der Termin wieder frei. Bitte buchen Sie neu.")
NOT_CANCELLABLE = gettext_lazy(
    "Dieser Termin kann nicht mehr abgesagt werden: Er hat schon begonnen, ist vorbei oder wurde vor Ort erledigt."
)
NOT_MOVABLE = gettext_lazy(
    "Dieser Termin kann nicht mehr verschoben werden: Er hat schon begonnen, ist vorbei oder wurde vor Ort erledigt."
)


# --- The request's booking state -----------------------------------------------------------------


class FlowError(Exception):
    """The query string does not describe a bookable request (edited, outdated, or a service withdrawn)."""


def encode_items(items: Sequence[BookingItem]) -> str:
    return ",".join(f"{item.service.pk}:{item.quantity}" for item in items)


def _bookable_services(municipality: Municipality) -> list[AppointmentService]:
    return list(selectors.bookable_services(municipality=municipality))


def parse_items(municipality: Municipality, raw: str) -> list[BookingItem]:
    """The items named in ``anliegen`` ("<service id>:<quantity>,..."), checked against what may be booked."""
    services_by_id = {service.pk: service for service in _bookable_services(municipality)}
    items: list[BookingItem] = []
    seen: set[int] = set()
    for part in raw.split(","):
        service_id, _separator, quantity = part.partition(":")
        try:
            service = services_by_id[int(service_id)]
            count = int(quantity)
        except (KeyError, ValueError):
            raise FlowError from None
        if service.pk in seen or not 1 <= count <= service.max_quantity:
            raise FlowError
        seen.add(service.pk)
        items.append(BookingItem(service=service, quantity=count))
    if not items:
        raise FlowError
    return items


def _items(request: MunicipalityRequest) -> list[BookingItem]:
    return parse_items(request.municipality, request.GET.get(ITEMS_PARAM, ""))


def _location(request: MunicipalityRequest, slug: str, items: Sequence[BookingItem]) -> Location:
    for location in availability.locations_for(municipality=request.municipality, items=items):
        if location.slug == slug:
            return location
    raise Http404


def _query(**values: object) -> str:
    return "?" + urlencode({key: str(value) for key, value in values.items() if value not in (None, "")})


def _carried(request: MunicipalityRequest) -> dict[str, str]:
    """What travels through every step besides the items: the application the booking follows, if any."""
    raw = request.GET.get(APPLICATION_PARAM, "")
    try:
        return {APPLICATION_PARAM: str(UUID(raw))}
    except ValueError:
        return {}


def _own_submission(request: MunicipalityRequest) -> Submission | None:
    """The application named in the address, only if it is this person's: their account's, or sent in this browser.

    The id in the address is never trusted alone; someone else's id gives no link and no hint that it exists.
    """
    carried = _carried(request)
    if not carried:
        return None
    submission = submission_get(municipality=request.municipality, submission_id=carried[APPLICATION_PARAM])
    if submission is None:
        return None
    if submission.user_id is not None:
        return submission if request.user.is_authenticated and request.user.pk == submission.user_id else None
    return submission if application_access.holds(request, application_access.SUBMISSIONS, submission.pk) else None


def _case_of(submission: Submission | None) -> Case | None:
    if submission is None:
        return None
    # The case comes from the submission in the background; a booking made before it exists stays unlinked.
    return Case.objects.filter(municipality_id=submission.municipality_id, submission=submission).first()


def _restart(request: MunicipalityRequest) -> HttpResponse:
    messages.error(request, _("Ihre Auswahl ist nicht mehr gültig. Bitte wählen Sie Ihre Anliegen noch einmal."))
    return redirect("appointments:start")


def _minutes(items: Sequence[BookingItem]) -> int:
    return availability.appointment_minutes(items)


def _summary(items: Sequence[BookingItem]) -> list[dict[str, Any]]:
    return [{"service": item.service, "quantity": item.quantity} for item in items]


def _collecting_windows(location: Location, items: Sequence[BookingItem]) -> list[LotteryWindow]:
    # Private read: the fair-release windows open for requests right now (booking-core's selectors have none).
    now = timezone.now()
    return list(
        LotteryWindow.objects.select_related("service__service").filter(
            location=location,
            service__in=[item.service for item in items],
            state=LotteryWindow.State.COLLECTING,
            collect_from__lte=now,
            collect_until__gt=now,
        )
    )


def _too_many_lookups(request: MunicipalityRequest) -> HttpResponse | None:
    if antibot.availability_rate_limited(request):
        return render(request, "appointments/too_many.html", {"message": antibot.TOO_MANY_LOOKUPS}, status=429)
    return None


# --- Step 1: what is needed ---------------------------------------------------------------------


@require_GET
def start(request: MunicipalityRequest) -> HttpResponse:
    bookable = _bookable_services(request.municipality)
    form: ServicesForm
    if "weiter" in request.GET:
        form = ServicesForm(request.GET, services=bookable)
        if form.is_valid():
            items = [BookingItem(service=service, quantity=quantity) for service, quantity in form.chosen()]
            return redirect(
                reverse("appointments:locations") + _query(**{ITEMS_PARAM: encode_items(items)}, **_carried(request))
            )
    else:
        preselected = request.GET.get("leistung", "")
        initial = {
            quantity_field_name(service): 1
            for service in bookable
            if preselected and service.service.slug == preselected
        }
        form = ServicesForm(services=bookable, initial=initial)
    return render(
        request, "appointments/start.html", {"form": form, "bookable": bookable, "carried": _carried(request)}
    )


# --- Step 2: where ------------------------------------------------------------------------------


@require_GET
def locations(request: MunicipalityRequest) -> HttpResponse:
    try:
        items = _items(request)
    except FlowError:
        return _restart(request)
    found = availability.locations_for(municipality=request.municipality, items=items)
    encoded = encode_items(items)
    return render(
        request,
        "appointments/locations.html",
        {
            "items": _summary(items),
            "minutes": _minutes(items),
            "locations": [
                (
                    location,
                    reverse("appointments:month", args=[location.slug])
                    + _query(**{ITEMS_PARAM: encoded}, **_carried(request)),
                )
                for location in found
            ],
            "first_free_url": reverse("appointments:first_free")
            + _query(**{ITEMS_PARAM: encoded}, **_carried(request)),
            "change_url": reverse("appointments:start"),
        },
    )


@require_GET
def first_free(request: MunicipalityRequest) -> HttpResponse:
    refused = _too_many_lookups(request)
    if refused is not None:
        return refused
    try:
        items = _items(request)
    except FlowError:
        return _restart(request)
    encoded = encode_items(items)
    found = availability.first_free_times(municipality=request.municipality, items=items, limit=8)
    return render(
        request,
        "appointments/first_free.html",
        {
            "items": _summary(items),
            "times": [
                (location, moment, _contact_url(encoded, location, moment, _carried(request)))
                for location, moment in found
            ],
            "back_url": reverse("appointments:locations") + _query(**{ITEMS_PARAM: encoded}, **_carried(request)),
            "waitlist_url": reverse("appointments:waitlist") + _query(**{ITEMS_PARAM: encoded}),
        },
    )


def _contact_url(encoded: str, location: Location, moment: datetime.datetime, carried: dict[str, str]) -> str:
    return reverse("appointments:contact", args=[location.slug]) + _query(
        **{ITEMS_PARAM: encoded, START_PARAM: timezone.localtime(moment).isoformat()}, **carried
    )


# --- Step 3 and 4: day and time -----------------------------------------------------------------


def _month_of(request: MunicipalityRequest) -> datetime.date | None:
    raw = request.GET.get(MONTH_PARAM, "")
    try:
        return datetime.date.fromisoformat(raw + "-01") if raw else None
    except ValueError:
        return None


def _calendar(
    *,
    location: Location,
    items: Sequence[BookingItem],
    month: datetime.date | None,
    day_url: Callable[[datetime.date], str],
    month_url: Callable[[datetime.date], str],
    staff: bool = False,
    free_days: Callable[[datetime.date, datetime.date], dict[datetime.date, int]] | None = None,
) -> dict[str, Any]:
    """Weeks of the month with links on the days that have free times, and the neighbouring months in the window."""
    window_first, window_last = availability.booking_window(location=location, staff=staff)
    if free_days is not None:
        all_days = free_days(window_first, window_last)
    else:
        all_days = availability.days_with_free_times(
            location=location, items=items, first_day=window_first, last_day=window_last
        )
    if month is None:
        anchor = min(all_days) if all_days else window_first
        month = anchor.replace(day=1)
    month = max(month, window_first.replace(day=1))
    month = min(month, window_last.replace(day=1))
    last_of_month = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        cells = []
        for day in week:
            count = all_days.get(day, 0) if day.month == month.month else 0
            cells.append(
                {"day": day, "in_month": day.month == month.month, "count": count, "url": day_url(day) if count else ""}
            )
        weeks.append(cells)
    previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
    next_month = last_of_month + datetime.timedelta(days=1)
    return {
        "month": month,
        "weeks": weeks,
        "weekdays": [
            (_("Montag"), _("Mo")),
            (_("Dienstag"), _("Di")),
            (_("Mittwoch"), _("Mi")),
            (_("Donnerstag"), _("Do")),
            (_("Freitag"), _("Fr")),
            (_("Samstag"), _("Sa")),
            (_("Sonntag"), _("So")),
        ],
        "previous_url": month_url(previous_month) if month > window_first.replace(day=1) else "",
        "next_url": month_url(next_month) if next_month <= window_last else "",
        "previous_month": previous_month,
        "next_month": next_month,
        "free_in_month": sum(count for day, count in all_days.items() if month <= day <= last_of_month),
        "free_anywhere": bool(all_days),
        "window_first": window_first,
        "window_last": window_last,
    }


@require_GET
def month(request: MunicipalityRequest, slug: str) -> HttpResponse:
    refused = _too_many_lookups(request)
    if refused is not None:
        return refused
    try:
        items = _items(request)
    except FlowError:
        return _restart(request)
    location = _location(request, slug, items)
    encoded = encode_items(items)
    carried = _carried(request)
    context = _calendar(
        location=location,
        items=items,
        month=_month_of(request),
        day_url=lambda day: (
            reverse("appointments:day", args=[location.slug, day.isoformat()])
            + _query(**{ITEMS_PARAM: encoded}, **carried)
        ),
        month_url=lambda first: (
            reverse("appointments:month", args=[location.slug])
            + _query(**{ITEMS_PARAM: encoded, MONTH_PARAM: f"{first:%Y-%m}"}, **carried)
        ),
    )
    context.update(
        {
            "location": location,
            "items": _summary(items),
            "minutes": _minutes(items),
            "back_url": reverse("appointments:locations") + _query(**{ITEMS_PARAM: encoded}, **carried),
            "waitlist_url": reverse("appointments:waitlist")
            + _query(**{ITEMS_PARAM: encoded, "standort": location.slug}),
            "lottery_windows": _collecting_windows(location, items),
        }
    )
    return render(request, "appointments/month.html", context)


def _day(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None


@require_GET
def day(request: MunicipalityRequest, slug: str, day: str) -> HttpResponse:
    refused = _too_many_lookups(request)
    if refused is not None:
        return refused
    try:
        items = _items(request)
    except FlowError:
        return _restart(request)
    location = _location(request, slug, items)
    chosen_day = _day(day)
    encoded = encode_items(items)
    times = availability.free_times(location=location, items=items, day=chosen_day)
    return render(
        request,
        "appointments/day.html",
        {
            "location": location,
            "day": chosen_day,
            "items": _summary(items),
            "times": [(moment, _contact_url(encoded, location, moment, _carried(request))) for moment in times],
            "back_url": reverse("appointments:month", args=[location.slug])
            + _query(**{ITEMS_PARAM: encoded, MONTH_PARAM: f"{chosen_day:%Y-%m}"}, **_carried(request)),
            "waitlist_url": reverse("appointments:waitlist")
            + _query(**{ITEMS_PARAM: encoded, "standort": location.slug}),
        },
    )


# --- Step 5: contact details and hold ------------------------------------------------------------


def _start_time(request: MunicipalityRequest) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(request.GET.get(START_PARAM, ""))
    except ValueError:
        raise FlowError from None
    if timezone.is_naive(moment):
        raise FlowError
    try:
        # A moment at the very ends of the calendar has no local time; no such time is bookable anyway.
        return timezone.localtime(moment)
    except OverflowError:
        raise FlowError from None


def _contact_initial(request: MunicipalityRequest) -> dict[str, str]:
    initial = {"form_token": antibot.form_token(), "idempotency_key": secrets.token_urlsafe(24)}
    user = request.user
    if user.is_authenticated:
        initial["name"] = user.get_full_name() if hasattr(user, "get_full_name") else ""
        initial["email"] = getattr(user, "email", "")
        initial["phone"] = getattr(user, "phone", "") or ""
    return initial


def _remember_held(request: MunicipalityRequest, appointment: Appointment) -> None:
    held = [value for value in request.session.get(SESSION_HELD, []) if value != str(appointment.uuid)]
    request.session[SESSION_HELD] = [*held[-9:], str(appointment.uuid)]


def _existing_hold(municipality: Municipality, key: str) -> Appointment | None:
    # A resubmitted form (double click, reload) finds the appointment it already made; the one-time
    # ALTCHA solution would otherwise refuse it as replayed.
    if not key:
        return None
    return Appointment.objects.filter(municipality=municipality, idempotency_key=key).first()


@require_http_methods(["GET", "POST"])
@never_cache
def contact(request: MunicipalityRequest, slug: str) -> HttpResponse:
    try:
        items = _items(request)
        starts_at = _start_time(request)
    except FlowError:
        return _restart(request)
    location = _location(request, slug, items)
    encoded = encode_items(items)
    local_start = timezone.localtime(starts_at)
    submission = _own_submission(request)
    context: dict[str, Any] = {
        "location": location,
        "items": _summary(items),
        "minutes": _minutes(items),
        "starts_at": local_start,
        "back_url": reverse("appointments:day", args=[location.slug, local_start.date().isoformat()])
        + _query(**{ITEMS_PARAM: encoded}, **_carried(request)),
        "challenge_url": reverse("appointments:altcha"),
        "nojs_seconds": antibot.min_seconds_without_javascript(),
        "submission": submission,
        "hold_minutes": services.policy_for(municipality=request.municipality).hold_minutes,
    }
    if request.method != "POST":
        context["form"] = ContactForm(initial=_contact_initial(request))
        return render(request, "appointments/contact.html", context)

    form = ContactForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "appointments/contact.html", context)
    existing = _existing_hold(request.municipality, form.cleaned_data["idempotency_key"])
    if existing is not None:
        if str(existing.uuid) in request.session.get(SESSION_HELD, []):
            return redirect("appointments:held", existing.uuid)
        raise Http404
    payload = request.POST.get("altcha", "")
    try:
        if payload:
            antibot.altcha_verify(payload)
        else:
            antibot.form_token_verify(form.cleaned_data["form_token"])
        antibot.hold_rate_limit(request, email=form.cleaned_data["email"], proof_of_work=bool(payload))
    except antibot.AntiBotRefused as refusal:
        if refusal.status == 429:
            return render(request, "appointments/too_many.html", {"message": refusal.message}, status=429)
        return _refused_form(request, context, refusal.message, keep_token=refusal.message == str(antibot.TOO_FAST))
    try:
        appointment = services.appointment_hold(
            municipality=request.municipality,
            location=location,
            items=items,
            starts_at=starts_at,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            user=request.user if request.user.is_authenticated else None,
            idempotency_key=form.cleaned_data["idempotency_key"],
            case=_case_of(submission),
        )
    except services.BookingRefused as refusal:
        return _refused_form(request, context, str(refusal.message), keep_token=False)
    _remember_held(request, appointment)
    return redirect("appointments:held", appointment.uuid)


def _refused_form(
    request: MunicipalityRequest, context: dict[str, Any], message: str, *, keep_token: bool
) -> HttpResponse:
    data = request.POST.copy()
    data.pop("altcha", None)
    if not keep_token:
        data["form_token"] = antibot.form_token()
        data["idempotency_key"] = secrets.token_urlsafe(24)
    form = ContactForm(data)
    form.is_valid()
    form.add_error(None, message)
    context["form"] = form
    return render(request, "appointments/contact.html", context)


@require_GET
@never_cache
def held(request: MunicipalityRequest, appointment_uuid: UUID) -> HttpResponse:
    if str(appointment_uuid) not in request.session.get(SESSION_HELD, []):
        raise Http404
    appointment = (
        Appointment.objects.select_related("location")
        .prefetch_related("items__service__service")
        .filter(municipality=request.municipality, uuid=appointment_uuid)
        .first()
    )
    if appointment is None:
        raise Http404
    return render(request, "appointments/held.html", {"appointment": appointment})


# --- By link from the e-mails --------------------------------------------------------------------


def _refused_page(request: MunicipalityRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "appointments/refused.html", {"message": message}, status=status)


_CONFIRMED_STATES = (Appointment.State.CONFIRMED, Appointment.State.CHECKED_IN, Appointment.State.COMPLETED)


@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request: MunicipalityRequest, token: str) -> HttpResponse:
    """GET only shows the hold and a button; POST books it.

    Mail scanners and link previews open every link in an e-mail; if opening confirmed, they would book
    holds nobody meant to keep, and the double opt-in would prove nothing.
    """
    try:
        appointment = tokens.appointment_from_token(municipality=request.municipality, token=token, purpose="confirm")
        if request.method == "POST":
            services.appointment_confirm(appointment=appointment)
            # Reloading the answer must not send the form again; the GET shows the booked appointment.
            return redirect("appointments:confirm", token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    items = appointment.items.select_related("service__service")
    if appointment.state in _CONFIRMED_STATES:
        return render(
            request,
            "appointments/confirmed.html",
            {
                "appointment": appointment,
                "manage_token": tokens.appointment_token(appointment, "manage"),
                "items": items,
            },
        )
    if appointment.state != Appointment.State.HELD or _hold_ran_out(appointment):
        return _refused_page(request, str(HOLD_RAN_OUT))
    return render(request, "appointments/confirm.html", {"appointment": appointment, "items": items})


def _hold_ran_out(appointment: Appointment) -> bool:
    return appointment.hold_expires_at is not None and appointment.hold_expires_at <= timezone.now()


def _managed(request: MunicipalityRequest, token: str) -> Appointment:
    return tokens.appointment_from_token(municipality=request.municipality, token=token, purpose="manage")


def is_changeable(appointment: Appointment) -> bool:
    """Whether the citizen may still cancel or move it: booked or held, not run out, and not begun."""
    if appointment.state == Appointment.State.HELD and _hold_ran_out(appointment):
        return False
    return (
        appointment.state in (Appointment.State.HELD, Appointment.State.CONFIRMED)
        and appointment.starts_at > timezone.now()
    )


@require_GET
@never_cache
def manage(request: MunicipalityRequest, token: str) -> HttpResponse:
    try:
        appointment = _managed(request, token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    return render(
        request,
        "appointments/manage.html",
        {
            "appointment": appointment,
            "token": token,
            "items": appointment.items.select_related("service__service"),
            "changeable": is_changeable(appointment),
        },
    )


@require_GET
def ics(request: MunicipalityRequest, token: str) -> HttpResponse:
    from .ics import appointment_ics

    try:
        appointment = _managed(request, token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{appointment.code}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def cancel(request: MunicipalityRequest, token: str) -> HttpResponse:
    try:
        appointment = _managed(request, token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    if request.method == "POST":
        if appointment.state == Appointment.State.CANCELLED:
            return redirect("appointments:manage", token)
        # The same rule as the page, so a button kept open in an old tab cannot cancel a visit already begun.
        if not is_changeable(appointment):
            return _refused_page(request, str(NOT_CANCELLABLE))
        try:
            services.appointment_cancel(appointment=appointment, reason=_("vom Bürger abgesagt"))
        except services.BookingRefused as refusal:
            return _refused_page(request, str(refusal.message))
        messages.success(request, _("Ihr Termin ist abgesagt. Die Zeit ist wieder frei für andere."))
        return redirect("appointments:manage", token)
    return render(
        request,
        "appointments/cancel.html",
        {"appointment": appointment, "token": token, "changeable": is_changeable(appointment)},
    )


def _booked_by_staff(appointment: Appointment) -> bool:
    """Moving keeps the rules the appointment was booked under: a phone booking may use held-back counters."""
    return appointment.channel in services.STAFF_CHANNELS


def _move_rules(appointment: Appointment) -> dict[str, Any]:
    # The same rules as appointment_move: the appointment's own channel, and its own time counts as free,
    # so moving it a little later (overlapping itself) is offered.
    return {
        "location": appointment.location,
        "items": _items_of(appointment),
        "staff": _booked_by_staff(appointment),
        "ignore_fair_release": appointment.channel == Appointment.Channel.LOTTERY,
        "exclude_appointment_id": appointment.pk,
    }


def _move_days(appointment: Appointment, first_day: datetime.date, last_day: datetime.date) -> dict[datetime.date, int]:
    rules = _move_rules(appointment)
    days = availability.days_with_free_times(first_day=first_day, last_day=last_day, **rules)
    # The appointment's own time counts as free for the others of its day, but is no time to move to.
    own_day = timezone.localdate(appointment.starts_at, availability.local_zone())
    if own_day in days:
        if count := len(_other_than_own(appointment, availability.free_times(day=own_day, **rules))):
            days[own_day] = count
        else:
            del days[own_day]
    return days


def _move_times(appointment: Appointment, day: datetime.date) -> list[datetime.datetime]:
    return _other_than_own(appointment, availability.free_times(day=day, **_move_rules(appointment)))


def _other_than_own(appointment: Appointment, times: list[datetime.datetime]) -> list[datetime.datetime]:
    return [moment for moment in times if moment != appointment.starts_at]


def _items_of(appointment: Appointment) -> list[BookingItem]:
    return [
        BookingItem(service=item.service, quantity=item.quantity)
        for item in appointment.items.select_related("service__service")
    ]


@require_GET
@never_cache
def move_month(request: MunicipalityRequest, token: str) -> HttpResponse:
    try:
        appointment = _managed(request, token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    if not is_changeable(appointment):
        return _refused_page(request, str(NOT_MOVABLE))
    location = appointment.location
    context = _calendar(
        location=location,
        items=_items_of(appointment),
        month=_month_of(request),
        day_url=lambda day: reverse("appointments:move_day", args=[token, day.isoformat()]),
        month_url=lambda first: reverse("appointments:move", args=[token]) + _query(**{MONTH_PARAM: f"{first:%Y-%m}"}),
        staff=_booked_by_staff(appointment),
        free_days=lambda first, last: _move_days(appointment, first, last),
    )
    context.update({"appointment": appointment, "location": location, "token": token})
    return render(request, "appointments/move_month.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def move_day(request: MunicipalityRequest, token: str, day: str) -> HttpResponse:
    try:
        appointment = _managed(request, token)
    except services.BookingRefused as refusal:
        return _refused_page(request, str(refusal.message))
    if not is_changeable(appointment):
        return _refused_page(request, str(NOT_MOVABLE))
    chosen_day = _day(day)
    times = _move_times(appointment, chosen_day)
    form = MoveForm(request.POST or None, times=times)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_move(appointment=appointment, starts_at=form.chosen_time())
        except services.BookingRefused as refusal:
            form.add_error(None, str(refusal.message))
        else:
            messages.success(
                request, _("Ihr Termin ist verschoben. Wir haben Ihnen die neue Zeit per E-Mail geschickt.")
            )
            return redirect("appointments:manage", token)
    return render(
        request,
        "appointments/move_day.html",
        {
            "appointment": appointment,
            "token": token,
            "day": chosen_day,
            "form": form,
            "back_url": reverse("appointments:move", args=[token]) + _query(**{MONTH_PARAM: f"{chosen_day:%Y-%m}"}),
        },
    )


# --- Waitlist and fair release -------------------------------------------------------------------


def _pass_antibot(request: MunicipalityRequest, *, email: str, token: str) -> None:
    """The same gates as the hold: a solved ALTCHA challenge, or the slower form token, then the rate limits."""
    payload = request.POST.get("altcha", "")
    if payload:
        antibot.altcha_verify(payload)
    else:
        antibot.form_token_verify(token)
    antibot.hold_rate_limit(request, email=email, proof_of_work=bool(payload))


def _antibot_context() -> dict[str, Any]:
    return {"challenge_url": reverse("appointments:altcha"), "nojs_seconds": antibot.min_seconds_without_javascript()}


def _with_fresh_token(form: WaitlistForm | LotteryForm, message: str, *, keep_token: bool) -> None:
    """Show ``message`` on the form; a token already spent is replaced, so the next try can pass."""
    form.add_error(None, message)
    if not keep_token:
        data = QueryDict(mutable=True)
        data.update(form.data)
        data["form_token"] = antibot.form_token()
        data.pop("altcha", None)
        form.data = data


@require_http_methods(["GET", "POST"])
@never_cache
def waitlist(request: MunicipalityRequest) -> HttpResponse:
    try:
        items = _items(request)
    except FlowError:
        return _restart(request)
    location = None
    if request.GET.get("standort"):
        location = _location(request, request.GET["standort"], items)
    form = WaitlistForm(request.POST or None, initial={"form_token": antibot.form_token()})
    context = {"form": form, "items": _summary(items), "location": location, **_antibot_context()}
    if request.method == "POST" and form.is_valid():
        try:
            _pass_antibot(request, email=form.cleaned_data["email"], token=form.cleaned_data["form_token"])
        except antibot.AntiBotRefused as refusal:
            if refusal.status == 429:
                return render(request, "appointments/too_many.html", {"message": refusal.message}, status=429)
            _with_fresh_token(form, refusal.message, keep_token=refusal.message == str(antibot.TOO_FAST))
            return render(request, "appointments/waitlist.html", context)
        try:
            services.waitlist_join(
                municipality=request.municipality,
                location=location,
                items=items,
                earliest_day=form.cleaned_data["earliest_day"],
                latest_day=form.cleaned_data["latest_day"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
        except services.BookingRefused as refusal:
            _with_fresh_token(form, str(refusal.message), keep_token=False)
        else:
            return render(
                request, "appointments/waitlist_done.html", {"email": form.cleaned_data["email"], "location": location}
            )
    return render(request, "appointments/waitlist.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def lottery(request: MunicipalityRequest, window_uuid: UUID) -> HttpResponse:
    window = (
        LotteryWindow.objects.select_related("location", "service__service")
        .filter(municipality=request.municipality, uuid=window_uuid, state=LotteryWindow.State.COLLECTING)
        .first()
    )
    if window is None:
        raise Http404
    form = LotteryForm(
        request.POST or None, max_quantity=window.service.max_quantity, initial={"form_token": antibot.form_token()}
    )
    context = {"form": form, "window": window, **_antibot_context()}
    if request.method == "POST" and form.is_valid():
        try:
            _pass_antibot(request, email=form.cleaned_data["email"], token=form.cleaned_data["form_token"])
        except antibot.AntiBotRefused as refusal:
            if refusal.status == 429:
                return render(request, "appointments/too_many.html", {"message": refusal.message}, status=429)
            _with_fresh_token(form, refusal.message, keep_token=refusal.message == str(antibot.TOO_FAST))
            return render(request, "appointments/lottery.html", context)
        try:
            services.lottery_enter(
                window=window,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                quantity=form.cleaned_data["quantity"],
            )
        except services.BookingRefused as refusal:
            _with_fresh_token(form, str(refusal.message), keep_token=False)
        else:
            return render(
                request, "appointments/lottery_done.html", {"window": window, "email": form.cleaned_data["email"]}
            )
    return render(request, "appointments/lottery.html", context)


# --- Account and anti-bot ------------------------------------------------------------------------


@require_GET
@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    found = list(selectors.appointments_for_user(municipality=request.municipality, user=request.user))
    now = timezone.now()
    rows = [(appointment, tokens.appointment_token(appointment, "manage")) for appointment in found]
    return render(
        request,
        "appointments/mine.html",
        {
            "upcoming": [row for row in rows if row[0].ends_at >= now and row[0].state in Appointment.ACTIVE_STATES],
            "past": [row for row in rows if not (row[0].ends_at >= now and row[0].state in Appointment.ACTIVE_STATES)],
        },
    )


@require_GET
@never_cache
def altcha_challenge(request: MunicipalityRequest) -> HttpResponse:
    if antibot.challenge_rate_limited(request):
        return JsonResponse({"detail": str(antibot.TOO_MANY)}, status=429)
    response = JsonResponse(antibot.altcha_challenge())
    response["Cache-Control"] = "no-store"
    return response
