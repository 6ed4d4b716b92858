"""Back-office pages of online applications: hand-offs to the administration (/verwaltung/antraege/uebergaben/)."""

from django.urls import URLPattern, path

from . import handoff_views

urlpatterns: list[URLPattern] = [
    path("", handoff_views.handoff_list, name="staff_handoff_list"),
    path("<uuid:pk>/erneut-senden/", handoff_views.handoff_resend, name="staff_handoff_resend"),
]
