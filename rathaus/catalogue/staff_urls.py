"""Back-office pages of the catalogue under /verwaltung/leistungen/ (municipality administrators)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
