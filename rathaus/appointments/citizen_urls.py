"""Citizen pages under /termine/: booking, confirmation, cancel and move by link, waitlist, fair release."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
