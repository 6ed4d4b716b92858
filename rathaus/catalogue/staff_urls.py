"""Back-office pages of the catalogue under /verwaltung/leistungen/ (municipality administrators)."""

from django.urls import URLPattern, path

from . import staff_views

urlpatterns: list[URLPattern] = [
    path("", staff_views.service_list, name="staff_service_list"),
    path("neu/", staff_views.service_create, name="staff_service_create"),
    path("online-dienste/", staff_views.online_service_list, name="staff_online_service_list"),
    path("online-dienste/<int:pk>/schalten/", staff_views.online_service_toggle, name="staff_online_service_toggle"),
    path("importe/", staff_views.import_list, name="staff_import_list"),
    path("importe/<int:pk>/", staff_views.import_detail, name="staff_import_detail"),
    # After the fixed paths, which would otherwise be read as service slugs.
    path("<slug:slug>/", staff_views.service_edit, name="staff_service_edit"),
    path("<slug:slug>/zuruecksetzen/", staff_views.service_reset, name="staff_service_reset"),
]
