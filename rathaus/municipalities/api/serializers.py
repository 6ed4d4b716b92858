from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rathaus.portal.api_schema import LOCAL_TIME

from ..models import Municipality, OpeningHours, OrganisationalUnit


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = [
            "name",
            "short_name",
            "slug",
            "ags",
            "ars",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "website",
        ]


@extend_schema_field(LOCAL_TIME)
class LocalTimeField(serializers.TimeField):
    """A time of day in the municipality's local time, written ``08:00:00`` (no time zone)."""


class OpeningHoursSerializer(serializers.ModelSerializer):
    opens = LocalTimeField()
    closes = LocalTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class OrganisationalUnitSerializer(serializers.ModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = OrganisationalUnit
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "accessibility",
            "opening_hours_note",
            "opening_hours",
        ]
