"""Staff pages under /verwaltung/termine/: locations, counters, opening hours, closures, services, phone booking."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
