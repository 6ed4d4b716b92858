"""Administrators' pages under /verwaltung/vorgangsarten/: case types per service."""

from django.urls import URLPattern, URLResolver, path

from . import casetype_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", casetype_views.case_type_list, name="case_type_list"),
    path("<int:service_id>/", casetype_views.case_type_edit, name="case_type_edit"),
]
