"""Booking API: the same rules as the web pages, with the same proof of work and rate limits before a hold."""

import calendar
import datetime
from typing import Any

from django.http import HttpRequest
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rathaus.municipalities.models import Municipality
from rathaus.portal.api_schema import INPUT_ERROR

from .. import antibot, availability, selectors, services, tokens
from ..availability import BookingItem
from ..models import Appointment, Location
from ..views import NOT_CANCELLABLE, FlowError, is_changeable, parse_items
from .serializers import (
    AppointmentServiceSerializer,
    CancelledSerializer,
    CancelRequestSerializer,
    ChallengeSerializer,
    DaysQuerySerializer,
    ErrorSerializer,
    FreeDaySerializer,
    FreeTimeSerializer,
    HoldRequestSerializer,
    HoldSerializer,
    LocationSerializer,
    TimesQuerySerializer,
)

TAGS = ["appointments"]


class PublicView(APIView):
    """Public endpoints: no login, no session, so no CSRF; the municipality comes from the host name."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @property
    def municipality(self) -> Municipality:
        return self.request.municipality  # type: ignore[attr-defined,no-any-return]

    @property
    def django_request(self) -> HttpRequest:
        return self.request._request


def _error(message: object, code: int) -> Response:
    return Response({"detail": str(message)}, status=code)


def _items(municipality: Municipality, raw: str) -> list[BookingItem]:
    try:
        return parse_items(municipality, raw)
    except FlowError:
        raise ValidationError(
            {"items": ["Diese Anliegen können hier nicht gebucht werden oder die Anzahl ist zu hoch."]}
        ) from None


def _location(municipality: Municipality, slug: str, items: list[BookingItem]) -> Location:
    for location in availability.locations_for(municipality=municipality, items=items):
        if location.slug == slug:
            return location
    raise NotFound("Diesen Standort gibt es nicht, oder er erledigt diese Anliegen nicht in einem Termin.")


class LocationList(PublicView):
    @extend_schema(tags=TAGS, responses={200: LocationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Active locations where appointments can be booked."""
        locations = selectors.active_locations(municipality=self.municipality)
        return Response(LocationSerializer(locations, many=True).data)


class ServiceList(PublicView):
    @extend_schema(tags=TAGS, responses={200: AppointmentServiceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Services that can be booked online, with duration and how many fit in one appointment."""
        found = selectors.bookable_services(municipality=self.municipality)
        return Response(AppointmentServiceSerializer(found, many=True).data)


class AvailableDays(PublicView):
    @extend_schema(
        tags=TAGS,
        parameters=[DaysQuerySerializer],
        responses={
            200: FreeDaySerializer(many=True),
            400: OpenApiResponse(INPUT_ERROR, description="Parameter fehlen oder sind ungültig."),
            404: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Zu viele Abfragen von dieser Adresse."),
        },
    )
    def get(self, request: Request) -> Response:
        """Days with free times at a location for the given items, in one month or the whole booking window."""
        if antibot.availability_rate_limited(self.django_request):
            return _error(antibot.TOO_MANY_LOOKUPS, status.HTTP_429_TOO_MANY_REQUESTS)
        query = DaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = _items(self.municipality, query.validated_data["items"])
        location = _location(self.municipality, query.validated_data["location"], items)
        first, last = availability.booking_window(location=location)
        if query.validated_data.get("month"):
            try:
                month = datetime.date.fromisoformat(query.validated_data["month"] + "-01")
            except ValueError:
                raise ValidationError({"month": ["Diesen Monat gibt es nicht."]}) from None
            first = max(first, month)
            last = min(last, month.replace(day=calendar.monthrange(month.year, month.month)[1]))
        days = (
            availability.days_with_free_times(location=location, items=items, first_day=first, last_day=last)
            if first <= last
            else {}
        )
        return Response(
            FreeDaySerializer([{"date": day, "free_times": count} for day, count in days.items()], many=True).data
        )


class AvailableTimes(PublicView):
    @extend_schema(
        tags=TAGS,
        parameters=[TimesQuerySerializer],
        responses={
            200: FreeTimeSerializer(many=True),
            400: OpenApiResponse(INPUT_ERROR, description="Parameter fehlen oder sind ungültig."),
            404: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Zu viele Abfragen von dieser Adresse."),
        },
    )
    def get(self, request: Request) -> Response:
        """Free start times of one day at a location for the given items."""
        if antibot.availability_rate_limited(self.django_request):
            return _error(antibot.TOO_MANY_LOOKUPS, status.HTTP_429_TOO_MANY_REQUESTS)
        query = TimesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = _items(self.municipality, query.validated_data["items"])
        location = _location(self.municipality, query.validated_data["location"], items)
        times = availability.free_times(location=location, items=items, day=query.validated_data["day"])
        return Response(FreeTimeSerializer([{"starts_at": moment} for moment in times], many=True).data)


class HoldCreate(PublicView):
    @extend_schema(
        tags=TAGS,
        request=HoldRequestSerializer,
        responses={
            201: HoldSerializer,
            400: OpenApiResponse(INPUT_ERROR, description="Eingaben oder ALTCHA-Lösung ungültig."),
            409: OpenApiResponse(ErrorSerializer, description="Die Zeit ist nicht (mehr) frei oder nicht buchbar."),
            429: OpenApiResponse(ErrorSerializer, description="Zu viele Reservierungen von dieser Adresse."),
        },
    )
    def post(self, request: Request) -> Response:
        """Hold a time for a few minutes; the link to confirm it goes to the e-mail address, never into the answer."""
        body = HoldRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        raw_items = ",".join(f"{item['service']}:{item['quantity']}" for item in data["items"])
        items = _items(self.municipality, raw_items)
        location = _location(self.municipality, data["location"], items)
        try:
            antibot.altcha_verify(data["altcha"])
            antibot.hold_rate_limit(self.django_request, email=data["email"], proof_of_work=True)
        except antibot.AntiBotRefused as refusal:
            return _error(refusal.message, refusal.status)
        try:
            appointment = services.appointment_hold(
                municipality=self.municipality,
                location=location,
                items=items,
                starts_at=data["starts_at"],
                name=data["name"],
                email=data["email"],
                phone=data.get("phone", ""),
                idempotency_key=data.get("idempotency_key") or None,
            )
        except services.BookingRefused as refusal:
            return _error(refusal.message, status.HTTP_409_CONFLICT)
        return Response(HoldSerializer(appointment).data, status=status.HTTP_201_CREATED)


class Cancel(PublicView):
    @extend_schema(
        tags=TAGS,
        request=CancelRequestSerializer,
        responses={
            200: CancelledSerializer,
            400: OpenApiResponse(
                INPUT_ERROR, description="Kein gültiger Link, oder der Termin kann nicht mehr abgesagt werden."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """Cancel an appointment with the token of its "manage" link; the time is free again at once."""
        body = CancelRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            appointment = tokens.appointment_from_token(
                municipality=self.municipality, token=body.validated_data["token"], purpose="manage"
            )
            if appointment.state != Appointment.State.CANCELLED and not is_changeable(appointment):
                return _error(NOT_CANCELLABLE, status.HTTP_400_BAD_REQUEST)
            appointment = services.appointment_cancel(appointment=appointment, reason="über die API abgesagt")
        except services.BookingRefused as refusal:
            return _error(refusal.message, status.HTTP_400_BAD_REQUEST)
        return Response(CancelledSerializer(appointment).data)


class Challenge(PublicView):
    @extend_schema(tags=TAGS, responses={200: ChallengeSerializer, 429: ErrorSerializer})
    def get(self, request: Request) -> Response:
        """A fresh ALTCHA challenge (protocol v2, PBKDF2/SHA-256); solve it and send the payload with the hold."""
        if antibot.challenge_rate_limited(self.django_request):
            return _error(antibot.TOO_MANY, status.HTTP_429_TOO_MANY_REQUESTS)
        response = Response(antibot.altcha_challenge())
        response["Cache-Control"] = "no-store"
        return response
