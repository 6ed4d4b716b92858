from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from rathaus.portal import views as portal_views
from rathaus.portal.api_schema import LINKS


@extend_schema(tags=["api"], auth=[], responses={200: OpenApiResponse(LINKS, description="Die Adressen der API.")})
@api_view(["GET"])
@permission_classes([AllowAny])
@authentication_classes([])
def api_root(request: Request) -> Response:
    """Entry point of the Rathaus API, version 1."""
    return Response(
        {
            "municipality": reverse("api:municipality", request=request),
            "offices": reverse("api:office-list", request=request),
            "services": reverse("api:service-list", request=request),
            "life_situations": reverse("api:life-situation-list", request=request),
            "search": reverse("api:service-search", request=request),
            "form_definition_schema": reverse("api:form-definition-schema", request=request),
            "schema": reverse("api:schema", request=request),
            "documentation": reverse("api:docs", request=request),
        }
    )


api_patterns: list[URLPattern | URLResolver] = [
    path("", api_root, name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles; scripts stay 'self' only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", http_method_names=["get", "head"])
        ),
        name="docs",
    ),
    path("", include("rathaus.municipalities.api.urls")),
    path("", include("rathaus.catalogue.api.urls")),
    path("", include("rathaus.applications.api.urls")),
    path("", include("rathaus.appointments.api.urls")),
]

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("readyz", portal_views.readyz, name="readyz"),
    path("api/v1/", include((api_patterns, "api"))),
    path("konto/", include("allauth.urls")),
    path("mein-konto/", include("rathaus.accounts.urls")),
    path("verwaltung/mitarbeitende/", include("rathaus.accounts.staff_urls")),
    path("plattform/admin/", admin.site.urls),
    path("", include("rathaus.catalogue.urls")),
    path("", include("rathaus.applications.urls")),
    path("", include("rathaus.cases.urls")),
    path("", include("rathaus.postbox.urls")),
    path("", include("rathaus.appointments.urls")),
    path("", include("rathaus.visits.urls")),
    path("", include("rathaus.reports.urls")),
    path("", include("rathaus.reports.open311.urls")),
    path("", include("rathaus.roadmap.urls")),
    path("", include("rathaus.municipalities.urls")),
    path("", include("rathaus.portal.urls")),
]

# Uploaded files (logos); in production the web server or object storage serves MEDIA_URL.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
