from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from rathaus.portal.api_schema import INPUT_ERROR

from .. import selectors
from ..models import Service, Topic
from .serializers import (
    LifeSituationSerializer,
    ServiceDetailSerializer,
    ServiceListQuerySerializer,
    ServiceSearchQuerySerializer,
    ServiceSearchResultSerializer,
    ServiceSummarySerializer,
)

# Search hits behind the paginated list; the dedicated search endpoint shows the best few only.
LIST_SEARCH_LIMIT = 200
SEARCH_LIMIT = 20


class ServiceList(generics.ListAPIView):
    """Published services of this municipality, alphabetically or, with a search term, best match first."""

    serializer_class = ServiceSummarySerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF

    def get_queryset(self) -> QuerySet[Service]:
        return selectors.service_list(municipality=self.request.municipality)  # type: ignore[attr-defined]

    @extend_schema(
        parameters=[ServiceListQuerySerializer],
        responses={
            200: ServiceSummarySerializer(many=True),
            400: OpenApiResponse(INPUT_ERROR, description="Ungültiger Suchbegriff oder ungültige Sprache."),
            404: OpenApiResponse(description="Die Lebenslage gibt es in dieser Kommune nicht."),
        },
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Published services; ?q= searches (at most 200 hits), ?lebenslage= narrows to one life situation."""
        params = ServiceListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        municipality = request.municipality  # type: ignore[attr-defined]
        query, topic_slug = params.validated_data.get("q", ""), params.validated_data.get("lebenslage")

        services: QuerySet[Service] | list[Service] = self.get_queryset()
        if topic_slug:
            try:
                topic = selectors.topic_get(municipality=municipality, kind=Topic.Kind.LIFE_SITUATION, slug=topic_slug)
            except Topic.DoesNotExist:
                raise NotFound("Diese Lebenslage gibt es hier nicht.") from None
            services = selectors.services_for_topic(municipality=municipality, topic=topic)
        if query:
            hits = selectors.service_search(
                municipality=municipality,
                query=query,
                language=params.validated_data["sprache"],
                limit=LIST_SEARCH_LIMIT,
            ).services
            if topic_slug:
                in_topic = {service.pk for service in services}
                hits = [service for service in hits if service.pk in in_topic]
            services = hits

        # LimitOffsetPagination slices any sequence, so ranked search hits page like a queryset.
        page = self.paginate_queryset(services)  # type: ignore[arg-type]
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class ServiceDetail(generics.RetrieveAPIView):
    """One published service with every text module in German and English."""

    serializer_class = ServiceDetailSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Service]:
        return selectors.service_list(municipality=self.request.municipality)  # type: ignore[attr-defined]

    @extend_schema(
        responses={
            200: ServiceDetailSerializer,
            404: OpenApiResponse(description="Die Leistung gibt es in dieser Kommune nicht oder nicht veröffentlicht."),
        }
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Every text module in German and English, fees, offices, online offers and life situations."""
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Service:
        try:
            return selectors.service_get(
                municipality=self.request.municipality,  # type: ignore[attr-defined]
                slug=self.kwargs["slug"],
            )
        except Service.DoesNotExist:
            raise NotFound("Diese Leistung gibt es hier nicht.") from None


class LifeSituationList(generics.ListAPIView):
    """Life situations (Lebenslagen) of this municipality that contain a published service."""

    serializer_class = LifeSituationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF

    def get_queryset(self) -> QuerySet[Topic]:
        return selectors.topic_list(
            municipality=self.request.municipality,  # type: ignore[attr-defined]
            kind=Topic.Kind.LIFE_SITUATION,
        )


class ServiceSearch(generics.GenericAPIView):
    """Full-text search over this municipality's published services."""

    serializer_class = ServiceSearchResultSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF

    @extend_schema(
        operation_id="search_services",
        tags=["services"],
        parameters=[ServiceSearchQuerySerializer],
        responses={
            200: ServiceSearchResultSerializer,
            400: OpenApiResponse(INPUT_ERROR, description="Kein, zu langer Suchbegriff oder ungültige Sprache."),
        },
    )
    def get(self, request: Request) -> Response:
        """The 20 best matches; a typo is forgiven and then reported as spelling_corrected."""
        params = ServiceSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data["q"]
        result = selectors.service_search(
            municipality=request.municipality,  # type: ignore[attr-defined]
            query=query,
            language=params.validated_data["sprache"],
            limit=SEARCH_LIMIT,
        )
        payload = {"query": query, "spelling_corrected": result.spelling_corrected, "results": result.services}
        return Response(self.get_serializer(payload).data)
