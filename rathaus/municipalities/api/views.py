from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import OrganisationalUnit
from .serializers import MunicipalitySerializer, OrganisationalUnitSerializer


class MunicipalityView(generics.GenericAPIView):
    """The municipality served under the requested host name."""

    serializer_class = MunicipalitySerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF

    @extend_schema(operation_id="municipality_retrieve")
    def get(self, request: Request) -> Response:
        """Name, official keys and contact data of this municipality."""
        return Response(self.get_serializer(request.municipality).data)  # type: ignore[attr-defined]


class OrganisationalUnitList(generics.ListAPIView):
    """Offices (Organisationseinheiten) of this municipality with their opening hours."""

    serializer_class = OrganisationalUnitSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF

    def get_queryset(self) -> QuerySet[OrganisationalUnit]:
        return selectors.unit_list(municipality=self.request.municipality)  # type: ignore[attr-defined]


class OrganisationalUnitDetail(generics.RetrieveAPIView):
    """One office of this municipality."""

    serializer_class = OrganisationalUnitSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no login, no CSRF
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[OrganisationalUnit]:
        return selectors.unit_list(municipality=self.request.municipality)  # type: ignore[attr-defined]

    @extend_schema(
        responses={
            200: OrganisationalUnitSerializer,
            404: OpenApiResponse(description="Das Amt gibt es in dieser Kommune nicht."),
        }
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        """One office with its contact data and opening hours."""
        return super().get(request, *args, **kwargs)
