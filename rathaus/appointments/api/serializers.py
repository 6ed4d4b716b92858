"""Shapes of the booking API: locations, services, free days and times, holds, cancellation."""

import datetime

from rest_framework import serializers

from ..models import Appointment, AppointmentService, Location

ITEMS_HELP = "Anliegen als „<Leistungs-ID>:<Anzahl>“, mehrere durch Komma getrennt, z. B. „3:1,5:2“."


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "slug",
            "name",
            "street",
            "postal_code",
            "city",
            "accessibility",
            "directions",
            "slot_minutes",
            "booking_min_days",
            "booking_max_days",
        ]


class AppointmentServiceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="service.name", read_only=True)
    service_slug = serializers.CharField(source="service.slug", read_only=True)
    required_documents = serializers.CharField(source="service.required_documents", read_only=True)

    class Meta:
        model = AppointmentService
        fields = [
            "id",
            "name",
            "service_slug",
            "duration_minutes",
            "max_quantity",
            "in_person_required",
            "fair_release",
            "required_documents",
        ]


class AvailabilityQuerySerializer(serializers.Serializer):
    location = serializers.SlugField(help_text="Kürzel des Standorts (aus /appointments/locations/).")
    items = serializers.CharField(max_length=200, help_text=ITEMS_HELP)


class DaysQuerySerializer(AvailabilityQuerySerializer):
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$",
        required=False,
        help_text="Monat „JJJJ-MM“; ohne Angabe das ganze Buchungsfenster.",
        error_messages={"invalid": "Bitte geben Sie den Monat als JJJJ-MM an, z. B. 2026-12."},
    )


class TimesQuerySerializer(AvailabilityQuerySerializer):
    day = serializers.DateField(help_text="Tag „JJJJ-MM-TT“.")


class FreeDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    free_times = serializers.IntegerField(help_text="Anzahl freier Startzeiten an diesem Tag.")


class FreeTimeSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()


class MomentField(serializers.DateTimeField):
    """A date and time; one at the ends of the calendar is refused as out of range, not a server error.

    Django REST framework catches the overflow only for a value given with an offset; a naive one near
    the year 1 or 9999 overflowed when made aware."""

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class ItemSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="ID der Terminleistung (aus /appointments/services/).")
    quantity = serializers.IntegerField(min_value=1, max_value=10, default=1)


class HoldRequestSerializer(serializers.Serializer):
    location = serializers.SlugField()
    items = ItemSerializer(many=True, allow_empty=False)
    starts_at = MomentField(help_text="Eine der freien Startzeiten, mit Zeitzone.")
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    altcha = serializers.CharField(
        max_length=4000, help_text="Gelöste ALTCHA-Aufgabe (Base64-JSON) zu einer Aufgabe von /appointments/altcha/."
    )
    idempotency_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="Gleicher Schlüssel, gleiche Reservierung."
    )


class HoldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = ["uuid", "code", "state", "starts_at", "ends_at", "hold_expires_at"]


class CancelRequestSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="Das Token aus dem Link „Termin verwalten“ der E-Mail.")


class CancelledSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = ["uuid", "code", "state"]


class ChallengeSerializer(serializers.Serializer):
    parameters = serializers.DictField(help_text="ALTCHA-Parameter (Protokoll v2, PBKDF2/SHA-256).")
    signature = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
