"""The published JSON Schema of form definitions, for tools that write or check forms."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from rathaus.applications.definition import schema


@extend_schema(
    tags=["forms"],
    auth=[],
    responses={
        (200, "application/schema+json"): OpenApiResponse(
            {"type": "object"}, description="JSON Schema (draft 2020-12) of a form definition."
        )
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
@authentication_classes([])
def form_definition_schema(request: Request) -> Response:
    """JSON Schema that every online form definition is validated against."""
    return Response(schema(), content_type="application/schema+json")
