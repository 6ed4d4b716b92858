from rest_framework import serializers

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


class OpeningHoursSerializer(serializers.ModelSerializer):
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
