from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rathaus.municipalities.models import OrganisationalUnit

from ..models import OnlineService, Service, Topic
from ..xzufi import TEXT_FIELDS

LANGUAGE_CHOICES = [("de", "Deutsch"), ("en", "Englisch")]
MAX_QUERY_LENGTH = 200


class LanguageQuerySerializer(serializers.Serializer):
    sprache = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        default="de",
        help_text="Sprache der Suche: „de“ (Voreinstellung) oder „en“.",
        error_messages={"invalid_choice": "„{input}“ ist keine unterstützte Sprache. Erlaubt sind „de“ und „en“."},
    )


class ServiceListQuerySerializer(LanguageQuerySerializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text="Suchbegriff für die Volltextsuche; Treffer erscheinen nach Relevanz sortiert.",
        error_messages={"max_length": "Der Suchbegriff darf höchstens {max_length} Zeichen lang sein."},
    )
    lebenslage = serializers.SlugField(
        required=False,
        help_text="Nur Leistungen dieser Lebenslage (Kürzel). Eine unbekannte Lebenslage ergibt 404.",
        error_messages={"invalid": "Das Kürzel einer Lebenslage besteht aus Buchstaben, Ziffern, - und _."},
    )


class ServiceSearchQuerySerializer(LanguageQuerySerializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text="Suchbegriff, z. B. „Perso“ oder „Wohnsitz anmelden“.",
        error_messages={
            "required": "Bitte geben Sie einen Suchbegriff an.",
            "blank": "Bitte geben Sie einen Suchbegriff an.",
            "null": "Bitte geben Sie einen Suchbegriff an.",
            "max_length": "Der Suchbegriff darf höchstens {max_length} Zeichen lang sein.",
        },
    )


class _PublicPageMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="Adresse der Leistung im Portal.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, service: Service) -> str:
        path = reverse("catalogue:service_detail", args=[service.slug])
        return self.context["request"].build_absolute_uri(path)  # type: ignore[no-any-return]


class ServiceSummarySerializer(_PublicPageMixin, serializers.ModelSerializer):
    online_available = serializers.BooleanField(read_only=True, help_text="Es gibt ein Online-Angebot.")
    api_url = serializers.HyperlinkedIdentityField(view_name="api:service-detail", lookup_field="slug")

    class Meta:
        model = Service
        fields = [
            "slug",
            "name",
            "name_en",
            "teaser",
            "teaser_en",
            "leika_key",
            "service_type",
            "online_available",
            "url",
            "api_url",
        ]


class ResponsibleOfficeSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:office-detail", lookup_field="slug")

    class Meta:
        model = OrganisationalUnit
        fields = ["slug", "name", "api_url"]


class OnlineServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnlineService
        fields = ["name", "name_en", "url", "trust_level"]


class LifeSituationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class ServiceDetailSerializer(_PublicPageMixin, serializers.ModelSerializer):
    online_available = serializers.BooleanField(read_only=True, help_text="Es gibt ein Online-Angebot.")
    api_url = serializers.HyperlinkedIdentityField(view_name="api:service-detail", lookup_field="slug")
    synonyms = serializers.SerializerMethodField(help_text="Suchbegriffe, z. B. „Perso“ für Personalausweis.")
    responsible_offices = ResponsibleOfficeSerializer(source="responsible_units", many=True, read_only=True)
    online_services = OnlineServiceSerializer(source="enabled_online_services", many=True, read_only=True)
    life_situations = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = [
            "slug",
            # Every text module in German and English; the texts are sanitised HTML.
            *(name for field in TEXT_FIELDS for name in (field, f"{field}_en")),
            "fee_min",
            "fee_max",
            "synonyms",
            "leika_key",
            "service_type",
            "written_form_required",
            "appointment_available",
            "online_available",
            "url",
            "api_url",
            "responsible_offices",
            "online_services",
            "life_situations",
        ]

    def get_synonyms(self, service: Service) -> list[str]:
        return [line.strip() for line in service.synonyms.splitlines() if line.strip()]

    @extend_schema_field(LifeSituationRefSerializer(many=True))
    def get_life_situations(self, service: Service) -> list[dict[str, str]]:
        # Topics are prefetched by the selector; categories stay out.
        topics = [topic for topic in service.topics.all() if topic.kind == Topic.Kind.LIFE_SITUATION]
        return LifeSituationRefSerializer(topics, many=True, context=self.context).data  # type: ignore[return-value]


class LifeSituationSerializer(serializers.ModelSerializer):
    service_count = serializers.IntegerField(read_only=True, help_text="Zahl der veröffentlichten Leistungen.")

    class Meta:
        model = Topic
        fields = ["slug", "name", "name_en", "description", "description_en", "service_count"]


class ServiceSearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="Der Suchbegriff, wie er gesucht wurde.")
    spelling_corrected = serializers.BooleanField(
        help_text="Nichts passte wörtlich; die Treffer stammen von ähnlich geschriebenen Wörtern."
    )
    results = ServiceSummarySerializer(many=True)
