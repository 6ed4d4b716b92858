"""Open311 GeoReport v2 (/open311/v2/) and the staff pages that issue its API keys (/verwaltung/open311/)."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import staff_views, views

app_name = "open311"

_FORMAT = r"\.(?P<fmt>xml|json)$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^open311/v2/discovery" + _FORMAT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + _FORMAT, views.service_list, name="services"),
    re_path(r"^open311/v2/services/(?P<service_code>[^/]+?)" + _FORMAT, views.service_definition, name="service"),
    re_path(r"^open311/v2/requests" + _FORMAT, views.service_requests, name="requests"),
    re_path(
        r"^open311/v2/requests/(?P<service_request_id>[^/]+?)" + _FORMAT, views.service_request_detail, name="request"
    ),
    re_path(r"^open311/v2/tokens/(?P<token>[^/]+?)" + _FORMAT, views.token_detail, name="token"),
    re_path(r"^open311/v2/(?P<rest>.*)$", views.not_found, name="not_found"),
    path("verwaltung/open311/", staff_views.client_list, name="staff_client_list"),
    path("verwaltung/open311/neu/", staff_views.client_create, name="staff_client_create"),
    path("verwaltung/open311/<int:client_id>/sperren/", staff_views.client_revoke, name="staff_client_revoke"),
]
